#!/usr/bin/env bash
# Copies the README's screenshots (docs/screenshots/) from the artifacts of the last
# browser-test run (end2end/test-results/, written by `make e2e` or `make test`), so the
# pictures always show the dashboard as the tests last saw it.
#
# Each line: the README's file, the test's artifact folder (a glob; Playwright names
# folders after the spec and test title, cut and hashed), the screenshot in it.
set -euo pipefail
cd "$(dirname "$0")/.."

results=end2end/test-results
out=docs/screenshots
mkdir -p "$out"

missing=0
while read -r target folder file; do
  [ -n "$target" ] || continue
  # shellcheck disable=SC2206 # the folder is a glob on purpose
  matches=($results/$folder/$file)
  if [ ! -f "${matches[0]}" ]; then
    echo "readme-screenshots: no $folder/$file in $results (run make e2e first)" >&2
    missing=1
    continue
  fi
  cp "${matches[0]}" "$out/$target"
  echo "readme-screenshots: $out/$target <- ${matches[0]#"$results/"}"
done <<'MAP'
home.png            home-*-desktop                                01-home.png
streams.png         stream-list-filters-indivi*-desktop           04-filtered-expanded.png
streams-phone.png   stream-list-filters-indivi*-phone             04-filtered-expanded.png
stream-overview.png stream-profiles-*-desktop                     01-two-members.png
code-snippets.png   snippets-*-desktop                            02-snippets-fixed-fast.png
create-stream.png   create-stream-*-desktop                       02-abr-filled.png
live-processing.png live-processing-thumbnails-*-desktop          03-synced-transcode-replay.png
tokens.png          tokens-*-desktop                              02-token-issued.png
organisation.png    organisation-admin-details-*-desktop          01-admin.png
MAP
exit "$missing"

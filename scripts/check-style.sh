#!/usr/bin/env bash
# The design system's one rule a machine can check (part of `make test`): colours are
# tokens. A colour literal (#rgb, #rrggbb, rgb(), rgba(), hsl()) may only appear where a
# token is defined, i.e. on a `--name: value;` line of style/main.css; every other rule
# uses var(--…). And the bundled font's name carries its hash. See docs/design.md.
set -euo pipefail
cd "$(dirname "$0")/.."

pattern='#[0-9a-fA-F]{3,8}\b|\b(rgba?|hsla?)\('
found=$(grep -nE "$pattern" style/*.css | grep -vE '^style/main\.css:[0-9]+:\s*--[a-z0-9-]+:' || true)
if [ -n "$found" ]; then
  echo "check-style: colour literals outside the tokens of style/main.css (use a var(--color-…) token):" >&2
  echo "$found" >&2
  exit 1
fi

# A bundled file whose name carries a hash is cached for a year by browsers: the hash
# must be the first 16 hex digits of the file's SHA-256, so a changed file gets a new name.
for file in public/fonts/*.woff2; do
  name=$(basename "$file" .woff2)
  want=$(sha256sum "$file" | cut -c1-16)
  if [ "${name##*-}" != "$want" ]; then
    echo "check-style: $file is named for another file: its SHA-256 starts with $want" >&2
    exit 1
  fi
  grep -q "/fonts/$name.woff2" style/main.css || {
    echo "check-style: style/main.css does not load $file" >&2
    exit 1
  }
done
echo "check-style: every colour in style/ is a token; bundled fonts named by their hash"

#!/bin/sh
# Trunk's post-build hook: in a release build, writes a brotli (quality 11) and a gzip
# (level 9) copy beside each hashed file of the dashboard (`<name>-<hex hash>[_bg].<ext>`,
# and every file in the wasm module's folder `app-<hex hash>/`),
# which the server sends to browsers that accept them instead of compressing on every
# request. A debug build (`trunk serve`) is left alone. Needs `brotli` (Debian's package;
# `scripts/tools.sh rust` installs it).
set -eu

dir="${TRUNK_STAGING_DIR:?run by trunk}"
[ "${TRUNK_PROFILE:-debug}" = release ] || exit 0
if ! command -v brotli >/dev/null; then
  echo "precompress.sh: brotli is missing (apt-get install brotli, or scripts/tools.sh rust)" >&2
  exit 1
fi
compress() {
  gzip -9 -k -f -n "$1"
  brotli -q 11 -k -f "$1"
}
for file in "$dir"/*; do
  case "$file" in
    *.js | *.wasm | *.css) ;;
    *) continue ;;
  esac
  name="$(basename "$file")"
  stem="${name%%.*}"
  stem="${stem%_bg}"
  hash="${stem##*-}"
  # Only hashed files (the hash is hex without leading zeros: 8 to 16 digits, as the
  # server reads it): they never change, so their copies never go stale.
  if [ "${#hash}" -lt 8 ] || [ "${#hash}" -gt 16 ] || ! printf '%s' "$hash" | grep -qx '[0-9a-f]*'; then
    continue
  fi
  compress "$file"
done
# The wasm modules and their scripts (scripts/build-wasm.sh): the folder's name carries
# the hash of everything in it.
for file in "$dir"/app-*/*.js "$dir"/app-*/*.wasm; do
  if [ -f "$file" ]; then compress "$file"; fi
done

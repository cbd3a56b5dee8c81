#!/usr/bin/env bash
# Trunk's post-build hook, first half: builds the dashboard's wasm module and splits it
# (the second half is scripts/precompress.sh).
#
# The router marks the pages that are not first screens as lazy (app/src/router.rs,
# `deferred_page!`). Their code is cut out of the main module into modules of their own,
# fetched the first time such a page opens, so a cold visit of the stream list downloads
# only what it draws. Trunk cannot split a module, so this script does what its Rust
# pipeline would, with the split in the middle:
#   1. cargo builds the app for wasm32 (the wasm-release profile in a release build),
#      linked with relocations (.cargo/config.toml) so the module can be cut apart;
#   2. `wasm-split-cli` cuts it: `main.wasm`, one module per lazy page, chunks shared by
#      several, and `__wasm_split.js`, which loads them on demand;
#   3. wasm-bindgen makes `main.js` and `main_bg.wasm` of the main module;
#   4. all of it goes to `app-<hash>/` in the staging folder, the hash taken over every
#      file, so the server can cache the folder's files for a year (server/src/web.rs);
#   5. the page's marker comment becomes the preloads and the start-up script.
# Needs `wasm-split-cli` and `wasm-bindgen` (scripts/tools.sh rust installs both).
set -euo pipefail

staging="${TRUNK_STAGING_DIR:?run by trunk (Trunk.toml, post_build hook)}"
root="$(cd "$(dirname "$0")/.." && pwd)"
marker='<!-- castboard-app -->'

if [ "${TRUNK_PROFILE:-debug}" = release ]; then
  profile=wasm-release
  out_dir=wasm-release
else
  profile=dev
  out_dir=debug
fi
for tool in wasm-split-cli wasm-bindgen; do
  if ! command -v "$tool" >/dev/null; then
    echo "build-wasm.sh: $tool is missing (scripts/tools.sh rust installs it)" >&2
    exit 1
  fi
done

cd "$root"
cargo build -p castboard-app --bin castboard-app --target wasm32-unknown-unknown \
  --profile "$profile"
target_dir="$(cargo metadata --format-version 1 --no-deps | sed 's/.*"target_directory":"\([^"]*\)".*/\1/')"
input="$target_dir/wasm32-unknown-unknown/$out_dir/castboard-app.wasm"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
wasm-split-cli --target web "$input" "$work/split" >/dev/null
# --keep-lld-exports keeps what __wasm_split.js hands to the split modules (the memory,
# the function table, shared symbols); --no-demangle keeps the split points' names.
wasm-bindgen "$work/split/main.wasm" --out-dir "$work/app" --out-name main --target web \
  --no-typescript --no-demangle --keep-lld-exports
rm "$work/split/main.wasm"
mv "$work/split"/* "$work/app/"

hash="$(cd "$work/app" && LC_ALL=C ls | xargs cat | sha256sum | cut -c1-16)"
app="app-$hash"
mv "$work/app" "$staging/$app"

if ! grep -qF "$marker" "$staging/index.html"; then
  echo "build-wasm.sh: app/html/index.html has no '$marker' line to replace" >&2
  exit 1
fi
# The start-up script is inline; the server moves it to a file of its own at start
# (the Content-Security-Policy allows no inline script).
{
  printf '    <link rel="modulepreload" href="/%s/main.js" />\n' "$app"
  printf '    <link rel="preload" href="/%s/main_bg.wasm" as="fetch" type="application/wasm" crossorigin="anonymous" />\n' "$app"
  printf '    <script type="module">\n'
  printf "      import init from '/%s/main.js';\n" "$app"
  printf "      await init({ module_or_path: '/%s/main_bg.wasm' });\n" "$app"
  printf '    </script>\n'
} >"$work/tags.html"
awk -v marker="$marker" -v tags="$work/tags.html" '
  index($0, marker) { while ((getline line < tags) > 0) print line; next }
  { print }
' "$staging/index.html" >"$work/index.html"
mv "$work/index.html" "$staging/index.html"

#!/usr/bin/env bash
# Installs the tools Castboard's build and tests need, skipping what is already there.
# Usage: scripts/tools.sh rust|browser|node|media|player|postgres|all
# Versions are pinned here; README.md (Set-up) says why these ones.
set -euo pipefail

TRUNK_VERSION=0.21.14
WASM_BINDGEN_VERSION=0.2.130   # must equal the `wasm-bindgen = "=…"` pin in app/Cargo.toml
# The splitter of the dashboard's wasm module (scripts/build-wasm.sh): the CLI published
# beside the wasm_split_helpers runtime that Leptos's lazy routes use (Cargo.lock).
WASM_SPLIT_VERSION=0.2.4
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"

say() { printf '==> %s\n' "$*" >&2; }

# Compiling the two CLIs without LTO and with parallel codegen halves their build time.
cargo_install() {
  CARGO_PROFILE_RELEASE_LTO=off CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 cargo install "$@"
}

rust_tools() {
  if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    say "adding the wasm32-unknown-unknown target"
    rustup target add wasm32-unknown-unknown
  fi
  if [ "$(trunk --version 2>/dev/null || true)" != "trunk $TRUNK_VERSION" ]; then
    say "installing trunk $TRUNK_VERSION (a few minutes, once)"
    cargo_install trunk --version "$TRUNK_VERSION" --locked --force
  fi
  if [ "$(wasm-bindgen --version 2>/dev/null || true)" != "wasm-bindgen $WASM_BINDGEN_VERSION" ]; then
    say "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (a minute or two, once)"
    # Not --locked: its lock file does not resolve with this toolchain.
    cargo_install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force
  fi
  if ! cargo install --list | grep -qx "wasm_split_cli_support v$WASM_SPLIT_VERSION:"; then
    say "installing wasm-split-cli $WASM_SPLIT_VERSION (a minute, once)"
    cargo_install wasm_split_cli_support --version "$WASM_SPLIT_VERSION" --features build-binary \
      --locked --force
  fi
}

apt_install() {
  local sudo=""
  if [ "$(id -u)" != 0 ]; then sudo="sudo"; fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$@" >/dev/null
}

browser() {
  if [ ! -x /usr/bin/chromium ]; then
    say "installing Debian's chromium for the browser tests"
    apt_install chromium
  fi
}

# The media server and encoder: nginx with the RTMP module, ffmpeg, and a font for
# burned-in clocks.
media() {
  local missing=()
  command -v nginx >/dev/null || missing+=(nginx)
  [ -f /usr/lib/nginx/modules/ngx_rtmp_module.so ] || missing+=(libnginx-mod-rtmp)
  command -v ffmpeg >/dev/null || missing+=(ffmpeg)
  [ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || missing+=(fonts-dejavu-core)
  if [ ${#missing[@]} -gt 0 ]; then
    say "installing the media parts: ${missing[*]}"
    apt_install "${missing[@]}"
  fi
}

# PostgreSQL's server, for the store's tests on that backend (scripts/postgres.sh starts
# a throwaway cluster; nothing is started here). Debian's package also creates the
# cluster owner `postgres`, who runs the test clusters when the tests run as root.
postgres() {
  if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || ! id postgres >/dev/null 2>&1; then
    say "installing Debian's postgresql for the store's tests"
    apt_install postgresql
  fi
}

# brotli for the release build's precompressed dashboard files (scripts/precompress.sh).
compressors() {
  if ! command -v brotli >/dev/null; then
    say "installing brotli for the dashboard's precompressed files"
    apt_install brotli
  fi
}

npm_tool() {
  if ! command -v npm >/dev/null; then
    say "installing Node.js and npm from Debian"
    apt_install nodejs npm
  fi
}

# `npm ci` in folder $1 when its lock file is newer than the last install.
npm_packages() {
  local stamp="$1/node_modules/.castboard-installed"
  if [ ! -f "$stamp" ] || [ "$1/package-lock.json" -nt "$stamp" ]; then
    say "$2 (npm ci in $1/)"
    (cd "$1" && npm ci --no-audit --no-fund)
    touch "$stamp"
  fi
}

node_modules() {
  npm_tool
  npm_packages end2end "installing the browser-test packages"
}

# hls.js, which the server embeds in the player script (server/build.rs).
player() {
  npm_tool
  npm_packages player "installing the player's hls.js"
}

case "${1:-all}" in
  rust) rust_tools; compressors ;;
  browser) browser ;;
  node) node_modules ;;
  media) media ;;
  player) player ;;
  postgres) postgres ;;
  all) rust_tools; compressors; player; browser; media; postgres; node_modules ;;
  *) echo "usage: $0 rust|browser|node|media|player|postgres|all" >&2; exit 2 ;;
esac

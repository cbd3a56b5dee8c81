#!/usr/bin/env bash
# The media figures (part of `make bench`): a release server with its own nginx-rtmp on a
# fresh database, then, in Chromium, encoder start → live badge, lock → encoder cut and
# glass-to-glass latency per latency mode, publish to every member of a transcoded group
# live, CPU per rendition, thumbnail freshness and the health event's delay to the browser,
# as p50/p95 (end2end/bench-media/media.spec.ts). The organisation has the `transcoding`
# and `live_processing` packages.
#
# Inputs: BENCH_MEDIA_PORT (default 23201; RTMP on the next port), BENCH_MEDIA_RUNS
# (default 10 publish/lock rounds), BENCH_MEDIA_GROUP_RUNS (default 4 group publishes),
# CARGO_TARGET_DIR (where cargo builds; default target).
set -euo pipefail
cd "$(dirname "$0")/.."

port="${BENCH_MEDIA_PORT:-23201}"
rtmp_port=$((port + 1))
run="target/bench/media"
email="bench-media@castboard.test"
password="bench-media-password"

trunk build --release >/dev/null
cargo build --release -p castboard-server >/dev/null 2>&1
bin="${CARGO_TARGET_DIR:-target}/release/castboard"

rm -rf "$run"
mkdir -p "$run"
db="sqlite://$run/media.db"
"$bin" org create --name "Media bench" --admin-email "$email" --admin-password "$password" \
  --database-url "$db" --log warn >"$run/org.json"
# The organisation's hash from the JSON it prints (the only "hash" key in it).
hash=$(sed -n 's/.*"hash":"\([^"]*\)".*/\1/p' "$run/org.json")
for feature in transcoding live_processing; do
  "$bin" org feature "$hash" "$feature" on --database-url "$db" --log warn >/dev/null
done

"$bin" serve --listen "127.0.0.1:$port" --database-url "$db" --assets-dir dist --log warn \
  --media embedded --rtmp-listen "127.0.0.1:$rtmp_port" --media-dir "$run/media" >/dev/null &
server=$!
trap 'kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
  curl -fs "http://127.0.0.1:$port/api/v1/openapi.json" >/dev/null 2>&1 && break
  sleep 0.2
done

cd end2end
BENCH_MEDIA_URL="http://127.0.0.1:$port" BENCH_MEDIA_RTMP="rtmp://127.0.0.1:$rtmp_port/live" \
  BENCH_MEDIA_EMAIL="$email" BENCH_MEDIA_PASSWORD="$password" \
  npx playwright test -c media-bench.config.ts

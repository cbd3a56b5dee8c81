#!/usr/bin/env bash
# The media figures (part of `make bench`): a release server with its own nginx-rtmp on a
# fresh database, then, in Chromium, encoder start → live badge, lock → encoder cut and
# glass-to-glass latency per latency mode, as p50/p95 (end2end/bench-media/media.spec.ts).
#
# Inputs: BENCH_MEDIA_PORT (default 43201; RTMP on the next port), BENCH_MEDIA_RUNS
# (default 10 publish/lock rounds).
set -euo pipefail
cd "$(dirname "$0")/.."

port="${BENCH_MEDIA_PORT:-43201}"
rtmp_port=$((port + 1))
run="target/bench/media"
email="bench-media@castboard.test"
password="bench-media-password"

trunk build --release >/dev/null
cargo build --release -p castboard-server >/dev/null 2>&1
bin=./target/release/castboard

rm -rf "$run"
mkdir -p "$run"
db="sqlite://$run/media.db"
"$bin" org create --name "Media bench" --admin-email "$email" --admin-password "$password" \
  --database-url "$db" --log warn >/dev/null

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

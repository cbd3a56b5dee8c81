#!/usr/bin/env bash
# The dashboard's budget (part of `make bench`, after the API benchmark has seeded the
# 1,000,000-stream database): the size of the release wasm, then first rows painted and
# a 150-row re-render in Chromium against the real server on that database.
#
# Inputs: BENCH_STREAMS (default 1000000) picks the database the API benchmark seeded
# (target/bench/castboard-<n>.db); BENCH_UI_PORT (default 23199).
set -euo pipefail
cd "$(dirname "$0")/.."

streams="${BENCH_STREAMS:-1000000}"
db="${BENCH_DB:-target/bench/castboard-${streams}.db}"
port="${BENCH_UI_PORT:-23199}"
budget_gzip=$((300 * 1024))

if [ ! -f "$db" ]; then
  echo "ui-bench: no benchmark database at $db (the API benchmark seeds it: cargo bench -p castboard-server --bench api)" >&2
  exit 1
fi

trunk build --release >/dev/null
wasm=$(ls dist/*_bg.wasm)
raw=$(stat -c %s "$wasm")
gz=$(gzip -9c "$wasm" | wc -c)
verdict=OK
[ "$gz" -le "$budget_gzip" ] || verdict="OVER BUDGET"
echo "ui-bench: release wasm $((raw / 1024)) KB, $((gz / 1024)) KB gzip (budget 300 KB gzip) $verdict"

cargo build --release -p castboard-server >/dev/null 2>&1
# On the seeded database itself (1.7 GB; a copy would take longer than the run): the
# dashboard only reads, apart from the benchmark user's sessions.
./target/release/castboard serve --listen "127.0.0.1:$port" \
  --database-url "sqlite://$db" --assets-dir dist --log warn --media off &
server=$!
trap 'kill "$server" 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
  curl -fs "http://127.0.0.1:$port/api/v1/openapi.json" >/dev/null 2>&1 && break
  sleep 0.2
done

(cd end2end && BENCH_UI_URL="http://127.0.0.1:$port" npx playwright test -c bench.config.ts)
[ "$verdict" = OK ]

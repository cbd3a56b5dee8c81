#!/bin/sh
# Starts the Castboard server for the browser tests (Playwright's webServer command):
# seeds a fresh SQLite database with the real binary, keeps what `org create` printed
# in seed.json for the specs, then becomes the server.
#
# Two organisations: the main one with every package on (the flows need secure playback,
# transcoding, live processing and VOD), and a basic one with only the player, whose admin
# sees "Upgrade needed" (seed-basic.json); and a third, empty one that no spec adds
# streams to (the home page's empty state).
#
# Inputs (set by playwright.config.ts): CASTBOARD_BIN, E2E_PORT, E2E_RUN_DIR,
# E2E_ASSETS_DIR, E2E_ORG_NAME, E2E_ADMIN_EMAIL, E2E_ADMIN_PASSWORD,
# E2E_BASIC_ORG_NAME, E2E_BASIC_ADMIN_EMAIL, E2E_EMPTY_ADMIN_EMAIL, E2E_INGEST_SECRET,
# E2E_RTMP_PORT; E2E_SERVER_LOG (default `warn`) is the server's log filter.
set -eu

: "${CASTBOARD_BIN:?}" "${E2E_PORT:?}" "${E2E_RUN_DIR:?}" "${E2E_ASSETS_DIR:?}"
: "${E2E_ORG_NAME:?}" "${E2E_ADMIN_EMAIL:?}" "${E2E_ADMIN_PASSWORD:?}"
: "${E2E_BASIC_ORG_NAME:?}" "${E2E_BASIC_ADMIN_EMAIL:?}" "${E2E_EMPTY_ADMIN_EMAIL:?}" "${E2E_INGEST_SECRET:?}"
: "${E2E_RTMP_PORT:?}"
log="${E2E_SERVER_LOG:-warn}"

if [ ! -x "$CASTBOARD_BIN" ]; then
  echo "serve.sh: no castboard binary at $CASTBOARD_BIN (cargo build, or set CASTBOARD_BIN)" >&2
  exit 1
fi
if [ ! -f "$E2E_ASSETS_DIR/index.html" ]; then
  echo "serve.sh: no built app in $E2E_ASSETS_DIR (trunk build --release, or set E2E_ASSETS_DIR)" >&2
  exit 1
fi

# A fresh database every run. Only this script's own files are removed, never the folder.
mkdir -p "$E2E_RUN_DIR"
rm -f "$E2E_RUN_DIR/e2e.db" "$E2E_RUN_DIR/e2e.db-wal" "$E2E_RUN_DIR/e2e.db-shm" "$E2E_RUN_DIR/e2e.db-journal" \
  "$E2E_RUN_DIR/seed.json" "$E2E_RUN_DIR/seed.json.partial" "$E2E_RUN_DIR/seed-basic.json"
rm -rf "$E2E_RUN_DIR/media"
db="sqlite://$E2E_RUN_DIR/e2e.db"

"$CASTBOARD_BIN" org create \
  --name "$E2E_ORG_NAME" \
  --admin-email "$E2E_ADMIN_EMAIL" \
  --admin-password "$E2E_ADMIN_PASSWORD" \
  --database-url "$db" \
  --log "$log" >"$E2E_RUN_DIR/seed.json.partial"
hash=$(grep -o '"hash":"[A-Za-z0-9]*"' "$E2E_RUN_DIR/seed.json.partial" | head -n 1 | cut -d'"' -f4)
for feature in secure vod live_processing transcoding webcaster; do
  "$CASTBOARD_BIN" org feature "$hash" "$feature" on --database-url "$db" --log "$log"
done

"$CASTBOARD_BIN" org create \
  --name "$E2E_BASIC_ORG_NAME" \
  --admin-email "$E2E_BASIC_ADMIN_EMAIL" \
  --admin-password "$E2E_ADMIN_PASSWORD" \
  --database-url "$db" \
  --log "$log" >"$E2E_RUN_DIR/seed-basic.json"

"$CASTBOARD_BIN" org create \
  --name "E2E Empty Org" \
  --admin-email "$E2E_EMPTY_ADMIN_EMAIL" \
  --admin-password "$E2E_ADMIN_PASSWORD" \
  --database-url "$db" \
  --log "$log" >/dev/null

# Renamed only when complete (and last), so a spec never reads half a seed.
mv "$E2E_RUN_DIR/seed.json.partial" "$E2E_RUN_DIR/seed.json"

# The real media server (nginx-rtmp, run and stopped by the server) takes the specs'
# encoders on E2E_RTMP_PORT; specs about the dashboard alone still play the media
# server's part through the ingest hooks. A long update interval keeps those hook-made
# live streams live for the length of a spec (silence ends them after two intervals).
CASTBOARD_INGEST_SECRET="$E2E_INGEST_SECRET" exec "$CASTBOARD_BIN" serve \
  --media embedded \
  --rtmp-listen "127.0.0.1:$E2E_RTMP_PORT" \
  --media-dir "$E2E_RUN_DIR/media" \
  --ingest-update-interval 60 \
  --listen "127.0.0.1:$E2E_PORT" \
  --database-url "$db" \
  --assets-dir "$E2E_ASSETS_DIR" \
  --log "$log"

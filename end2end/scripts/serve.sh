#!/bin/sh
# Starts the Castboard server for the browser tests (Playwright's webServer command):
# seeds a fresh SQLite database with the real binary, keeps what `org create` printed
# in seed.json for the specs, then becomes the server.
#
# Inputs (set by playwright.config.ts): CASTBOARD_BIN, E2E_PORT, E2E_RUN_DIR,
# E2E_ASSETS_DIR, E2E_ORG_NAME, E2E_ADMIN_EMAIL, E2E_ADMIN_PASSWORD; E2E_SERVER_LOG
# (default `warn`) is the server's log filter.
set -eu

: "${CASTBOARD_BIN:?}" "${E2E_PORT:?}" "${E2E_RUN_DIR:?}" "${E2E_ASSETS_DIR:?}"
: "${E2E_ORG_NAME:?}" "${E2E_ADMIN_EMAIL:?}" "${E2E_ADMIN_PASSWORD:?}"
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
  "$E2E_RUN_DIR/seed.json" "$E2E_RUN_DIR/seed.json.partial"
db="sqlite://$E2E_RUN_DIR/e2e.db"

"$CASTBOARD_BIN" org create \
  --name "$E2E_ORG_NAME" \
  --admin-email "$E2E_ADMIN_EMAIL" \
  --admin-password "$E2E_ADMIN_PASSWORD" \
  --database-url "$db" \
  --log "$log" >"$E2E_RUN_DIR/seed.json.partial"
# Renamed only when complete, so a spec never reads half a file.
mv "$E2E_RUN_DIR/seed.json.partial" "$E2E_RUN_DIR/seed.json"

exec "$CASTBOARD_BIN" serve \
  --listen "127.0.0.1:$E2E_PORT" \
  --database-url "$db" \
  --assets-dir "$E2E_ASSETS_DIR" \
  --log "$log"

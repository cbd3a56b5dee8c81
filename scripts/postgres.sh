#!/usr/bin/env bash
# A throwaway PostgreSQL for the tests: `scripts/postgres.sh run CMD…` creates a cluster
# in a temporary folder, starts it on a free loopback port, runs CMD with
# CASTBOARD_TEST_POSTGRES_URL naming a fresh database in it, then stops the cluster and
# removes the folder, whatever CMD did (its exit status is the script's). Debian's
# `postgresql` package is installed when missing (scripts/tools.sh postgres). As root the
# cluster belongs to the unprivileged `postgres` user, since PostgreSQL refuses to run as
# root.
#
# The cluster is for tests only: trust authentication on loopback, no fsync. Its default
# collation is ICU's en-US, as an operator's database commonly is, so a text column that
# does not ask for byte order (`COLLATE "C"`) sorts differently and the tests see it.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "${1:-}" != run ] || [ $# -lt 2 ]; then
  echo "usage: scripts/postgres.sh run CMD [ARG…]" >&2
  exit 2
fi
shift

scripts/tools.sh postgres

bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
dir=$(mktemp -d /tmp/castboard-pg.XXXXXX)
as_owner=()
if [ "$(id -u)" -eq 0 ]; then
  chown postgres: "$dir"
  as_owner=(runuser -u postgres --)
fi

stop() {
  "${as_owner[@]}" "$bin/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap stop EXIT
trap 'exit 143' TERM INT HUP

"${as_owner[@]}" "$bin/initdb" -D "$dir/data" -U castboard --auth=trust \
  --encoding=UTF8 --locale=C.UTF-8 --locale-provider=icu --icu-locale=en-US >"$dir/initdb.log" 2>&1 ||
  { cat "$dir/initdb.log" >&2; exit 1; }

# A free port: a random one below Linux's ephemeral range (32768-60999, where outgoing
# connections could take it), another if the cluster cannot listen there.
started=
for _ in 1 2 3 4 5 6 7 8; do
  port=$((24000 + RANDOM % 8000))
  if "${as_owner[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
    start >/dev/null; then
    started=1
    break
  fi
done
if [ -z "$started" ]; then
  echo "postgres.sh: the cluster did not start:" >&2
  cat "$dir/server.log" >&2
  exit 1
fi

"$bin/psql" -q -h 127.0.0.1 -p "$port" -U castboard -d postgres -c "CREATE DATABASE castboard_test" >/dev/null
export CASTBOARD_TEST_POSTGRES_URL="postgres://castboard@127.0.0.1:$port/castboard_test"
echo "postgres.sh: PostgreSQL $("$bin/postgres" --version | awk '{print $3}') at $CASTBOARD_TEST_POSTGRES_URL" >&2
# In the background, so a SIGTERM to this script is acted on at once: passed to CMD, then
# the cluster is stopped and removed.
"$@" &
child=$!
trap 'kill -TERM "$child" 2>/dev/null || true; wait "$child" 2>/dev/null || true; exit 143' TERM INT HUP
status=0
wait "$child" || status=$?
exit "$status"

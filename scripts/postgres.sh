#!/usr/bin/env bash
# A PostgreSQL cluster beside a command, in one of two modes:
#
# `scripts/postgres.sh run CMD…`: a throwaway cluster for the tests. It is created in a
# temporary folder, started on a free loopback port, CMD runs with
# CASTBOARD_TEST_POSTGRES_URL naming a fresh database in it, then the cluster is stopped
# and the folder removed, whatever CMD did (its exit status is the script's). Trust
# authentication on loopback, no fsync.
#
# `scripts/postgres.sh keep DIR CMD…`: a cluster kept in DIR for the benchmarks
# (`make bench` keeps target/bench/postgres), so what CMD loads into it is there on the
# next run. Created (initdb) the first time only; started on a free loopback port for CMD,
# with CASTBOARD_TEST_POSTGRES_URL naming its database `castboard` (created when
# missing), and stopped cleanly afterwards, whatever CMD did: it never stays running.
# Durable as a production cluster is (fsync and full-page writes on); commits are not
# waited for (synchronous_commit off, as SQLite's synchronous=NORMAL in WAL mode does
# not), and the memory settings fit a 24 GiB machine that serves one database.
#
# Debian's `postgresql` package is installed when missing (scripts/tools.sh postgres). As
# root the cluster belongs to the unprivileged `postgres` user, since PostgreSQL refuses
# to run as root. The default collation is ICU's en-US, as an operator's database
# commonly is, so a text column that does not ask for byte order (`COLLATE "C"`) sorts
# differently and the tests see it.
set -euo pipefail

usage() {
  echo "usage: scripts/postgres.sh run CMD [ARG…]" >&2
  echo "       scripts/postgres.sh keep DIR CMD [ARG…]" >&2
  exit 2
}

mode=${1:-}
case "$mode" in
  run) [ $# -ge 2 ] || usage; shift ;;
  keep)
    [ $# -ge 3 ] || usage
    # DIR as the caller named it, before the folder changes below.
    case "$2" in
      /*) keep_dir=$2 ;;
      *) keep_dir=$PWD/$2 ;;
    esac
    shift 2
    ;;
  *) usage ;;
esac
cd "$(dirname "$0")/.."

scripts/tools.sh postgres

bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
as_owner=()
[ "$(id -u)" -eq 0 ] && as_owner=(runuser -u postgres --)

if [ "$mode" = run ]; then
  dir=$(mktemp -d /tmp/castboard-pg.XXXXXX)
  stop_mode=immediate
  start_wait=30
  database=castboard_test
  options="-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
else
  dir=$keep_dir
  mkdir -p "$dir"
  stop_mode=fast
  # Time for crash recovery, should the last run have ended without stopping it.
  start_wait=600
  database=castboard
  options="-c synchronous_commit=off -c max_connections=200 -c shared_buffers=2GB \
-c effective_cache_size=12GB -c maintenance_work_mem=1GB -c max_wal_size=8GB \
-c checkpoint_timeout=15min"
fi
[ "${#as_owner[@]}" -gt 0 ] && chown postgres: "$dir"

stop() {
  "${as_owner[@]}" "$bin/pg_ctl" -D "$dir/data" -m "$stop_mode" stop >/dev/null 2>&1 || true
  [ "$mode" = run ] && rm -rf "$dir"
  return 0
}
trap stop EXIT
trap 'exit 143' TERM INT HUP

if [ ! -f "$dir/data/PG_VERSION" ]; then
  # Made beside and moved into place, so an interrupted initdb leaves nothing to reuse.
  rm -rf "$dir/data.new"
  "${as_owner[@]}" "$bin/initdb" -D "$dir/data.new" -U castboard --auth=trust \
    --encoding=UTF8 --locale=C.UTF-8 --locale-provider=icu --icu-locale=en-US >"$dir/initdb.log" 2>&1 ||
    { cat "$dir/initdb.log" >&2; exit 1; }
  mv "$dir/data.new" "$dir/data"
elif "${as_owner[@]}" "$bin/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
  # Started by someone else: not ours to use or to stop.
  trap - EXIT
  echo "postgres.sh: a cluster is already running in $dir/data; stop it first ($bin/pg_ctl -D $dir/data stop)" >&2
  exit 1
fi

# A free port: a random one below Linux's ephemeral range (32768-60999, where outgoing
# connections could take it), another if the cluster cannot listen there.
started=
for _ in 1 2 3 4 5 6 7 8; do
  port=$((24000 + RANDOM % 8000))
  if "${as_owner[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t "$start_wait" \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $dir $options" \
    start >/dev/null; then
    started=1
    break
  fi
done
if [ -z "$started" ]; then
  echo "postgres.sh: the cluster did not start:" >&2
  if [ "$mode" = run ]; then cat "$dir/server.log" >&2; else tail -n 50 "$dir/server.log" >&2; fi
  exit 1
fi

psql=("$bin/psql" -q -h 127.0.0.1 -p "$port" -U castboard -d postgres)
if [ "$("${psql[@]}" -tAc "SELECT 1 FROM pg_database WHERE datname = '$database'")" != 1 ]; then
  "${psql[@]}" -c "CREATE DATABASE $database" >/dev/null
fi
export CASTBOARD_TEST_POSTGRES_URL="postgres://castboard@127.0.0.1:$port/$database"
echo "postgres.sh: PostgreSQL $("$bin/postgres" --version | awk '{print $3}') at $CASTBOARD_TEST_POSTGRES_URL${keep_dir:+ (kept in $dir)}" >&2
# In the background, so a SIGTERM to this script is acted on at once: passed to CMD, then
# the cluster is stopped (and, in `run` mode, removed).
"$@" &
child=$!
trap 'kill -TERM "$child" 2>/dev/null || true; wait "$child" 2>/dev/null || true; exit 143' TERM INT HUP
status=0
wait "$child" || status=$?
exit "$status"

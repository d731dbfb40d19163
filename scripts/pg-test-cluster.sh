#!/usr/bin/env bash
# Start a private, throw-away PostgreSQL cluster for the test suite and print its URL.
# Usage: eval "$(scripts/pg-test-cluster.sh start)"   … then: scripts/pg-test-cluster.sh stop
set -euo pipefail
PORT="${MULU_PG_PORT:-55432}"
DIR="${MULU_PG_DIR:-/tmp/mulu-pg-$PORT}"
BIN="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
if [ -z "$BIN" ]; then
  echo "PostgreSQL server binaries not found: apt-get install postgresql" >&2
  exit 1
fi
# PostgreSQL refuses to run as root: run it as the postgres user when we are root.
as_pg() { if [ "$(id -u)" = 0 ]; then su postgres -s /bin/bash -c "$*"; else bash -c "$*"; fi; }

case "${1:-start}" in
  start)
    if ! as_pg "'$BIN/pg_ctl' -D '$DIR' status" >/dev/null 2>&1; then
      rm -rf "$DIR"
      mkdir -p "$DIR"
      [ "$(id -u)" = 0 ] && chown postgres "$DIR"
      as_pg "'$BIN/initdb' -D '$DIR' -A trust -U postgres --no-sync -E UTF8 --locale=C.UTF-8" >/dev/null
      as_pg "'$BIN/pg_ctl' -D '$DIR' -l '$DIR/log' -w -o \"-p $PORT -k /tmp -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=400\" start" >/dev/null
    fi
    echo "export MULU_TEST_DATABASE_URL=postgres://postgres@127.0.0.1:$PORT/postgres"
    ;;
  stop)
    as_pg "'$BIN/pg_ctl' -D '$DIR' -m fast stop" >/dev/null 2>&1 || true
    ;;
  *)
    echo "usage: $0 start|stop" >&2
    exit 2
    ;;
esac

#!/usr/bin/env bash
# Starts a throw-away PostgreSQL server on loopback for the tests and prints the URL to export as
# LEDGERLINK_TEST_DATABASE_URL. Uses Debian's postgresql package (installed by .ci/run).
# Usage: export LEDGERLINK_TEST_DATABASE_URL=$(bash scripts/start-test-postgres.sh)
#        bash scripts/start-test-postgres.sh --stop   (stops the server of LEDGERLINK_TEST_PG_DATA)
# LEDGERLINK_TEST_PG_PORT (default 55432) and LEDGERLINK_TEST_PG_DATA (default /tmp/ledgerlink-test-pg)
# choose the server.
set -euo pipefail
port=${LEDGERLINK_TEST_PG_PORT:-55432}
bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
if [ -z "$bindir" ]; then
  echo "PostgreSQL is not installed (apt-get install postgresql)" >&2
  exit 1
fi
url="postgres://postgres@127.0.0.1:${port}/postgres"
data=${LEDGERLINK_TEST_PG_DATA:-/tmp/ledgerlink-test-pg}
run_as=()
# PostgreSQL refuses to run as root; use the postgres account Debian's package creates.
if [ "$(id -u)" = 0 ]; then run_as=(runuser -u postgres --); fi
if [ "${1:-}" = "--stop" ]; then
  "${run_as[@]}" "$bindir/pg_ctl" -D "$data" stop -m immediate >/dev/null
  exit 0
fi
if "$bindir/pg_isready" -q -h 127.0.0.1 -p "$port" 2>/dev/null; then
  echo "$url"
  exit 0
fi
if [ ! -f "$data/PG_VERSION" ]; then
  rm -rf "$data"
  mkdir -p "$data"
  [ "$(id -u)" = 0 ] && chown postgres:postgres "$data"
  "${run_as[@]}" "$bindir/initdb" -D "$data" -A trust -U postgres >/dev/null
fi
"${run_as[@]}" "$bindir/pg_ctl" -D "$data" -l "$data/server.log" -w \
  -o "-p $port -k /tmp -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" start >/dev/null
echo "$url"

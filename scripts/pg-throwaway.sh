#!/usr/bin/env bash
# Run a command against a throwaway PostgreSQL cluster, then remove the cluster.
#
#   scripts/pg-throwaway.sh make test
#   scripts/pg-throwaway.sh .venv/bin/pytest -q tests/test_migrations.py
#
# The cluster lives in a temporary directory, listens on 127.0.0.1 only (port $PGPORT, or a
# free one), trusts local connections, and is stopped and deleted when the command ends, even
# when it fails or is interrupted. The command sees
#   DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:PORT/registry
# and its exit code is this script's exit code. Works as root (the server runs as the
# `postgres` user) and as an ordinary user; needs no systemd and no existing cluster.
set -euo pipefail

if [ "$#" -eq 0 ]; then
  echo "usage: $0 COMMAND [ARG...]" >&2
  exit 2
fi

PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
if [ -z "$PGBIN" ] || [ ! -x "$PGBIN/initdb" ]; then
  echo "pg-throwaway: PostgreSQL server binaries not found under /usr/lib/postgresql/*/bin" >&2
  echo "pg-throwaway: install them with: apt-get install -y postgresql" >&2
  exit 1
fi

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
PGPORT=${PGPORT:-$(free_port)}

BASE=$(mktemp -d "${TMPDIR:-/tmp}/pgci.XXXXXX")
if [ "$(id -u)" = 0 ]; then
  as_pg() { runuser -u postgres -- "$@"; }
  chown postgres:postgres "$BASE"
  chmod 700 "$BASE"
else
  as_pg() { "$@"; }
fi

stop() {
  as_pg "$PGBIN/pg_ctl" -D "$BASE/data" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$BASE"
}
trap stop EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

as_pg "$PGBIN/initdb" -D "$BASE/data" -U postgres --auth=trust -E UTF8 --no-locale --no-sync \
  >"$BASE/initdb.log" 2>&1 || { cat "$BASE/initdb.log" >&2; exit 1; }
as_pg "$PGBIN/pg_ctl" -D "$BASE/data" -l "$BASE/log" -w -t 30 start -o \
  "-c listen_addresses=127.0.0.1 -p $PGPORT -k $BASE -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
  >/dev/null || { cat "$BASE/log" >&2; exit 1; }
as_pg "$PGBIN/createdb" -h 127.0.0.1 -p "$PGPORT" -U postgres registry

export DATABASE_URL="postgresql+psycopg://postgres@127.0.0.1:$PGPORT/registry"
echo "pg-throwaway: PostgreSQL $("$PGBIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$PGPORT (DATABASE_URL=$DATABASE_URL)" >&2

# Run the command as a child we wait for, so that INT/TERM reach it at once and the cluster is
# still removed afterwards; `<&0` keeps stdin for interactive commands such as psql.
"$@" <&0 &
child=$!
trap 'kill -INT "$child" 2>/dev/null || true' INT
trap 'kill -TERM "$child" 2>/dev/null || true' TERM
while :; do
  if wait "$child"; then status=0; else status=$?; fi
  kill -0 "$child" 2>/dev/null || break
done
exit "$status"

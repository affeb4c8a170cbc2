#!/usr/bin/env bash
# A throwaway PostgreSQL cluster on its own port and data folder, for tests that restart the server mid-run without
# touching the shared cluster of scripts/db.sh (127.0.0.1:55432).
#   scripts/pg-throwaway.sh start|restart|stop PORT
# start prints the connection string; stop removes the data folder.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
command="${1:?start, restart or stop}"
port="${2:?port}"
if [ "$port" = "55432" ]; then echo "pg-throwaway.sh: 55432 is the shared cluster; pick another port" >&2; exit 2; fi
base="/var/tmp/reconciler-throwaway-$port"
data="$base/data"
pgbin=/usr/lib/postgresql/15/bin
if [ "$(id -u)" -eq 0 ]; then as_pg() { runuser -u postgres -- "$@"; }; else as_pg() { "$@"; }; fi
case "$command" in
  start)
    RECONCILER_PG_PORT="$port" RECONCILER_PGDATA="$data" "$repo/scripts/db.sh" >/dev/null
    echo "Host=127.0.0.1;Port=$port;Username=postgres;Database=reconciler_test"
    ;;
  restart)
    as_pg "$pgbin/pg_ctl" -D "$data" -m fast -w -t 60 restart -l "$base/postgresql.log" >/dev/null
    ;;
  stop)
    if [ -d "$data" ]; then as_pg "$pgbin/pg_ctl" -D "$data" -m fast -w stop >/dev/null 2>&1 || true; fi
    rm -rf "$base"
    ;;
  *) echo "pg-throwaway.sh: unknown command $command" >&2; exit 2 ;;
esac

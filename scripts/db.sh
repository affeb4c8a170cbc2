#!/usr/bin/env bash
# Starts (idempotently) the project's local PostgreSQL 15 cluster, installing PostgreSQL from Debian's packages
# when it is missing, and creates the databases the CLI and the tests use. Prints nothing but progress on stderr;
# prints the connection string on stdout when asked with --print-connection.
#
#   RECONCILER_PG_PORT   port of the local cluster (default 55432)
#   RECONCILER_PGDATA    data folder (default <repo>/.pg/data, or /var/tmp when PostgreSQL's user cannot reach the repo)
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
port="${RECONCILER_PG_PORT:-55432}"
pgbin=/usr/lib/postgresql/15/bin

log() { printf 'db.sh: %s\n' "$*" >&2; }

if [ ! -x "$pgbin/initdb" ]; then
  log "PostgreSQL 15 is not installed; installing it from Debian's packages"
  if [ "$(id -u)" -ne 0 ]; then
    log "installing needs root: run 'sudo apt-get install -y postgresql-15' once, or run this script as root"
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  # The package's own cluster is not used; keep it from starting where the package would start it.
  apt-get install -y -qq postgresql-15 >&2
fi

# As root, the cluster belongs to the postgres user (PostgreSQL refuses to run as root).
if [ "$(id -u)" -eq 0 ]; then
  as_pg() { runuser -u postgres -- "$@"; }
  owner=postgres
else
  as_pg() { "$@"; }
  owner="$(id -un)"
fi

# A server already answering on the port (another checkout's cluster, a developer's own) is used as it is.
if "$pgbin/pg_isready" -q -h 127.0.0.1 -p "$port" 2>/dev/null; then
  already_running=1
else
  already_running=0
fi

data="${RECONCILER_PGDATA:-}"
if [ -z "$data" ]; then
  data="$repo/.pg/data"
  if [ "$(id -u)" -eq 0 ] && ! runuser -u postgres -- test -x "$repo"; then
    data="/var/tmp/reconciler-pg-$(printf '%s' "$repo" | sha256sum | cut -c1-12)/data"
  fi
fi
run_dir="$(dirname "$data")/run"

if [ "$already_running" -eq 0 ] && [ ! -s "$data/PG_VERSION" ]; then
  log "creating a local cluster in $data"
  mkdir -p "$data" "$run_dir"
  [ "$(id -u)" -eq 0 ] && chown -R "$owner" "$(dirname "$data")"
  chmod 700 "$data"
  # Text is compared bytewise (LC_COLLATE C) and classified as UTF-8 (LC_CTYPE C.UTF-8): every key Reconciler sorts,
  # groups and indexes is an identifier, and PostgreSQL 15 sends any other collation, C.UTF-8 included, through
  # strcoll for each comparison (README, "The database").
  as_pg "$pgbin/initdb" -D "$data" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 --lc-collate=C >/dev/null
  cat >>"$data/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$run_dir'
# A local development and test cluster: losing the last transactions in a crash is acceptable, waiting is not.
synchronous_commit = off
shared_buffers = 256MB
work_mem = 64MB
maintenance_work_mem = 256MB
max_connections = 200
wal_buffers = 64MB
CONF
fi

# Shared memory in huge pages. PostgreSQL asks for them by default (huge_pages = try) and falls back to 4 KB pages when
# the kernel has none reserved, which it has not unless someone reserved them. Here, a virtual machine, every 4 KB
# page of the buffer pool costs a two-level page walk on a TLB miss: a 1 M-order run at 10 % breaks took 41-42
# CPU-seconds with huge pages against 45-52 without (23.6-24.3 s against 25.5-29.3 s, alternating, 2026-12-06).
# Reserved only as root and only what is missing; a kernel that refuses (a container's read-only /proc/sys, memory too
# fragmented) leaves PostgreSQL on 4 KB pages, as before. Takes effect when the cluster starts.
reserve_huge_pages() {
  local need attempt
  need="$(as_pg "$pgbin/postgres" -D "$data" -C shared_memory_size_in_huge_pages 2>/dev/null)" || return 0
  huge() { awk -v k="HugePages_$1:" '$1 == k {print $2}' /proc/meminfo 2>/dev/null; }
  have() { echo $(( $(huge Free) - $(huge Rsvd) )); }
  case "$need$(huge Total)$(huge Free)$(huge Rsvd)" in ''|*[!0-9]*) return 0 ;; esac
  [ "$need" -gt 0 ] && [ "$(have)" -lt "$need" ] || return 0
  if [ "$(id -u)" -ne 0 ]; then
    log "PostgreSQL's shared memory stays in 4 KB pages: reserving $need huge pages (sysctl vm.nr_hugepages) needs root"
    return 0
  fi
  # The kernel takes what it can find in one piece; once more after compacting memory if that was not enough.
  for attempt in 1 2; do
    { echo $(( $(huge Total) + need - $(have) )) >/proc/sys/vm/nr_hugepages; } 2>/dev/null || true
    [ "$(have)" -ge "$need" ] && break
    [ "$attempt" -eq 2 ] || { echo 1 >/proc/sys/vm/compact_memory; } 2>/dev/null || true
  done
  if [ "$(have)" -ge "$need" ]; then
    log "reserved $need huge pages for PostgreSQL's shared memory ($(huge Total) in all)"
  else
    log "the kernel gave $(have) of the $need huge pages asked for: PostgreSQL's shared memory stays in 4 KB pages"
  fi
  return 0
}

start_cluster() {
  reserve_huge_pages
  log "starting PostgreSQL on 127.0.0.1:$port"
  mkdir -p "$run_dir"; [ "$(id -u)" -eq 0 ] && chown "$owner" "$run_dir"
  # After an unclean stop (a machine switched off) PostgreSQL first replays the WAL since the last checkpoint, up to
  # max_wal_size (16GB below): 77 s for 5.8 GB here, past pg_ctl's default minute. Wait for it rather than fail.
  as_pg "$pgbin/pg_ctl" -D "$data" -l "$(dirname "$data")/postgresql.log" -w -t 600 start >/dev/null
}

started_here=0
if [ "$already_running" -eq 0 ] && ! as_pg "$pgbin/pg_ctl" -D "$data" status >/dev/null 2>&1; then
  start_cluster
  started_here=1
fi

psql_pg() { "$pgbin/psql" -X -q -h 127.0.0.1 -p "$port" -U postgres "$@"; }

# Checkpoints out of a night's import. A run writes about 1.2 GB of WAL per million orders; PostgreSQL starts a
# checkpoint once the WAL since the last one reaches about max_wal_size / (1 + checkpoint_completion_target), or after
# checkpoint_timeout, and every page first changed after a checkpoint goes into the WAL whole. With 4GB and 5min, a
# 3 M-order import ran through two or three checkpoints and its COPY cost x4.7 the 1 M one's (docs/performance-log.md).
# The WAL buffers: by default a 32nd of shared_buffers, 8 MB here, which a day's COPY fills faster than the WAL writer
# empties it, so the importing backends wrote the WAL themselves, about 100,000 writes of 12 KB in a 1 M-order run
# (pg_stat_wal.wal_buffers_full); with 64 MB none, and the run took 21.2-22.6 s (median 22.2) against 21.5-23.8 s
# (median 23.5), faster in 4 of 5 alternating pairs (2026-12-06, README, Configuration). Read when the server starts.
# Applied to the project's own cluster only (also one an older version of this script made), never to another server
# found on the port.
wal_settings="max_wal_size=16GB checkpoint_timeout=30min wal_compression=lz4 wal_buffers=64MB"
if [ "$(psql_pg -d postgres -tAc "SELECT current_setting('data_directory') = '$data'
      AND (SELECT array_agg(setting ORDER BY name) FROM pg_file_settings
           WHERE error IS NULL AND sourcefile LIKE '%postgresql.auto.conf'
             AND name IN ('max_wal_size', 'checkpoint_timeout', 'wal_compression', 'wal_buffers'))
          IS DISTINCT FROM ARRAY['30min', '16GB', '64MB', 'lz4']")" = "t" ]; then
  log "setting $wal_settings"
  for setting in $wal_settings; do
    psql_pg -d postgres -c "ALTER SYSTEM SET ${setting%%=*} = '${setting#*=}'" >/dev/null
  done
  psql_pg -d postgres -c "SELECT pg_reload_conf()" >/dev/null
fi
# A setting read only at start (wal_buffers) waits for a restart: done here when this script started the cluster (no one
# else can be connected yet), otherwise said, since a restart would cut off whoever is connected.
if [ "$(psql_pg -d postgres -tAc "SELECT current_setting('data_directory') = '$data'
      AND EXISTS (SELECT 1 FROM pg_settings WHERE pending_restart)")" = "t" ]; then
  if [ "$started_here" -eq 1 ]; then
    log "restarting PostgreSQL for $(psql_pg -d postgres -tAc "SELECT string_agg(name, ', ') FROM pg_settings WHERE pending_restart")"
    as_pg "$pgbin/pg_ctl" -D "$data" -m fast -w stop >/dev/null
    start_cluster
  else
    log "restart the cluster (pg_ctl -D $data restart) for $(psql_pg -d postgres -tAc "SELECT string_agg(name, ', ') FROM pg_settings WHERE pending_restart") to take effect"
  fi
fi
for db in reconciler reconciler_test reconciler_platform; do
  if [ "$(psql_pg -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$db'")" != "1" ]; then
    psql_pg -d postgres -c "CREATE DATABASE $db" >/dev/null
  fi
done

if [ "${1:-}" = "--print-connection" ]; then
  echo "Host=127.0.0.1;Port=$port;Username=postgres;Database=reconciler"
fi

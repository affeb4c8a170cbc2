#!/usr/bin/env bash
# Benchmarks end-to-end `reconciler run`s against DESIGN.md's performance targets, each beside the floor measured in
# the same run (PostgreSQL's own COPY of the same rows plus one aggregate join), phase by phase.
#
#   scripts/bench.sh [CASE...]     default: 300000@0.02 1000000@0.02 300000@0.10 rerun:1000000@0.10 outage:1000000
#                                  late:300000 days:3:300000@0.10
#
# CASE: N@RATE (a day of N orders, RATE breaks), rerun:N@RATE (then the same inbox again), outage:N (fulu down
# 08:00-16:00), late:N (fulu's log of 08:00-16:00 held back, then the date again once it arrives), days:K:N@RATE (K
# consecutive days into one schema). scripts/bench/matrix.py does the work and
# scripts/bench/README.md explains the figures; the script exits 1 when a step grows faster than linear.
#   BENCH_TIMEOUT   seconds one measured run may take before it is killed (default 600)
#   BENCH_KEEP_SCHEMA=1  keep each case's schema afterwards (the log names it), to EXPLAIN statements on its data
#   BENCH_DLL       another build's reconciler.dll to measure (a worktree of an older commit: an A/B on the same days)
#   BENCH_REPEAT=N  run every case N times, each run beside a floor measured again, and judge the medians
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
log() { printf 'bench.sh: %s\n' "$*" >&2; }

# GNU time (Debian's `time` package) gives the wall time and the peak RSS of the measured process.
if ! /usr/bin/time -f '%e %M' true >/dev/null 2>&1; then
  log "installing GNU time (Debian package 'time')"
  if [ "$(id -u)" -ne 0 ]; then log "run 'sudo apt-get install -y time' once"; exit 1; fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq time >&2 || { apt-get update -qq >&2; DEBIAN_FRONTEND=noninteractive apt-get install -y -qq time >&2; }
fi

conn="$(scripts/db.sh --print-connection)"
field() { printf '%s' "$conn" | tr ';' '\n' | sed -n "s/^$1=//p"; }
export PGHOST="$(field Host)" PGPORT="$(field Port)" PGUSER="$(field Username)" PGDATABASE="$(field Database)"
export PGOPTIONS="-c client_min_messages=warning"
export RECONCILER_DB="$conn"

# Build once (the wrapper builds Release when the sources changed); the matrix then measures the dll itself.
scripts/reconciler --help >/dev/null
exec python3 scripts/bench/matrix.py "$@"

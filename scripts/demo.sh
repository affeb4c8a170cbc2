#!/usr/bin/env bash
# Sets up the local database, builds, and runs the bundled sample days; prints where the reports are.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
export RECONCILER_DB="${RECONCILER_DB:-$(scripts/db.sh --print-connection)}"
# The demo keeps its own schema so that it never mixes with what an operator ran by hand.
export RECONCILER__Reconciler__Storage__Schema="${RECONCILER__Reconciler__Storage__Schema:-demo}"
for day in 2026-11-20 2026-11-21; do
  next=$(date -u -d "$day + 1 day" +%F)
  echo "== sample day $day (as of $next 10:30 Beijing time)"
  scripts/reconciler run --date "$day" --as-of "${next}T10:30:00+08:00" \
    --inbox "samples/$day/inbox" --out "out/$day" --requested-by demo --reason "bundled sample day"
  echo
done
echo "Reports: $repo/out/2026-11-20/report.html and $repo/out/2026-11-21/report.html"

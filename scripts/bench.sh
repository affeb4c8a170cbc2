#!/usr/bin/env bash
# Benchmarks an end-to-end `reconciler run` against DESIGN.md's performance targets, beside the floor measured in
# the same run (PostgreSQL's own COPY of the same rows plus one aggregate join).
#
#   scripts/bench.sh [ORDERS...]        default: 100000 1000000
#
# For each size: generates bench/<N>/inbox (scripts/bench/generate_day.py, kept for the next time), runs the built CLI
# in a fresh schema under /usr/bin/time, checks the run (exit 0, every file imported, nothing quarantined, the findings
# the generator constructed), measures the floor in another fresh schema, drops both schemas, and prints
#   orders=N  run=X.XXs  peak_rss=YYY MB  floor=Z.ZZs  ratio=R.Rx  findings=F
#   BENCH_TIMEOUT   seconds one measured run may take before it is killed (default 600)
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(100000 1000000)
for n in "${sizes[@]}"; do
  [[ "$n" =~ ^[1-9][0-9]*$ ]] || { echo "bench.sh: '$n' is not an order count" >&2; exit 2; }
done
timeout_s="${BENCH_TIMEOUT:-600}"
date_d=2026-11-25
as_of=2026-11-26T10:30:00+08:00
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
now() { date +%s.%N; }
since() { LC_ALL=C awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.3f", b - a }'; }
psql_q() { psql -X -q -v ON_ERROR_STOP=1 "$@"; }

# Build once (the wrapper builds Release when the sources changed), then measure the dll itself.
scripts/reconciler --help >/dev/null
dll="$repo/src/Reconciler.Host/bin/Release/net10.0/reconciler.dll"

schemas=()
cleanup() {
  for s in "${schemas[@]}"; do psql_q -c "DROP SCHEMA IF EXISTS $s CASCADE" >/dev/null 2>&1 || true; done
}
trap cleanup EXIT

results=()
log "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
for n in "${sizes[@]}"; do
  dir="bench/$n"
  if [ -f "$dir/manifest.json" ] && python3 -c 'import json,sys; sys.exit(json.load(open(sys.argv[1]))["orders"] != int(sys.argv[2]))' "$dir/manifest.json" "$n"; then
    log "$n orders: reusing $dir/inbox"
  else
    rm -rf "$dir"
    g0=$(now)
    python3 scripts/bench/generate_day.py "$n" "$dir"
    log "$n orders: generated in $(since "$g0")s"
  fi
  inbox="$dir/inbox"
  rm -rf "$dir/out"

  # 1. the end-to-end run, in a fresh schema
  stamp="$(date +%Y%m%d%H%M%S)"
  schema="bench_${n}_${stamp}"
  schemas+=("$schema")
  log "$n orders: reconciler run (schema $schema)"
  rc=0
  RECONCILER_DB="$conn" RECONCILER__Reconciler__Storage__Schema="$schema" \
    timeout --kill-after=10 "$timeout_s" /usr/bin/time -f '%e %M' -o "$dir/time.txt" \
    dotnet "$dll" run --date "$date_d" --as-of "$as_of" --inbox "$inbox" --out "$dir/out" >"$dir/run.log" 2>&1 || rc=$?
  if [ "$rc" -ne 0 ]; then
    log "$n orders: the run failed (exit $rc; 124 = killed after ${timeout_s}s); see $dir/run.log"
    tail -5 "$dir/run.log" >&2
    exit 1
  fi
  read -r run_s rss_kb < <(tail -1 "$dir/time.txt")
  # Guard against a fast-looking but broken benchmark: every file imported, nothing quarantined or rejected,
  # every order read, and exactly the findings the generator constructed.
  findings="$(python3 - "$dir/out/summary.json" "$dir/manifest.json" <<'PY'
import json, sys
s, m = json.load(open(sys.argv[1], encoding="utf-8")), json.load(open(sys.argv[2], encoding="utf-8"))
problems = [f"{f['name']}: {f['status']} {f.get('detail') or ''}" for f in s["files"] if f["status"] != "imported"]
if len(s["files"]) != len(m["files"]):
    problems.append(f"{len(s['files'])} files in summary.json, {len(m['files'])} generated")
if s["quarantined"]["total"] != 0:
    problems.append(f"{s['quarantined']['total']} quarantined lines")
orders = sum(o["count"] for o in s["orders"])
if orders != m["orders"]:
    problems.append(f"{orders} orders reconciled, {m['orders']} generated")
got = {k["kind"]: k["count"] for k in s["kinds"]}
for kind, want in m["expected_findings"].items():
    if got.get(kind, 0) != want:
        problems.append(f"{kind}: {got.get(kind, 0)} findings, {want} constructed")
if problems:
    print("bench.sh: the run is not a valid measurement: " + "; ".join(problems), file=sys.stderr)
    sys.exit(1)
print(s["finding_counts"]["total"])
PY
)"
  psql_q -c "DROP SCHEMA IF EXISTS $schema CASCADE" >/dev/null

  # 2. the floor: PostgreSQL's own COPY of the same rows plus one aggregate join, in another fresh schema
  floor_schema="${schema}_floor"
  schemas+=("$floor_schema")
  abs="$(cd "$inbox" && pwd)"
  raw="(format csv, delimiter E'\\x01', quote E'\\x02'"
  t0=$(now)
  psql_q >/dev/null <<SQL
CREATE SCHEMA $floor_schema;
SET search_path = $floor_schema;
CREATE TABLE orders (order_no text, created_at timestamptz, paid_at timestamptz, customer_id text, merchant_id text,
  product_type text, sku text, target_account text, quantity int, unit_price numeric, amount numeric, currency text,
  pay_channel text, status text);
CREATE TABLE settlement_raw (line text);
CREATE TABLE delivery_raw (line text);
\copy orders FROM '$abs/platform/orders_20261125.csv' WITH (format csv, header)
\copy settlement_raw (line) FROM '$abs/wechat/1900000109_20261125_all.csv' WITH $raw)
\copy settlement_raw (line) FROM '$abs/alipay/20881234567890120156_20261125_业务明细.csv' WITH $raw, encoding 'GBK')
\copy settlement_raw (line) FROM '$abs/stripe/payout_reconciliation_2026-11-25.csv' WITH $raw)
\copy delivery_raw (line) FROM '$abs/vendors/carrier_delivery_20261125.csv' WITH $raw)
\copy delivery_raw (line) FROM '$abs/vendors/fulu_orders_20261125.jsonl' WITH $raw)
CREATE TABLE result AS
SELECT o.order_no, max(o.amount) AS amount, coalesce(sum(s.lines), 0) AS settlement_lines,
       coalesce(sum(d.events), 0) AS delivery_events
FROM orders o
LEFT JOIN (SELECT substring(line FROM 'KM[0-9]+') AS order_no, count(*) AS lines FROM settlement_raw GROUP BY 1) s
  ON s.order_no = o.order_no
LEFT JOIN (SELECT substring(line FROM 'KM[0-9]+') AS order_no, count(*) AS events FROM delivery_raw GROUP BY 1) d
  ON d.order_no = o.order_no
GROUP BY o.order_no;
SQL
  floor_s=$(since "$t0")
  psql_q -c "DROP SCHEMA IF EXISTS $floor_schema CASCADE" >/dev/null

  line="$(LC_ALL=C awk -v n="$n" -v r="$run_s" -v m="$rss_kb" -v f="$floor_s" -v c="$findings" \
    'BEGIN { printf "orders=%d  run=%.2fs  peak_rss=%d MB  floor=%.2fs  ratio=%.1fx  findings=%d", n, r, m / 1024, f, r / f, c }')"
  echo "$line"
  results+=("$n $run_s $rss_kb")
done

# The DESIGN targets beside the figures.
printf '%s\n' "${results[@]}" | LC_ALL=C awk '
  { n[NR] = $1; run[NR] = $2; rss[NR] = $3 / 1024 }
  END {
    print "DESIGN targets (2-core machine, PostgreSQL local):"
    for (i = 1; i <= NR; i++) if (n[i] == 1000000) { printf "  1M orders end to end <= 20 s     measured %.2fs  %s\n", run[i], run[i] <= 20 ? "met" : "NOT met"; one = 1 }
    if (!one) {
      big = 1; for (i = 2; i <= NR; i++) if (n[i] > n[big]) big = i
      printf "  1M orders end to end <= 20 s     not measured; linear projection from %d orders: %.1fs\n", n[big], run[big] * 1000000 / n[big]
    }
    max = 0; for (i = 1; i <= NR; i++) if (rss[i] > max) max = rss[i]
    printf "  peak RSS <= 512 MB               measured max %d MB  %s\n", max, max <= 512 ? "met" : "NOT met"
    if (NR > 1) {
      lo = 1; hi = 1; for (i = 2; i <= NR; i++) { if (n[i] < n[lo]) lo = i; if (n[i] > n[hi]) hi = i }
      printf "  flat memory as the day grows     %d MB at %d orders -> %d MB at %d orders (x%.1f orders, x%.2f memory)\n",
        rss[lo], n[lo], rss[hi], n[hi], n[hi] / n[lo], rss[hi] / rss[lo]
    }
  }'

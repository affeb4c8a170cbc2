#!/usr/bin/env python3
"""The benchmark matrix behind scripts/bench.sh (run it through that script: it builds the CLI and sets PG*).

    matrix.py [CASE...]

A CASE is one of
    N@RATE                 one day of N orders with RATE breaks, in a fresh schema
    rerun:N@RATE           the same, then a second run of the same inbox (nothing new) in the same schema
    outage:N               N orders, 2 % breaks, and fulu failing every delivery 08:00-16:00
    days:K:N@RATE          K consecutive business days of N orders each into one schema
    late:N                 N orders, 2 % breaks, fulu's log of its clean deliveries 08:00-16:00 held back (each of
                           those orders charged_not_delivered); then the late log arrives and the date runs again,
                           which must resolve every one of them and withdraw their compensation requests
    late-paid:N            the same, but every compensation request is completed (as the consumer would, refunded)
                           before the late log arrives: each held-back order then raises compensated_but_resolved

Each run is the built CLI (`reconciler run --verbose`) under /usr/bin/time in its schema; its phase times come from
the run's own log (`Run R phase NAME S s ROWS rows`, RunPhaseTimings). A run only counts when it is valid: exit 0,
every generated file imported (a rerun: every file a duplicate), nothing quarantined, every order of the date
reconciled, and per kind exactly the findings the generator constructed (on later days of a series, plus the ones
still open from the earlier days; the run after a late log: that file imported, the late orders' findings resolved and
their requests withdrawn). The floor is PostgreSQL's own COPY of the same files plus one aggregate join,
measured once per generated inbox. Exits 1 when a phase or the total grows faster than linear (more than 20 % over
the order ratio between two sizes at the same break rate), when a later day of a series costs more than 20 % over
the first, when the run after a late log costs more than 20 % over the first run of its date, or when a run is
invalid.

BENCH_REPEAT=N repeats every case N times (fresh schemas, a floor measured after each run) and prints and judges the
medians: a later pass's share of its first (rerun, late log, a series' last day) is the median of the pairs' shares.
"""

from __future__ import annotations

import datetime
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
# BENCH_DLL measures another build (a worktree of an older commit, for an A/B on the same days).
# The dll scripts/reconciler built last (its stamp names it: the ReadyToRun publish, or the plain build it fell back to).
_STAMP = REPO / "src/Reconciler.Host/bin/Release/.built"
DLL = Path(os.environ.get("BENCH_DLL") or (_STAMP.read_text().strip() if _STAMP.exists() else "")
           or REPO / "src/Reconciler.Host/bin/Release/net10.0/reconciler.dll")
GENERATOR = REPO / "scripts/bench/generate_day.py"
LAUNCHER = REPO / "scripts/reconciler"
FIRST_DAY = datetime.date(2026, 11, 25)
PHASES = ["plan", "parse", "copy", "merge", "analyze", "evidence", "rules", "findings", "report"]
PHASE_LINE = re.compile(r"Run \d+ phase (\w+) ([0-9.]+) s (\d+) rows")
DEFAULT_CASES = ["300000@0.02", "1000000@0.02", "300000@0.10", "rerun:1000000@0.10", "outage:1000000",
                 "late:300000", "days:3:300000@0.10"]
LINEAR_SLACK = 1.2      # DESIGN: x1, x3.3, x10 within +-20 %
NOISE_FLOOR_S = 0.5     # phases shorter than this at the larger size are too noisy to judge on a shared machine
TIMEOUT_S = int(os.environ.get("BENCH_TIMEOUT", "600"))
# BENCH_REPEAT=N runs every case N times (each in a fresh schema, each run beside a floor measured again just after it)
# and judges the targets on the medians: one run on a shared 2-core machine moves by a third within the hour.
REPEAT = int(os.environ.get("BENCH_REPEAT", "1"))


def log(text: str):
    print(f"bench.sh: {text}", file=sys.stderr, flush=True)


def psql(sql: str, *, stdin_sql: bool = False) -> str:
    """Runs SQL (as -c, or on stdin for a script); returns what it printed, unaligned and without headers."""
    args = ["psql", "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1"]
    if stdin_sql:
        return subprocess.run(args, input=sql, text=True, check=True, stdout=subprocess.PIPE).stdout.strip()
    return subprocess.run(args + ["-c", sql], text=True, check=True, stdout=subprocess.PIPE).stdout.strip()


def parse_case(text: str) -> dict:
    m = re.fullmatch(r"(\d+)@([0-9.]+)", text)
    if m:
        return {"name": text, "days": 1, "orders": int(m[1]), "rate": float(m[2]), "outage": None, "late": None, "rerun": False}
    m = re.fullmatch(r"rerun:(\d+)@([0-9.]+)", text)
    if m:
        return {"name": text, "days": 1, "orders": int(m[1]), "rate": float(m[2]), "outage": None, "late": None, "rerun": True}
    m = re.fullmatch(r"outage:(\d+)", text)
    if m:
        return {"name": text, "days": 1, "orders": int(m[1]), "rate": 0.02, "outage": "fulu@08:00-16:00",
                "late": None, "rerun": False}
    m = re.fullmatch(r"late(-paid)?:(\d+)", text)
    if m:
        return {"name": text, "days": 1, "orders": int(m[2]), "rate": 0.02, "outage": None,
                "late": "fulu@08:00-16:00", "paid": bool(m[1]), "rerun": False}
    m = re.fullmatch(r"days:(\d+):(\d+)@([0-9.]+)", text)
    if m:
        return {"name": text, "days": int(m[1]), "orders": int(m[2]), "rate": float(m[3]), "outage": None,
                "late": None, "rerun": False}
    raise SystemExit(f"bench.sh: '{text}' is not a case (N@RATE, rerun:N@RATE, outage:N, late:N, late-paid:N, days:K:N@RATE)")


def day_dir(day: datetime.date, orders: int, rate: float, outage: str | None, late: str | None = None) -> Path:
    """Generates the day once; reused while its manifest names the same parameters."""
    key = f"{orders}_{rate:g}" + ("_outage" if outage else "") + ("_late" if late else "") + \
        ("" if day == FIRST_DAY else f"_{day:%Y%m%d}")
    d = REPO / "bench" / key
    mf = d / "manifest.json"
    if mf.exists():
        m = json.loads(mf.read_text(encoding="utf-8"))
        if (m["orders"], m.get("break_rate"), bool(m.get("outage")), bool(m.get("late")), m["business_date"]) == \
                (orders, rate, bool(outage), bool(late), day.isoformat()):
            return d
    shutil.rmtree(d, ignore_errors=True)
    t0 = time.monotonic()
    args = [sys.executable, str(GENERATOR), str(orders), str(d), "--date", day.isoformat(), "--break-rate", str(rate)]
    if outage:
        args += ["--outage", outage]
    if late:
        args += ["--late", late]
    subprocess.run(args, check=True)
    log(f"generated {key} in {time.monotonic() - t0:.1f}s")
    return d


def busy_cpu_s() -> float:
    """CPU-seconds the whole machine has spent busy (user, nice, system, irq, softirq) since boot."""
    fields = open("/proc/stat").readline().split()[1:8]
    user, nice, system, _idle, _iowait, irq, softirq = (int(v) for v in fields)
    return (user + nice + system + irq + softirq) / os.sysconf("SC_CLK_TCK")


def warm(inbox: Path) -> None:
    """Reads every file of the inbox once (not timed), so that a run finds them in the page cache.

    A nightly run reads files just downloaded; without this, whether an inbox came from the cache or the disk depended on
    what the cases before it had evicted (the same 1 M-order inbox planned in 0.3 s or 1.5 s)."""
    for path in sorted(inbox.rglob("*")):
        if path.is_file():
            with open(path, "rb", buffering=0) as f:
                while f.read(1 << 20):
                    pass


def run_cli(schema: str, day: datetime.date, inbox: Path, out: Path, logfile: Path) -> dict:
    as_of = f"{day + datetime.timedelta(days=1)}T10:30:00+08:00"
    timefile = logfile.with_suffix(".time")
    shutil.rmtree(out, ignore_errors=True)
    # Started as the CLI is started (scripts/reconciler: its runtime environment), with the dll measured.
    env = dict(os.environ, RECONCILER__Reconciler__Storage__Schema=schema, RECONCILER_DLL=str(DLL))
    warm(inbox)
    # Each run starts from a checkpoint, as a nightly run after a quiet evening does: the WAL of earlier cases (a
    # checkpoint comes every ~8 GB of it with scripts/db.sh's max_wal_size) must not land one inside this run.
    psql("CHECKPOINT")
    busy0 = busy_cpu_s()
    with open(logfile, "w", encoding="utf-8") as f:
        rc = subprocess.run(["timeout", "--kill-after=10", str(TIMEOUT_S), "/usr/bin/time", "-f", "%e %M %U %S", "-o",
                             str(timefile), str(LAUNCHER), "run", "--verbose", "--date", day.isoformat(),
                             "--as-of", as_of, "--inbox", str(inbox), "--out", str(out)],
                            stdout=f, stderr=subprocess.STDOUT, env=env).returncode
    if rc != 0:
        tail = "".join(logfile.read_text(encoding="utf-8", errors="replace").splitlines(True)[-5:])
        raise SystemExit(f"bench.sh: run of {inbox} failed (exit {rc}; 124 = killed after {TIMEOUT_S}s); "
                         f"see {logfile}\n{tail}")
    machine_cpu = busy_cpu_s() - busy0
    wall, rss_kb, user, system = timefile.read_text().split()[-4:]
    phases = {p: (0.0, 0) for p in PHASES}
    for line in logfile.read_text(encoding="utf-8", errors="replace").splitlines():
        m = PHASE_LINE.search(line)
        if m:
            phases[m[1]] = (float(m[2]), int(m[3]))
    return {"wall": float(wall), "rss_mb": int(rss_kb) / 1024, "phases": phases,
            "cpu": machine_cpu, "cli_cpu": float(user) + float(system)}


def validate(summary_path: Path, manifest: dict, expected: dict, rerun: bool, files: list | None = None,
             resolved: int | None = None) -> int:
    """Checks a run's summary.json; `files` are the inbox's files when not the day's (a late log), `resolved` the
    findings the run must resolve."""
    s = json.loads(summary_path.read_text(encoding="utf-8"))
    want_status = "duplicate" if rerun else "imported"
    files = manifest["files"] if files is None else files
    problems = [f"{f['name']}: {f['status']} {f.get('detail') or ''}" for f in s["files"] if f["status"] != want_status]
    if sorted(f["name"] for f in s["files"]) != sorted(files):
        problems.append(f"{len(s['files'])} files in summary.json, {len(files)} in the inbox")
    if resolved is not None and s["finding_counts"]["resolved"] != resolved:
        problems.append(f"{s['finding_counts']['resolved']} findings resolved, {resolved} held back")
    if s["quarantined"]["total"] != 0:
        problems.append(f"{s['quarantined']['total']} quarantined lines")
    orders = sum(o["count"] for o in s["orders"])
    if orders != manifest["orders"]:
        problems.append(f"{orders} orders reconciled, {manifest['orders']} generated")
    got = {k["kind"]: k["count"] for k in s["kinds"]}
    for kind in sorted(set(got) | set(expected)):
        if got.get(kind, 0) != expected.get(kind, 0):
            problems.append(f"{kind}: {got.get(kind, 0)} findings, {expected.get(kind, 0)} constructed")
    if problems:
        raise SystemExit(f"bench.sh: {summary_path}: not a valid measurement: " + "; ".join(problems))
    return s["finding_counts"]["total"]


def carried_over(expected: dict) -> dict:
    """What a day's findings look like to the next day's run: still open, pending ones escalated past the hold."""
    carried = dict(expected)
    carried["charged_not_delivered"] = carried.get("charged_not_delivered", 0) + carried.pop("pending", 0)
    return carried


_floors: dict[Path, tuple[float, float]] = {}


def floor(d: Path, manifest: dict) -> tuple[float, float]:
    """PostgreSQL's own COPY of the day's files plus one aggregate join, in a scratch schema: (wall, machine CPU) s."""
    if d in _floors and REPEAT == 1:
        return _floors[d]
    schema = f"bench_floor_{os.getpid()}"
    raw = "(format csv, delimiter E'\\x01', quote E'\\x02'"
    copies = []
    for rel in manifest["files"]:
        path = (d / "inbox" / rel).resolve()
        if rel.startswith("platform/"):
            copies.append(f"\\copy orders FROM '{path}' WITH (format csv, header)")
        elif rel.startswith("vendors/"):
            copies.append(f"\\copy delivery_raw (line) FROM '{path}' WITH {raw})")
        else:
            enc = ", encoding 'GBK'" if rel.startswith("alipay/") else ""
            copies.append(f"\\copy settlement_raw (line) FROM '{path}' WITH {raw}{enc})")
    copy_lines = "\n".join(copies)
    sql = f"""
CREATE SCHEMA {schema};
SET search_path = {schema};
CREATE TABLE orders (order_no text, created_at timestamptz, paid_at timestamptz, customer_id text, merchant_id text,
  product_type text, sku text, target_account text, quantity int, unit_price numeric, amount numeric, currency text,
  pay_channel text, status text);
CREATE TABLE settlement_raw (line text);
CREATE TABLE delivery_raw (line text);
{copy_lines}
CREATE TABLE result AS
SELECT o.order_no, max(o.amount) AS amount, coalesce(sum(s.lines), 0) AS settlement_lines,
       coalesce(sum(d.events), 0) AS delivery_events
FROM orders o
LEFT JOIN (SELECT substring(line FROM 'KM[0-9]+') AS order_no, count(*) AS lines FROM settlement_raw GROUP BY 1) s
  ON s.order_no = o.order_no
LEFT JOIN (SELECT substring(line FROM 'KM[0-9]+') AS order_no, count(*) AS events FROM delivery_raw GROUP BY 1) d
  ON d.order_no = o.order_no
GROUP BY o.order_no;
"""
    warm(d / "inbox")
    psql("CHECKPOINT")
    t0, busy0 = time.monotonic(), busy_cpu_s()
    try:
        psql(sql, stdin_sql=True)
        _floors[d] = (time.monotonic() - t0, busy_cpu_s() - busy0)
    finally:
        psql(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
    return _floors[d]


def print_run(label: str, r: dict):
    print(f"{label}  run={r['wall']:.2f}s  peak_rss={r['rss_mb']:.0f} MB  floor={r['floor']:.2f}s  "
          f"ratio={r['wall'] / r['floor']:.1f}x  findings={r['findings']}", flush=True)
    print(f"    cpu={r['cpu']:.1f}s (cli {r['cli_cpu']:.1f}s, the rest PostgreSQL and anything else running)  "
          f"floor_cpu={r['floor_cpu']:.1f}s  cpu_ratio={r['cpu'] / max(r['floor_cpu'], 0.001):.1f}x", flush=True)
    cells = []
    for p in PHASES:
        secs, rows = r["phases"][p]
        rate = f" {rows / secs / 1000:.0f}k/s" if rows and secs > 0.001 else ""
        cells.append(f"{p}={secs:.2f}s{rate}")
    print("    " + "  ".join(cells), flush=True)


def _median(values: list[float]) -> float:
    v = sorted(values)
    n = len(v)
    return v[n // 2] if n % 2 else (v[n // 2 - 1] + v[n // 2]) / 2


def medians(cases: list[dict], results: list[dict]) -> list[dict]:
    """One result per case and pass, of the medians over its repetitions (peak RSS: the largest), printed with their
    spread. A later pass's share of its case's first pass (a rerun, the run after a late log, a series' last day) is
    the median of each repetition's own share: a pair measured in the same minutes."""
    print(f"\nMedians of {REPEAT} repetitions (each run beside its own floor; the spread on the line below):")
    out = []
    for case in cases:
        rs = [r for r in results if r["case"] is case]
        firsts = [r for r in rs if r["pass_no"] == 0]
        for pass_no in sorted({r["pass_no"] for r in rs}):
            group = [r for r in rs if r["pass_no"] == pass_no]
            m = dict(group[0])
            for key in ("wall", "floor", "cpu", "cli_cpu", "floor_cpu"):
                m[key] = _median([r[key] for r in group])
            m["rss_mb"] = max(r["rss_mb"] for r in group)
            m["phases"] = {p: (_median([r["phases"][p][0] for r in group]), group[0]["phases"][p][1]) for p in PHASES}
            if pass_no > 0:
                m["share_of_first"] = _median([r["wall"] / f["wall"] for r, f in zip(group, firsts)])
            print_run(m["label"], m)
            print(f"    runs {min(r['wall'] for r in group):.2f}-{max(r['wall'] for r in group):.2f}s, "
                  f"floors {min(r['floor'] for r in group):.2f}-{max(r['floor'] for r in group):.2f}s"
                  + (f", {m['share_of_first']:.0%} of the first pass (median of the pairs)" if pass_no > 0 else ""),
                  flush=True)
            out.append(m)
    return out


def main(argv: list[str]) -> int:
    cases = [parse_case(a) for a in (argv or DEFAULT_CASES)]
    stamp = time.strftime("%Y%m%d%H%M%S")
    log(f"machine: {os.cpu_count()} cores, load average {' '.join(open('/proc/loadavg').read().split()[:3])}")
    results, failures = [], []
    for ci, case in [(ci, case) for _ in range(REPEAT) for ci, case in enumerate(cases)]:
        rep = sum(1 for r in results if r["case"] is case and r["pass_no"] == 0)
        schema = f"bench_{stamp}_{ci}" + (f"_{rep + 1}" if REPEAT > 1 else "")
        expected_carry: dict = {}
        runs = []
        try:
            for k in range(case["days"]):
                day = FIRST_DAY + datetime.timedelta(days=k)
                d = day_dir(day, case["orders"], case["rate"], case["outage"], case["late"])
                manifest = json.loads((d / "manifest.json").read_text(encoding="utf-8"))
                expected = {kind: expected_carry.get(kind, 0) + manifest["expected_findings"].get(kind, 0)
                            for kind in set(expected_carry) | set(manifest["expected_findings"])}
                passes = ["first", "rerun"] if case["rerun"] else ["before late", "late"] if case["late"] else ["first"]
                for what in passes:
                    rerun, late = what == "rerun", what == "late"
                    log(f"{case['name']}: day {day}{'' if what == 'first' else f' ({what})'}, schema {schema}")
                    if late:
                        # The late log alone is the inbox: every other file is imported already.
                        held = manifest["late"]
                        paid = case.get("paid", False)
                        if paid:
                            # Every request refunded before the log arrives, as a consumer completes them.
                            psql(f"SET search_path = {schema}; UPDATE compensation_request SET state = 'completed', reference = 'bench', "
                                 "completed_at = now(), outcome = 'completed by bench', updated_at = now() "
                                 "WHERE state = 'pending'")
                        r = run_cli(schema, day, d / "late", d / "out", d / "late.log")
                        want = dict(expected, compensated_but_resolved=held["orders"]) if paid else expected
                        r["findings"] = validate(d / "out" / "summary.json", manifest, want, False,
                                                 files=held["files"], resolved=held["orders"])
                        withdrawn = int(psql(f"SELECT count(*) FROM {schema}.compensation_request "
                                                   "WHERE state = 'withdrawn'"))
                        if withdrawn != (0 if paid else held["orders"]):
                            raise SystemExit(f"bench.sh: {case['name']}: {withdrawn} compensation requests withdrawn, "
                                             f"{held['orders']} orders' deliveries held back")
                        r["resolved"] = held["orders"]
                    else:
                        want = manifest["late"]["expected_findings_before_late"] if what == "before late" else expected
                        r = run_cli(schema, day, d / "inbox", d / "out", d / ("rerun.log" if rerun else "run.log"))
                        r["findings"] = validate(d / "out" / "summary.json", manifest, want, rerun)
                    r["floor"], r["floor_cpu"] = floor(d, manifest)
                    label = f"{case['name']}" + (f" day {k + 1}" if case["days"] > 1 else "") + \
                            ("" if what == "first" else f" {what}")
                    r.update(case=case, day=day, rerun=rerun, late=late, orders=case["orders"], label=label,
                             pass_no=len(runs))
                    print_run(label + (f" (#{rep + 1} of {REPEAT})" if REPEAT > 1 else ""), r)
                    runs.append(r)
                expected_carry = carried_over(expected)
        finally:
            if os.environ.get("BENCH_KEEP_SCHEMA") == "1":
                log(f"kept schema {schema} (BENCH_KEEP_SCHEMA=1)")
            else:
                psql(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
        results.extend(runs)

    if REPEAT > 1:
        results = medians(cases, results)

    print("\nChecks (fail = a step grew faster than linear, or a later day cost more than the first):")
    singles = [r for r in results if r["case"]["days"] == 1 and not r["rerun"] and not r["case"]["outage"]
               and not r["case"]["late"]]
    by_rate: dict[float, list] = {}
    for r in singles:
        by_rate.setdefault(r["case"]["rate"], []).append(r)
    for rate, rs in sorted(by_rate.items()):
        rs.sort(key=lambda r: r["orders"])
        for a, b in zip(rs, rs[1:]):
            if a["orders"] == b["orders"]:
                continue
            k = b["orders"] / a["orders"]
            for name, ta, tb in [("total", a["wall"], b["wall"])] + \
                    [(p, a["phases"][p][0], b["phases"][p][0]) for p in PHASES]:
                if tb < NOISE_FLOOR_S:
                    continue
                # A phase under the noise floor at the smaller size counts as the floor: a tail of a few tenths (the
                # statistics' refresh left after the import) is too noisy a base to multiply.
                ratio = tb / max(ta, NOISE_FLOOR_S)
                ok = ratio <= k * LINEAR_SLACK
                print(f"  {rate:.0%} breaks {a['orders']} -> {b['orders']} orders (x{k:.1f}): {name} "
                      f"{ta:.2f}s -> {tb:.2f}s = x{ratio:.1f}  {'ok' if ok else 'FASTER THAN LINEAR'}")
                if not ok:
                    failures.append(f"{name} x{ratio:.1f} for x{k:.1f} orders at {rate:.0%}")
            rss = b["rss_mb"] / a["rss_mb"]
            print(f"  {rate:.0%} breaks {a['orders']} -> {b['orders']} orders: peak RSS {a['rss_mb']:.0f} -> "
                  f"{b['rss_mb']:.0f} MB (x{rss:.2f})")
    for r in results:
        if r["rerun"]:
            first = next(x for x in results if x["case"] is r["case"] and not x["rerun"])
            share = r.get("share_of_first", r["wall"] / first["wall"])
            print(f"  rerun of {r['case']['name']}: {r['wall']:.2f}s = {share:.0%} of the first run "
                  f"(target <= 25%)  {'met' if share <= 0.25 else 'NOT met'}")
        if r["late"]:
            first = next(x for x in results if x["case"] is r["case"] and not x["late"])
            ratio = r.get("share_of_first", r["wall"] / first["wall"])
            ok = ratio <= LINEAR_SLACK
            what = ("compensated_but_resolved raised for each" if r["case"].get("paid")
                    else "their requests withdrawn")
            print(f"  late log of {r['case']['name']}: {r['wall']:.2f}s = x{ratio:.2f} of the first run, "
                  f"{r['resolved']} findings resolved, {what}  {'ok' if ok else 'SLOWER'}")
            if not ok:
                failures.append(f"{r['case']['name']}: the run after the late log costs x{ratio:.2f} of the first")
    for case in cases:
        if case["days"] > 1:
            rs = [r for r in results if r["case"] is case]
            first, last = rs[0], rs[-1]
            ratio = last.get("share_of_first", last["wall"] / first["wall"])
            ok = ratio <= LINEAR_SLACK
            print(f"  {case['name']}: day 1 {first['wall']:.2f}s, day {len(rs)} {last['wall']:.2f}s = x{ratio:.2f}  "
                  f"{'ok' if ok else 'LATER DAY SLOWER'}")
            if not ok:
                failures.append(f"{case['name']}: day {len(rs)} costs x{ratio:.2f} of day 1")
    print("DESIGN targets (2-core machine shared with other work, PostgreSQL local):")
    for r in results:
        if r["orders"] == 1_000_000 and not r["rerun"] and not r["late"] and r["case"]["days"] == 1:
            print(f"  1M orders ({r['case']['name']}) <= 20 s: {r['wall']:.2f}s  "
                  f"{'met' if r['wall'] <= 20 else 'NOT met'}")
    peak = max(r["rss_mb"] for r in results)
    print(f"  peak RSS <= 512 MB: max {peak:.0f} MB  {'met' if peak <= 512 else 'NOT met'}")
    if failures:
        print("bench.sh: FAILED: " + "; ".join(failures), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

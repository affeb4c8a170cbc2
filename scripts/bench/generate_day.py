#!/usr/bin/env python3
"""Generate one big business day (default 2026-11-25) for the Reconciler benchmark, streamed straight to disk.

    python3 scripts/bench/generate_day.py ORDERS OUTDIR [--date 2026-11-25] [--break-rate 0.02]
                                          [--outage fulu@08:00-16:00] [--late fulu@08:00-16:00]

--break-rate is the share of orders constructed to end in a finding (default 0.02; 0.10 is a bad day): the
break scenarios and the orphan payments are scaled together, the no-finding scenarios (refunds, retries,
batches, ...) keep their shares. --outage VENDOR@HH:MM-HH:MM makes every delivery attempt of that vendor whose
time falls inside the window (Beijing time) fail: those orders are paid, fail once and are never delivered, so
each is a charged_not_delivered finding. --late VENDOR@HH:MM-HH:MM holds back that vendor's log of the clean
orders it delivered in the window: their delivery rows go to OUTDIR/late/vendors/... instead of the inbox, so a run
on the inbox alone finds each of them charged_not_delivered (manifest "expected_findings_before_late") and a run of
the same date after the late log arrives finds them delivered (the bill that came late). --date moves every date,
id and file name to another business day, so several days can go into one database without sharing an id.

Writes OUTDIR/inbox/... in the real formats the readers accept (the byte layouts are those of
samples/generate.py, which writes the small sample days: same headers, encodings, line ends, quirks):

    inbox/platform/orders_20261125.csv                       platform export, UTF-8, CRLF, +08:00 times
    inbox/wechat/1900000109_20261125_all.csv                 WeChat Pay ALL bill: BOM, CRLF, backticks, summary row
    inbox/alipay/20881234567890120156_20261125_业务明细.csv   Alipay 业务明细: GBK, CRLF, # lines, TAB ids, footers
    inbox/stripe/payout_reconciliation_2026-11-25.csv        Stripe itemized payout reconciliation, UTC times
    inbox/vendors/carrier_delivery_20261125.csv              vendor-csv (cmcc-agent / cucc-agent), CRLF
    inbox/vendors/fulu_orders_20261125.jsonl                 fulu-jsonl, LF, numbers sometimes as JSON strings

and OUTDIR/manifest.json (rows per file and the break counts by construction), written last: a directory
without it is an interrupted generation.

Every order is decided and written as it is generated (orders are numbered in creation-time order, the
settlement and delivery rows follow within minutes), so memory stays flat whatever ORDERS is; the control
totals (WeChat summary row, Alipay footers, Stripe payout) are accumulated on the way and written at the end.
Money is integer cents (no Decimal), timestamps come from per-second lookup tables. Deterministic: a fixed
seed, no clock — the same ORDERS gives the same bytes.

Mix: channels wechat 50 %, alipay 40 %, stripe 10 % (USD); ~4 % refunded in full, ~0.3 % duplicate charges,
~0.2 % duplicates the provider refunded, ~1 % retries, ~1 % merchant batches delivered in parts → ~1.05
settlement lines and ~1.0 delivery event per order; ~2 % breaks (duplicate_charge, charged_not_delivered,
partially_delivered, delivered_wrong_account, amount_mismatch, delivered_not_charged, orphan_charge,
pending / escalated in-flight). Python 3 standard library only.
"""

from __future__ import annotations

import json
import os
import random
import sys
from pathlib import Path

DAY_YMD = "20261125"
DAY_DASH = "2026-11-25"
PREV_DASH = "2026-11-24"
NEXT_DASH = "2026-11-26"
AFTER_NEXT_DASH = "2026-11-27"
SEED = 20261125
DEFAULT_BREAK_RATE = 0.02

WECHAT_APPID, WECHAT_MCHID = "wx8888888888888888", "1900000109"
ALIPAY_PID = "20881234567890120156"
STRIPE_PAYOUT = "po_1QlC4r"

# sku -> product type, provider's 商品名称, vendor, account kind, price in cents per currency, weight
CATALOG = [
    ("WZRY-60", "game_card", "王者荣耀点券60", "fulu", "game", {"CNY": 600, "USD": 85}, 30),
    ("YS-6480", "game_card", "原神创世结晶6480", "fulu", "game", {"CNY": 64800, "USD": 8999}, 10),
    ("IQY-VIP-M", "membership", "爱奇艺黄金会员月卡", "fulu", "game", {"CNY": 2500, "USD": 352}, 18),
    ("CMCC-50", "mobile_topup", "移动话费50元", "cmcc-agent", "phone", {"CNY": 4980, "USD": 701}, 22),
    ("CUCC-100", "mobile_topup", "联通话费100元", "cucc-agent", "phone", {"CNY": 9950, "USD": 1401}, 12),
    ("JD-E-200", "gift_card", "京东E卡200元", "cmcc-agent", "phone", {"CNY": 20000, "USD": 2817}, 8),
]
SKU_TABLE = [item for item in CATALOG for _ in range(item[6])]  # 100 entries, index by int(random * 100)

ORDERS_HEAD = ("order_no,created_at,paid_at,customer_id,merchant_id,product_type,sku,target_account,quantity,"
               "unit_price,amount,currency,pay_channel,status")
WECHAT_HEAD = ("交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,货币种类,"
               "应结订单金额,代金券金额,微信退款单号,商户退款单号,退款金额,充值券退款金额,退款类型,退款状态,商品名称,商户数据包,"
               "手续费,费率,订单金额,申请退款金额,费率备注")
WECHAT_SUMMARY_HEAD = "总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额"
ALIPAY_HEAD = ("支付宝交易号,商户订单号,业务类型,商品名称,创建时间,完成时间,门店编号,门店名称,操作员,终端号,对方账户,订单金额（元）,"
               "商家实收（元）,支付宝红包（元）,集分宝（元）,支付宝优惠（元）,商家优惠（元）,券核销金额（元）,券名称,"
               "商家红包消费金额（元）,卡消费金额（元）,退款批次号/请求号,服务费（元）,分润（元）,备注")
STRIPE_HEAD = ("automatic_payout_id,automatic_payout_effective_at_utc,balance_transaction_id,created_utc,available_on_utc,"
               "currency,gross,fee,net,reporting_category,source_id,description,customer_facing_amount,"
               "customer_facing_currency,charge_id,payment_intent_id,payment_metadata[order_no]")
VENDOR_HEAD = "vendor,vendor_order_id,order_no,target_account,sku,quantity,face_value,cost,status,voucher,finished_at"

LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
DAY_SECONDS = 86400
FIRST_CREATED, LAST_CREATED = 30, 23 * 3600 + 40 * 60  # 00:00:30 .. 23:40:00; every follow-up stays on the day
HOLD_CUTOFF = 10 * 3600 + 30 * 60  # as-of D+1 10:30 minus the 24 h hold limit (held from exactly 24 h on)

# Scenario shares (the rest are clean orders); one uniform draw per order picks one.
SCENARIO_RATES = [
    (0.0040, "dup"),                # duplicate_charge
    (0.0040, "cnd_failed"),         # charged_not_delivered: every attempt failed
    (0.0010, "cnd_lost"),           # charged_not_delivered: callback lost, no vendor asked
    (0.0020, "partial"),            # partially_delivered: batch of 3, 1 delivered
    (0.0020, "wrong"),              # delivered_wrong_account
    (0.0020, "mismatch"),           # amount_mismatch
    (0.0020, "dnc"),                # delivered_not_charged
    (0.0020, "inflight"),           # pending (paid after 10:30) or charged_not_delivered (escalated past the hold)
    (0.0020, "dup_refunded"),       # no finding: duplicate refunded by the provider
    (0.0450, "refunded"),           # no finding: delivery failed, refunded in full
    (0.0050, "cancelled"),          # no finding: never paid, never delivered
    (0.0100, "retry"),              # no finding: failed, then delivered
    (0.0050, "proc_then_ok"),       # no finding: processing/untreated, then success (same vendor order id)
    (0.0020, "spaces"),             # no finding: target with surrounding spaces
    (0.0020, "status_failed"),      # no finding: platform says failed, paid and delivered
    (0.0100, "batch"),              # no finding: merchant batch of 2-5 delivered in parts
]
BREAK_SCENARIOS = {"dup", "cnd_failed", "cnd_lost", "partial", "wrong", "mismatch", "dnc", "inflight"}
ORPHAN_RATE = 0.001                 # orphan_charge: an extra payment naming no order, per order
# Kinds an outage does not change: never paid, or the delivery already fails / is never asked for.
OUTAGE_KEEPS = {"cancelled", "cnd_lost", "cnd_failed", "refunded", "dnc"}


def scenario_table(break_rate: float):
    """Cumulative (limit, name) pairs with the break scenarios (and orphans) scaled to break_rate."""
    base = sum(r for r, n in SCENARIO_RATES if n in BREAK_SCENARIOS) + ORPHAN_RATE
    scale = break_rate / base
    table, acc = [], 0.0
    for rate, name in SCENARIO_RATES:
        acc += rate * scale if name in BREAK_SCENARIOS else rate
        table.append((acc, name))
    if acc >= 1.0:
        raise ValueError(f"break rate {break_rate} leaves no clean orders")
    return table, ORPHAN_RATE * scale


def set_day(day: str):
    """Moves every date-dependent constant to business day `day` (YYYY-MM-DD)."""
    import datetime
    global DAY_YMD, DAY_DASH, PREV_DASH, NEXT_DASH, AFTER_NEXT_DASH, SEED
    d = datetime.date.fromisoformat(day)
    DAY_DASH, DAY_YMD = d.isoformat(), d.strftime("%Y%m%d")
    PREV_DASH = (d - datetime.timedelta(days=1)).isoformat()
    NEXT_DASH = (d + datetime.timedelta(days=1)).isoformat()
    AFTER_NEXT_DASH = (d + datetime.timedelta(days=2)).isoformat()
    SEED = int(DAY_YMD)


def cn_date(dash: str) -> str:
    y, m, d = dash.split("-")
    return f"{y}年{m}月{d}日"


def cents(c: int) -> str:
    return f"-{-c // 100}.{-c % 100:02d}" if c < 0 else f"{c // 100}.{c % 100:02d}"


def time_tables():
    """Per second of the business day: Beijing wall clock, ISO with +08:00, and UTC wall clock."""
    bj, iso, utc = [], [], []
    for s in range(DAY_SECONDS + 3600):
        day, rest = (DAY_DASH, s) if s < DAY_SECONDS else (NEXT_DASH, s - DAY_SECONDS)
        hms = f"{rest // 3600:02d}:{rest % 3600 // 60:02d}:{rest % 60:02d}"
        bj.append(f"{day} {hms}")
        iso.append(f"{day}T{hms}+08:00")
        u = s - 8 * 3600
        uday, urest = (PREV_DASH, u + DAY_SECONDS) if u < 0 else (DAY_DASH, u)
        utc.append(f"{uday} {urest // 3600:02d}:{urest % 3600 // 60:02d}:{urest % 60:02d}")
    return bj, iso, utc


class Out:
    """A text file written in chunks: rows are buffered in a small list and flushed every few thousand."""

    def __init__(self, path: Path, encoding: str, newline: str, bom: bool = False):
        path.parent.mkdir(parents=True, exist_ok=True)
        self.f = open(path, "w", encoding=encoding, newline="")
        self.nl = newline
        self.buf: list[str] = []
        self.rows = 0
        if bom:
            self.f.write("\ufeff")

    def line(self, text: str):
        self.buf.append(text)
        if len(self.buf) >= 4096:
            self.flush()

    def flush(self):
        if self.buf:
            self.f.write(self.nl.join(self.buf) + self.nl)
            self.buf.clear()

    def close(self):
        self.flush()
        self.f.close()


def generate(total: int, outdir: Path, break_rate: float = DEFAULT_BREAK_RATE, outage=None, late=None) -> dict:
    scenarios, orphan_rate = scenario_table(break_rate)
    rng = random.Random(SEED)
    rand, randint, randrange = rng.random, rng.randint, rng.randrange
    bj, iso, utc = time_tables()
    inbox = outdir / "inbox"

    orders = Out(inbox / "platform" / f"orders_{DAY_YMD}.csv", "utf-8", "\r\n")
    wechat = Out(inbox / "wechat" / f"{WECHAT_MCHID}_{DAY_YMD}_all.csv", "utf-8", "\r\n", bom=True)
    alipay = Out(inbox / "alipay" / f"{ALIPAY_PID}_{DAY_YMD}_业务明细.csv", "gbk", "\r\n")
    stripe = Out(inbox / "stripe" / f"payout_reconciliation_{DAY_DASH}.csv", "utf-8", "\r\n")
    carrier = Out(inbox / "vendors" / f"carrier_delivery_{DAY_YMD}.csv", "utf-8", "\r\n")
    fulu = Out(inbox / "vendors" / f"fulu_orders_{DAY_YMD}.jsonl", "utf-8", "\n")
    # The late log, opened only when asked for (held back from the inbox: OUTDIR/late is an inbox of its own).
    late_out = None
    if late:
        late_out = (Out(outdir / "late" / "vendors" / f"fulu_orders_{DAY_YMD}_late.jsonl", "utf-8", "\n")
                    if late[0] == "fulu" else
                    Out(outdir / "late" / "vendors" / f"carrier_delivery_{DAY_YMD}_late.csv", "utf-8", "\r\n"))
        if late[0] != "fulu":
            late_out.line(VENDOR_HEAD)

    orders.line(ORDERS_HEAD)
    wechat.line(WECHAT_HEAD)
    alipay.line("#支付宝业务明细查询")
    alipay.line(f"#账号：[{ALIPAY_PID}]")
    alipay.line(f"#起始日期：[{cn_date(DAY_DASH)} 00:00:00]   终止日期：[{cn_date(NEXT_DASH)} 00:00:00]")
    alipay.line("#-----------------------------------------业务明细列表----------------------------------------")
    alipay.line(ALIPAY_HEAD)
    stripe.line(STRIPE_HEAD)
    carrier.line(VENDOR_HEAD)

    # control totals
    wx = {"n": 0, "settle": 0, "refund": 0, "fee5": 0, "total": 0, "applied": 0}
    ali = {"trades": 0, "t_sum": 0, "refunds": 0, "r_sum": 0}
    st = {"net": 0, "rows": 0}
    seq = {"wechat": 0, "alipay": 0, "stripe": 0, "wx_refund": 0, "fulu": 0, "csv": 0, "orphan": 0}
    stats = {"settlement_lines": 0, "delivery_events": 0}
    kinds: dict[str, int] = {}
    payout_at = f"{AFTER_NEXT_DASH} 00:00:00"

    def stripe_suffix(n: int) -> str:
        x = (n * 2654435761 + 97 + SEED * 40503) % (52 ** 18)
        letters = []
        for _ in range(18):
            x, r = divmod(x, 52)
            letters.append(LETTERS[r])
        return f"{n:07d}" + "".join(letters)

    # ---- payments and refunds: each returns a handle used by refunds
    def pay(channel, order_no, gross, at, name, created):
        stats["settlement_lines"] += 1
        seq[channel] += 1
        n = seq[channel]
        if channel == "wechat":
            tid = f"4200002{DAY_YMD}{n:013d}"
            openid = f"oUpF8u{randrange(10 ** 22):022d}"
            fee5 = gross * 6  # 0.6 % of the cents, in 1e-5 yuan: exact
            wechat.line(f"`{bj[at]},`{WECHAT_APPID},`{WECHAT_MCHID},`0,`,`{tid},`{order_no},`{openid},`NATIVE,`SUCCESS,"
                        f"`OTHERS,`CNY,`{cents(gross)},`0.00,`0,`0,`0.00,`0.00,`,`,`{name},`,"
                        f"`{fee5 // 100000}.{fee5 % 100000:05d},`0.60%,`{cents(gross)},`0.00,`")
            wx["n"] += 1; wx["settle"] += gross; wx["total"] += gross; wx["fee5"] += fee5
            return ("wechat", tid, openid, gross, order_no, name)
        if channel == "alipay":
            tid = f"{DAY_YMD}22001{n:015d}"
            buyer = f"*{'芳华强伟明丽静敏'[randrange(8)]}(1{'3589'[randrange(4)]}{randrange(10)}****{randrange(10000):04d})"
            fee = (gross * 6 + 500) // 1000
            alipay.line(f"{tid}\t,{order_no}\t,交易\t,{name},{bj[created]},{bj[at]},\t,\t,\t,\t,{buyer}\t,"
                        f"{cents(gross)},{cents(gross)},0.00,0.00,0.00,0.00,0.00,,0.00\t,0.00,\t,-{cents(fee)},0.00,")
            ali["trades"] += 1; ali["t_sum"] += gross
            return ("alipay", tid, buyer, gross, order_no, name, created)
        suffix = stripe_suffix(n)
        tid, pi = "ch_3" + suffix, "pi_3" + suffix
        fee = (gross * 29 + 500) // 1000 + 30
        st["rows"] += 1
        stripe.line(f"{STRIPE_PAYOUT},{payout_at},txn_{DAY_YMD[2:]}{st['rows']:08d},{utc[at]},{payout_at},usd,{cents(gross)},"
                    f"{cents(fee)},{cents(gross - fee)},charge,{tid},\"Top-up, {name}\",{cents(gross)},usd,{tid},{pi},"
                    f"{order_no}")
        st["net"] += gross - fee
        return ("stripe", tid, pi, gross, order_no, name)

    def refund(p, at):
        stats["settlement_lines"] += 1
        provider, tid, extra, gross, order_no, name = p[:6]
        if provider == "wechat":
            seq["wx_refund"] += 1
            fee5 = gross * 6
            wechat.line(f"`{bj[at]},`{WECHAT_APPID},`{WECHAT_MCHID},`0,`,`{tid},`{order_no},`{extra},`NATIVE,`REFUND,"
                        f"`OTHERS,`CNY,`0.00,`0.00,`503000{DAY_YMD}{seq['wx_refund']:015d},`RF{order_no},`{cents(gross)},"
                        f"`0.00,`ORIGINAL,`SUCCESS,`{name},`,`-{fee5 // 100000}.{fee5 % 100000:05d},`0.60%,`0.00,"
                        f"`{cents(gross)},`")
            wx["n"] += 1; wx["refund"] += gross; wx["applied"] += gross; wx["fee5"] -= fee5
        elif provider == "alipay":
            fee = (gross * 6 + 500) // 1000
            alipay.line(f"{tid}\t,{order_no}\t,退款\t,{name},{bj[p[6]]},{bj[at]},\t,\t,\t,\t,{extra}\t,"
                        f"-{cents(gross)},-{cents(gross)},0.00,0.00,0.00,0.00,0.00,,0.00\t,0.00,RF{order_no}01\t,"
                        f"{cents(fee)},0.00,")
            ali["refunds"] += 1; ali["r_sum"] -= gross
        else:
            st["rows"] += 1
            ref = "re_3" + stripe_suffix(st["rows"])
            stripe.line(f"{STRIPE_PAYOUT},{payout_at},txn_{DAY_YMD[2:]}{st['rows']:08d},{utc[at]},{payout_at},usd,-{cents(gross)},"
                        f"0.00,-{cents(gross)},refund,{ref},\"Refund, {name}\",-{cents(gross)},usd,{tid},{extra},"
                        f"{order_no}")
            st["net"] -= gross

    def deliver(vendor, order_no, target, sku, qty, face, status, at, same_id=None, held_back=False):
        stats["delivery_events"] += 1
        out = late_out if held_back else (fulu if vendor == "fulu" else carrier)
        if vendor == "fulu":
            if same_id is None:
                vid = f"22{DAY_YMD[2:]}{seq['fulu']:012d}"
                seq["fulu"] += 1
            else:
                vid = same_id
            price = face * 96  # in 1e-4 units: face cents * 0.96 * 100
            if rand() < 0.35:
                num, pr = str(qty), (f"{price // 10000}.{price % 10000 // 100:02d}" if price % 100 == 0
                                     else f"{price // 10000}.{price % 10000:04d}")
            else:
                num, pr = f'"{qty}"', f'"{price // 10000}.{price % 10000:04d}"'
            finished = bj[at] if status in ("success", "failed") else ""
            voucher = f"fl{randrange(10 ** 24):024d}" if status == "success" else ""
            out.line(f'{{"order_id": "{vid}", "customer_order_no": "{order_no}", "charge_account": "{target}", '
                     f'"product_id": "{sku}", "buy_num": {num}, "order_price": {pr}, "order_status": "{status}", '
                     f'"charge_finish_time": "{finished}", "operator_serial_number": "{voucher}"}}')
        else:
            if same_id is None:
                vid = f"V{DAY_YMD[2:]}{seq['csv']:08d}"
                seq["csv"] += 1
            else:
                vid = same_id
            cost = (face * 97 + 50) // 100
            voucher = f"asix{randrange(10 ** 32):032d}" if status == "success" else ""
            out.line(f"{vendor},{vid},{order_no},{target},{sku},{qty},{cents(face)},{cents(cost)},{status},"
                     f"{voucher},{iso[at]}")
        return vid

    span = LAST_CREATED - FIRST_CREATED
    for i in range(1, total + 1):
        order_no = f"KM{DAY_YMD}{i:07d}"
        created = FIRST_CREATED + (i - 1) * span // total
        r = rand()
        kind = "clean"
        for limit, name in scenarios:
            if r < limit:
                kind = name
                break

        c = rand()
        channel = "wechat" if c < 0.5 else ("alipay" if c < 0.9 else "stripe")
        currency = "USD" if channel == "stripe" else "CNY"
        sku, ptype, pname, vendor, acct, prices, _ = SKU_TABLE[int(rand() * 100)]
        paid = created + randint(8, 85)
        at = paid + randint(2, 150)
        dt = paid + randint(40, 600)
        if outage and vendor == outage[0] and outage[1] <= dt < outage[2] and kind not in OUTAGE_KEEPS:
            kind = "outage"
        if late and vendor == late[0] and late[1] <= dt < late[2] and kind == "clean":
            kind = "late"
        kinds[kind] = kinds.get(kind, 0) + 1
        if kind == "partial":
            qty = 3
        elif kind == "batch":
            qty = randint(2, 5)
        else:
            qty = 1
        merchant = f"M0{randint(100, 199)}" if qty > 1 else ""
        unit = prices[currency]
        amount = unit * qty
        if acct == "phone":
            target = f"1{'3589'[randrange(4)]}{randrange(10 ** 9):09d}"
        else:
            target = str(randint(100000000, 9999999999))
        paid_at = iso[paid]
        status = "delivered"
        if kind == "cnd_lost":
            paid_at, status = "", "failed"
        elif kind in ("cnd_failed", "status_failed", "outage"):
            status = "failed"
        elif kind == "refunded":
            status = "refunded"
        elif kind == "cancelled":
            paid_at, status = "", "cancelled"
        elif kind in ("partial", "inflight"):
            status = "delivering"
        orders.line(f"{order_no},{iso[created]},{paid_at},C{randrange(10 ** 7):07d},{merchant},{ptype},{sku},{target},"
                    f"{qty},{cents(unit)},{cents(amount)},{currency},{channel},{status}")

        if kind == "cancelled":
            continue
        face = unit
        if kind != "dnc":
            gross = (amount - 100 if amount > 200 else amount + 100) if kind == "mismatch" else amount
            p = pay(channel, order_no, gross, at, pname, created)
            if kind in ("dup", "dup_refunded"):
                p2 = pay(channel, order_no, amount, at + randint(60, 240), pname, created)
                if kind == "dup_refunded":
                    refund(p2, at + randint(600, 2400))
        if kind in ("clean", "dup", "mismatch", "dnc", "dup_refunded", "status_failed"):
            deliver(vendor, order_no, target, sku, qty, face, "success", dt)
        elif kind == "late":
            deliver(vendor, order_no, target, sku, qty, face, "success", dt, held_back=True)
        elif kind == "cnd_failed":
            deliver(vendor, order_no, target, sku, qty, face, "failed", dt)
            deliver(vendor, order_no, target, sku, qty, face, "failed", dt + randint(60, 600))
        elif kind == "cnd_lost":
            pass
        elif kind == "outage":
            deliver(vendor, order_no, target, sku, qty, face, "failed", dt)
        elif kind == "partial":
            deliver(vendor, order_no, target, sku, 1, face, "success", dt)
            deliver(vendor, order_no, target, sku, 2, face, "failed", dt + randint(60, 400))
        elif kind == "wrong":
            wrong = target[:-1] + str((int(target[-1]) + 1) % 10)
            deliver(vendor, order_no, wrong, sku, qty, face, "success", dt)
        elif kind == "inflight":
            deliver(vendor, order_no, target, sku, qty, face, "untreated" if vendor == "fulu" else "processing", dt)
            kinds["inflight_escalated" if paid <= HOLD_CUTOFF else "inflight_pending"] = \
                kinds.get("inflight_escalated" if paid <= HOLD_CUTOFF else "inflight_pending", 0) + 1
        elif kind == "refunded":
            deliver(vendor, order_no, target, sku, qty, face, "failed", dt)
            refund(p, at + randint(600, 3000))
        elif kind == "retry":
            deliver(vendor, order_no, target, sku, qty, face, "failed", dt)
            deliver(vendor, order_no, target, sku, qty, face, "success", dt + randint(60, 600))
        elif kind == "proc_then_ok":
            vid = deliver(vendor, order_no, target, sku, qty, face, "untreated" if vendor == "fulu" else "processing", dt)
            deliver(vendor, order_no, target, sku, qty, face, "success", dt + randint(60, 240), same_id=vid)
        elif kind == "spaces":
            deliver(vendor, order_no, f" {target} ", sku, qty, face, "success", dt)
        elif kind == "batch":
            left, t = qty, dt
            while left:
                part = randint(1, min(2, left))
                deliver(vendor, order_no, target, sku, part, face, "success", t)
                left -= part
                t += randint(20, 120)

        if rand() < orphan_rate:
            seq["orphan"] += 1
            kinds["orphan"] = kinds.get("orphan", 0) + 1
            och = "wechat" if channel != "stripe" else "alipay"
            pay(och, f"KX{DAY_YMD}{seq['orphan']:06d}", unit, at + randint(5, 60), pname, created)

    # ---- control totals and closing rows
    wechat.line(WECHAT_SUMMARY_HEAD)
    f5 = wx["fee5"]
    fee_text = f"{'-' if f5 < 0 else ''}{abs(f5) // 100000}.{abs(f5) % 100000:05d}"
    wechat.line(f"`{wx['n']},`{cents(wx['settle'])},`{cents(wx['refund'])},`0.00,`{fee_text},`{cents(wx['total'])},"
                f"`{cents(wx['applied'])}")
    alipay.line("#-----------------------------------------业务明细列表结束------------------------------------")
    alipay.line(f"#交易合计：{ali['trades']}笔，商家实收共{cents(ali['t_sum'])}元，商家优惠共0.00元")
    alipay.line(f"#退款合计：{ali['refunds']}笔，商家实收退款共{cents(ali['r_sum'])}元，商家优惠退款共0.00元")
    alipay.line(f"#导出时间：[{cn_date(NEXT_DASH)} 05:46:49]")
    radar = -240
    st["net"] += radar
    stripe.line(f"{STRIPE_PAYOUT},{payout_at},txn_{DAY_YMD[2:]}{st['rows'] + 1:08d},{DAY_DASH} 15:59:58,{payout_at},usd,"
                f"{cents(radar)},0.00,{cents(radar)},fee,,\"Radar screening fees, 风控\",{cents(radar)},usd,,,")
    stripe.line(f"{STRIPE_PAYOUT},{payout_at},txn_{DAY_YMD[2:]}{st['rows'] + 2:08d},{payout_at},{payout_at},usd,{cents(-st['net'])},"
                f"0.00,{cents(-st['net'])},payout,{STRIPE_PAYOUT},STRIPE PAYOUT,{cents(-st['net'])},usd,,,")

    files = []
    for out in (orders, wechat, alipay, stripe, carrier, fulu):
        out.close()
        files.append(Path(out.f.name).relative_to(inbox).as_posix())
    late_files = []
    if late_out is not None:
        late_out.close()
        late_files.append(Path(late_out.f.name).relative_to(outdir / "late").as_posix())
    k = kinds.get
    expected = {
        "duplicate_charge": k("dup", 0),
        "charged_not_delivered": k("cnd_failed", 0) + k("cnd_lost", 0) + k("inflight_escalated", 0) + k("outage", 0),
        "partially_delivered": k("partial", 0),
        "delivered_wrong_account": k("wrong", 0),
        "amount_mismatch": k("mismatch", 0),
        "delivered_not_charged": k("dnc", 0),
        "orphan_charge": k("orphan", 0),
        "pending": k("inflight_pending", 0),
    }
    before_late = dict(expected, charged_not_delivered=expected["charged_not_delivered"] + k("late", 0))
    manifest = {
        "business_date": DAY_DASH, "orders": total, "seed": SEED, "break_rate": break_rate,
        "outage": None if outage is None else {"vendor": outage[0], "from": bj[outage[1]], "to": bj[outage[2]]},
        "settlement_lines": stats["settlement_lines"], "delivery_events": stats["delivery_events"],
        "wechat_rows": wx["n"], "alipay_trades": ali["trades"], "alipay_refunds": ali["refunds"],
        "stripe_rows": st["rows"], "scenarios": dict(sorted(kinds.items())),
        "expected_findings": expected, "expected_findings_total": sum(expected.values()),
        "files": sorted(files),
        "late": None if late is None else {"vendor": late[0], "from": bj[late[1]], "to": bj[late[2]],
                                           "orders": k("late", 0), "files": late_files,
                                           "expected_findings_before_late": before_late},
    }
    return manifest


def parse_outage(text: str):
    """VENDOR@HH:MM-HH:MM (Beijing time on the business day) -> (vendor, from second, to second)."""
    vendor, _, window = text.partition("@")
    start, _, end = (window or "08:00-16:00").partition("-")
    seconds = [int(t[:2]) * 3600 + int(t[3:5]) * 60 for t in (start, end)]
    vendors = {item[3] for item in CATALOG}
    if vendor not in vendors or not 0 <= seconds[0] < seconds[1] <= DAY_SECONDS:
        raise ValueError(f"--outage {text}: want VENDOR@HH:MM-HH:MM with VENDOR one of {sorted(vendors)}")
    return vendor, seconds[0], seconds[1]


def main(argv):
    import argparse
    parser = argparse.ArgumentParser(prog="generate_day.py", description="Generate one big business day.")
    parser.add_argument("orders", type=int)
    parser.add_argument("outdir", type=Path)
    parser.add_argument("--date", default=DAY_DASH, help="business day, YYYY-MM-DD (default %(default)s)")
    parser.add_argument("--break-rate", type=float, default=DEFAULT_BREAK_RATE,
                        help="share of orders constructed to break (default %(default)s)")
    parser.add_argument("--outage", help="VENDOR@HH:MM-HH:MM: every delivery of VENDOR in the window fails")
    parser.add_argument("--late", help="VENDOR@HH:MM-HH:MM: the log of VENDOR's clean deliveries in the window is "
                                       "held back in OUTDIR/late")
    args = parser.parse_args(argv[1:])
    if args.orders < 1 or not 0 <= args.break_rate <= 0.5:
        parser.error("ORDERS must be positive and --break-rate within 0..0.5")
    set_day(args.date)
    try:
        outage = parse_outage(args.outage) if args.outage else None
        late = parse_outage(args.late) if args.late else None
    except ValueError as e:
        parser.error(str(e))
    total, outdir = args.orders, args.outdir
    manifest_path = outdir / "manifest.json"
    if manifest_path.exists():
        manifest_path.unlink()
    manifest = generate(total, outdir, args.break_rate, outage, late)
    tmp = manifest_path.with_suffix(".tmp")
    tmp.write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    os.replace(tmp, manifest_path)
    print(f"generate_day.py: {total} orders, {manifest['settlement_lines']} settlement lines, "
          f"{manifest['delivery_events']} delivery events -> {outdir}/inbox", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

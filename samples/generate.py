#!/usr/bin/env python3
"""Generate Reconciler's two sample business days and their expected findings.

Run from the repository root:

    python3 samples/generate.py

It (re)writes, deterministically (fixed seeds, Decimal money, no clock, no network):

    samples/2026-11-20/inbox/...                  the foundation formats, every order paid through WeChat Pay
    samples/2026-11-20/expected-mismatches.csv
    samples/2026-11-20/expected-files.csv
    samples/2026-11-21/inbox/...                  every real format at once
    samples/2026-11-21/expected-mismatches.csv
    samples/2026-11-21/expected-files.csv

The expected findings come from the scenario construction: every scenario states the findings it must
produce (kind and compensation amount), and the remaining columns are derived from the evidence the
scenario created. As an independent check the script then reads its own output files back (zip entry
names, GBK bytes, WeChat summary sums, Alipay footers, ZM line widths) and re-derives the findings from
the parsed files with a from-scratch reading of DESIGN.md's matching table; any disagreement aborts.

Python 3.11, standard library only.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import random
import shutil
import sys
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal
from pathlib import Path

SAMPLES = Path(__file__).resolve().parent

BJ = timezone(timedelta(hours=8), "Asia/Shanghai")
CET = timezone(timedelta(hours=1), "CET")
UTC = timezone.utc

CENT = Decimal("0.01")
FEN5 = Decimal("0.00001")
ZERO = Decimal("0.00")

# Run assumptions of the expected findings (DESIGN.md defaults).
SLA = timedelta(minutes=30)
GRACE = timedelta(minutes=15)
HOLD = timedelta(hours=24)
TOLERANCE = Decimal("0.01")

FINDING_COLUMNS = [
    "finding_id", "order_no", "kind", "provider", "provider_txn_id", "vendor", "expected_amount",
    "charged_amount", "delivered_quantity", "ordered_quantity", "currency", "compensation_action",
    "compensation_amount", "status", "detail",
]
ACTION = {
    "duplicate_charge": "refund", "charged_not_delivered": "refund", "partially_delivered": "refund",
    "delivered_wrong_account": "manual_review", "amount_mismatch": "manual_review",
    "delivered_not_charged": "manual_review", "orphan_charge": "manual_review", "pending": "none",
}

# sku -> product type, display name (as the providers' 商品名称), vendor, account kind, price per currency
CATALOG = {
    "WZRY-60": ("game_card", "王者荣耀点券60", "fulu", "game", {"CNY": "6.00", "USD": "0.85", "EUR": "0.85"}),
    "YS-6480": ("game_card", "原神创世结晶6480", "fulu", "game", {"CNY": "648.00", "USD": "89.99", "EUR": "82.99"}),
    "IQY-VIP-M": ("membership", "爱奇艺黄金会员月卡", "fulu", "game", {"CNY": "25.00", "USD": "3.52", "EUR": "3.29"}),
    "CMCC-50": ("mobile_topup", "移动话费50元", "cmcc-agent", "phone", {"CNY": "49.80", "USD": "7.01", "EUR": "7.01"}),
    "CUCC-100": ("mobile_topup", "联通话费100元", "cucc-agent", "phone", {"CNY": "99.50", "USD": "14.01", "EUR": "14.01"}),
    "JD-E-200": ("gift_card", "京东E卡200元", "cmcc-agent", "phone", {"CNY": "200.00", "USD": "28.17", "EUR": "28.17"}),
}
SKU_WEIGHTS = {"WZRY-60": 30, "YS-6480": 10, "IQY-VIP-M": 18, "CMCC-50": 22, "CUCC-100": 12, "JD-E-200": 8}
CURRENCY = {"wechat": "CNY", "alipay": "CNY", "unionpay": "CNY", "stripe": "USD", "adyen": "EUR"}

WECHAT_APPID, WECHAT_MCHID = "wx8888888888888888", "1900000109"
ALIPAY_PID = "20881234567890120156"
UNIONPAY_MERID = "777290058110048"
ADYEN_COMPANY, ADYEN_MERCHANT, ADYEN_BATCH = "KamenCompany", "KamenEUR", 415
STRIPE_PAYOUT = "po_1QlC4r"

DIGITS = "0123456789"
LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def money(value) -> Decimal:
    return Decimal(value).quantize(CENT)


def m2(value: Decimal) -> str:
    return f"{value.quantize(CENT)}"


def finding_id(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).digest()[:12].hex()


# --------------------------------------------------------------------------------------------------------------
# The model: orders, provider transactions, vendor events
# --------------------------------------------------------------------------------------------------------------

@dataclass(eq=False)
class Order:
    created: datetime
    paid: datetime | None
    customer_id: str
    merchant_id: str
    sku: str
    target: str
    quantity: int
    currency: str
    channel: str
    status: str
    no: str = ""

    @property
    def product_type(self) -> str:
        return CATALOG[self.sku][0]

    @property
    def unit_price(self) -> Decimal:
        return Decimal(CATALOG[self.sku][4][self.currency])

    @property
    def amount(self) -> Decimal:
        return self.unit_price * self.quantity


@dataclass(eq=False)
class Txn:
    """A provider line. kind: payment | refund | chargeback. txn_id is always the PAYMENT's id."""
    provider: str
    kind: str
    txn_id: str
    gross: Decimal            # unsigned
    currency: str
    at: datetime
    sku: str
    order: Order | None = None
    orphan_no: str | None = None  # merchant order number of an orphan ("" = none at all)
    ref: str = ""             # refund id / dispute id / modification reference
    extra: dict = field(default_factory=dict)
    seq: int = 0

    @property
    def order_no(self) -> str:
        return self.order.no if self.order is not None else (self.orphan_no or "")


@dataclass(eq=False)
class Event:
    vendor: str
    vendor_order_id: str
    order: Order
    target: str
    quantity: int
    status: str               # success | failed | processing | untreated
    at: datetime
    seq: int
    extra: dict = field(default_factory=dict)


@dataclass
class Scenario:
    name: str
    text: str
    orders: list
    findings: list            # (Order or Txn, kind, compensation Decimal|None)


class Day:
    def __init__(self, day: date, seed: int):
        self.day = day
        self.rng = random.Random(seed)
        self.orders: list[Order] = []
        self.txns: list[Txn] = []
        self.events: list[Event] = []
        self.scenarios: list[Scenario] = []
        self.mangled_after: Event | None = None
        self._seq = 0

    # ---- time helpers
    @property
    def ymd(self) -> str:
        return self.day.strftime("%Y%m%d")

    def t(self, h: int, m: int, s: int = 0) -> datetime:
        return datetime(self.day.year, self.day.month, self.day.day, h, m, s, tzinfo=BJ)

    def rand_time(self, lo=(0, 0, 30), hi=(23, 40, 0)) -> datetime:
        a, b = self.t(*lo), self.t(*hi)
        return a + timedelta(seconds=self.rng.randint(0, int((b - a).total_seconds())))

    def seq(self) -> int:
        self._seq += 1
        return self._seq

    # ---- random identifiers
    def digits(self, n: int) -> str:
        return "".join(self.rng.choice(DIGITS) for _ in range(n))

    def letters(self, n: int) -> str:
        return "".join(self.rng.choice(LETTERS) for _ in range(n))

    def account(self, sku: str) -> str:
        if CATALOG[sku][3] == "phone":
            return "1" + self.rng.choice("3589") + self.digits(9)
        return str(self.rng.randint(100000000, 9999999999))

    # ---- building blocks
    def order(self, sku, channel, created=None, qty=1, merchant="", status="delivered", paid=True,
              paid_after=None, target=None) -> Order:
        created = created or self.rand_time()
        paid_at = None
        if paid:
            paid_at = created + timedelta(seconds=paid_after if paid_after is not None else self.rng.randint(8, 85))
        if qty > 1 and not merchant:
            merchant = f"M0{self.rng.randint(100, 199)}"
        o = Order(created, paid_at, f"C{self.digits(7)}", merchant, sku, target or self.account(sku), qty,
                  CURRENCY[channel], channel, status)
        self.orders.append(o)
        return o

    def pay(self, o: Order, gross=None, at=None, provider=None) -> Txn:
        provider = provider or o.channel
        base = o.paid or (o.created + timedelta(seconds=40))
        at = at or base + timedelta(seconds=self.rng.randint(2, 150))
        t = self._payment(provider, money(gross if gross is not None else o.amount), o.currency, at, o.sku)
        t.order = o
        return t

    def orphan(self, provider, sku, at, merchant_no, gross=None) -> Txn:
        cur = CURRENCY[provider]
        t = self._payment(provider, money(gross or CATALOG[sku][4][cur]), cur, at, sku)
        t.orphan_no = merchant_no
        return t

    def _payment(self, provider, gross, currency, at, sku) -> Txn:
        r = self.rng
        extra = {}
        if provider == "wechat":
            tid = "4200002" + self.digits(21)
            extra["openid"] = "oUpF8u" + self.digits(22)
        elif provider == "alipay":
            tid = at.strftime("%Y%m%d") + "22001" + self.digits(15)
            extra["buyer"] = f"*{r.choice('芳华强伟明丽静敏')}(1{r.choice('3589')}{self.digits(1)}****{self.digits(4)})"
        elif provider == "unionpay":
            tid = at.strftime("%Y%m%d%H%M%S") + self.digits(7)
            extra["trace"] = self.digits(6)
            extra["card"] = r.choice(["622588", "621700", "622848", "625807"]) + "******" + self.digits(4)
            extra["card_type"] = r.choice(["01", "02"])
        elif provider == "stripe":
            suffix = self.digits(7) + self.letters(18)
            tid = "ch_3" + suffix
            extra["pi"] = "pi_3" + suffix
            extra["bt"] = "txn_" + self.digits(14)
        elif provider == "adyen":
            tid = str(r.randint(1, 9)) + self.digits(15)
            extra["mod"] = self.digits(16)
            extra["method"] = r.choice([("visa", "visaclassic"), ("mc", "mccredit")])
        else:
            raise ValueError(provider)
        t = Txn(provider, "payment", tid, gross, currency, at, sku, extra=extra, seq=self.seq())
        self.txns.append(t)
        return t

    def refund(self, pay: Txn, amount=None, at=None) -> Txn:
        at = at or pay.at + timedelta(minutes=self.rng.randint(20, 90))
        amount = money(amount if amount is not None else pay.gross)
        if pay.provider == "wechat":
            ref = "503000" + self.digits(23)
        elif pay.provider == "unionpay":
            ref = at.strftime("%Y%m%d%H%M%S") + self.digits(7)
        elif pay.provider == "stripe":
            ref = "re_3" + self.digits(7) + self.letters(18)
        elif pay.provider == "adyen":
            ref = str(self.rng.randint(1, 9)) + self.digits(15)
        else:
            ref = ""
        t = Txn(pay.provider, "refund", pay.txn_id, amount, pay.currency, at, pay.sku, pay.order, pay.orphan_no,
                ref, {"pay": pay, "trace": self.digits(6), "bt": "txn_" + self.digits(14)}, self.seq())
        self.txns.append(t)
        return t

    def chargeback(self, pay: Txn, at) -> Txn:
        ref = "dp_1" + self.letters(24) if pay.provider == "stripe" else self.digits(16)
        t = Txn(pay.provider, "chargeback", pay.txn_id, pay.gross, pay.currency, at, pay.sku, pay.order,
                pay.orphan_no, ref, {"pay": pay, "bt": "txn_" + self.digits(14)}, self.seq())
        self.txns.append(t)
        return t

    def deliver(self, o: Order, qty=None, status="success", target=None, at=None, vendor=None, same_as=None) -> Event:
        vendor = vendor or CATALOG[o.sku][2]
        at = at or (o.paid or o.created) + timedelta(seconds=self.rng.randint(40, 600))
        extra = {"same_as": same_as}  # vendor order ids are numbered in time order by finish()
        if status == "success":
            extra["voucher"] = ("asix" + self.digits(32)) if vendor != "fulu" else ("fl" + self.digits(24))
        ev = Event(vendor, "", o, target if target is not None else o.target, qty or o.quantity, status, at,
                   self.seq(), extra)
        self.events.append(ev)
        return ev

    def scenario(self, name, text, orders, findings=()):
        self.scenarios.append(Scenario(name, text, list(orders), list(findings)))

    # ---- clean orders
    def clean(self, channel, qty=1) -> Order:
        sku = self.rng.choices(list(SKU_WEIGHTS), weights=list(SKU_WEIGHTS.values()))[0]
        o = self.order(sku, channel, qty=qty)
        self.pay(o)
        if qty == 1:
            self.deliver(o)
        else:
            left, at = qty, o.paid + timedelta(seconds=self.rng.randint(30, 200))
            while left:
                part = self.rng.randint(1, min(2, left))
                self.deliver(o, qty=part, at=at)
                left -= part
                at += timedelta(seconds=self.rng.randint(20, 400))
        return o

    def finish(self, total: int, channels: dict[str, int]):
        """Fill up with clean orders to `total`, shuffle, number them."""
        scenario_orders = len(self.orders)
        names = list(channels)
        weights = [channels[n] for n in names]
        batches = 0
        while len(self.orders) < total:
            ch = self.rng.choices(names, weights=weights)[0]
            if batches < 8 and self.rng.random() < 0.04:
                batches += 1
                self.clean(ch, qty=self.rng.randint(2, 5))
            else:
                self.clean(ch)
        self.rng.shuffle(self.orders)
        for i, o in enumerate(self.orders, 1):
            o.no = f"KM{self.ymd}{i:07d}"
        counters = {"fulu": 0, "csv": 0}
        for e in sorted(self.events, key=lambda e: (e.at, e.seq)):
            if e.extra["same_as"] is not None:
                e.vendor_order_id = e.extra["same_as"].vendor_order_id
                assert e.vendor_order_id
            elif e.vendor == "fulu":
                e.vendor_order_id = f"22{self.ymd[2:]}{counters['fulu']:012d}"
                counters["fulu"] += 1
            else:
                e.vendor_order_id = f"V{self.ymd[2:]}{counters['csv']:08d}"
                counters["csv"] += 1
        assert scenario_orders < total


# --------------------------------------------------------------------------------------------------------------
# Scenarios
# --------------------------------------------------------------------------------------------------------------

def build_common(d: Day, ch: dict[str, str]):
    """The scenarios both days carry; ch maps a scenario to its provider (all wechat on day 1)."""
    D = Decimal
    mins = timedelta(minutes=1)

    # duplicate_charge, delivered
    o = d.order("CMCC-50", ch["dup"], created=d.t(9, 14, 22))
    p = d.pay(o)
    d.pay(o, at=p.at + 3 * mins + timedelta(seconds=11))
    d.deliver(o)
    d.scenario("duplicate_charge", "paid twice (two provider transactions), delivered once", [o],
               [(o, "duplicate_charge", o.amount)])

    # duplicate_charge on an undelivered order: two findings
    o = d.order("IQY-VIP-M", ch["dup_undelivered"], created=d.t(11, 2, 47), status="failed")
    p = d.pay(o)
    d.pay(o, at=p.at + 2 * mins)
    d.deliver(o, status="failed")
    d.deliver(o, status="failed", at=o.paid + 9 * mins)
    d.scenario("duplicate_charge + charged_not_delivered",
               "paid twice, every vendor attempt failed: the duplicate is refunded, then what is still charged "
               "(the order amount) is refunded as not delivered", [o],
               [(o, "duplicate_charge", o.amount), (o, "charged_not_delivered", o.amount)])

    # duplicate already refunded by the provider
    o = d.order("WZRY-60", ch["dup_refunded"], created=d.t(13, 40, 5))
    p = d.pay(o)
    p2 = d.pay(o, at=p.at + 90 * timedelta(seconds=1))
    d.refund(p2, at=p2.at + 47 * mins)
    d.deliver(o)
    d.scenario("no finding: duplicate already refunded",
               "paid twice, the provider refunded the second payment the same day, delivered", [o])

    # charged_not_delivered: every attempt failed
    o = d.order("YS-6480", ch["cnd_failed"], created=d.t(0, 18, 48), status="failed")
    d.pay(o)
    d.deliver(o, status="failed")
    d.deliver(o, status="failed", at=o.paid + 6 * mins)
    d.scenario("charged_not_delivered", "paid, both vendor attempts failed (platform status failed)", [o],
               [(o, "charged_not_delivered", o.amount)])

    # charged_not_delivered: no vendor event at all, callback lost
    o = d.order("JD-E-200", ch["cnd_none"], created=d.t(6, 31, 9), paid=False, status="failed")
    d.pay(o)
    d.scenario("charged_not_delivered",
               "paid at the provider, but the callback was lost (paid_at empty, status failed) and no vendor "
               "was ever asked; the SLA runs from the payment's own time", [o],
               [(o, "charged_not_delivered", o.amount)])

    # partially_delivered: quantity 3, 1 delivered
    o = d.order(ch["partial_sku"], ch["partial"], created=d.t(10, 5, 31), qty=3, status="delivering")
    d.pay(o)
    d.deliver(o, qty=1)
    d.deliver(o, qty=2, status="failed", at=o.paid + 7 * mins)
    refund = (o.amount * 2 / 3).quantize(CENT, rounding=ROUND_HALF_EVEN)
    d.scenario("partially_delivered", "merchant batch of 3, 1 delivered, the other 2 failed: refund net x 2/3", [o],
               [(o, "partially_delivered", refund)])

    # partially_delivered with a half-cent: paid 0.01 more than the amount (within tolerance), 1 of 2 delivered
    sku = ch["halfeven_sku"]
    o = d.order(sku, ch["halfeven"], created=d.t(12, 26, 3), qty=2, status="delivering")
    net = o.amount + D("0.01")
    d.pay(o, gross=net)
    d.deliver(o, qty=1)
    d.deliver(o, qty=1, status="failed", at=o.paid + 4 * mins)
    exact = net / 2
    refund = exact.quantize(CENT, rounding=ROUND_HALF_EVEN)
    assert exact != exact.quantize(CENT) and refund != exact.quantize(CENT, rounding=ROUND_HALF_UP)
    d.scenario("partially_delivered (half-even)",
               f"merchant batch of 2 at {o.unit_price}, paid {net} (0.01 over the amount: within tolerance, no "
               f"amount_mismatch), 1 delivered: {net} x 1/2 = {exact} rounds half-even to {refund} "
               f"(half-up would give {exact.quantize(CENT, rounding=ROUND_HALF_UP)})", [o],
               [(o, "partially_delivered", refund)])

    # delivered_wrong_account: one digit off
    o = d.order("CMCC-50", ch["wrong"], created=d.t(2, 38, 28))
    d.pay(o)
    wrong = o.target[:-1] + str((int(o.target[-1]) + 1) % 10)
    d.deliver(o, target=wrong)
    d.scenario("delivered_wrong_account", f"delivered to {wrong} instead of {o.target} (last digit off)", [o],
               [(o, "delivered_wrong_account", None)])

    # target differs only by surrounding spaces
    o = d.order(ch["spaces_sku"], ch["spaces"], created=d.t(19, 36, 38))
    d.pay(o)
    d.deliver(o, target=f" {o.target} ")
    d.scenario("no finding: target with surrounding spaces",
               "the vendor logged the target account with a leading and a trailing space; trimmed it matches", [o])

    # amount_mismatch by more than the tolerance
    o = d.order("CMCC-50", ch["mismatch"], created=d.t(8, 10, 16))
    d.pay(o, gross=D("49.00") if o.currency == "CNY" else o.amount - D("1.00"))
    d.deliver(o)
    d.scenario("amount_mismatch", "one payment that differs from the order amount by more than 0.01, delivered", [o],
               [(o, "amount_mismatch", None)])

    # differs by exactly 0.01: no finding
    o = d.order("CUCC-100", ch["tolerance"], created=d.t(16, 24, 19))
    d.pay(o, gross=o.amount - D("0.01"))
    d.deliver(o)
    d.scenario("no finding: amount within tolerance", "paid exactly 0.01 less than the order amount, delivered", [o])

    # delivered_not_charged
    o = d.order("WZRY-60", ch["dnc"], created=d.t(15, 20, 44))
    d.deliver(o)
    d.scenario("delivered_not_charged",
               "the platform says paid and delivered, the vendor delivered, no provider has the payment "
               "(created 15:20, long before the settlement grace)", [o], [(o, "delivered_not_charged", None)])

    # pending: awaiting settlement (created within the 15 min before the day's end)
    o = d.order("IQY-VIP-M", ch["awaiting"], created=d.t(23, 52, 10), paid_after=31)
    d.deliver(o, at=o.paid + timedelta(seconds=79))
    d.scenario("pending (awaiting settlement)",
               "created 23:52, delivered, no payment yet: inside the 15 min settlement grace", [o],
               [(o, "pending", None)])

    # pending: in flight, paid after 10:30 (vendor-csv processing)
    o = d.order("CUCC-100", ch["inflight_csv"], created=d.t(14, 5, 12), status="delivering")
    d.pay(o)
    d.deliver(o, status="processing", at=o.paid + 2 * mins)
    d.scenario("pending (in flight)",
               "paid 14:05, the carrier's only row for it is still processing: under the 24 h hold limit", [o],
               [(o, "pending", None)])

    # pending: in flight, paid after 10:30 (fulu untreated)
    o = d.order("YS-6480", ch["inflight_fulu"], created=d.t(20, 31, 40), status="delivering")
    d.pay(o)
    d.deliver(o, status="untreated", at=o.paid + mins)
    d.scenario("pending (in flight)", "paid 20:31, fulu still reports the order untreated (no finish time)", [o],
               [(o, "pending", None)])

    # escalated: in flight but paid before 10:30 (vendor-csv processing)
    o = d.order("CMCC-50", ch["escalated_csv"], created=d.t(7, 40, 2), status="delivering")
    d.pay(o)
    d.deliver(o, status="processing", at=o.paid + 3 * mins)
    d.scenario("charged_not_delivered (escalated)",
               "paid 07:40, the carrier's only row is still processing: more than 24 h before the as-of, "
               "escalated past the hold limit", [o], [(o, "charged_not_delivered", o.amount)])

    # escalated: fulu processing
    o = d.order("IQY-VIP-M", ch["escalated_fulu"], created=d.t(9, 12, 55), status="delivering")
    d.pay(o)
    d.deliver(o, status="processing", at=o.paid + 2 * mins)
    d.scenario("charged_not_delivered (escalated)", "paid 09:12, fulu still says processing: past the hold limit",
               [o], [(o, "charged_not_delivered", o.amount)])

    # retry: first failed, second succeeded
    o = d.order("WZRY-60", ch["retry"], created=d.t(17, 30, 39))
    d.pay(o)
    d.deliver(o, status="failed")
    d.deliver(o, at=o.paid + 11 * mins)
    d.scenario("no finding: retry", "first vendor attempt failed, the retry succeeded", [o])

    # retry through another vendor
    o = d.order("JD-E-200", ch["retry_other"], created=d.t(18, 32, 7))
    d.pay(o)
    d.deliver(o, status="failed", vendor="fulu")
    d.deliver(o, at=o.paid + 8 * mins)
    d.scenario("no finding: retry at another vendor", "fulu failed, the carrier delivered", [o])

    # refunded in full, not delivered
    o = d.order("CUCC-100", ch["refunded"], created=d.t(1, 35, 43), status="refunded")
    p = d.pay(o)
    d.deliver(o, status="failed")
    d.refund(p, at=p.at + 38 * mins)
    d.scenario("no finding: refunded", "paid, delivery failed, refunded in full by the provider", [o])

    # cancelled, never paid
    o = d.order("CMCC-50", ch["cancelled"], created=d.t(2, 9, 20), paid=False, status="cancelled")
    d.scenario("no finding: cancelled", "never paid, never delivered", [o])

    # platform status failed, but paid and delivered
    o = d.order("YS-6480", ch["status_failed"], created=d.t(21, 5, 29), status="failed")
    d.pay(o)
    d.deliver(o)
    d.scenario("no finding: platform status wrong",
               "platform says failed (the vendor's callback timed out) but the payment and the delivery exist", [o])

    # processing row followed by a success row for the same vendor order id (both vendor formats)
    o = d.order("CMCC-50", ch["proc_then_ok_csv"], created=d.t(3, 8, 39))
    d.pay(o)
    first = d.deliver(o, status="processing")
    d.deliver(o, at=first.at + 4 * mins, same_as=first)
    o2 = d.order("WZRY-60", ch["proc_then_ok_fulu"], created=d.t(22, 11, 55))
    d.pay(o2)
    first = d.deliver(o2, status="untreated")
    d.deliver(o2, at=first.at + 2 * mins, same_as=first)
    d.scenario("no finding: in flight, then final",
               "a processing (carrier) / untreated (fulu) row followed by a success row for the same vendor order id",
               [o, o2])


def build_day1() -> Day:
    d = Day(date(2026, 11, 20), 20261120)
    keys = ["dup", "dup_undelivered", "dup_refunded", "cnd_failed", "cnd_none", "partial", "halfeven", "wrong",
            "spaces", "mismatch", "tolerance", "dnc", "awaiting", "inflight_csv", "inflight_fulu", "escalated_csv",
            "escalated_fulu", "retry", "retry_other", "refunded", "cancelled", "status_failed", "proc_then_ok_csv",
            "proc_then_ok_fulu"]
    ch = {k: "wechat" for k in keys}
    ch.update(partial_sku="IQY-VIP-M", halfeven_sku="WZRY-60", spaces_sku="WZRY-60")
    build_common(d, ch)
    # a clean order whose carrier row is followed by a mangled copy
    o = d.order("CMCC-50", "wechat", created=d.t(8, 2, 51))
    d.pay(o)
    d.mangled_after = d.deliver(o)
    d.scenario("quarantine", "the carrier log repeats this order's row mangled (`...,CMCC-50,two`); "
               "that one line is quarantined, the order itself is clean", [o])
    # orphan: a WeChat payment naming no order
    t = d.orphan("wechat", "WZRY-60", d.t(19, 58, 26), "KX20261120731904")
    d.scenario("orphan_charge", "a WeChat payment whose 商户订单号 KX20261120731904 names no order", [],
               [(t, "orphan_charge", None)])
    d.finish(300, {"wechat": 1})
    return d


def build_day2() -> Day:
    d = Day(date(2026, 11, 21), 20261121)
    ch = dict(
        dup="wechat", dup_undelivered="stripe", dup_refunded="adyen", cnd_failed="alipay", cnd_none="unionpay",
        partial="alipay", partial_sku="CMCC-50", halfeven="unionpay", halfeven_sku="CUCC-100", wrong="stripe",
        spaces="adyen", spaces_sku="CMCC-50", mismatch="alipay", tolerance="unionpay", dnc="alipay", awaiting="unionpay",
        inflight_csv="wechat", inflight_fulu="stripe", escalated_csv="alipay", escalated_fulu="adyen",
        retry="unionpay", retry_other="wechat", refunded="alipay", cancelled="alipay", status_failed="stripe",
        proc_then_ok_csv="adyen", proc_then_ok_fulu="unionpay",
    )
    build_common(d, ch)

    # adyen amount_mismatch
    o = d.order("JD-E-200", "adyen", created=d.t(11, 39, 49))
    d.pay(o, gross=o.amount - Decimal("1.00"))
    d.deliver(o)
    d.scenario("amount_mismatch (adyen)", "settled 27.17 EUR for a 28.17 EUR order, delivered", [o],
               [(o, "amount_mismatch", None)])

    # stripe dispute on a delivered order
    o = d.order("YS-6480", "stripe", created=d.t(4, 47, 13))
    p = d.pay(o)
    d.deliver(o)
    d.chargeback(p, at=d.t(18, 2, 40))
    d.scenario("no finding: stripe dispute", "delivered, then disputed: the dispute takes the charge back, net 0", [o])

    # refunds in the WeChat bill and the Stripe report too
    for channel, sku, created, who in (("wechat", "WZRY-60", d.t(13, 3, 50), "WeChat Pay"),
                                        ("stripe", "CMCC-50", d.t(6, 47, 21), "Stripe")):
        o = d.order(sku, channel, created=created, status="refunded")
        p = d.pay(o)
        d.deliver(o, status="failed")
        d.refund(p, at=p.at + timedelta(minutes=26))
        d.scenario("no finding: refunded", f"paid, delivery failed, refunded in full by {who}", [o])

    # adyen chargeback on a delivered order
    o = d.order("CUCC-100", "adyen", created=d.t(3, 17, 36))
    p = d.pay(o)
    d.deliver(o)
    d.chargeback(p, at=d.t(16, 44, 2))
    d.scenario("no finding: adyen chargeback", "delivered, then charged back (Chargeback row): net 0", [o])

    # unionpay S30 refund of a delivered order
    o = d.order("JD-E-200", "unionpay", created=d.t(10, 56, 27))
    p = d.pay(o)
    d.deliver(o)
    d.refund(p, at=d.t(15, 12, 8))
    d.scenario("no finding: unionpay refund",
               "delivered, then refunded in full (S30 naming the S22's 查询流水号): net 0", [o])

    # quarantine in the carrier log
    o = d.order("CMCC-50", "wechat", created=d.t(8, 2, 51))
    d.pay(o)
    d.mangled_after = d.deliver(o)
    d.scenario("quarantine", "the carrier log repeats this order's row mangled; that line is quarantined", [o])

    # orphans: alipay, and a stripe charge without payment_metadata[order_no]
    t1 = d.orphan("alipay", "WZRY-60", d.t(19, 59, 9), "KX20261121440183")
    t2 = d.orphan("stripe", "IQY-VIP-M", d.t(5, 3, 27), "")
    d.scenario("orphan_charge", "an Alipay trade whose 商户订单号 KX20261121440183 names no order", [],
               [(t1, "orphan_charge", None)])
    d.scenario("orphan_charge", "a Stripe charge with an empty payment_metadata[order_no]", [],
               [(t2, "orphan_charge", None)])
    d.finish(300, {"wechat": 35, "alipay": 30, "unionpay": 15, "stripe": 10, "adyen": 10})
    return d


# --------------------------------------------------------------------------------------------------------------
# Writers (bytes exactly as the providers and vendors deliver them)
# --------------------------------------------------------------------------------------------------------------

def csv_bytes(rows, terminator="\r\n", encoding="utf-8") -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator=terminator)
    w.writerows(rows)
    return buf.getvalue().encode(encoding)


def write_orders(d: Day) -> bytes:
    rows = [["order_no", "created_at", "paid_at", "customer_id", "merchant_id", "product_type", "sku",
             "target_account", "quantity", "unit_price", "amount", "currency", "pay_channel", "status"]]
    for o in sorted(d.orders, key=lambda o: o.no):
        rows.append([o.no, o.created.isoformat(), o.paid.isoformat() if o.paid else "", o.customer_id,
                     o.merchant_id, o.product_type, o.sku, o.target, o.quantity, m2(o.unit_price), m2(o.amount),
                     o.currency, o.channel, o.status])
    return csv_bytes(rows)


def by_time(txns):
    return sorted(txns, key=lambda t: (t.at, t.seq))


def write_wechat(d: Day) -> bytes:
    head = ("交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,货币种类,"
            "应结订单金额,代金券金额,微信退款单号,商户退款单号,退款金额,充值券退款金额,退款类型,退款状态,商品名称,商户数据包,"
            "手续费,费率,订单金额,申请退款金额,费率备注")
    lines = [head]
    n, settle, refund, fee, total, applied = 0, ZERO, ZERO, Decimal("0.00000"), ZERO, ZERO
    rate = Decimal("0.006")
    for t in by_time(x for x in d.txns if x.provider == "wechat"):
        name = CATALOG[t.sku][1]
        when = t.at.astimezone(BJ).strftime("%Y-%m-%d %H:%M:%S")
        if t.kind == "payment":
            f = (t.gross * rate).quantize(FEN5, rounding=ROUND_HALF_UP)
            vals = [when, WECHAT_APPID, WECHAT_MCHID, "0", "", t.txn_id, t.order_no, t.extra["openid"], "NATIVE",
                    "SUCCESS", "OTHERS", "CNY", m2(t.gross), "0.00", "0", "0", "0.00", "0.00", "", "", name, "",
                    f"{f}", "0.60%", m2(t.gross), "0.00", ""]
            settle += t.gross
            total += t.gross
        else:
            f = -(t.gross * rate).quantize(FEN5, rounding=ROUND_HALF_UP)
            vals = [when, WECHAT_APPID, WECHAT_MCHID, "0", "", t.txn_id, t.order_no, t.extra["pay"].extra["openid"],
                    "NATIVE", "REFUND", "OTHERS", "CNY", "0.00", "0.00", t.ref, "RF" + t.order_no, m2(t.gross), "0.00",
                    "ORIGINAL", "SUCCESS", name, "", f"{f}", "0.60%", "0.00", m2(t.gross), ""]
            refund += t.gross
            applied += t.gross
        fee += f
        n += 1
        lines.append(",".join("`" + v for v in vals))
    lines.append("总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额")
    lines.append(",".join("`" + v for v in [str(n), m2(settle), m2(refund), "0.00", f"{fee:.5f}", m2(total), m2(applied)]))
    return b"\xef\xbb\xbf" + ("\r\n".join(lines) + "\r\n").encode("utf-8")


def alipay_fee(amount: Decimal) -> Decimal:
    return (amount * Decimal("0.006")).quantize(CENT, rounding=ROUND_HALF_UP)


def cn_date(dt: datetime) -> str:
    return f"{dt.year}年{dt.month}月{dt.day}日 {dt:%H:%M:%S}"


def alipay_rows(d: Day):
    rows = []
    for t in sorted((x for x in d.txns if x.provider == "alipay"),
                    key=lambda t: (t.at, t.seq)):
        name = CATALOG[t.sku][1]
        pay = t if t.kind == "payment" else t.extra["pay"]
        created = (pay.order.created if pay.order else pay.at - timedelta(seconds=43)).astimezone(BJ)
        if t.kind == "payment":
            amount, kind, batch, fee = m2(t.gross), "交易", "", f"-{alipay_fee(t.gross)}"
        else:
            amount, kind, batch, fee = f"-{m2(t.gross)}", "退款", "RF" + t.order_no + "01", f"{alipay_fee(t.gross)}"
        cells = [t.txn_id + "\t", t.order_no + "\t", kind + "\t", name, f"{created:%Y-%m-%d %H:%M:%S}",
                 f"{t.at.astimezone(BJ):%Y-%m-%d %H:%M:%S}", "\t", "\t", "\t", "\t", pay.extra["buyer"] + "\t",
                 amount, amount, "0.00", "0.00", "0.00", "0.00", "0.00", "", "0.00\t", "0.00", batch + "\t", fee,
                 "0.00", ""]
        rows.append((t, ",".join(cells)))
    return rows


ALIPAY_DETAIL_HEAD = ("支付宝交易号,商户订单号,业务类型,商品名称,创建时间,完成时间,门店编号,门店名称,操作员,终端号,对方账户,订单金额（元）,"
                      "商家实收（元）,支付宝红包（元）,集分宝（元）,支付宝优惠（元）,商家优惠（元）,券核销金额（元）,券名称,"
                      "商家红包消费金额（元）,卡消费金额（元）,退款批次号/请求号,服务费（元）,分润（元）,备注")


def write_alipay(d: Day):
    """Returns (summary bytes, detail bytes, truncated detail bytes, export time)."""
    start = datetime(d.day.year, d.day.month, d.day.day, tzinfo=BJ)
    end = start + timedelta(days=1)
    exported = end + timedelta(hours=5, minutes=46, seconds=49)
    rows = alipay_rows(d)
    trades = [t for t, _ in rows if t.kind == "payment"]
    refunds = [t for t, _ in rows if t.kind == "refund"]
    t_sum = sum((t.gross for t in trades), ZERO)
    r_sum = -sum((t.gross for t in refunds), ZERO)
    head = [
        "#支付宝业务明细查询",
        f"#账号：[{ALIPAY_PID}]",
        f"#起始日期：[{cn_date(start)}]   终止日期：[{cn_date(end)}]",
        "#-----------------------------------------业务明细列表----------------------------------------",
        ALIPAY_DETAIL_HEAD,
    ]
    body = [line for _, line in rows]
    foot = [
        "#-----------------------------------------业务明细列表结束------------------------------------",
        f"#交易合计：{len(trades)}笔，商家实收共{m2(t_sum)}元，商家优惠共0.00元",
        f"#退款合计：{len(refunds)}笔，商家实收退款共{m2(r_sum)}元，商家优惠退款共0.00元",
        f"#导出时间：[{cn_date(exported)}]",
    ]
    detail = ("\r\n".join(head + body + foot) + "\r\n").encode("gbk")
    cut = (len(body) * 6) // 10
    truncated = ("\r\n".join(head + body[:cut]) + "\r\n").encode("gbk")
    fees = sum((alipay_fee(t.gross) for t in trades), ZERO) - sum((alipay_fee(t.gross) for t in refunds), ZERO)
    net = t_sum + r_sum
    summary_lines = [
        "#支付宝业务汇总查询",
        f"#账号：[{ALIPAY_PID}]",
        "门店编号,门店名称,交易订单总笔数,退款订单总笔数,订单金额（元）,商家实收（元）,支付宝优惠（元）,商家优惠（元）,卡消费金额（元）,"
        "服务费（元）,分润（元）,实收净额（元）",
        f"合计,,{len(trades)},{len(refunds)},{m2(net)},{m2(net)},0.00,0.00,0.00,{m2(-fees)},0.00,{m2(net - fees)}",
        f"#导出时间：[{cn_date(exported)}]",
    ]
    summary = ("\r\n".join(summary_lines) + "\r\n").encode("gbk")
    return summary, detail, truncated, exported, cut, len(body)


class GbkZipInfo(zipfile.ZipInfo):
    """A zip entry whose name is stored as GBK bytes without the UTF-8 flag (bit 11), as Alipay's downloads are."""
    __slots__ = ("raw_name",)

    def _encodeFilenameFlags(self):  # noqa: N802 (zipfile's own hook)
        return self.raw_name, self.flag_bits & ~0x800


def zip_bytes(entries, when: datetime, gbk_names: bool) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, data in entries:
            dt = (when.year, when.month, when.day, when.hour, when.minute, when.second)
            if gbk_names:
                raw = name.encode("gbk")
                info = GbkZipInfo(raw.decode("cp437"), date_time=dt)
                info.raw_name = raw
            else:
                info = zipfile.ZipInfo(name, date_time=dt)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3
            info.external_attr = 0o600 << 16
            info.flag_bits = 0
            z.writestr(info, data)
    return buf.getvalue()


ZM_FIELDS = [
    ("交易代码", 3), ("代理机构标识码", 11), ("发送机构标识码", 11), ("系统跟踪号", 6), ("交易传输时间", 10), ("账号", 19),
    ("交易金额", 12), ("商户类别", 4), ("终端类型", 2), ("查询流水号", 21), ("支付方式(旧)", 2), ("商户订单号", 32),
    ("支付卡类型", 2), ("原始交易的系统跟踪号", 6), ("原始交易日期时间", 10), ("商户手续费", 13), ("结算金额", 13),
    ("支付方式", 4), ("集团商户代码", 15), ("交易类型", 2), ("交易子类", 2), ("业务类型", 6), ("账号类型", 2),
    ("账单类型", 4), ("账单号码", 32), ("交互方式", 1), ("原交易查询流水号", 21), ("商户代码", 15), ("保留使用", 60),
]
ZM_LINE_BYTES = sum(w for _, w in ZM_FIELDS) + len(ZM_FIELDS) - 1


def fen(amount: Decimal) -> int:
    return int((amount * 100).to_integral_value())


def zm_line(values: dict) -> bytes:
    parts = []
    for name, width in ZM_FIELDS:
        raw = str(values.get(name, "")).encode("gbk")
        if len(raw) > width:
            raise ValueError(f"ZM field {name} too long: {values.get(name)!r}")
        parts.append(raw + b" " * (width - len(raw)))
    return b" ".join(parts)


def write_unionpay(d: Day) -> bytes:
    lines = []
    for t in by_time(x for x in d.txns if x.provider == "unionpay"):
        amt = fen(t.gross)
        fee = int((Decimal(amt) * Decimal("0.006")).to_integral_value(rounding=ROUND_HALF_UP))
        pay = t if t.kind == "payment" else t.extra["pay"]
        v = {
            "代理机构标识码": "48021000", "发送机构标识码": "48020000", "交易传输时间": t.at.astimezone(BJ).strftime("%m%d%H%M%S"),
            "账号": pay.extra["card"], "交易金额": f"{amt:012d}", "商户类别": "5999", "终端类型": "08",
            "支付方式(旧)": "00", "支付卡类型": pay.extra["card_type"], "商户手续费": f"{fee:013d}",
            "结算金额": f"{amt - fee:013d}", "支付方式": "0001", "业务类型": "000201", "账号类型": "01", "交互方式": "0",
            "商户代码": UNIONPAY_MERID,
        }
        if t.kind == "payment":
            v.update({"交易代码": "S22", "系统跟踪号": pay.extra["trace"], "查询流水号": t.txn_id, "商户订单号": t.order_no,
                      "原始交易的系统跟踪号": "000000", "原始交易日期时间": "0000000000", "交易类型": "01", "交易子类": "01"})
        else:
            v.update({"交易代码": "S30", "系统跟踪号": t.extra["trace"], "查询流水号": t.ref,
                      "商户订单号": "RF" + pay.order_no[2:] + "01", "原始交易的系统跟踪号": pay.extra["trace"],
                      "原始交易日期时间": pay.at.astimezone(BJ).strftime("%m%d%H%M%S"), "交易类型": "04", "交易子类": "00",
                      "原交易查询流水号": pay.txn_id})
        lines.append(zm_line(v))
    return b"".join(line + b"\r\n" for line in lines)


def stripe_fee(amount: Decimal) -> Decimal:
    return (amount * Decimal("0.029") + Decimal("0.30")).quantize(CENT, rounding=ROUND_HALF_UP)


def write_stripe(d: Day) -> bytes:
    cols = ["automatic_payout_id", "automatic_payout_effective_at_utc", "balance_transaction_id", "created_utc",
            "available_on_utc", "currency", "gross", "fee", "net", "reporting_category", "source_id", "description",
            "customer_facing_amount", "customer_facing_currency", "charge_id", "payment_intent_id",
            "payment_metadata[order_no]"]
    payout_at = datetime(d.day.year, d.day.month, d.day.day, tzinfo=UTC) + timedelta(days=2)
    pa = f"{payout_at:%Y-%m-%d %H:%M:%S}"
    rows, total = [cols], ZERO
    for t in by_time(x for x in d.txns if x.provider == "stripe"):
        name = CATALOG[t.sku][1]
        pay = t if t.kind == "payment" else t.extra["pay"]
        created = f"{t.at.astimezone(UTC):%Y-%m-%d %H:%M:%S}"
        if t.kind == "payment":
            gross, fee, cat, src, desc, bt = t.gross, stripe_fee(t.gross), "charge", t.txn_id, f"Top-up, {name}", t.extra["bt"]
        elif t.kind == "refund":
            gross, fee, cat, src, desc, bt = -t.gross, ZERO, "refund", t.ref, f"Refund, {name}", t.extra["bt"]
        else:
            gross, fee, cat, src, desc, bt = -t.gross, Decimal("15.00"), "dispute", t.ref, f"Dispute, {name}", t.extra["bt"]
        net = gross - fee
        total += net
        rows.append([STRIPE_PAYOUT, pa, bt, created, pa, "usd", m2(gross), m2(fee), m2(net), cat, src, desc,
                     m2(gross), "usd", pay.txn_id, pay.extra["pi"], t.order_no])
    end = datetime(d.day.year, d.day.month, d.day.day, 15, 59, 58, tzinfo=UTC)
    radar = Decimal("-2.40")
    total += radar
    rows.append([STRIPE_PAYOUT, pa, "txn_" + d.digits(14), f"{end:%Y-%m-%d %H:%M:%S}", pa, "usd", m2(radar), "0.00",
                 m2(radar), "fee", "", "Radar screening fees, 风控", m2(radar), "usd", "", "", ""])
    rows.append([STRIPE_PAYOUT, pa, "txn_" + d.digits(14), pa, pa, "usd", m2(-total), "0.00", m2(-total), "payout",
                 STRIPE_PAYOUT, "STRIPE PAYOUT", m2(-total), "usd", "", "", ""])
    return csv_bytes(rows)


def adyen_markup(amount: Decimal) -> Decimal:
    return (amount * Decimal("0.02")).quantize(CENT, rounding=ROUND_HALF_UP)


def write_adyen(d: Day) -> bytes:
    cols = ["Company Account", "Merchant Account", "Psp Reference", "Merchant Reference", "Payment Method",
            "Creation Date", "TimeZone", "Type", "Modification Reference", "Gross Currency", "Gross Debit (GC)",
            "Gross Credit (GC)", "Exchange Rate", "Net Currency", "Net Debit (NC)", "Net Credit (NC)",
            "Commission (NC)", "Markup (NC)", "Scheme Fees (NC)", "Interchange (NC)", "Payment Method Variant",
            "Modification Merchant Reference", "Batch Number"]
    rows, balance = [cols], ZERO
    for t in by_time(x for x in d.txns if x.provider == "adyen"):
        pay = t if t.kind == "payment" else t.extra["pay"]
        method, variant = pay.extra["method"]
        when = f"{t.at.astimezone(CET):%Y-%m-%d %H:%M:%S}"
        base = [ADYEN_COMPANY, ADYEN_MERCHANT, pay.txn_id, t.order_no, method, when, "CET"]
        if t.kind == "payment":
            mk = adyen_markup(t.gross)
            balance += t.gross - mk
            rows.append(base + ["Settled", t.extra["mod"], "EUR", "", m2(t.gross), "1", "EUR", "", m2(t.gross - mk), "",
                                m2(mk), "", "", variant, "", ADYEN_BATCH])
        else:
            typ = "Refunded" if t.kind == "refund" else "Chargeback"
            mref = ("RF" + t.order_no) if t.kind == "refund" else ""
            balance -= t.gross
            rows.append(base + [typ, t.ref, "EUR", m2(t.gross), "", "1", "EUR", m2(t.gross), "", "", "", "", "", variant,
                                mref, ADYEN_BATCH])
    closing = f"{d.day:%Y-%m-%d} 20:00:00"
    fee = Decimal("0.12")
    balance -= fee
    rows.append([ADYEN_COMPANY, ADYEN_MERCHANT, "", "", "", closing, "CET", "Fee", "", "EUR", "", "", "", "EUR", m2(fee),
                 "", "", "", "", "", "", "", ADYEN_BATCH])
    rows.append([ADYEN_COMPANY, ADYEN_MERCHANT, "", "", "", closing, "CET", "MerchantPayout", "", "EUR", "", "", "", "EUR",
                 m2(balance), "", "", "", "", "", "", "", ADYEN_BATCH])
    return csv_bytes(rows)


def csv_events(d: Day):
    return sorted((e for e in d.events if e.vendor != "fulu"), key=lambda e: (e.at, e.seq))


def write_vendor_csv(d: Day) -> bytes:
    rows = [["vendor", "vendor_order_id", "order_no", "target_account", "sku", "quantity", "face_value", "cost",
             "status", "voucher", "finished_at"]]
    mangled = None
    for e in csv_events(d):
        o = e.order
        face = o.unit_price
        cost = (face * Decimal("0.97")).quantize(CENT, rounding=ROUND_HALF_UP)
        rows.append([e.vendor, e.vendor_order_id, o.no, e.target, o.sku, e.quantity, m2(face), m2(cost), e.status,
                     e.extra.get("voucher", ""), e.at.isoformat()])
        if e is d.mangled_after:
            mangled = len(rows)
            rows.append(None)
    assert mangled is not None
    e = d.mangled_after
    text = csv_bytes([r for r in rows[:mangled]]).decode()
    text += f"{e.vendor},{e.vendor_order_id}X,{e.order.no},{e.target},{e.order.sku},two\r\n"
    text += csv_bytes(rows[mangled + 1:]).decode()
    return text.encode("utf-8")


def json_line(pairs) -> str:
    out = []
    for k, v in pairs:
        out.append(f"{json.dumps(k)}: " + (str(v) if isinstance(v, (int, Decimal)) else json.dumps(v, ensure_ascii=False)))
    return "{" + ", ".join(out) + "}"


def write_fulu(d: Day) -> bytes:
    lines = []
    rng = random.Random(d.day.toordinal())
    for e in sorted((e for e in d.events if e.vendor == "fulu"), key=lambda e: (e.at, e.seq)):
        o = e.order
        price = (o.unit_price * Decimal("0.96")).quantize(Decimal("0.0001"))
        as_numbers = rng.random() < 0.35
        finished = e.status in ("success", "failed")
        lines.append(json_line([
            ("order_id", e.vendor_order_id), ("customer_order_no", o.no), ("charge_account", e.target),
            ("product_id", o.sku),
            ("buy_num", e.quantity if as_numbers else str(e.quantity)),
            ("order_price", (price.quantize(CENT) if price == price.quantize(CENT) else price) if as_numbers
             else f"{price}"),
            ("order_status", e.status),
            ("charge_finish_time", f"{e.at:%Y-%m-%d %H:%M:%S}" if finished else ""),
            ("operator_serial_number", e.extra.get("voucher", "")),
        ]))
    return ("\n".join(lines) + "\n").encode("utf-8")


# --------------------------------------------------------------------------------------------------------------
# Expected findings from the scenario construction
# --------------------------------------------------------------------------------------------------------------

def order_columns(d: Day, o: Order) -> dict:
    pays = [t for t in d.txns if t.order is o and t.kind == "payment"]
    net = sum((t.gross for t in pays), ZERO) - sum((t.gross for t in d.txns if t.order is o and t.kind != "payment"), ZERO)
    evs = [e for e in d.events if e.order is o]
    done = sum(e.quantity for e in evs if e.status == "success")
    return {
        "order_no": o.no, "provider": o.channel, "provider_txn_id": ",".join(sorted({t.txn_id for t in pays})),
        "vendor": ",".join(sorted({e.vendor for e in evs})), "expected_amount": m2(o.amount), "charged_amount": m2(net),
        "delivered_quantity": str(done), "ordered_quantity": str(o.quantity), "currency": o.currency,
    }


def expected_rows(d: Day) -> list[dict]:
    rows = []
    for s in d.scenarios:
        for subject, kind, amount in s.findings:
            if isinstance(subject, Order):
                row = order_columns(d, subject)
                key = f"order\x1f{subject.no}\x1f{kind}"
            else:
                row = {"order_no": subject.order_no, "provider": subject.provider, "provider_txn_id": subject.txn_id,
                       "vendor": "", "expected_amount": "", "charged_amount": m2(subject.gross), "delivered_quantity": "",
                       "ordered_quantity": "", "currency": subject.currency.upper()}
                key = f"orphan\x1f{subject.provider}\x1f{subject.txn_id}\x1f{kind}"
            row.update(finding_id=finding_id(key), kind=kind, compensation_action=ACTION[kind],
                       compensation_amount=m2(amount) if amount is not None else "", status="new", detail="")
            assert (amount is not None) == (ACTION[kind] == "refund"), (kind, amount)
            rows.append(row)
    rows.sort(key=lambda r: (r["order_no"] or r["provider_txn_id"], r["kind"]))
    return rows


def findings_csv(rows) -> bytes:
    return csv_bytes([FINDING_COLUMNS] + [[r[c] for c in FINDING_COLUMNS] for r in rows])


# --------------------------------------------------------------------------------------------------------------
# Independent check: read the written files back and apply DESIGN.md's table from scratch
# --------------------------------------------------------------------------------------------------------------

def parse_inbox(inbox: Path, day: date):
    """Evidence from the files alone: (orders, payments, reversals, events, quarantined per file)."""
    orders = list(csv.DictReader(io.StringIO((inbox / "platform" / f"orders_{day:%Y%m%d}.csv").read_text("utf-8"))))
    payments, reversals, events, quarantined = [], [], [], {}

    def bj(text, tz=BJ):
        return datetime.strptime(text, "%Y-%m-%d %H:%M:%S").replace(tzinfo=tz)

    seen = set()
    for path in sorted(p for p in inbox.rglob("*") if p.is_file()):
        raw = path.read_bytes()
        digest = hashlib.sha256(raw).hexdigest()
        if digest in seen:
            continue
        seen.add(digest)
        rel = path.relative_to(inbox).as_posix()
        if rel.startswith("wechat/"):
            lines = raw.decode("utf-8-sig").split("\r\n")
            head = lines[0].split(",")
            for line in lines[1:]:
                if not line.startswith("`") or line.count(",") < 10:
                    continue
                r = dict(zip(head, (v[1:] for v in line.split(","))))
                at = bj(r["交易时间"])
                if r["交易状态"] == "SUCCESS":
                    payments.append(("wechat", r["微信订单号"], r["商户订单号"], Decimal(r["应结订单金额"]), "CNY", at))
                else:
                    reversals.append(("wechat", r["商户订单号"], Decimal(r["退款金额"])))
        elif rel.startswith("alipay/") and rel.endswith(".zip"):
            with zipfile.ZipFile(path, metadata_encoding="gbk") as z:
                detail = [n for n in z.namelist() if n.endswith("业务明细.csv")][0]
                text = z.read(detail).decode("gbk")
            lines = text.split("\r\n")
            head = [h for h in lines[4].split(",")]
            for line in lines[5:]:
                if not line or line.startswith("#"):
                    continue
                r = dict(zip(head, (v.strip("\t") for v in line.split(","))))
                if r["业务类型"] == "交易":
                    payments.append(("alipay", r["支付宝交易号"], r["商户订单号"], Decimal(r["商家实收（元）"]), "CNY",
                                     bj(r["完成时间"])))
                else:
                    reversals.append(("alipay", r["商户订单号"], -Decimal(r["商家实收（元）"])))
        elif rel.startswith("alipay/"):
            pass  # the truncated download: rejected, checked separately
        elif rel.startswith("unionpay/"):
            with zipfile.ZipFile(path) as z:
                data = z.read(z.namelist()[0])
            by_query = {}
            for line in data.split(b"\r\n"):
                if not line:
                    continue
                pos, f = 0, {}
                for name, width in ZM_FIELDS:
                    f[name] = line[pos:pos + width].decode("gbk").strip()
                    pos += width + 1
                amount = Decimal(int(f["交易金额"])) / 100
                if f["交易代码"] == "S22":
                    at = datetime.strptime(f"{day.year}{f['交易传输时间']}", "%Y%m%d%H%M%S").replace(tzinfo=BJ)
                    by_query[f["查询流水号"]] = f["商户订单号"]
                    payments.append(("unionpay", f["查询流水号"], f["商户订单号"], amount, "CNY", at))
                else:
                    reversals.append(("unionpay", by_query[f["原交易查询流水号"]], amount))
        elif rel.startswith("stripe/"):
            for r in csv.DictReader(io.StringIO(raw.decode("utf-8"), newline="")):
                cat = r["reporting_category"]
                if cat == "charge":
                    payments.append(("stripe", r["charge_id"], r["payment_metadata[order_no]"], Decimal(r["gross"]),
                                     r["currency"].upper(), bj(r["created_utc"], UTC)))
                elif cat in ("refund", "dispute"):
                    reversals.append(("stripe", r["payment_metadata[order_no]"], -Decimal(r["gross"])))
        elif rel.startswith("adyen/"):
            for r in csv.DictReader(io.StringIO(raw.decode("utf-8"), newline="")):
                assert r["TimeZone"] == "CET"
                if r["Type"] == "Settled":
                    payments.append(("adyen", r["Psp Reference"], r["Merchant Reference"], Decimal(r["Gross Credit (GC)"]),
                                     r["Gross Currency"], bj(r["Creation Date"], CET)))
                elif r["Type"] in ("Refunded", "Chargeback"):
                    reversals.append(("adyen", r["Merchant Reference"], Decimal(r["Gross Debit (GC)"])))
        elif rel.endswith(".jsonl"):
            for n, line in enumerate(raw.decode("utf-8").splitlines()):
                r = json.loads(line)
                events.append(("fulu", r["order_id"], r["customer_order_no"], r["charge_account"], int(r["buy_num"]),
                               r["order_status"], n))
        elif rel.startswith("vendors/"):
            bad = 0
            reader = csv.reader(io.StringIO(raw.decode("utf-8"), newline=""))
            head = next(reader)
            for n, cells in enumerate(reader):
                if len(cells) != len(head) or not cells[5].isdigit():
                    bad += 1
                    continue
                r = dict(zip(head, cells))
                events.append((r["vendor"], r["vendor_order_id"], r["order_no"], r["target_account"], int(r["quantity"]),
                               r["status"], n))
            quarantined[rel] = bad
    return orders, payments, reversals, events, quarantined


def evaluate(orders, payments, reversals, events, day: date, as_of: datetime) -> list[dict]:
    """DESIGN.md's matching table, written independently of the scenario code."""
    day_end = datetime(day.year, day.month, day.day, tzinfo=BJ) + timedelta(days=1)
    known = {o["order_no"] for o in orders}
    out = []

    def add(row, kind, amount, key):
        row = dict(row)
        row.update(finding_id=finding_id(key), kind=kind, compensation_action=ACTION[kind],
                   compensation_amount="" if amount is None else m2(amount), status="new", detail="")
        out.append(row)

    for o in orders:
        no, amount, qty = o["order_no"], Decimal(o["amount"]), int(o["quantity"])
        pays = {p[1]: p for p in payments if p[2] == no}
        gross = sum((p[3] for p in pays.values()), ZERO)
        net = gross - sum((r[2] for r in reversals if r[1] == no), ZERO)
        evs = [e for e in events if e[2] == no]
        ok = sum(e[4] for e in evs if e[5] == "success" and e[3].strip() == o["target_account"].strip())
        wrong = sum(e[4] for e in evs if e[5] == "success" and e[3].strip() != o["target_account"].strip())
        last = {}
        for e in evs:  # file order is time order in both vendor formats
            last[(e[0], e[1])] = e[5]
        in_flight = any(s in ("processing", "untreated") for s in last.values())
        row = {"order_no": no, "provider": o["pay_channel"], "provider_txn_id": ",".join(sorted(pays)),
               "vendor": ",".join(sorted({e[0] for e in evs})), "expected_amount": m2(amount), "charged_amount": m2(net),
               "delivered_quantity": str(ok + wrong), "ordered_quantity": str(qty), "currency": o["currency"]}
        key = lambda kind: f"order\x1f{no}\x1f{kind}"  # noqa: E731
        dup = ZERO
        if len(pays) >= 2 and net - amount > 0:  # Σ gross − amount, less what the provider already refunded
            dup = net - amount
            add(row, "duplicate_charge", dup, key("duplicate_charge"))
        if len(pays) == 1 and abs(gross - amount) > TOLERANCE:
            add(row, "amount_mismatch", None, key("amount_mismatch"))
        left = net - dup
        if left > 0:
            if wrong:
                add(row, "delivered_wrong_account", None, key("delivered_wrong_account"))
            if ok == 0 and wrong == 0 or 0 < ok < qty:
                since = datetime.fromisoformat(o["paid_at"]) if o["paid_at"] else min(p[5] for p in pays.values())
                waited = as_of - since
                if waited < HOLD and (in_flight or waited < SLA):
                    add(row, "pending", None, key("pending"))
                elif ok == 0:
                    add(row, "charged_not_delivered", left, key("charged_not_delivered"))
                else:
                    refund = (left * (qty - ok) / qty).quantize(CENT, rounding=ROUND_HALF_EVEN)
                    add(row, "partially_delivered", refund, key("partially_delivered"))
        elif not pays and ok + wrong > 0:
            if datetime.fromisoformat(o["created_at"]) < day_end - GRACE:
                add(row, "delivered_not_charged", None, key("delivered_not_charged"))
            else:
                add(row, "pending", None, key("pending"))
    for p in payments:
        if p[2] not in known:
            add({"order_no": p[2], "provider": p[0], "provider_txn_id": p[1], "vendor": "", "expected_amount": "",
                 "charged_amount": m2(p[3]), "delivered_quantity": "", "ordered_quantity": "", "currency": p[4].upper()},
                "orphan_charge", None, f"orphan\x1f{p[0]}\x1f{p[1]}\x1forphan_charge")
    out.sort(key=lambda r: (r["order_no"] or r["provider_txn_id"], r["kind"]))
    return out


def check_files(d: Day, inbox: Path, files: dict[str, bytes]):
    ymd = d.ymd
    # WeChat: BOM, CRLF, backticks, summary equals the rows
    for rel, data in files.items():
        if not rel.startswith("wechat/"):
            continue
        assert data.startswith(b"\xef\xbb\xbf") and data.endswith(b"\r\n") and b"\n" not in data.replace(b"\r\n", b"")
        lines = data[3:].decode("utf-8").split("\r\n")[:-1]
        i = lines.index("总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额")
        assert i == len(lines) - 2
        head = lines[0].split(",")
        rows = [dict(zip(head, line.split(","))) for line in lines[1:i]]
        assert all(v.startswith("`") for r in rows for v in r.values()) and all(len(r) == 27 for r in rows)
        val = lambda r, c: Decimal(r[c][1:])  # noqa: E731
        want = [str(len(rows)), m2(sum((val(r, "应结订单金额") for r in rows), ZERO)),
                m2(sum((val(r, "退款金额") for r in rows), ZERO)), "0.00",
                f"{sum((val(r, '手续费') for r in rows), Decimal('0.00000')):.5f}",
                m2(sum((val(r, "订单金额") for r in rows), ZERO)), m2(sum((val(r, "申请退款金额") for r in rows), ZERO))]
        assert lines[-1] == ",".join("`" + w for w in want), (lines[-1], want)
        for r in rows:
            if r["交易状态"] == "`REFUND":
                assert r["应结订单金额"] == r["订单金额"] == "`0.00" and r["退款类型"] == "`ORIGINAL"
                assert r["退款状态"] == "`SUCCESS" and r["手续费"].startswith("`-") and r["微信退款单号"] != "`0"
    # vendor-csv: CRLF, one mangled line
    carrier = files[f"vendors/carrier_delivery_{ymd}.csv"]
    assert carrier.count(b"\r\n") == carrier.count(b"\n") and b",two\r\n" in carrier
    # fulu: mixed strings and numbers, unfinished rows with an empty finish time
    fulu = [json.loads(line) for line in files[f"vendors/fulu_orders_{ymd}.jsonl"].decode().splitlines()]
    assert {type(r["buy_num"]) for r in fulu} == {int, str} and {type(r["order_price"]) for r in fulu} == {float, str}
    assert {r["order_status"] for r in fulu if r["charge_finish_time"] == ""} == {"processing", "untreated"}
    if d.day.day != 21:
        return
    # the two WeChat downloads are the same bytes
    assert files[f"wechat/wechat_bill_ALL_{ymd}.csv"] == files[f"wechat/{WECHAT_MCHID}_{ymd}_all (1).csv"]
    # Alipay zip: GBK names without the UTF-8 flag, summary first, detail footer matching its rows
    zpath = inbox / "alipay" / f"{ALIPAY_PID}_{ymd}.csv.zip"
    with zipfile.ZipFile(zpath) as z:
        infos = z.infolist()
        assert [i.flag_bits & 0x800 for i in infos] == [0, 0]
        names = [i.orig_filename.encode("cp437").decode("gbk") for i in infos]
        assert names == [f"{ALIPAY_PID}_{ymd}_业务明细(汇总).csv", f"{ALIPAY_PID}_{ymd}_业务明细.csv"], names
        assert z.testzip() is None
        detail = z.read(infos[1]).decode("gbk").split("\r\n")
    raw = zpath.read_bytes()
    assert f"{ALIPAY_PID}_{ymd}_业务明细.csv".encode("gbk") in raw
    assert f"{ALIPAY_PID}_{ymd}_业务明细.csv".encode("utf-8") not in raw
    assert detail[-1] == "" and detail[0] == "#支付宝业务明细查询" and detail[4] == ALIPAY_DETAIL_HEAD
    body = [line.split(",") for line in detail[5:] if line and not line.startswith("#")]
    assert all(len(c) == 25 and c[0].endswith("\t") and c[1].endswith("\t") for c in body)
    trades = [c for c in body if c[2] == "交易\t"]
    refunds = [c for c in body if c[2] == "退款\t"]
    assert refunds and all(c[12].startswith("-") and c[21].strip() for c in refunds)
    assert detail[-4] == f"#交易合计：{len(trades)}笔，商家实收共{m2(sum((Decimal(c[12]) for c in trades), ZERO))}元，商家优惠共0.00元"
    assert detail[-3] == (f"#退款合计：{len(refunds)}笔，商家实收退款共{m2(sum((Decimal(c[12]) for c in refunds), ZERO))}元，"
                          "商家优惠退款共0.00元")
    # the truncated Alipay download: plain GBK, ~60 % of the rows, no footer
    cut = (inbox / "alipay" / f"{ALIPAY_PID}_{ymd}_业务明细.csv").read_bytes().decode("gbk").split("\r\n")
    assert not any(line.startswith("#交易合计") for line in cut) and cut[:5] == detail[:5]
    assert 0.55 <= (len(cut) - 6) / len(body) <= 0.65
    # UnionPay ZM: every line exactly the field widths (bytes), S30 names an S22
    with zipfile.ZipFile(inbox / "unionpay" / f"{UNIONPAY_MERID}_{ymd}.zip") as z:
        assert z.namelist() == [f"INN{ymd[2:]}88ZM_{UNIONPAY_MERID}"]
        zm = z.read(z.namelist()[0])
    lines = zm.split(b"\r\n")
    assert lines[-1] == b"" and all(len(line) == ZM_LINE_BYTES for line in lines[:-1])
    q = sum(w + 1 for _, w in ZM_FIELDS[:9])
    queries = {line[q:q + 21] for line in lines[:-1] if line.startswith(b"S22")}
    s30 = [line for line in lines[:-1] if line.startswith(b"S30")]
    offset = sum(w + 1 for _, w in ZM_FIELDS[:26])
    assert s30 and all(line[offset:offset + 21] in queries for line in s30)
    # Stripe: quoted description with a comma and Chinese, an orphan charge without metadata
    stripe = files[f"stripe/payout_reconciliation_{d.day:%Y-%m-%d}.csv"].decode()
    assert '"Top-up, ' in stripe and ",charge," in stripe
    rows = list(csv.DictReader(io.StringIO(stripe, newline="")))
    assert {r["reporting_category"] for r in rows} == {"charge", "refund", "dispute", "fee", "payout"}
    assert any(r["reporting_category"] == "charge" and r["payment_metadata[order_no]"] == "" for r in rows)
    assert sum(Decimal(r["net"]) for r in rows) == 0
    # Adyen: 23 columns, all row types
    adyen = list(csv.reader(io.StringIO(files[f"adyen/settlement_detail_report_batch_{ADYEN_BATCH}.csv"].decode(), newline="")))
    assert all(len(r) == 23 for r in adyen)
    assert {r[7] for r in adyen[1:]} == {"Settled", "Refunded", "Chargeback", "Fee", "MerchantPayout"}


# --------------------------------------------------------------------------------------------------------------
# Output
# --------------------------------------------------------------------------------------------------------------

def emit(d: Day) -> tuple[list, list]:
    ymd, iso = d.ymd, f"{d.day:%Y-%m-%d}"
    root = SAMPLES / iso
    if root.exists():
        shutil.rmtree(root)
    inbox = root / "inbox"
    files: dict[str, bytes] = {}
    files[f"platform/orders_{ymd}.csv"] = write_orders(d)
    files[f"wechat/wechat_bill_ALL_{ymd}.csv"] = write_wechat(d)
    files[f"vendors/carrier_delivery_{ymd}.csv"] = write_vendor_csv(d)
    files[f"vendors/fulu_orders_{ymd}.jsonl"] = write_fulu(d)
    status = {f"platform/orders_{ymd}.csv": "imported", f"wechat/wechat_bill_ALL_{ymd}.csv": "imported",
              f"vendors/carrier_delivery_{ymd}.csv": "imported", f"vendors/fulu_orders_{ymd}.jsonl": "imported"}
    if d.day.day == 21:
        dup_name = f"wechat/{WECHAT_MCHID}_{ymd}_all (1).csv"
        files[dup_name] = files[f"wechat/wechat_bill_ALL_{ymd}.csv"]
        # identical bytes: whichever copy is imported first wins, the other is a duplicate (ordinal path order)
        first, second = sorted([dup_name, f"wechat/wechat_bill_ALL_{ymd}.csv"])
        status[first], status[second] = "imported", "duplicate"
        summary, detail, truncated, exported, _, _ = write_alipay(d)
        zipped = exported - timedelta(seconds=1)
        files[f"alipay/{ALIPAY_PID}_{ymd}.csv.zip"] = zip_bytes(
            [(f"{ALIPAY_PID}_{ymd}_业务明细(汇总).csv", summary), (f"{ALIPAY_PID}_{ymd}_业务明细.csv", detail)],
            zipped, gbk_names=True)
        files[f"alipay/{ALIPAY_PID}_{ymd}_业务明细.csv"] = truncated
        files[f"unionpay/{UNIONPAY_MERID}_{ymd}.zip"] = zip_bytes(
            [(f"INN{ymd[2:]}88ZM_{UNIONPAY_MERID}", write_unionpay(d))], exported.replace(hour=7, minute=12), False)
        files[f"stripe/payout_reconciliation_{iso}.csv"] = write_stripe(d)
        files[f"adyen/settlement_detail_report_batch_{ADYEN_BATCH}.csv"] = write_adyen(d)
        status.update({f"alipay/{ALIPAY_PID}_{ymd}.csv.zip": "imported",
                       f"alipay/{ALIPAY_PID}_{ymd}_业务明细.csv": "rejected",
                       f"unionpay/{UNIONPAY_MERID}_{ymd}.zip": "imported",
                       f"stripe/payout_reconciliation_{iso}.csv": "imported",
                       f"adyen/settlement_detail_report_batch_{ADYEN_BATCH}.csv": "imported"})
    for rel, data in files.items():
        path = inbox / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)

    expected = expected_rows(d)
    (root / "expected-mismatches.csv").write_bytes(findings_csv(expected))
    quarantine = {rel: 0 for rel in files}
    quarantine[f"vendors/carrier_delivery_{ymd}.csv"] = 1
    (root / "expected-files.csv").write_bytes(csv_bytes(
        [["file", "status", "quarantined_lines"]] + [[rel, status[rel], quarantine[rel]] for rel in sorted(files)]))

    # independent checks
    check_files(d, inbox, files)
    as_of = datetime(d.day.year, d.day.month, d.day.day, 10, 30, tzinfo=BJ) + timedelta(days=1)
    orders, payments, reversals, events, bad = parse_inbox(inbox, d.day)
    assert bad == {f"vendors/carrier_delivery_{ymd}.csv": 1}, bad
    derived = evaluate(orders, payments, reversals, events, d.day, as_of)
    if derived != expected:
        for a, b in zip(derived + [{}] * len(expected), expected + [{}] * len(derived)):
            if a != b:
                print("derived ", a, "\nexpected", b, file=sys.stderr)
                break
        raise SystemExit(f"{iso}: findings derived from the files differ from the scenario construction "
                         f"({len(derived)} vs {len(expected)})")
    assert len({o.no for o in d.orders}) == len(d.orders)
    return expected, sorted(files)


FORMATS = {
    "platform/": "orders", "wechat/": "wechat-bill (ALL)", "alipay/": "alipay-trade", "unionpay/": "unionpay-zm",
    "stripe/": "stripe-payout", "adyen/": "adyen-settlement", "vendors/carrier": "vendor-csv", "vendors/fulu": "fulu-jsonl",
}

README_HEAD = r"""# Sample days

Two synthetic business days for Reconciler, each an `inbox/` exactly as finance staff would drop it (the
providers' and vendors' real layouts, encodings, line ends, control totals and quirks), plus what a correct
run must report for it. Every file here is written by `generate.py`; do not edit them by hand.

## Regenerate

    python3 samples/generate.py        # from the repository root; Python 3.11+, standard library only

The script is deterministic (fixed seeds, `Decimal` money, no clock): rerunning it rewrites identical bytes.
This README is written by the same script. Before it finishes it checks its own output independently: it
reads the files back (WeChat summary row against its data rows, Alipay zip entry names as GBK bytes without
the UTF-8 flag and the 汇总 entry first, Alipay footers against the detail rows, the truncated download has
no footer, every UnionPay ZM line is exactly the field widths in bytes and every S30 names an S22, Stripe
and Adyen columns, mixed JSON strings/numbers in the fulu log), re-derives the findings from the parsed files
with a separate implementation of DESIGN.md's matching table, and aborts if that differs from the findings
the scenarios declare.

## Expected results

Run assumptions: `reconciler run --date <day> --as-of <day+1>T10:30:00+08:00` on an empty database, defaults
(time zone Asia/Shanghai, delivery SLA 30 min, settlement grace 15 min, hold limit 24 h, amount tolerance
0.01, every product type refunds).

- `expected-mismatches.csv` — the `mismatches.csv` that run must write, with the engine's header. Derived from
  the scenario construction, not from running an engine. `finding_id` = the first 12 bytes (24 lowercase hex
  characters) of SHA-256 over UTF-8 `order\x1f<order_no>\x1f<kind>` (orphans:
  `orphan\x1f<provider>\x1f<provider_txn_id>\x1f<kind>`). `provider_txn_id` lists the order's distinct
  payment ids (WeChat 微信订单号, Alipay 支付宝交易号, UnionPay 查询流水号, Stripe `ch_…`, Adyen Psp Reference)
  sorted ordinally and comma-joined; `vendor` the distinct vendors of all its delivery events (quarantined
  lines excluded); `charged_amount` is net (payments − refunds − chargebacks); `delivered_quantity` counts
  successful deliveries to any account. An orphan carries the merchant order number its payment names (empty
  when none), its gross and its currency, and no vendor, expected amount or quantities. `status` is `new`;
  `detail` is left empty (the engine writes prose there; compare every other column). Rows are sorted by
  order_no (provider_txn_id for an orphan without one), then kind, ordinally.
- `expected-files.csv` — `file,status,quarantined_lines` for every inbox file: `imported`, `duplicate` (same
  SHA-256 as a file already imported; the inbox is assumed to be imported in ordinal order of relative path,
  so `1900000109_…_all (1).csv` is imported and `wechat_bill_ALL_…csv` is the duplicate — with the other order
  the two statuses swap) or `rejected` (control totals missing or wrong), and how many lines go to quarantine.

Orders are numbered `KM<yyyymmdd><7 digits>`; all times of orders are +08:00 on the day. Payments land a few
seconds to minutes after `paid_at` (after `created_at` when the callback was lost); each provider's file uses
its own zone: WeChat, Alipay and UnionPay Beijing wall-clock, Stripe UTC, Adyen CET (UTC+1). Everything not
listed under a scenario is a clean order: paid once with the right amount and delivered in full to the right
account, a few of them merchant batches (quantity 2–5) delivered in parts.
"""


def readme_section(d: Day, files: list[str], expected: list[dict]) -> str:
    iso = f"{d.day:%Y-%m-%d}"
    by_subject = {}
    for r in expected:
        by_subject.setdefault(r["order_no"] or r["provider_txn_id"], []).append(r)
    status = {r[0]: (r[1], r[2]) for r in csv.reader(io.StringIO((SAMPLES / iso / "expected-files.csv").read_text("utf-8")))}
    out = []
    if d.day.day == 20:
        out.append(f"## {iso} — foundation formats\n\n{len(d.orders)} orders, every one paid through WeChat Pay (CNY).\n")
    else:
        out.append(f"## {iso} — every real format at once\n\n{len(d.orders)} orders across WeChat Pay, Alipay, "
                   "UnionPay (CNY), Stripe (USD) and Adyen (EUR); the scenarios are spread over the providers.\n")
    out.append("| inbox file | format | expected | quarantined |\n|---|---|---|---|")
    for rel in files:
        fmt = next(v for k, v in FORMATS.items() if rel.startswith(k))
        st, q = status[rel]
        out.append(f"| `{rel}` | {fmt} | {st} | {q} |")
    notes = {
        "wechat/": "UTF-8 with BOM, CRLF, every value prefixed with a backtick, summary header and row equal to the data rows "
                   "(REFUND rows carry the original 微信订单号/商户订单号, 应结订单金额 and 订单金额 0.00, negative 手续费)",
        "vendors/carrier": "CRLF; one mangled line (`…,<sku>,two`, a repeated row cut short) goes to quarantine; "
                           "processing rows carry the time of the status in `finished_at`",
        "vendors/fulu": "LF; `buy_num`/`order_price` sometimes JSON strings, sometimes JSON numbers; untreated/processing rows "
                        "have an empty `charge_finish_time`",
    }
    out.append("")
    out.append("Notes on the files:\n")
    out.append("- WeChat: " + notes["wechat/"] + ".")
    out.append("- Vendor CSV: " + notes["vendors/carrier"] + ".")
    out.append("- fulu: " + notes["vendors/fulu"] + ".")
    if d.day.day == 21:
        out.append("- The WeChat bill was downloaded twice under two names: identical bytes, so one is a duplicate.")
        out.append("- Alipay `…csv.zip`: GBK entry names without the UTF-8 flag, the 汇总 (summary) entry first, then the 明细 "
                   "detail: `#` header lines, TAB-suffixed ID cells, refund rows with 业务类型 退款, negative amounts and a "
                   "退款批次号/请求号, and the `#交易合计` / `#退款合计` footer matching the rows (the refund total is negative, "
                   "as its rows are).")
        out.append("- Alipay `…_业务明细.csv`: a second, truncated download of the same detail (plain GBK, about 60 % of "
                   "the rows, no footer). It must be rejected whole; the zip's complete copy still counts.")
        out.append("- UnionPay: the zip holds the ZM file `INN…ZM_777290058110048`: GBK, fixed width in bytes, one space "
                   "between fields, amounts in fen, S22 purchases and S30 refunds; an S30's 商户订单号 is the merchant's "
                   "refund number (`RF…`), its purchase is named by 原交易查询流水号.")
        out.append("- Stripe: itemized payout reconciliation, `created_utc` in UTC, quoted descriptions with a comma and "
                   "Chinese, charge / refund / dispute / fee / payout rows (refund and dispute with negative gross).")
        out.append("- Adyen: settlement details report batch 415, CET, Settled / Refunded / Chargeback / Fee / MerchantPayout, "
                   "unsigned amounts in the Debit or Credit column.")
    out.append("")
    out.append("| scenario | order(s) | provider | what happens | expected finding(s) |\n|---|---|---|---|---|")
    for s in d.scenarios:
        if s.orders:
            subjects = [o.no for o in s.orders]
            provider = ", ".join(sorted({o.channel for o in s.orders}))
        else:
            subjects = [t.order_no or t.txn_id for t, _, _ in s.findings]
            provider = ", ".join(sorted({t.provider for t, _, _ in s.findings}))
        found = []
        for subj in subjects:
            for r in by_subject.get(subj, []):
                amt = f" {r['compensation_amount']}" if r["compensation_amount"] else ""
                found.append(f"{r['kind']} ({r['compensation_action']}{amt})")
        text = s.text.replace("|", "\\|")
        out.append(f"| {s.name} | {', '.join(subjects)} | {provider} | {text} | {'; '.join(found) or 'none'} |")
    out.append("")
    out.append(f"{len(expected)} expected findings in `{iso}/expected-mismatches.csv`.\n")
    return "\n".join(out)


def main():
    sections = []
    for build in (build_day1, build_day2):
        d = build()
        expected, files = emit(d)
        sections.append(readme_section(d, files, expected))
        print(f"{d.day}: {len(d.orders)} orders, {len(files)} inbox files, {len(expected)} expected findings")
        for s in d.scenarios:
            subjects = ", ".join(o.no for o in s.orders) or ", ".join(
                f"{t.provider} {t.txn_id}" for t, _, _ in s.findings)
            print(f"  {s.name}: {subjects}")
    (SAMPLES / "README.md").write_text(README_HEAD + "\n" + "\n".join(sections), encoding="utf-8")


if __name__ == "__main__":
    main()

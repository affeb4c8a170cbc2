#!/usr/bin/env python3
"""Writes the hostile-input corpus: one folder (an inbox) per case of cases.json, under OUT_DIR.

    python3 generate.py REPO_ROOT OUT_DIR

Nothing big is checked in: the zip and gzip bombs (1.5 GiB of NUL each) and the 30 MB line are made here, at test
time. Truncated files are cut from the sample day 2026-11-21 in the middle of a data line, 60 % into the file.
"""
import gzip
import io
import os
import random
import shutil
import struct
import sys
import zipfile

REPO, OUT = sys.argv[1], sys.argv[2]
SAMPLE = os.path.join(REPO, "samples", "2026-11-21", "inbox")
ORDER_HEADER = "order_no,created_at,paid_at,customer_id,merchant_id,product_type,sku,target_account,quantity,unit_price,amount,currency,pay_channel,status"
VENDOR_HEADER = "vendor,vendor_order_id,order_no,target_account,sku,quantity,face_value,cost,status,voucher,finished_at"
WECHAT_HEADER = ("交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,货币种类,应结订单金额,"
                 "代金券金额,微信退款单号,商户退款单号,退款金额,充值券退款金额,退款类型,退款状态,商品名称,商户数据包,手续费,费率,订单金额,申请退款金额,费率备注")
HOSTILE_IDS = ["H-SQL'; DROP TABLE finding; --", "<img src=x onerror=alert(1)>", "=1+2", "@SUM(A1)", "+cmd|' /C calc'!A0", "-2+3"]


def path(case, name):
    full = os.path.join(OUT, case, name)
    os.makedirs(os.path.dirname(full), exist_ok=True)
    return full


def write(case, name, data, encoding="utf-8"):
    with open(path(case, name), "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode(encoding))


def quote(cell):
    return '"' + cell.replace('"', '""') + '"' if any(c in cell for c in ',"\r\n') else cell


def order(no, amount="10.00", created="2026-11-20T10:00:00+08:00", paid="2026-11-20T10:01:00+08:00", sku="SKU-10", target="13800000000"):
    return ",".join(quote(c) for c in [no, created, paid, "C1", "", "game_card", sku, target, "1", amount, amount, "CNY", "wechat", "paid"])


def orders(rows, bom=False):
    return ("\ufeff" if bom else "") + ORDER_HEADER + "\n" + "".join(r + "\n" for r in rows)


def delivery(no, n, target="13800000000", finished="2026-11-20T10:05:00+08:00"):
    return ",".join(quote(c) for c in ["carrier", f"V-{n}", no, target, "SKU-10", "1", "10.00", "9.50", "success", "", finished])


def vendor(rows):
    return VENDOR_HEADER + "\n" + "".join(r + "\n" for r in rows)


def wechat(payments):
    """payments: (order_no, txn_id, amount) -> a WeChat ALL bill with a summary row that agrees."""
    lines = [WECHAT_HEADER]
    total, fees = 0, 0
    for i, (no, txn, amount) in enumerate(payments):
        cents = round(float(amount) * 100)
        fee = cents * 6  # 0.6 % in 1e-5 units
        total += cents
        fees += fee
        cells = ["2026-11-20 10:00:30", "wx8888888888888888", "1900000109", "0", "", txn, no, f"oUser{i}", "NATIVE", "SUCCESS",
                 "OTHERS", "CNY", amount, "0.00", "0", "0", "0.00", "0.00", "", "", "商品", "", f"{fee // 100000}.{fee % 100000:05d}",
                 "0.60%", amount, "0.00", ""]
        lines.append(",".join("`" + c for c in cells))
    lines.append("总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额")
    money = f"{total // 100}.{total % 100:02d}"
    lines.append(",".join("`" + c for c in [str(len(payments)), money, "0.00", "0.00", f"{fees // 100000}.{fees % 100000:05d}", money, "0.00"]))
    return "\ufeff" + "\r\n".join(lines) + "\r\n"


def truncate(data):
    """Cuts in the middle of the data line that holds the byte 60 % into the file."""
    at = int(len(data) * 0.6)
    start = data.rfind(b"\n", 0, at) + 1
    end = data.find(b"\n", at)
    end = len(data) if end < 0 else end
    return data[: (start + end) // 2]


def sample(relative):
    with open(os.path.join(SAMPLE, relative), "rb") as f:
        return f.read()


def zip_bytes(entries):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in entries:
            z.writestr(name, data)
    return buffer.getvalue()


def nul_bomb_zip(target, size):
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        with z.open("bill.csv", "w", force_zip64=True) as f:
            chunk = b"\0" * (1 << 20)
            for _ in range(size >> 20):
                f.write(chunk)


def nul_bomb_gzip(target, size):
    with gzip.open(target, "wb", compresslevel=9) as f:
        chunk = b"\0" * (1 << 20)
        for _ in range(size >> 20):
            f.write(chunk)


def main():
    if os.path.exists(OUT):
        shutil.rmtree(OUT)
    os.makedirs(OUT)
    good = vendor([delivery("G1", 1), delivery("G2", 2)])

    # Order numbers carrying SQL, HTML and spreadsheet formulas, paid and never delivered; a file name with spaces,
    # quotes and $(...).
    ids = ["H1"] + HOSTILE_IDS
    write("hostile-ids", "platform/orders.csv", orders([order(no) for no in ids]))
    write("hostile-ids", "wechat/bill.csv", wechat([(no, f"42000000{i:020d}", "10.00") for i, no in enumerate(ids)]))
    write("hostile-ids", 'vendors/deliv ery "q" $(touch pwned).csv', vendor([delivery("H1", 1)]))

    # Truncated files, one format per case.
    write("truncated-orders", "platform/orders.csv", truncate(sample("platform/orders_20261121.csv")))
    write("truncated-wechat", "wechat/bill.csv", truncate(sample("wechat/wechat_bill_ALL_20261121.csv")))
    with zipfile.ZipFile(os.path.join(SAMPLE, "alipay/20881234567890120156_20261121.csv.zip")) as z:
        detail = [n for n in z.namelist() if len(z.read(n)) > 1000][0]
        alipay = z.read(detail)
    write("truncated-alipay", "alipay-trade/20881234567890120156_20261121.csv", truncate(alipay))
    write("truncated-alipay-zip", "alipay/20881234567890120156_20261121.csv.zip", truncate(sample("alipay/20881234567890120156_20261121.csv.zip")))
    write("truncated-stripe", "stripe/payout_reconciliation_2026-11-21.csv", truncate(sample("stripe/payout_reconciliation_2026-11-21.csv")))
    write("truncated-adyen", "adyen/settlement_detail_report_batch_415.csv", truncate(sample("adyen/settlement_detail_report_batch_415.csv")))
    with zipfile.ZipFile(os.path.join(SAMPLE, "unionpay/777290058110048_20261121.zip")) as z:
        zm = z.read("INN26112188ZM_777290058110048")
    write("truncated-unionpay", "unionpay-zm/INN26112188ZM_777290058110048", truncate(zm))
    write("truncated-vendor", "vendors/carrier.csv", truncate(sample("vendors/carrier_delivery_20261121.csv")))
    write("truncated-fulu", "vendors/fulu.jsonl", truncate(sample("vendors/fulu_orders_20261121.jsonl")))
    write("truncated-gzip", "wechat/bill.csv.gz", truncate(gzip.compress(sample("wechat/wechat_bill_ALL_20261121.csv"))))

    # Bombs: 1.5 GiB of NUL in a 1.5 MB zip and in a gzip, and a zip whose headers claim 1000 bytes for 300 MiB.
    nul_bomb_zip(path("bombs", "wechat-bill/bomb.zip"), 1536 << 20)
    nul_bomb_gzip(path("bombs", "wechat-bill/bomb.csv.gz"), 1536 << 20)
    liar = bytearray(zip_bytes([("vendor.csv", b"\0" * (300 << 20))]))
    struct.pack_into("<I", liar, liar.find(b"PK\x03\x04") + 22, 1000)
    struct.pack_into("<I", liar, liar.rfind(b"PK\x01\x02") + 24, 1000)
    write("bombs", "wechat-bill/liar.zip", bytes(liar))
    write("bombs", "vendors/good.csv", good)

    # A 30 MB field between two good lines.
    write("long-line", "vendors/long.csv", vendor([delivery("G1", 1), delivery("X" * (30 << 20), 2), delivery("G3", 3)]))

    write("nested-archive", "vendors/outer.zip", zip_bytes([("inner.zip", zip_bytes([("vendor.csv", good)])), ("vendor.csv", good)]))
    write("zip-dotdot", "vendors/evil.zip", zip_bytes([("../x.csv", good), ("../../../../tmp/reconciler-escape.csv", vendor([delivery("G3", 3)]))]))
    write("too-many-entries", "vendors/many.zip", zip_bytes([(f"v{i}.csv", vendor([delivery(f"M{i}", i)])) for i in range(6)]))
    write("too-many-entries", "vendors/good.csv", good)

    write("empty-file", "empty.csv", b"")
    write("empty-in-format-folder", "vendor-csv/empty.csv", b"")
    write("empty-in-format-folder", "vendors/good.csv", good)
    write("random-bytes", "random.bin", random.Random(20261120).randbytes(100_000))

    # GBK bytes where UTF-8 is expected (the SKU turns to U+FFFD; order numbers and amounts are ASCII and intact), and
    # a UTF-8 copy of a GBK Alipay bill.
    write("gbk-as-utf8", "platform/orders.csv", orders([order("E1", sku="王者荣耀点券"), order("E2", sku="原神")]), encoding="gbk")
    write("gbk-as-utf8", "wechat/bill.csv", wechat([("E1", "4200000000000000000000000001", "10.00"), ("E2", "4200000000000000000000000002", "10.00")]))
    write("gbk-as-utf8", "vendors/carrier.csv", vendor([delivery("E1", 1), delivery("E2", 2)]))
    write("utf8-as-gbk", "alipay-trade/20881234567890120156_20261121.csv", alipay.decode("gbk").encode("utf-8"))

    # Two order exports joined with cat (a BOM and a header mid-file), and a BOM opening a data line.
    first = orders([order("B1"), order("B2")], bom=True)
    second = orders([order("B3")], bom=True).replace(order("B3"), "\ufeff" + order("B3"))
    write("bom-mid-file", "platform/orders.csv", first + second)
    write("bom-mid-file", "wechat/bill.csv", wechat([(f"B{i}", f"42000000000000000000000000B{i}", "10.00") for i in (1, 2, 3)]))
    write("bom-mid-file", "vendors/carrier.csv", vendor([delivery(f"B{i}", i) for i in (1, 2, 3)]))

    write("nul-bytes", "vendors/carrier.csv", vendor([delivery("N1", 1), delivery("N\0\0", 2), delivery("N3", 3)]))

    mixed = orders([order("L1"), order("L2"), order("L3")])
    lines = mixed.split("\n")
    write("mixed-line-ends", "platform/orders.csv", lines[0] + "\r\n" + lines[1] + "\n" + lines[2] + "\r\n" + lines[3] + "\n")
    write("mixed-line-ends", "wechat/bill.csv", wechat([(f"L{i}", f"42000000000000000000000000L{i}", "10.00") for i in (1, 2, 3)]))
    write("mixed-line-ends", "vendors/carrier.csv", vendor([delivery(f"L{i}", i) for i in (1, 2, 3)]))

    doubled = "".join(line + (",order_no\n" if i == 0 else ",OTHER\n") for i, line in enumerate(good.splitlines()))
    write("duplicated-header", "vendors/carrier.csv", doubled)
    write("missing-header", "vendor-csv/carrier.csv", good.split("\n", 1)[1])
    write("unclosed-quote", "vendors/carrier.csv",
          vendor([delivery("Q1", 1), delivery("Q2", 2).replace("carrier,V-2", 'carrier,"V-2', 1), delivery("Q3", 3), delivery("Q4", 4)]))

    # Amounts: only 10.00 and -0 are amounts; the rest are quarantined, each naming the field.
    write("amounts", "platform/orders.csv", orders([
        order("A1", amount="1e9"), order("A2", amount="-0"), order("A3", amount="１００"), order("A4", amount="12,5"),
        order("A5", amount="NaN"), order("A6", amount="123456789012345678901234567890"), order("A7")]))

    # Dates: no zone (quarantined); created in 2099 (outside the day); paid in 2099 but delivered (no finding).
    write("dates", "platform/orders.csv", orders([
        order("D1", created="2026-11-20T10:00:00"), order("D2", created="2099-01-01T10:00:00+08:00", paid=""),
        order("D3", paid="2099-01-01T10:00:00+08:00")]))
    write("dates", "wechat/bill.csv", wechat([("D3", "4200000000000000000000000D3", "10.00")]))
    write("dates", "vendors/carrier.csv", vendor([delivery("D3", 3, finished="2099-01-01T10:05:00+08:00")]))

    # One transaction id in two bills with different amounts: the order is flagged for manual review, never paid.
    write("same-txn-two-files", "platform/orders.csv", orders([order("T1", amount="100.00")]))
    write("same-txn-two-files", "wechat/bill_a.csv", wechat([("T1", "4200000000000000000000000T1", "100.00")]))
    write("same-txn-two-files", "wechat/bill_b.csv", wechat([("T1", "4200000000000000000000000T1", "10.00")]))
    write("same-txn-two-files", "vendors/carrier.csv", vendor([delivery("T1", 1)]))

    # Symbolic links: to a file outside the inbox, and to a file inside it; both refused.
    write("symlink", "vendors/good.csv", good)
    os.symlink("/etc/passwd", path("symlink", "vendors/passwd.csv"))
    os.symlink(os.path.join(OUT, "symlink", "vendors", "good.csv"), path("symlink", "inside-link.csv"))
    os.symlink(os.path.join(OUT, "hostile-ids"), path("symlink", "linked-folder"))


main()

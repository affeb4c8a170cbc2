#!/usr/bin/env python3
"""Writes the provider fixtures that are not copies of real downloads: GBK bytes, byte-exact widths, GBK zip names."""
import os
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))


def write(name, text, encoding):
    with open(os.path.join(HERE, name), 'wb') as f:
        f.write(text.encode(encoding))


# Alipay 业务明细 with a refund (negative amounts), TAB-suffixed IDs, footer matching the rows.
ALIPAY_HEAD = (
    "#支付宝业务明细查询\r\n#账号：[20881234567890120156]\r\n"
    "#起始日期：[2026年11月18日 00:00:00]   终止日期：[2026年11月19日 00:00:00]\r\n"
    "#-----------------------------------------业务明细列表----------------------------------------\r\n"
    "支付宝交易号,商户订单号,业务类型,商品名称,创建时间,完成时间,门店编号,门店名称,操作员,终端号,对方账户,订单金额（元）,商家实收（元）,"
    "支付宝红包（元）,集分宝（元）,支付宝优惠（元）,商家优惠（元）,券核销金额（元）,券名称,商家红包消费金额（元）,卡消费金额（元）,"
    "退款批次号/请求号,服务费（元）,分润（元）,备注\r\n"
)
ALIPAY_ROWS = [
    "2026111822001457132215672841\t,KM202611180000019\t,交易\t,王者荣耀点券60,2026-11-18 00:00:37,2026-11-18 00:01:08,\t,\t,\t,\t,*芳(184****5407)\t,6.00,6.00,0.00,0.00,0.00,0.00,0.00,,0.00\t,0.00,\t,-0.04,0.00,\r\n",
    "2026111822001450096168979938\t,KM202611180000040\t,交易\t,原神创世结晶6480,2026-11-18 01:01:38,2026-11-18 01:02:40,\t,\t,\t,\t,*强(155****1577)\t,648.00,648.00,0.00,0.00,0.00,0.00,0.00,,0.00\t,0.00,\t,-3.89,0.00,\r\n",
    "2026111722001450889511371703\t,KM202611170000021\t,退款\t,王者荣耀点券60,2026-11-18 09:10:00,,\t,\t,\t,\t,*华(193****0045)\t,-6.00,-6.00,0.00,0.00,0.00,0.00,0.00,,0.00\t,0.00,2026111722001450889511371703KM01\t,0.04,0.00,\r\n",
]
ALIPAY_END = "#-----------------------------------------业务明细列表结束------------------------------------\r\n"
ALIPAY_FOOT = (
    "#交易合计：2笔，商家实收共654.00元，商家优惠共0.00元\r\n"
    "#退款合计：1笔，商家实收退款共-6.00元，商家优惠退款共0.00元\r\n"
    "#导出时间：[2026年11月19日 05:46:49]\r\n"
)
write("alipay_trade_with_refund.csv", ALIPAY_HEAD + "".join(ALIPAY_ROWS) + ALIPAY_END + ALIPAY_FOOT, "gbk")
# A download cut off in the middle of the data: no footer.
write("alipay_trade_truncated.csv", ALIPAY_HEAD + "".join(ALIPAY_ROWS[:2]), "gbk")
# Footer says 3 payments where the rows hold 2.
write("alipay_trade_footer_disagrees.csv",
      ALIPAY_HEAD + "".join(ALIPAY_ROWS) + ALIPAY_END + ALIPAY_FOOT.replace("2笔，商家实收共654.00元", "3笔，商家实收共660.00元"), "gbk")
# A row whose 商家实收 is not a number (still counted, so the footer check rejects the file too).
write("alipay_trade_bad_row.csv",
      ALIPAY_HEAD + ALIPAY_ROWS[0] + ALIPAY_ROWS[1].replace("648.00,648.00", "648.00,6四8.00") + ALIPAY_END + ALIPAY_FOOT.replace("退款合计：1笔，商家实收退款共-6.00元", "退款合计：0笔，商家实收退款共0.00元"), "gbk")

# Alipay 账务明细 (balance ledger).
LEDGER = (
    "#支付宝账务明细查询\r\n#账号：[20881234567890120156]\r\n"
    "#起始日期：[2026年11月18日 00:00:00]   终止日期：[2026年11月19日 00:00:00]\r\n"
    "#-----------------------------------------账务明细列表----------------------------------------\r\n"
    "账务流水号,业务流水号,商户订单号,商品名称,发生时间,对方账号,收入金额（+元）,支出金额（-元）,账户余额（元）,交易渠道,业务类型,备注\r\n"
    "20261118300100001\t,2026111822001457132215672841\t,KM202611180000019\t,王者荣耀点券60,2026-11-18 00:01:08,*芳(184****5407)\t,6.00,,1006.00,支付宝\t,在线支付,\r\n"
    "20261118300100002\t,2026111822001457132215672841\t,KM202611180000019\t,服务费[2026111822001457132215672841],2026-11-18 00:01:08,支付宝(中国)网络技术有限公司\t,,-0.04,1005.96,支付宝\t,收费,\r\n"
    "20261118300100003\t,2026111722001450889511371703\t,KM202611170000021\t,退款,2026-11-18 09:10:00,*华(193****0045)\t,,-6.00,999.96,支付宝\t,交易退款,\r\n"
    "20261118300100004\t,20261118200040011100000001\t,\t,提现,2026-11-18 10:00:00,招商银行(6225****1234)\t,,-900.00,99.96,支付宝\t,提现,\r\n"
    "#-----------------------------------------账务明细列表结束------------------------------------\r\n"
    "#收入合计：1笔，共6.00元\r\n#支出合计：3笔，共-906.04元\r\n#导出时间：[2026年11月19日 05:50:02]\r\n"
)
write("alipay_ledger_20261118.csv", LEDGER, "gbk")

# UnionPay ZM: widths in GBK bytes, one space between fields.
WIDTHS = [3, 11, 11, 6, 10, 19, 12, 4, 2, 21, 2, 32, 2, 6, 10, 13, 13, 4, 15, 2, 2, 6, 2, 4, 32, 1, 21, 15]


def pad(value, width):
    raw = value.encode("gbk")
    assert len(raw) <= width, (value, width)
    return raw + b" " * (width - len(raw))


def zm_line(code, time, amount_fen, query_id, order_no, fee, settle, orig_query_id="", reserved="", trace="123456"):
    values = [code, "00000000001", "00000000002", trace, time, "6222***********1234", f"{amount_fen:012d}", "5999", "07",
              query_id, "00", order_no, "01", "000000", "0000000000", fee, settle, "0000", "", "01", "01", "000201",
              "01", "", "", "1", orig_query_id, "777290058110097"]
    line = b" ".join(pad(v, w) for v, w in zip(values, WIDTHS))
    return line + (b" " + reserved.encode("gbk") if reserved else b"")


zm = [
    # December purchase settled on 5 January: the year is the previous one.
    zm_line("S22", "1231235959", 4980, "512312359591234567890", "KM202512310000001", "C000000000030", "0000000004950"),
    # Purchase with a Chinese order number (2 bytes a character) and reserved text.
    zm_line("S22", "0104101500", 64800, "501041015001234567891", "KM订单202601040002", "D000000000389", "0000000064411", reserved="保留域 中文"),
    # Refund naming its purchase through 原交易查询流水号.
    zm_line("S30", "0104120000", 64800, "501041200001234567892", "KM订单202601040002", "-000000000389", "0000000064411", orig_query_id="501041015001234567891"),
    # A code that is neither purchase nor refund.
    zm_line("S31", "0104130000", 1000, "501041300001234567893", "KM202601040000003", "0000000000000", "0000000001000"),
    # Cut short before 商户代码.
    zm_line("S22", "0104140000", 1000, "501041400001234567894", "KM202601040000004", "0000000000006", "0000000000994")[:200],
    # An amount that is not in fen.
    zm_line("S22", "0104150000", 1000, "501041500001234567895", "KM202601040000005", "0000000000006", "0000000000994").replace(b"000000001000", b"00000000X000", 1),
]
with open(os.path.join(HERE, "INN26010588ZM_777290058110097"), "wb") as f:
    f.write(b"\r\n".join(zm) + b"\r\n")

class GbkZipInfo(zipfile.ZipInfo):
    """zipfile writes a non-ASCII name as UTF-8 with flag 0x800; this writes GBK bytes and no flag instead."""
    __slots__ = ()

    def _encodeFilenameFlags(self):
        return self.filename.encode("gbk"), self.flag_bits & ~0x800


# The same file inside a zip whose entry name is GBK without the UTF-8 flag, as UnionPay's and Alipay's downloads are.
info_name = "对账文件/INN26010588ZM_777290058110097"
with zipfile.ZipFile(os.path.join(HERE, "unionpay_20260105.zip"), "w", zipfile.ZIP_DEFLATED) as z:
    info = GbkZipInfo(info_name, date_time=(2026, 1, 5, 9, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    z.writestr(info, b"\r\n".join(zm[:4]) + b"\r\n")

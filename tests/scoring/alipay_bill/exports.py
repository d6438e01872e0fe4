"""Alipay exports the tests write themselves: three layouts, every encoding and quirk, known answers.

A *scenario* is a list of ``Txn`` (what a person did) with the answers the import must derive
from it. ``render`` writes a scenario as one of the three export layouts, with the quirks real
files have (GBK, UTF-8 with or without BOM, CRLF, trailing commas and tabs, padded headers,
Excel re-saves with quotes, minute-only times and ``"5,000.00"``, cut preamble or footer).

Names, accounts and order numbers here are made up.
"""

from __future__ import annotations

import csv
import io
import random
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta

LAYOUTS = ("pc_web", "app_2021", "app_2023")
DASHES = "-" * 84

OUT = "支出"
IN = "收入"
NEUTRAL = "不计收支"


@dataclass(frozen=True)
class Txn:
    """One transaction as the person made it; each layout writes it its own way."""

    when: datetime
    category: str
    counterparty: str
    description: str
    direction: str
    amount: float
    method: str = "余额"
    status: str = "交易成功"
    merchant_order: str = ""
    source: str = "其他（包括阿里巴巴和外部商家）"
    account: str = ""
    #: PC layout only: the refunded amount shown on the original row (app layouts add a refund row).
    refunded: float = 0.0


@dataclass
class Scenario:
    """Transactions and the answers the import must find (None: the file cannot tell)."""

    name: str
    txns: list[Txn]
    expected: dict[str, object]
    #: Answers that differ in the PC layout (it has no payment-method column, no categories).
    pc_expected: dict[str, object] = field(default_factory=dict)

    @property
    def today(self) -> date:
        """The day after the last transaction: the import as if made the day after the export."""
        return day_after(self.txns)

    def expected_for(self, layout: str) -> dict[str, object]:
        """The expected answers in ``layout``."""
        return {**self.expected, **self.pc_expected} if layout == "pc_web" else dict(self.expected)


def day_after(txns: list[Txn]) -> date:
    """The day after the last of ``txns``: a ``today`` that puts all of a year's bill in the window."""
    return max(t.when for t in txns).date() + timedelta(days=1)


def recent_start(today: date | None = None) -> date:
    """The first of the month 11 months before ``today``'s (default: the computer's date).

    A year's scenario (``active``) starting there lies wholly in the last 12 months of ``today``
    (its last weeks after ``today``): a bill the bot, on the real clock, reads as recent.
    """
    today = today or date.today()
    index = today.year * 12 + today.month - 1 - 11
    return date(index // 12, index % 12 + 1, 1)


# ---- transactions -------------------------------------------------------------------------------

_order_counter = iter(range(10**6, 10**9))


def restart_order_numbers() -> None:
    """Number orders from the start again: files built after this are the same bytes every run."""
    global _order_counter
    _order_counter = iter(range(10**6, 10**9))


def _order(when: datetime) -> str:
    return f"{when:%Y%m%d}2200150{next(_order_counter):013d}"


def meal(when: datetime, amount: float, huabei: bool = False) -> Txn:
    """A meal paid in a shop or by delivery."""
    return Txn(
        when,
        "餐饮美食",
        random.Random(when.toordinal()).choice(["美团", "饿了么", "杭州某某餐饮店", "全家便利店"]),
        "外卖订单",
        OUT,
        amount,
        method="花呗" if huabei else "余额宝",
    )


def shop(when: datetime, platform: str, amount: float, status: str = "交易成功") -> Txn:
    """An online purchase on Tmall, Taobao or another platform."""
    if platform == "tmall":
        return Txn(
            when,
            "服饰装扮",
            "某某品牌官方旗舰店",
            "春季外套",
            OUT,
            amount,
            merchant_order=f"T200P{next(_order_counter):019d}",
            source="淘宝",
            status=status,
        )
    if platform == "taobao":
        return Txn(
            when,
            "日用百货",
            "小王的杂货铺",
            "收纳盒",
            OUT,
            amount,
            merchant_order=f"T200P{next(_order_counter):019d}",
            source="淘宝",
            status=status,
        )
    return Txn(when, "数码电器", "京东商城平台商户", "耳机", OUT, amount, status=status)


BILLS: dict[str, tuple[str, str]] = {
    "water": ("杭州市水务集团有限公司", "水费-户号****1234"),
    "power": ("国网浙江省电力有限公司", "电费-户号****5678"),
    "gas": ("杭州市燃气集团有限公司", "燃气费"),
    "phone": ("中国移动", "为155****1234交费"),
    "broadband": ("中国电信", "宽带续费"),
    "landline": ("中国电信", "固话交费"),
}


def bill(when: datetime, kind: str, amount: float) -> Txn:
    """A living bill (water, power, gas, phone, broadband, landline)."""
    counterparty, description = BILLS[kind]
    return Txn(when, "充值缴费", counterparty, description, OUT, amount)


def charity(when: datetime, amount: float = 10.0) -> Txn:
    """A donation through Alipay's charity platform."""
    return Txn(when, "公益捐赠", "中华少年儿童慈善救助基金会", "公益捐赠-助学", OUT, amount)


def yuebao_in(when: datetime, amount: float) -> Txn:
    """Money moved into Yu'e Bao: not spending."""
    return Txn(when, "投资理财", "天弘基金管理有限公司", "余额宝-转入", NEUTRAL, amount, method="招商银行储蓄卡")


def yuebao_out(when: datetime, amount: float) -> Txn:
    """Money taken out of Yu'e Bao."""
    return Txn(when, "投资理财", "天弘基金管理有限公司", "余额宝-转出到余额", NEUTRAL, amount)


def insurance(when: datetime, amount: float = 5.0) -> Txn:
    """A premium paid in Alipay."""
    return Txn(when, "保险", "众安在线财产保险股份有限公司", "账户安全险", OUT, amount)


def mybank(when: datetime, amount: float) -> Txn:
    """Money moved into MYbank's fund."""
    return Txn(when, "投资理财", "网商银行", "余利宝-转入", NEUTRAL, amount)


def huabei_repay(when: datetime, amount: float, status: str = "还款成功", late: bool = False) -> Txn:
    """A Huabei repayment (a late one says so; a failed one has status 还款失败)."""
    month = (when - timedelta(days=20)).strftime("%Y年%m月")
    description = f"花呗逾期还款-{month}账单" if late else f"花呗自动还款-{month}账单"
    return Txn(when, "信用借还", "花呗", description, NEUTRAL, amount, method="余额宝", status=status)


def card_repay(when: datetime, bank: str, tail: str, amount: float, status: str = "还款成功") -> Txn:
    """A credit-card repayment through Alipay."""
    return Txn(when, "信用借还", bank, f"信用卡还款-{bank}(尾号{tail})", NEUTRAL, amount, status=status)


def red_envelope(when: datetime, amount: float, sent: bool) -> Txn:
    """A red envelope or transfer with a friend."""
    if sent:
        return Txn(when, "转账红包", "李*", "转账", OUT, amount)
    return Txn(when, "转账红包", "王*", "收到红包", IN, amount)


def refunded_purchase(when: datetime, amount: float) -> list[Txn]:
    """A purchase refunded in full: the original (status 退款成功) and its refund row."""
    original = replace(shop(when, "taobao", amount), status="退款成功", refunded=amount)
    refund = Txn(
        when + timedelta(days=3),
        "退款",
        "小王的杂货铺",
        "退款-收纳盒",
        IN,
        amount,
        status="退款成功",
    )
    return [original, refund]


def salary(when: datetime, amount: float) -> Txn:
    """Income: not spending."""
    return Txn(when, "其他", "某某科技有限公司", "工资", IN, amount)


# ---- scenarios ---------------------------------------------------------------------------------


def _months(start: date, count: int) -> list[datetime]:
    days = []
    for index in range(count):
        year, month = start.year + (start.month - 1 + index) // 12, (start.month - 1 + index) % 12 + 1
        days.append(datetime(year, month, 1, 9, 30, 15))
    return days


def active(start: date = date(2023, 1, 1)) -> Scenario:
    """Twelve months of a busy account: every feature shows, and the exclusions matter.

    Spending is about 2,600 yuan a month (2000to5000). A closed trade of 50,000, a refunded one
    of 30,000, 100,000 moved into Yu'e Bao and 2,000 a month of repayments would each push it
    over 5,000 if they were (wrongly) counted as spending.
    """
    txns: list[Txn] = []
    for index, month in enumerate(_months(start, 12)):
        for day in range(30):
            txns.append(meal(month + timedelta(days=day % 27, hours=day % 10), 40.0, huabei=day % 3 == 0))
        for n in range(3):
            txns.append(shop(month + timedelta(days=2 + n, minutes=n), "tmall", 300.0))
        for n in range(2):
            txns.append(shop(month + timedelta(days=5 + n), "taobao", 100.0))
        if index % 2 == 0:
            txns.append(shop(month + timedelta(days=8), "other", 150.0))
        txns.append(bill(month + timedelta(days=9), "water", 50.0))
        txns.append(bill(month + timedelta(days=10), "power", 120.0))
        txns.append(bill(month + timedelta(days=11), "phone", 100.0))
        txns.append(charity(month + timedelta(days=12)))
        txns.append(yuebao_in(month + timedelta(days=13), 2000.0))
        txns.append(huabei_repay(month + timedelta(days=8, hours=3), 400.0))
        txns.append(card_repay(month + timedelta(days=14), "招商银行", "1234", 1000.0))
        txns.append(card_repay(month + timedelta(days=15), "工商银行", "5678", 1000.0))
        for n in range(6):
            txns.append(red_envelope(month + timedelta(days=16 + n), 66.0, sent=n % 2 == 0))
        txns.append(salary(month + timedelta(days=14, hours=1), 15000.0))
    first = _months(start, 1)[0]
    txns.append(insurance(first + timedelta(days=3)))
    txns.append(mybank(first + timedelta(days=4), 500.0))
    txns.append(yuebao_out(first + timedelta(days=40), 1000.0))
    txns.append(yuebao_in(first + timedelta(days=41), 100_000.0 - 24_000.0))
    txns.append(yuebao_out(first + timedelta(days=42), 60_000.0))
    txns.append(shop(first + timedelta(days=50), "tmall", 50_000.0, status="交易关闭"))
    txns.extend(refunded_purchase(first + timedelta(days=60), 30_000.0))
    # The last day of the period, so it covers twelve whole months.
    txns.append(meal(datetime(start.year + 1, start.month, 1, 8) - timedelta(days=1), 40.0))
    expected: dict[str, object] = {
        "monthly_spend": "2000to5000",
        "shopping": "tmall",
        "living_bills": 3,
        "bill_address": None,
        "wealth": None,
        "insurance": True,
        "charity": "regular",
        "mybank": True,
        "huabei": "on_time",
        "credit_cards": None,
        "card_repayment": "always_on_time",
        "card_bills": None,
        "friend_interaction": "often",
        "loans": None,
        "income": None,
        "account_age": None,
    }
    return Scenario("active", sorted(txns, key=lambda t: t.when, reverse=True), expected)


def quiet(start: date = date(2022, 3, 1)) -> Scenario:
    """Eight months of a quiet account: the absences become answers (no bills, never donates)."""
    txns: list[Txn] = []
    for month in _months(start, 8):
        for day in range(10):
            txns.append(meal(month + timedelta(days=day * 2), 30.0))
    txns.append(shop(_months(start, 1)[0] + timedelta(days=20), "taobao", 80.0))
    txns.append(meal(datetime(2022, 10, 31, 20), 30.0))
    expected: dict[str, object] = {
        "monthly_spend": "lt500",
        "shopping": None,
        "living_bills": 0,
        "bill_address": "no_bills",
        "charity": "never",
        "friend_interaction": "never",
        "huabei": "none",
        "insurance": None,
        "mybank": None,
        "card_repayment": None,
        "credit_cards": None,
        "wealth": None,
    }
    # Without a payment-method column paying with Huabei cannot be seen: "never used" is not proven.
    return Scenario("quiet", sorted(txns, key=lambda t: t.when, reverse=True), expected, {"huabei": None})


def trouble(start: date = date(2024, 1, 1)) -> Scenario:
    """Four months with late Huabei repayments and a failed card repayment."""
    txns: list[Txn] = []
    months = _months(start, 4)
    for month in months:
        for day in range(20):
            txns.append(meal(month + timedelta(days=day), 60.0, huabei=True))
    txns.append(huabei_repay(months[0] + timedelta(days=12), 500.0, late=True))
    txns.append(huabei_repay(months[1] + timedelta(days=9), 500.0, status="还款失败"))
    txns.append(huabei_repay(months[2] + timedelta(days=13), 500.0, late=True))
    txns.append(card_repay(months[1] + timedelta(days=3), "建设银行", "4321", 800.0, status="还款失败"))
    txns.append(card_repay(months[1] + timedelta(days=4), "建设银行", "4321", 800.0))
    txns.append(charity(months[2] + timedelta(days=1)))
    txns.append(red_envelope(months[3] + timedelta(days=2), 20.0, sent=True))
    txns.append(bill(months[3] + timedelta(days=5), "gas", 80.0))
    expected: dict[str, object] = {
        "monthly_spend": "500to2000",
        "huabei": "late_often",
        "card_repayment": None,
        "charity": "sometimes",
        "friend_interaction": "sometimes",
        "living_bills": None,
        "bill_address": None,
    }
    return Scenario("trouble", sorted(txns, key=lambda t: t.when, reverse=True), expected)


SCENARIOS: dict[str, Callable[[], Scenario]] = {"active": active, "quiet": quiet, "trouble": trouble}


# ---- rendering ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Quirks:
    """How a file was written: as exported, or after a user's re-save."""

    encoding: str = "gbk"
    newline: str = "\r\n"
    final_newline: bool = True
    trailing_comma: bool = True
    order_tab: bool = True
    pad_headers: bool = True
    pad_cells: bool = False
    excel: bool = False
    cut_preamble: bool = False
    cut_footer: bool = False
    #: 2026 exports add a line naming 支付宝支付科技有限公司 to the preamble.
    preamble_2026: bool = False


AS_EXPORTED = Quirks()
QUIRKS: dict[str, Quirks] = {
    "as_exported": AS_EXPORTED,
    "gb18030_lf": Quirks(encoding="gb18030", newline="\n"),
    "utf8_bom": Quirks(encoding="utf-8-sig"),
    "utf8_lf_no_final_newline": Quirks(encoding="utf-8", newline="\n", final_newline=False),
    "no_trailing_comma_no_tab": Quirks(trailing_comma=False, order_tab=False),
    "padded_cells": Quirks(pad_cells=True),
    "excel_utf8": Quirks(encoding="utf-8-sig", excel=True),
    "excel_gbk": Quirks(excel=True, trailing_comma=False),
    "cut_preamble": Quirks(cut_preamble=True),
    "cut_footer": Quirks(cut_footer=True),
    "cut_both_utf8": Quirks(encoding="utf-8", cut_preamble=True, cut_footer=True),
    "preamble_2026": Quirks(preamble_2026=True),
}


def _time(when: datetime, quirks: Quirks) -> str:
    if quirks.excel:
        return f"{when.year}/{when.month}/{when.day} {when.hour}:{when.minute:02d}"
    return when.strftime("%Y-%m-%d %H:%M:%S")


def _amount(value: float, quirks: Quirks) -> str:
    return f"{value:,.2f}" if quirks.excel else f"{value:.2f}"


def _order_cell(number: str, quirks: Quirks) -> str:
    return f"{number}\t" if number and quirks.order_tab else number


HEADERS = {
    "app_2023": [
        "交易时间",
        "交易分类",
        "交易对方",
        "对方账号",
        "商品说明",
        "收/支",
        "金额",
        "收/付款方式",
        "交易状态",
        "交易订单号",
        "商家订单号",
        "备注",
    ],
    "app_2021": [
        "收/支",
        "交易对方",
        "对方账号",
        "商品说明",
        "收/付款方式",
        "金额",
        "交易状态",
        "交易分类",
        "交易订单号",
        "商家订单号",
        "交易时间",
    ],
    "pc_web": [
        "交易号",
        "商家订单号",
        "交易创建时间",
        "付款时间",
        "最近修改时间",
        "交易来源地",
        "类型",
        "交易对方",
        "商品名称",
        "金额（元）",
        "收/支",
        "交易状态",
        "服务费（元）",
        "成功退款（元）",
        "备注",
        "资金状态",
    ],
}


def _cells(txn: Txn, layout: str, quirks: Quirks) -> list[str]:
    order = _order_cell(_order(txn.when), quirks)
    merchant = _order_cell(txn.merchant_order, quirks)
    time = _time(txn.when, quirks)
    amount = _amount(txn.amount, quirks)
    if layout == "app_2023":
        return [
            time,
            txn.category,
            txn.counterparty,
            txn.account,
            txn.description,
            txn.direction,
            amount,
            txn.method,
            txn.status,
            order,
            merchant,
            "",
        ]
    if layout == "app_2021":
        direction = "其他" if txn.direction == NEUTRAL else txn.direction
        return [
            direction,
            txn.counterparty,
            txn.account,
            txn.description,
            txn.method,
            amount,
            txn.status,
            txn.category,
            order,
            merchant,
            time,
        ]
    fund = {OUT: "已支出", IN: "已收入", NEUTRAL: "资金转移"}[txn.direction]
    # The PC export leaves 收/支 blank on many rows; 资金状态 still says where the money went.
    direction = "" if txn.direction == NEUTRAL or txn.when.day % 2 else txn.direction
    status = "交易成功" if txn.status == "退款成功" else txn.status
    return [
        order,
        merchant,
        time,
        time,
        time,
        txn.source,
        "支付宝担保交易" if txn.merchant_order else "即时到账交易",
        txn.counterparty,
        txn.description,
        amount,
        direction,
        status,
        "0.00",
        _amount(txn.refunded, quirks),
        "",
        fund,
    ]


def _preamble(layout: str, txns: list[Txn], quirks: Quirks) -> list[str]:
    first = min(t.when for t in txns) if txns else datetime(2023, 1, 1)
    last = max(t.when for t in txns) if txns else datetime(2023, 1, 1)
    if layout == "pc_web":
        return [
            "支付宝交易记录明细查询",
            "账号:[someone@example.com]",
            f"起始日期:[{first:%Y-%m-%d %H:%M:%S}]    终止日期:[{last:%Y-%m-%d %H:%M:%S}]",
            "---------------------------------交易记录明细列表------------------------------------",
        ]
    if layout == "app_2021":
        return [DASHES]
    lines = [
        DASHES,
        "导出信息：",
        "姓名：张三",
        "支付宝账户：138****0000",
        f"起始时间：[{first:%Y-%m-%d %H:%M:%S}]    终止时间：[{last:%Y-%m-%d %H:%M:%S}]",
        "导出交易类型：[全部]",
        f"导出时间：[{last + timedelta(days=1):%Y-%m-%d} 10:00:00]",
        f"共{len(txns)}笔记录",
        "收入：10笔 1000.00元",
        "支出：100笔 10000.00元",
        "不计收支：5笔 500.00元",
        "",
        "特别提示：",
        "1.本回单内容可表明支付宝受理了相关交易申请，不作为收付款方交易确认的最终依据；",
        "2.支付宝快捷支付等非余额支付方式可能既产生支付宝交易也同步产生银行交易；",
        "3.因统计逻辑不同，明细金额直接累加后，可能会和下方统计金额不一致；",
        "4.禁止修改本回单内容。",
        "",
    ]
    if quirks.preamble_2026:
        lines.insert(3, "支付宝支付科技有限公司")
    lines.append(f"{'-' * 24}支付宝（中国）网络技术有限公司  电子客户回单{'-' * 24}")
    return lines


def _footer(layout: str, txns: list[Txn]) -> list[str]:
    if layout == "pc_web":
        return [
            DASHES,
            f"共{len(txns)}笔记录",
            "已收入:10笔,1000.00元",
            "待收入:0笔,0.00元",
            "已支出:100笔,10000.00元",
            "待支出:0笔,0.00元",
            "导出时间:[2024-01-02 10:00:00]    用户:someone@example.com",
        ]
    if layout == "app_2021":
        return [
            DASHES,
            "导出信息：",
            "姓名：张三",
            "支付宝账户：138****0000",
            f"共{len(txns)}笔记录",
            "特别提示：",
            "1.本回单内容可表明支付宝受理了相关交易申请；",
            "2.禁止修改本回单内容。",
        ]
    return []


def _line(cells: list[str], quirks: Quirks) -> str:
    buffer = io.StringIO()
    quoting = csv.QUOTE_ALL if quirks.excel else csv.QUOTE_MINIMAL
    csv.writer(buffer, quoting=quoting, lineterminator="").writerow(cells)
    text = buffer.getvalue()
    return f"{text}," if quirks.trailing_comma else text


def _header(layout: str, quirks: Quirks) -> list[str]:
    names = HEADERS[layout]
    if quirks.pad_headers and not quirks.excel:
        width = 12 if layout == "pc_web" else 6
        return [name.ljust(width) for name in names]
    return list(names)


def _rows(layout: str, txns: list[Txn], quirks: Quirks) -> list[list[str]]:
    rows: list[list[str]] = []
    for txn in txns:
        if layout == "pc_web" and txn.category == "退款":
            continue  # the PC export shows refunds in 成功退款（元）on the original row
        cells = _cells(txn, layout, quirks)
        if quirks.pad_cells:
            cells = [f" {cell} " for cell in cells]
        rows.append(cells)
    return rows


def render(scenario: Scenario | list[Txn], layout: str, quirks: Quirks = AS_EXPORTED) -> bytes:
    """The bytes of ``scenario`` exported in ``layout`` and written with ``quirks``."""
    txns = scenario.txns if isinstance(scenario, Scenario) else scenario
    lines: list[str] = []
    if not quirks.cut_preamble:
        lines.extend(_preamble(layout, txns, quirks))
    lines.append(_line(_header(layout, quirks), quirks))
    lines.extend(_line(cells, quirks) for cells in _rows(layout, txns, quirks))
    if not quirks.cut_footer:
        lines.extend(_footer(layout, txns))
    text = quirks.newline.join(lines)
    if quirks.final_newline:
        text += quirks.newline
    return text.encode(quirks.encoding)


def random_txns(count: int, seed: int = 1, start: date = date(2023, 1, 1)) -> list[Txn]:
    """``count`` transactions of a realistic mix over a year (for the benchmark and properties)."""
    rng = random.Random(seed)

    def varied_meal(when: datetime) -> Txn:
        # Thousands of merchants and an order id in every description, as in a real year of bills.
        base = meal(when, round(rng.uniform(8, 120), 2), huabei=rng.random() < 0.3)
        return replace(base, counterparty=f"商户{rng.randrange(3000)}号店", description=f"订单-{rng.randrange(10**12)}")

    makers: list[Callable[[datetime], Txn | list[Txn]]] = [
        varied_meal,
        lambda when: shop(when, rng.choice(["tmall", "taobao", "other"]), round(rng.uniform(10, 900), 2)),
        lambda when: bill(when, rng.choice(list(BILLS)), round(rng.uniform(20, 300), 2)),
        lambda when: red_envelope(when, round(rng.uniform(1, 500), 2), sent=rng.random() < 0.5),
        lambda when: yuebao_in(when, round(rng.uniform(100, 5000), 2)),
        lambda when: huabei_repay(when, round(rng.uniform(100, 3000), 2)),
        lambda when: card_repay(when, rng.choice(["招商银行", "工商银行"]), rng.choice(["1234", "5678"]), 500.0),
        lambda when: charity(when),
        lambda when: refunded_purchase(when, round(rng.uniform(10, 300), 2)),
    ]
    weights = [60, 20, 4, 8, 2, 1, 1, 1, 3]
    start_time = datetime(start.year, start.month, start.day)
    txns: list[Txn] = []
    while len(txns) < count:
        when = start_time + timedelta(seconds=rng.randrange(365 * 24 * 3600))
        made = rng.choices(makers, weights)[0](when)
        txns.extend(made if isinstance(made, list) else [made])
    return sorted(txns[:count], key=lambda t: t.when, reverse=True)

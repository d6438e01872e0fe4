"""What an export's rows say about a person: counts per kind of row, spending, the period.

One pass over the rows, one small classification per row. Each row gets one *kind* (a Tmall
purchase, a water bill, a Huabei repayment, a failed card repayment, a red envelope...), found
from Alipay's own category (``交易分类``, 2021+) first, then from the counterparty and the
description. The classification of a (category, counterparty, description...) combination is
cached: a year of bills repeats the same few hundred combinations.

Not spending, whatever their amount: refunds (``退款-...``, 退款成功), closed trades (交易关闭),
``不计收支`` rows, money moved into Yu'e Bao or funds, repayments, and transfers with friends.
Paying *with* Huabei is credit use (a flag on the row), not a Huabei repayment.

The result keeps counts and sums only: never a merchant name, an amount of one row or an
order number (card identities are kept as a count).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from scoring.alipay_bill import layouts as f
from scoring.alipay_bill.layouts import Layout

# ---- row kinds ------------------------------------------------------------------------------
CLOSED = "closed"
REFUND = "refund"
FAILED = "failed"
TMALL = "tmall"
TAOBAO = "taobao"
OTHER_ONLINE = "other_online"
SPEND = "spend"
WATER = "water"
POWER = "power"
GAS = "gas"
PHONE = "phone"
BROADBAND = "broadband"
LANDLINE = "landline"
CHARITY = "charity"
INSURANCE = "insurance"
WEALTH_IN = "wealth_in"
WEALTH_OUT = "wealth_out"
WEALTH_OTHER = "wealth_other"
HUABEI_REPAY = "huabei_repay"
HUABEI_FAILED = "huabei_failed"
HUABEI_LATE = "huabei_late"
CARD_REPAY = "card_repay"
CARD_FAILED = "card_failed"
JIEBEI_REPAY = "jiebei_repay"
JIEBEI_FAILED = "jiebei_failed"
CREDIT_OTHER = "credit_other"
FRIENDS = "friends"
OWN_TRANSFER = "own_transfer"
INCOME = "income"
NEUTRAL = "neutral"

#: The six kinds of living bill the questionnaire counts, in its order.
BILL_KINDS: tuple[str, ...] = (WATER, POWER, GAS, PHONE, BROADBAND, LANDLINE)

#: Kinds whose outgoing amount is consumption (monthly spend).
SPENDING: frozenset[str] = frozenset({TMALL, TAOBAO, OTHER_ONLINE, SPEND, INSURANCE, *BILL_KINDS})

# ---- directions -----------------------------------------------------------------------------
OUT = "out"
IN = "in"
NOT_COUNTED = "not_counted"
UNKNOWN = "unknown"

_DIRECTIONS = {"支出": OUT, "收入": IN, "不计收支": NOT_COUNTED, "其他": UNKNOWN, "": UNKNOWN}
#: The PC export leaves 收/支 blank on many rows; 资金状态 says where the money went.
_FUND_STATUS = {"已支出": OUT, "已收入": IN, "资金转移": NOT_COUNTED, "冻结": UNKNOWN, "解冻": UNKNOWN}

_CLOSED_STATUSES = ("交易关闭", "已关闭", "关闭")
_REFUND_STATUSES = ("退款成功", "退款中", "已退款")

#: Living bills by keyword, most specific first (a broadband bill names the phone company too).
_BILL_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (BROADBAND, ("宽带",)),
    (LANDLINE, ("固话", "固定电话", "座机")),
    (WATER, ("水费", "自来水", "水务")),
    (POWER, ("电费", "电力", "供电", "国家电网", "南方电网")),
    (GAS, ("燃气", "煤气", "天然气")),
    (PHONE, ("话费", "手机充值", "流量充值")),
)
#: Phone top-up as the app writes it: ``为155****1234交费``.
_PHONE_TOP_UP = re.compile(r"为1\d{2}\*{4}\d{4}(交费|充值)")

_TMALL_WORDS = ("天猫", "旗舰店", "专卖店", "专营店")
_TAOBAO_WORDS = ("淘宝", "闲鱼")
_OTHER_PLATFORMS = ("京东", "拼多多", "唯品会", "抖音", "苏宁", "当当", "得物")
#: Taobao and Tmall orders paid through Alipay carry merchant order numbers with this prefix.
_TAOBAO_ORDER_PREFIX = "T200P"

_CHARITY_WORDS = ("公益", "捐赠", "捐款", "基金会", "爱心捐")
_WEALTH_WORDS = ("余额宝", "基金", "理财", "余利宝", "蚂蚁财富", "定期", "黄金")
_WEALTH_IN_WORDS = ("转入", "申购", "买入", "认购", "购买", "定投")
_WEALTH_OUT_WORDS = ("转出", "赎回", "卖出", "取出")
_SELF_TRANSFER_WORDS = ("提现", "余额宝", "银行卡", "信用卡", "充值", "还款", "理财", "基金")
_FRIEND_WORDS = ("红包", "转账", "亲情卡", "AA收款", "群收款")

#: The card a repayment went to, as the description shows it (``...(尾号1234)``).
_CARD_TAIL = re.compile(r"尾号\s*(\d{4})")

_DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})")


def _any(text: str, words: tuple[str, ...]) -> bool:
    return any(word in text for word in words)


def classify(
    category: str, counterparty: str, description: str, direction: str, status: str, source: str, taobao_order: bool
) -> str:
    """The kind of one row (its cells already stripped); see the module docstring."""
    if _any(status, _CLOSED_STATUSES):
        return CLOSED
    text = f"{counterparty}|{description}"
    failed = "失败" in status
    if category == "退款" or status in _REFUND_STATUSES or description.startswith("退款"):
        return REFUND
    credit = category == "信用借还" or "还款" in text
    if credit and "花呗" in text:
        if failed:
            return HUABEI_FAILED
        return HUABEI_LATE if "逾期" in text else HUABEI_REPAY
    if credit and "信用卡" in text:
        return CARD_FAILED if failed else CARD_REPAY
    if credit and "借呗" in text:
        return JIEBEI_FAILED if failed else JIEBEI_REPAY
    if failed:
        return FAILED
    if category == "信用借还":
        return CREDIT_OTHER
    if direction != IN and (category == "公益捐赠" or _any(text, _CHARITY_WORDS)):
        return CHARITY
    if category == "投资理财" or _any(text, _WEALTH_WORDS):
        if "收益" in text:
            return WEALTH_OTHER
        if _any(description, _WEALTH_IN_WORDS):
            return WEALTH_IN
        if _any(description, _WEALTH_OUT_WORDS):
            return WEALTH_OUT
        return {OUT: WEALTH_IN, IN: WEALTH_OUT}.get(direction, WEALTH_OTHER)
    if direction != IN and (category == "保险" or "保险" in text or "保费" in text):
        return INSURANCE
    if direction != IN and category in ("充值缴费", "生活服务", ""):
        for kind, words in _BILL_WORDS:
            if _any(text, words):
                return kind
        if _PHONE_TOP_UP.search(description):
            return PHONE
    if category == "转账红包" or _any(description, _FRIEND_WORDS):
        # Withdrawals and top-ups between one's own accounts share the category: not friends.
        return OWN_TRANSFER if _any(text, _SELF_TRANSFER_WORDS) else FRIENDS
    if direction == OUT:
        if source == "天猫" or _any(counterparty, _TMALL_WORDS):
            return TMALL
        if source == "淘宝" or taobao_order or _any(counterparty, _TAOBAO_WORDS):
            return TAOBAO
        if _any(counterparty, _OTHER_PLATFORMS):
            return OTHER_ONLINE
        return SPEND
    return INCOME if direction == IN else NEUTRAL


def parse_amount(cell: str) -> float:
    """A money cell as yuan: ``"5,000.00"``, ``¥12.50`` and padding allowed; unreadable is 0."""
    text = cell.strip().replace(",", "").lstrip("¥￥")
    try:
        value = float(text)
    except ValueError:
        return 0.0
    return abs(value) if math.isfinite(value) else 0.0


def parse_date(cell: str) -> date | None:
    """The day of a time cell (``2023-05-02 18:18:00``, Excel's ``2022/5/2 18:18``); None if none."""
    match = _DATE.search(cell)
    if match is None:
        return None
    try:
        return date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None


@dataclass
class Features:
    """What the rows show, as counts and sums (no row's own content)."""

    rows: int = 0
    skipped: int = 0
    #: Whether the layout has the payment-method column (the PC export has none), without
    #: which paying with Huabei cannot be seen.
    shows_method: bool = True
    first: date | None = None
    last: date | None = None
    kinds: Counter[str] = field(default_factory=Counter)
    spend_yuan: float = 0.0
    spend_rows: int = 0
    wealth_net_yuan: float = 0.0
    huabei_use: int = 0
    mybank: int = 0
    cards_repaid: int = 0
    months_with: dict[str, int] = field(default_factory=dict)

    @property
    def days(self) -> int:
        """Days from the first to the last row, both included (0 without rows)."""
        if self.first is None or self.last is None:
            return 0
        return (self.last - self.first).days + 1

    @property
    def calendar_months(self) -> int:
        """Calendar months the period touches (May 30 to June 2 is two)."""
        if self.first is None or self.last is None:
            return 0
        return (self.last.year - self.first.year) * 12 + self.last.month - self.first.month + 1

    @property
    def months(self) -> float:
        """The period covered, in months of 30.44 days."""
        return self.days / 30.44

    def count(self, *kinds: str) -> int:
        """Rows of any of ``kinds``."""
        return sum(self.kinds[kind] for kind in kinds)


def _cell(row: list[str], index: int | None) -> str:
    """A stripped cell, or "" when the layout has no such column or the row is short."""
    if index is None or index >= len(row):
        return ""
    return row[index].strip()


def extract(layout: Layout, columns: dict[str, int], rows: Iterable[list[str]]) -> Features:
    """One pass over the table's rows; lines that are not transactions (footer) are skipped."""
    features = Features(shows_method=f.METHOD in columns)
    kinds = features.kinds
    at = {name: columns.get(name) for name in f.FIELDS}
    i_time, i_amount = at[f.TIME], at[f.AMOUNT]
    width = max(columns.values()) + 1
    dates: dict[str, date | None] = {}
    cache: dict[tuple[str, ...], str] = {}
    months_with: dict[str, set[tuple[int, int]]] = {CHARITY: set(), FRIENDS: set(), HUABEI_LATE: set()}
    card_keys: set[str] = set()
    first: date | None = None
    last: date | None = None
    spend = 0.0
    wealth = 0.0
    for row in rows:
        if len(row) < width - 2:  # footer, blank or cut lines; a trailing comma only adds cells
            features.skipped += 1
            continue
        time_cell = _cell(row, i_time)
        day_key = time_cell[:10]
        if day_key in dates:
            day = dates[day_key]
        else:
            day = dates[day_key] = parse_date(time_cell)
        if day is None:
            features.skipped += 1
            continue
        features.rows += 1
        if first is None or day < first:
            first = day
        if last is None or day > last:
            last = day
        category = _cell(row, at[f.CATEGORY])
        counterparty = _cell(row, at[f.COUNTERPARTY])
        description = _cell(row, at[f.DESCRIPTION])
        status = _cell(row, at[f.STATUS])
        raw_direction = _cell(row, at[f.DIRECTION])
        direction = _DIRECTIONS.get(raw_direction, UNKNOWN)
        if direction == UNKNOWN:
            direction = _FUND_STATUS.get(_cell(row, at[f.FUND_STATUS]), UNKNOWN)
        source = _cell(row, at[f.SOURCE])
        taobao_order = _cell(row, at[f.MERCHANT_ORDER]).startswith(_TAOBAO_ORDER_PREFIX)
        key = (category, counterparty, description, direction, status, source, "T" if taobao_order else "")
        kind = cache.get(key)
        if kind is None:
            kind = cache[key] = classify(category, counterparty, description, direction, status, source, taobao_order)
        kinds[kind] += 1
        if kind in SPENDING and direction == OUT:
            amount = parse_amount(row[i_amount]) if i_amount is not None and i_amount < len(row) else 0.0
            refunded = _cell(row, at[f.REFUNDED])
            if refunded:
                amount = max(0.0, amount - parse_amount(refunded))
            spend += amount
            features.spend_rows += 1
            if "花呗" in _cell(row, at[f.METHOD]):
                features.huabei_use += 1
        elif kind == WEALTH_IN or kind == WEALTH_OUT:
            amount = parse_amount(row[i_amount]) if i_amount is not None and i_amount < len(row) else 0.0
            wealth += amount if kind == WEALTH_IN else -amount
        elif kind == CARD_REPAY or kind == CARD_FAILED:
            tail = _CARD_TAIL.search(description)
            card_keys.add(f"{counterparty}|{tail[1] if tail else ''}")
        if kind in months_with:
            months_with[kind].add((day.year, day.month))
        if "网商银行" in counterparty or "网商银行" in description or "余利宝" in description:
            features.mybank += 1
    features.first, features.last = first, last
    features.spend_yuan = spend
    features.wealth_net_yuan = wealth
    features.cards_repaid = len(card_keys)
    features.months_with = {kind: len(months) for kind, months in months_with.items()}
    return features

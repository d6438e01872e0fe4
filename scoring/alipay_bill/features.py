"""What an export's rows say about a person: counts per kind of row, spending, the period.

One pass over the rows. Each row gets one *kind* (a Tmall purchase, a water bill, a Huabei
repayment, a failed card repayment, a red envelope...), found from Alipay's own category
(``交易分类``, 2021+) first, then from the counterparty and the description. A kind is worked
out once per combination of the cells it depends on (the description only where the category
leaves the kind open), and amounts are summed per combination: a year of bills repeats a few
thousand combinations, so the per-row work stays a lookup and an addition.

Not spending, whatever their amount: refunds (``退款-...``, 退款成功), closed trades (交易关闭),
``不计收支`` rows, money moved into Yu'e Bao or funds, repayments, and transfers with friends.
Paying *with* Huabei is credit use (counted per row), not a Huabei repayment. A refunded
purchase is left out through its own status (退款成功) in the app exports and through
``成功退款（元）`` in the PC export; a partial refund of a purchase still marked 交易成功 is not
netted (the refund row does not name its purchase), so spending may read slightly high.

The PC export has no category column, so its descriptions always take part in the combination:
it reads about three times slower than the app exports (1.6 s for 100,000 rows on a loaded
2-core machine; a person's year is a few thousand rows).

Given a day ``since``, the rows on or after it are also summed apart (``Features.recent``): the
answers about a recent window (Huabei repayments "over the last 12 months") are read from that
part of the file only. The split costs one date comparison per row.

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

#: Categories (``交易分类``) of plain consumption: the kind follows from the counterparty.
CONSUMPTION_CATEGORIES: frozenset[str] = frozenset(
    {
        *("餐饮美食", "日用百货", "服饰装扮", "数码电器", "美容美发", "母婴亲子", "宠物", "交通出行"),
        *("爱车养车", "酒店旅游", "文化休闲", "教育培训", "医疗健康", "家居家装", "运动户外", "商业服务"),
    }
)

_MISSING = date.min  # a sentinel no export holds: "this day text was never parsed"

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
    if category in CONSUMPTION_CATEGORIES:
        return _shop_kind(counterparty, direction, source, taobao_order)
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
    return _shop_kind(counterparty, direction, source, taobao_order)


def _shop_kind(counterparty: str, direction: str, source: str, taobao_order: bool) -> str:
    """Plain consumption: which platform, if any; income and ``不计收支`` are not spending."""
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
    #: The same figures for the rows on or after the ``since`` day ``extract`` was given (its
    #: ``first`` is ``since`` when the file starts earlier; no rows there: ``rows`` 0 and no days);
    #: None when no day was given.
    recent: Features | None = None

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


class _Combination:
    """One combination of the cells a row's kind depends on, with the rows that had it.

    The loop over rows only looks the combination up and adds to it; classification runs once
    per combination, and the per-kind figures are summed from the combinations at the end.
    """

    __slots__ = ("amount", "direction", "huabei", "kind", "mybank", "refunded", "rows")

    def __init__(self, kind: str, direction: str, mybank: bool) -> None:
        self.kind = kind
        self.direction = direction
        self.mybank = mybank
        self.rows = 0
        self.huabei = 0
        self.amount = 0.0
        self.refunded = 0.0

    def empty_copy(self) -> _Combination:
        """The same classification with no rows yet (the same cells on the other side of ``since``)."""
        copy = _Combination(self.kind, self.direction, self.mybank)
        copy.huabei = self.huabei
        return copy


#: Kinds whose amounts are summed (spending and money moved into or out of wealth products).
_SUMMED: frozenset[str] = SPENDING | {WEALTH_IN, WEALTH_OUT}
#: Kinds whose months or cards are tracked row by row (few rows: repayments, gifts, donations).
_TRACKED: frozenset[str] = frozenset({CHARITY, FRIENDS, HUABEI_LATE, CARD_REPAY, CARD_FAILED})


class _OptionalCells:
    """The cells of one layout's rows, by field; a field the layout lacks reads as ""."""

    def __init__(self, columns: dict[str, int]) -> None:
        self.columns = columns

    def get(self, row: list[str], field_name: str) -> str:
        """The stripped cell of ``field_name`` in ``row``, "" when absent."""
        index = self.columns.get(field_name)
        return row[index].strip() if index is not None and index < len(row) else ""


def extract(columns: dict[str, int], rows: Iterable[list[str]], since: date | None = None) -> Features:
    """One pass over the table's rows; lines that are not transactions (footer) are skipped.

    With ``since``, the rows of that day and later are also summed apart, as ``recent``.

    This loop is the import's hot path (100,000 rows must take at most twice what
    ``pandas.read_csv`` takes): per row it only finds the day, looks up the row's combination of
    category, counterparty, direction and status (the description only where the category
    leaves the kind open) and adds the amount.
    """
    features = Features(shows_method=f.METHOD in columns)
    cells = _OptionalCells(columns)
    minimum = max(columns.values()) + 1
    # Fields every layout has, read by index; the others through ``cells.get`` (PC export only).
    i_time, i_counterparty, i_description = columns[f.TIME], columns[f.COUNTERPARTY], columns[f.DESCRIPTION]
    i_direction, i_status, i_amount = columns[f.DIRECTION], columns[f.STATUS], columns[f.AMOUNT]
    i_merchant = columns[f.MERCHANT_ORDER]
    i_category, i_method = columns.get(f.CATEGORY), columns.get(f.METHOD)
    pc_fields = f.SOURCE in columns
    dates: dict[str, date | None] = {}
    # The combinations of rows before ``since`` and of the others: the same key may be in both.
    cache: dict[tuple[object, ...], _Combination] = {}
    earlier: dict[tuple[object, ...], _Combination] = {}
    cut = since or date.min  # no day is before date.min: without ``since`` every row is "recent"
    tracked: list[tuple[str, date, str, str]] = []
    skipped = 0
    for row in rows:
        if len(row) < minimum:  # footer, blank or cut lines
            skipped += 1
            continue
        time_cell = row[i_time]
        if not time_cell[:1].isdigit():  # padded: the first 11 characters must hold the date
            time_cell = time_cell.strip()
        day = dates.get(time_cell[:11], _MISSING)
        if day is _MISSING:
            day = dates[time_cell[:11]] = parse_date(time_cell)
        if day is None:
            skipped += 1
            continue
        category = row[i_category] if i_category is not None else ""
        # A prefix test that tolerates padding and an Excel quote: cheaper than strip + startswith.
        taobao = _TAOBAO_ORDER_PREFIX in row[i_merchant][:8]
        description = row[i_description]
        if category in CONSUMPTION_CATEGORIES:
            # Here the description only matters as a refund's "退款-" prefix; product titles and
            # order ids in it would defeat the cache.
            description = "退款" if "退款" in description[:4] else ""
        key: tuple[object, ...] = (
            category,
            row[i_counterparty],
            description,
            row[i_direction],
            row[i_status],
            taobao,
            row[i_method] if i_method is not None else "",
        )
        if pc_fields:
            key += (cells.get(row, f.SOURCE), cells.get(row, f.FUND_STATUS))
        combinations, others = (earlier, cache) if day < cut else (cache, earlier)
        combination = combinations.get(key)
        if combination is None:
            seen = others.get(key)  # classified already on the other side of ``since``
            combination = combinations[key] = _classify_key(key) if seen is None else seen.empty_copy()
        combination.rows += 1
        kind = combination.kind
        if kind in _SUMMED:
            try:  # the common case inline: a plain number (padding is fine for float)
                combination.amount += abs(float(row[i_amount]))
            except ValueError:
                combination.amount += parse_amount(row[i_amount])
            if pc_fields:
                combination.refunded += parse_amount(cells.get(row, f.REFUNDED))
        if kind in _TRACKED:
            tracked.append((kind, day, str(key[1]).strip(), row[i_description]))
    days = [day for day in dates.values() if day is not None]
    features.first, features.last = (min(days), max(days)) if days else (None, None)
    features.skipped = skipped
    _summarise(features, [*cache.values(), *earlier.values()], tracked)
    if since is not None:
        recent = features.recent = Features(shows_method=features.shows_method)
        if features.last is not None and features.last >= since:
            recent.first, recent.last = max(since, features.first or since), features.last
        _summarise(recent, cache.values(), [entry for entry in tracked if entry[1] >= since])
    return features


def _classify_key(key: tuple[object, ...]) -> _Combination:
    """Classify one combination of raw cells: the ``key`` ``extract`` builds, in its order."""
    category, counterparty, description, raw_direction, status = (str(cell).strip() for cell in key[:5])
    taobao, method = bool(key[5]), str(key[6])
    source, fund_status = (str(cell).strip() for cell in key[7:9]) if len(key) > 7 else ("", "")
    direction = _DIRECTIONS.get(raw_direction, UNKNOWN)
    if direction == UNKNOWN:
        direction = _FUND_STATUS.get(fund_status, UNKNOWN)
    kind = classify(category, counterparty, description, direction, status, source, taobao)
    mybank = "网商银行" in counterparty or "网商银行" in description or "余利宝" in description
    combination = _Combination(kind, direction, mybank)
    combination.huabei = int("花呗" in method)
    return combination


def _summarise(
    features: Features, combinations: Iterable[_Combination], tracked: list[tuple[str, date, str, str]]
) -> None:
    """Sum the combinations (and the tracked rows: months, cards) into ``features``."""
    for combination in combinations:
        kind, rows = combination.kind, combination.rows
        features.kinds[kind] += rows
        features.rows += rows
        if combination.mybank:
            features.mybank += rows
        amount = combination.amount if math.isfinite(combination.amount) else 0.0  # "nan", "inf": unknown
        if kind in SPENDING and combination.direction == OUT:
            features.spend_yuan += max(0.0, amount - combination.refunded)
            features.spend_rows += rows
            features.huabei_use += rows * combination.huabei
        elif kind == WEALTH_IN:
            features.wealth_net_yuan += amount
        elif kind == WEALTH_OUT:
            features.wealth_net_yuan -= amount
    months: dict[str, set[tuple[int, int]]] = {CHARITY: set(), FRIENDS: set(), HUABEI_LATE: set()}
    cards: set[str] = set()
    for kind, day, counterparty, description in tracked:
        if kind in months:
            months[kind].add((day.year, day.month))
        else:
            tail = _CARD_TAIL.search(description)
            cards.add(f"{counterparty}|{tail[1] if tail else ''}")
    features.months_with = {kind: len(seen) for kind, seen in months.items()}
    features.cards_repaid = len(cards)

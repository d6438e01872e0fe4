"""From what the rows show to questionnaire answers, each with its evidence as row counts.

An export shows payments, not balances, due dates, addresses or income, so most questions stay
open and are listed with the reason the file cannot answer them: an answer is derived only when
the rows prove it. An absence ("no donation", "no bill paid") proves something only once the file
covers ``BILL_READING.absence_months``. The figures behind each rule live in
``scoring.assumptions.BILL_READING``.

The repayment questions (``RECENT``) are about the last ``BILL_READING.recent_months`` months
counted back from the day of the import, so they are read from the rows inside that window only
(``Features.recent``): an old bill's late repayment is not a late repayment "in the last 12 months",
nor its on-time ones a clean record now. A bill with no row in the window leaves them open
(``TOO_OLD``). The other answers (where one shops, the bills one pays, insurance, MYbank...) are
read from the whole file and describe its period, which every view of the import shows.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from scoring.alipay_bill import features as k
from scoring.alipay_bill.features import Features
from scoring.assumptions import BILL_READING
from scoring.questions import LATE_REPAYMENTS, QUESTIONS, Answer

#: Upper bounds (yuan a month) of the monthly_spend choices, as their labels say.
SPEND_BANDS: tuple[tuple[float, str], ...] = ((500, "lt500"), (2000, "500to2000"), (5000, "2000to5000"))

# Why a question stays open; each names a text in the templates.
NOT_IN_FILE = "not_in_file"
TOO_SHORT = "too_short"
ABSENCE_UNPROVEN = "absence_unproven"
BALANCE_NOT_SHOWN = "balance_not_shown"
FAILED_REPAYMENTS = "failed_repayments"
USE_WITHOUT_REPAYMENT = "use_without_repayment"
FEW_PURCHASES = "few_purchases"
LOWER_BOUND_ONLY = "lower_bound_only"
TOO_OLD = "too_old"

#: The questions about a recent window, read only from the rows inside it: the repayment records
#: (Huabei's question asks about "the last 12 months"; a card or loan record is the same kind of
#: fact, and the advice's safety gates read all three from one table).
RECENT: frozenset[str] = frozenset(LATE_REPAYMENTS)


@dataclass(frozen=True)
class Finding:
    """One question: its derived answer (None when the file cannot tell), why, and the rows."""

    question_id: str
    value: Answer | None
    evidence: dict[str, int] = field(default_factory=dict)
    reason: str = ""
    #: Read from the rows inside the recent window only (``RECENT``), not the whole file.
    recent: bool = False


def _bands(per_month: float) -> str:
    for upper, value in SPEND_BANDS:
        if per_month < upper:
            return value
    return "gt5000"


def _monthly_spend(x: Features) -> Finding:
    evidence = {"spending": x.spend_rows, "refunds": x.count(k.REFUND), "closed": x.count(k.CLOSED)}
    if x.months < BILL_READING.spend_months:
        return Finding("monthly_spend", None, evidence, TOO_SHORT)
    return Finding("monthly_spend", _bands(x.spend_yuan / x.months), evidence)


def _shopping(x: Features) -> Finding:
    counts = {"tmall": x.count(k.TMALL), "taobao": x.count(k.TAOBAO), "other_online": x.count(k.OTHER_ONLINE)}
    if x.months < BILL_READING.spend_months:
        return Finding("shopping", None, counts, TOO_SHORT)
    if sum(counts.values()) / x.months < BILL_READING.shopping_min_per_month:
        # Few purchases through Alipay may mean other ways to pay, not "rarely online".
        return Finding("shopping", None, counts, FEW_PURCHASES)
    # On a tie the less favourable platform wins: the rows do not show the other one "mostly".
    answer = max(
        ("other", counts["other_online"]),
        ("taobao", counts["taobao"]),
        ("tmall", counts["tmall"]),
        key=lambda pair: pair[1],
    )[0]
    return Finding("shopping", answer, counts)


def _living_bills(x: Features) -> list[Finding]:
    evidence = {kind: x.count(kind) for kind in k.BILL_KINDS}
    if x.months < BILL_READING.absence_months:
        # A kind missing from a short file may be paid every few months.
        return [
            Finding("living_bills", None, evidence, TOO_SHORT),
            Finding("bill_address", None, {}, NOT_IN_FILE),
        ]
    kinds = sum(1 for count in evidence.values() if count)
    living = Finding("living_bills", kinds, evidence)
    if kinds == 0:
        return [living, Finding("bill_address", "no_bills", evidence)]
    return [living, Finding("bill_address", None, {}, NOT_IN_FILE)]


def _wealth(x: Features) -> Finding:
    evidence = {"wealth_in": x.count(k.WEALTH_IN), "wealth_out": x.count(k.WEALTH_OUT)}
    if x.wealth_net_yuan >= BILL_READING.wealth_large_yuan:
        return Finding("wealth", "large", evidence)
    return Finding("wealth", None, evidence, BALANCE_NOT_SHOWN)


def _seen_or_open(question_id: str, rows: int, evidence_key: str) -> Finding:
    """A yes/no question a row can prove but whose absence proves nothing (a policy bought years ago)."""
    if rows:
        return Finding(question_id, True, {evidence_key: rows})
    return Finding(question_id, None, {evidence_key: 0}, ABSENCE_UNPROVEN)


def _charity(x: Features) -> Finding:
    rows = x.count(k.CHARITY)
    evidence = {"charity": rows}
    long_enough = x.months >= BILL_READING.absence_months
    if rows == 0:
        return Finding("charity", "never", evidence) if long_enough else Finding("charity", None, evidence, TOO_SHORT)
    months = x.months_with.get(k.CHARITY, 0)
    regular = long_enough and months >= BILL_READING.charity_regular_share * x.calendar_months
    return Finding("charity", "regular" if regular else "sometimes", evidence)


def _huabei(x: Features) -> Finding:
    evidence = {
        "huabei_use": x.huabei_use,
        "huabei_repay": x.count(k.HUABEI_REPAY),
        "huabei_failed": x.count(k.HUABEI_FAILED),
        "huabei_late": x.count(k.HUABEI_LATE),
    }
    if not x.shows_method:
        del evidence["huabei_use"]  # the PC export has no payment-method column: not 0, unseen
    late_months = x.months_with.get(k.HUABEI_LATE, 0)
    if late_months >= 2:
        return Finding("huabei", "late_often", evidence)
    if late_months == 1:
        return Finding("huabei", "late_once", evidence)
    if evidence["huabei_failed"]:
        # A failed automatic repayment is often paid by hand the same day: not proof of a late one.
        return Finding("huabei", None, evidence, FAILED_REPAYMENTS)
    if evidence["huabei_repay"]:
        return Finding("huabei", "on_time", evidence)
    if x.huabei_use:
        # Used but never repaid in the file: maybe not due yet, maybe overdue. Not a guess to make.
        return Finding("huabei", None, evidence, USE_WITHOUT_REPAYMENT)
    if not x.shows_method:
        return Finding("huabei", None, evidence, NOT_IN_FILE)
    if x.months < BILL_READING.absence_months:
        return Finding("huabei", None, evidence, TOO_SHORT)
    return Finding("huabei", "none", evidence)


def _cards(x: Features) -> list[Finding]:
    evidence = {"card_repay": x.count(k.CARD_REPAY), "card_failed": x.count(k.CARD_FAILED)}
    cards = {"cards_repaid": x.cards_repaid}
    if x.cards_repaid >= BILL_READING.cards_six_plus:
        count = Finding("credit_cards", "six_plus", cards)
    else:
        # Cards repaid elsewhere do not show: fewer than six proves no band.
        count = Finding("credit_cards", None, cards, LOWER_BOUND_ONLY if x.cards_repaid else NOT_IN_FILE)
    if evidence["card_failed"]:
        repayment = Finding("card_repayment", None, evidence, FAILED_REPAYMENTS)
    elif evidence["card_repay"]:
        repayment = Finding("card_repayment", "always_on_time", evidence)
    else:
        # No card repaid through Alipay is not "no card": cards may be repaid at the bank.
        repayment = Finding("card_repayment", None, evidence, NOT_IN_FILE)
    return [count, repayment]


def _friends(x: Features) -> Finding:
    rows = x.count(k.FRIENDS)
    evidence = {"friends": rows}
    if rows == 0:
        if x.months >= BILL_READING.absence_months:
            return Finding("friend_interaction", "never", evidence)
        return Finding("friend_interaction", None, evidence, TOO_SHORT)
    often = x.months >= BILL_READING.spend_months and rows / x.months >= BILL_READING.friends_often_per_month
    return Finding("friend_interaction", "often" if often else "sometimes", evidence)


def _loans(x: Features) -> Finding:
    # Jiebei repayments show, other lenders' loans do not: the file cannot answer for all loans.
    evidence = {"jiebei_repay": x.count(k.JIEBEI_REPAY), "jiebei_failed": x.count(k.JIEBEI_FAILED)}
    return Finding("loans", None, evidence, NOT_IN_FILE)


def _windowed(x: Features) -> list[Finding]:
    """Huabei and card repayments, from the rows inside the window (the whole file without one).

    Loans, the third ``RECENT`` question, are never answered by a bill (``_loans``).
    """
    if x.recent is None:
        return [_huabei(x), _cards(x)[1]]
    if x.recent.rows == 0:
        return [Finding(question_id, None, {}, TOO_OLD, recent=True) for question_id in ("huabei", "card_repayment")]
    return [replace(finding, recent=True) for finding in (_huabei(x.recent), _cards(x.recent)[1])]


def findings(x: Features) -> list[Finding]:
    """Every question of the questionnaire, in its order: derived or open, with the rows behind it."""
    found: list[Finding] = [
        _monthly_spend(x),
        _shopping(x),
        *_living_bills(x),
        _wealth(x),
        _seen_or_open("insurance", x.count(k.INSURANCE), "insurance"),
        _charity(x),
        _seen_or_open("mybank", x.mybank, "mybank"),
        _cards(x)[0],
        _friends(x),
        _loans(x),
        *_windowed(x),
    ]
    by_id = {finding.question_id: finding for finding in found}
    return [by_id.get(q.id) or Finding(q.id, None, {}, NOT_IN_FILE) for q in QUESTIONS]


def derived_answers(found: list[Finding]) -> dict[str, Answer]:
    """The answers the file settles, question id -> value."""
    return {finding.question_id: finding.value for finding in found if finding.value is not None}

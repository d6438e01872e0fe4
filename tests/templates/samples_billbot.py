"""Sample contexts of the bot's bill-import templates (``bot_bill_*``, ``chat_no_file``), from real imports."""

from __future__ import annotations

from datetime import date

from bot.flows.bill import applied_view, found_view, with_bill
from scoring.alipay_bill import Reason, read_bill
from scoring.alipay_bill.presentation import error_text
from tests.scoring.alipay_bill import exports

from .samples import Context, card, sample


@sample("bot_bill_howto.html.j2")
def _howto(lang: str) -> list[Context]:
    return [{"max_mb": 10}]


@sample("bot_bill_password.html.j2")
def _password(lang: str) -> list[Context]:
    states = ("ask", "wrong", "too_many", "gone")
    return [
        {"state": state, "tries": tries, "minutes": 10, "deletes": deletes}
        for state in states
        for tries in (1, 2)
        for deletes in (True, False)
    ]


@sample("bot_bill_note.html.j2")
def _note(lang: str) -> list[Context]:
    refused = [{"note": "refused", "problem": error_text(reason, lang)} for reason in Reason]  # type: ignore[arg-type]
    others = [{"note": "slow_down", "limit": 5, "minutes": 10}, {"note": "cancelled"}, {"note": "download_failed"}]
    return [*refused, *others]


@sample("bot_bill_found.html.j2")
def _found(lang: str) -> list[Context]:
    views = []
    year = exports.active()
    active = read_bill(exports.render(year, "app_2023"), today=year.today)
    trouble = read_bill(exports.render(exports.trouble(), "pc_web"), today=exports.trouble().today)
    short = read_bill(exports.render(year.txns[:3], "app_2023"), today=year.today)  # a few days: nothing settled
    # The same year read later: partly (half of it) and wholly before the last 12 months.
    partly = read_bill(exports.render(year, "app_2023"), today=date(2024, 7, 1))
    old = read_bill(exports.render(year, "app_2023"), today=date(2026, 11, 27))
    for result, current in (
        (active, {}),  # every answer new
        (active, {"huabei": "late_once", "shopping": "tmall", "bill_address": "no_bills", "credit_cards": "none"}),
        (active, dict(active.answers)),  # nothing to change
        (active, {"huabei": "overdue_now", "shopping": "other"}),  # an overdue kept, one answer changed
        (active, {**active.answers, "huabei": "overdue_now"}),  # an overdue kept, nothing else to change
        (trouble, {"charity": "never"}),
        (short, {}),
        (partly, {"huabei": "late_once"}),
        (old, {"huabei": "late_once", "shopping": "other"}),
        (old, {}),
    ):
        views.append(found_view(result, current, lang))  # type: ignore[arg-type]
    return views


@sample("bot_bill_applied.html.j2")
def _applied(lang: str) -> list[Context]:
    year = exports.active()
    active = read_bill(exports.render(year, "app_2023"), today=year.today).answers
    before = {"huabei": "late_once", "bill_address": "no_bills", "income": "stable"}
    after = with_bill(before, active)
    return [
        applied_view(card(), {}, after, lang),  # type: ignore[arg-type]
        applied_view(card(), before, after, lang),  # type: ignore[arg-type]
        applied_view(card(), after, after, lang),  # type: ignore[arg-type]
    ]


@sample("chat_no_file.txt.j2")
def _no_file(lang: str) -> list[Context]:
    return [{"path": "~/Downloads/alipay.zip"}]

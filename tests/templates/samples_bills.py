"""Sample contexts of the bill-import templates (``bill_*``, ``cli_import_bill``), from real imports."""

from __future__ import annotations

from datetime import date

from scoring.alipay_bill import Reason, read_bill
from scoring.alipay_bill.answers import (
    ABSENCE_UNPROVEN,
    BALANCE_NOT_SHOWN,
    FAILED_REPAYMENTS,
    FEW_PURCHASES,
    LOWER_BOUND_ONLY,
    NOT_IN_FILE,
    TOO_OLD,
    TOO_SHORT,
    USE_WITHOUT_REPAYMENT,
)
from scoring.alipay_bill.layouts import LAYOUTS
from scoring.alipay_bill.limits import MAX_FILE_BYTES, MAX_ZIP_EXPANDED_BYTES, MAX_ZIP_MEMBERS
from scoring.alipay_bill.presentation import MB, bill_view
from tests.scoring.alipay_bill import exports

from .samples import Context, sample

EVIDENCE_KINDS = (
    *("spending", "refunds", "closed", "tmall", "taobao", "other_online"),
    *("water", "power", "gas", "phone", "broadband", "landline", "wealth_in", "wealth_out"),
    *("insurance", "charity", "mybank", "huabei_use", "huabei_repay", "huabei_failed", "huabei_late"),
    *("cards_repaid", "card_repay", "card_failed", "friends", "jiebei_repay", "jiebei_failed"),
)
REASONS = (
    NOT_IN_FILE,
    TOO_OLD,
    TOO_SHORT,
    ABSENCE_UNPROVEN,
    BALANCE_NOT_SHOWN,
    FAILED_REPAYMENTS,
    USE_WITHOUT_REPAYMENT,
    FEW_PURCHASES,
    LOWER_BOUND_ONLY,
    TOO_OLD,
)


@sample("bill_error.txt.j2")
def _error(lang: str) -> list[Context]:
    limits = {
        "max_mb": MAX_FILE_BYTES // MB,
        "zip_max_mb": MAX_ZIP_EXPANDED_BYTES // MB,
        "zip_members": MAX_ZIP_MEMBERS,
    }
    return [{"reason": reason.value, "cli": cli, **limits} for reason in Reason for cli in (False, True)]


@sample("bill_evidence.txt.j2")
def _evidence(lang: str) -> list[Context]:
    return [{"kind": kind, "rows": rows} for kind in EVIDENCE_KINDS for rows in (0, 1, 12)]


@sample("bill_reason.txt.j2")
def _reason(lang: str) -> list[Context]:
    return [{"reason": reason, "months": 3.6, "last": "2024-04-20", "recent_months": 12} for reason in REASONS]


@sample("bill_layout.txt.j2")
def _layout(lang: str) -> list[Context]:
    return [{"layout": layout.id} for layout in LAYOUTS]


@sample("cli_import_bill.txt.j2")
def _import(lang: str) -> list[Context]:
    views = []
    for name, make in exports.SCENARIOS.items():
        layout = "pc_web" if name == "trouble" else "app_2023"
        scenario = make()
        views.append(bill_view(read_bill(exports.render(scenario, layout), today=scenario.today), lang))  # type: ignore[arg-type]
    # The bill partly (2024-03-10) and wholly (2026-11-27) before the last 12 months.
    trouble = exports.render(exports.trouble(), "app_2023")
    for today in (date(2025, 3, 10), date(2026, 11, 27)):
        views.append(bill_view(read_bill(trouble, today=today), lang))  # type: ignore[arg-type]
    return views

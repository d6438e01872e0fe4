"""Alipay transaction export (支付宝交易明细) -> questionnaire answers, as a plain library.

``read_bill(data)`` takes the bytes a user sent (the CSV, or the ZIP Alipay e-mails, with its
password), finds the layout by content, reads the rows in one streamed pass and returns the
answers the rows prove, each with its evidence as row counts, and the questions the file cannot
answer. The file is never written anywhere and nothing of it is kept but the result; anything
wrong with it raises ``BillImportError`` with a reason code.

The repayment questions ask about the last 12 months (``BILL_READING.recent_months``), counted
back from ``today`` (the day of the import; pass it, the default is the computer's date): only the
rows inside that window answer them (``answers.RECENT``).
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date
from typing import Literal

from scoring.alipay_bill.answers import Finding, derived_answers, findings
from scoring.alipay_bill.archive import extract_csv, is_zip
from scoring.alipay_bill.errors import BillImportError, Reason
from scoring.alipay_bill.features import Features, extract
from scoring.alipay_bill.limits import MAX_FILE_BYTES
from scoring.alipay_bill.reader import open_table
from scoring.assumptions import BILL_READING
from scoring.questions import Answer

__all__ = ["BillImport", "BillImportError", "Finding", "Reason", "read_bill", "window_start"]

Age = Literal["recent", "partly", "old"]


def window_start(today: date, months: int = BILL_READING.recent_months) -> date:
    """The first day of the recent window: ``months`` calendar months before ``today``.

    The 31st of a shorter month falls on its last day (2026-03-31 -> 2025-02-28 for 13 months).
    """
    index = today.year * 12 + today.month - 1 - months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(today.day, calendar.monthrange(year, month + 1)[1]))


@dataclass(frozen=True)
class BillImport:
    """What one export showed: its layout, the period, and a finding per question."""

    layout: str
    encoding: str
    from_zip: bool
    features: Features
    findings: tuple[Finding, ...]
    #: The day of the import, and the first day of the recent window counted back from it.
    today: date
    since: date

    @property
    def age(self) -> Age:
        """Where the file lies against the window: all inside, partly before it, or all before it."""
        first, last = self.features.first, self.features.last
        if last is None or last < self.since:
            return "old"
        return "recent" if first is not None and first >= self.since else "partly"

    @property
    def first(self) -> date | None:
        """The day of the earliest transaction."""
        return self.features.first

    @property
    def last(self) -> date | None:
        """The day of the latest transaction."""
        return self.features.last

    @property
    def answers(self) -> dict[str, Answer]:
        """The answers the file proves (question id -> value)."""
        return derived_answers(list(self.findings))

    @property
    def open_questions(self) -> tuple[Finding, ...]:
        """The questions the file cannot answer, each with its reason."""
        return tuple(finding for finding in self.findings if finding.value is None)


def read_bill(
    data: bytes, password: str | bytes | None = None, max_bytes: int = MAX_FILE_BYTES, *, today: date | None = None
) -> BillImport:
    """Read an Alipay export (CSV or Alipay's ZIP) from memory; raises only ``BillImportError``.

    ``today`` is the day the recent window counts back from (default: the computer's date).
    """
    today = today or date.today()
    since = window_start(today)
    if len(data) > max_bytes:
        raise BillImportError(Reason.TOO_BIG, f"{len(data)} bytes, at most {max_bytes}")
    from_zip = is_zip(data)
    if from_zip:
        data = extract_csv(data, password, max_bytes)
    table = open_table(data, max_bytes)
    features = extract(table.columns, table.rows(), since)
    if features.rows == 0:
        raise BillImportError(Reason.NO_ROWS)
    return BillImport(table.layout.id, table.encoding, from_zip, features, tuple(findings(features)), today, since)

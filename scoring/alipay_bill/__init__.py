"""Alipay transaction export (支付宝交易明细) -> questionnaire answers, as a plain library.

``read_bill(data)`` takes the bytes a user sent (the CSV, or the ZIP Alipay e-mails, with its
password), finds the layout by content, reads the rows in one streamed pass and returns the
answers the rows prove, each with its evidence as row counts, and the questions the file cannot
answer. The file is never written anywhere and nothing of it is kept but the result; anything
wrong with it raises ``BillImportError`` with a reason code.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from scoring.alipay_bill.answers import Finding, derived_answers, findings
from scoring.alipay_bill.archive import extract_csv, is_zip
from scoring.alipay_bill.errors import BillImportError, Reason
from scoring.alipay_bill.features import Features, extract
from scoring.alipay_bill.limits import MAX_FILE_BYTES
from scoring.alipay_bill.reader import open_table
from scoring.questions import Answer

__all__ = ["BillImport", "BillImportError", "Finding", "Reason", "read_bill"]


@dataclass(frozen=True)
class BillImport:
    """What one export showed: its layout, the period, and a finding per question."""

    layout: str
    encoding: str
    from_zip: bool
    features: Features
    findings: tuple[Finding, ...]

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


def read_bill(data: bytes, password: str | bytes | None = None, max_bytes: int = MAX_FILE_BYTES) -> BillImport:
    """Read an Alipay export (CSV or Alipay's ZIP) from memory; raises only ``BillImportError``."""
    if len(data) > max_bytes:
        raise BillImportError(Reason.TOO_BIG, f"{len(data)} bytes, at most {max_bytes}")
    from_zip = is_zip(data)
    if from_zip:
        data = extract_csv(data, password, max_bytes)
    table = open_table(data, max_bytes)
    features = extract(table.columns, table.rows())
    if features.rows == 0:
        raise BillImportError(Reason.NO_ROWS)
    return BillImport(table.layout.id, table.encoding, from_zip, features, tuple(findings(features)))

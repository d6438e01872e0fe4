"""The one error the bill import raises, with a reason code a caller can turn into a reply.

Whatever is wrong with a file (too big, not an export, broken bytes, a ZIP that needs a password)
the library raises ``BillImportError`` and nothing else, so the CLI and the bot need one
``except`` and one template per reason. Messages never quote the file's content: a row may hold
a merchant name, an amount or an order number.
"""

from __future__ import annotations

from enum import StrEnum


class Reason(StrEnum):
    """Why a file was refused; the value names the template text shown to the user."""

    TOO_BIG = "too_big"
    EMPTY = "empty"
    NOT_ALIPAY = "not_alipay"
    BROKEN_ENCODING = "broken_encoding"
    NO_ROWS = "no_rows"
    ZIP_BROKEN = "zip_broken"
    ZIP_TOO_BIG = "zip_too_big"
    ZIP_TOO_MANY_FILES = "zip_too_many_files"
    ZIP_NO_CSV = "zip_no_csv"
    ZIP_PASSWORD_NEEDED = "zip_password_needed"
    ZIP_PASSWORD_WRONG = "zip_password_wrong"


class BillImportError(Exception):
    """A file the bill import cannot read; ``reason`` says why, ``detail`` adds safe figures."""

    def __init__(self, reason: Reason, detail: str = "") -> None:
        self.reason = reason
        self.detail = detail
        super().__init__(f"{reason.value}: {detail}" if detail else reason.value)

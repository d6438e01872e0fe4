"""From the bytes a user sent to the rows of the export's table, streamed.

Alipay writes GBK (GB18030 covers it); a user who opened and re-saved the file may have written
UTF-8, with or without a byte-order mark, or Excel's UTF-16 "Unicode text" with tabs. Line
endings may be LF or CRLF, the last line may have no newline, and the preamble or footer may have
been cut. The text is decoded as a stream (``io.TextIOWrapper`` over the bytes) and never held
whole in memory, so a 100,000-row file stays well under the memory budget.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass, field

from scoring.alipay_bill.errors import BillImportError, Reason
from scoring.alipay_bill.layouts import Layout, detect
from scoring.alipay_bill.limits import MAX_FILE_BYTES, MAX_PREAMBLE_LINES

#: Bytes looked at to choose the encoding: the preamble and header are always in them.
SNIFF_BYTES = 64 * 1024

#: Every header names at least this, in every layout; cheaper than parsing every preamble line.
HEADER_HINT = "交易"


def sniff_encoding(data: bytes) -> str:
    """The encoding to decode ``data`` with.

    A byte-order mark decides; else UTF-8 if the start is valid UTF-8, else GB18030 (a superset
    of the GBK Alipay writes).
    """
    if data.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    try:
        codecs.getincrementaldecoder("utf-8")().decode(data[:SNIFF_BYTES], final=False)
    except UnicodeDecodeError:
        return "gb18030"
    return "utf-8"


def _delimiter(line: str) -> str:
    """Tab for Excel's "Unicode text" re-save, comma otherwise."""
    return "\t" if line.count("\t") > line.count(",") else ","


@dataclass
class Table:
    """The export's table: its layout, where each field sits, and a one-pass row iterator."""

    layout: Layout
    columns: dict[str, int]
    #: Cells in the header row (a trailing comma counts as one more).
    width: int
    encoding: str
    delimiter: str
    _stream: io.TextIOWrapper = field(repr=False)

    def rows(self) -> Iterator[list[str]]:
        """The rows below the header, raw cells (footer lines included: the caller skips them).

        A line without quotes is split on the delimiter directly, which is what the CSV reader
        would do and twice as fast; a line with quotes (Excel's re-saves) goes through ``csv``,
        joined first with the lines a quoted cell runs on into. Raises ``BillImportError`` for
        bytes the encoding cannot decode or a line the CSV reader cannot split, never
        ``UnicodeDecodeError`` or ``csv.Error``.
        """
        stream, delimiter = self._stream, self.delimiter
        try:
            for line in stream:
                if '"' not in line:
                    yield line.rstrip("\n").split(delimiter)
                    continue
                parts = [line]
                open_quote = line.count('"') % 2 == 1
                while open_quote:  # a quoted cell goes on over the next line
                    more = stream.readline()
                    if not more:
                        break
                    parts.append(more)
                    open_quote ^= more.count('"') % 2 == 1
                yield from csv.reader(["".join(parts)], delimiter=delimiter)
        except UnicodeDecodeError:
            raise BillImportError(Reason.BROKEN_ENCODING, f"not {self.encoding} after the header") from None
        except csv.Error:
            raise BillImportError(Reason.NOT_ALIPAY, "a line of the table cannot be read as CSV") from None


def open_table(data: bytes, max_bytes: int = MAX_FILE_BYTES) -> Table:
    """Find the header row of an Alipay export in ``data`` and return the table below it.

    Raises ``BillImportError``: TOO_BIG, EMPTY, BROKEN_ENCODING, or NOT_ALIPAY when no line of
    the first ``MAX_PREAMBLE_LINES`` is a known header.
    """
    if len(data) > max_bytes:
        raise BillImportError(Reason.TOO_BIG, f"{len(data)} bytes, at most {max_bytes}")
    if not data.strip():
        raise BillImportError(Reason.EMPTY)
    encoding = sniff_encoding(data)
    stream = io.TextIOWrapper(io.BytesIO(data), encoding=encoding, errors="strict", newline=None)
    try:
        for _ in range(MAX_PREAMBLE_LINES):
            line = stream.readline()
            if not line:
                break
            if HEADER_HINT not in line:
                continue
            delimiter = _delimiter(line)
            try:
                cells = next(csv.reader([line], delimiter=delimiter), [])
            except csv.Error:
                continue
            found = detect(cells)
            if found is not None:
                layout, columns = found
                return Table(layout, columns, len(cells), encoding, delimiter, stream)
    except UnicodeDecodeError:
        raise BillImportError(Reason.BROKEN_ENCODING, f"not {encoding}") from None
    raise BillImportError(Reason.NOT_ALIPAY, "no header row of a known layout")

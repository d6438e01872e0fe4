"""``sesame-advisor import-bill FILE``: what an Alipay export shows, as answers with evidence.

The file is read into memory (at most the import's size limit) and never written anywhere; the
ZIP password, when given, is used for this run only. A file the import refuses prints one
``error:`` line with the reason in the chosen language and exits with code 2. The repayment
questions look back from ``today()``, the computer's date (a test sets the day by replacing it).
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from scoring.alipay_bill import BillImportError, read_bill
from scoring.alipay_bill.limits import MAX_FILE_BYTES
from scoring.alipay_bill.presentation import bill_json, bill_view, error_text
from scoring.cli import CliError, add_common, emit_json
from templates import render

today: Callable[[], date] = date.today
"""The day of the import, which the last-12-months questions count back from."""


def _read_file(path: str) -> bytes:
    """The file's bytes, refusing to read more than one byte past the size limit."""
    try:
        with Path(path).open("rb") as handle:
            return handle.read(MAX_FILE_BYTES + 1)
    except FileNotFoundError:
        raise CliError(f"bill file not found: {path}") from None
    except IsADirectoryError:
        raise CliError(f"bill file {path} is a directory, not a file") from None
    except OSError as exc:
        raise CliError(f"cannot read bill file {path}: {exc.strerror or exc.__class__.__name__}") from None


def cmd_import_bill(args: argparse.Namespace) -> int:
    """Read one export and print the layout, the period, the answers and their evidence."""
    data = _read_file(args.file)
    try:
        result = read_bill(data, password=args.password, today=today())
    except BillImportError as exc:
        raise CliError(error_text(exc.reason, args.lang, cli=True)) from None
    if args.json:
        emit_json(bill_json(result))
    else:
        print(render(args.lang, "cli_import_bill.txt.j2", **bill_view(result, args.lang)))
    return 0


def add_commands(sub: argparse._SubParsersAction[Any]) -> None:
    """Register ``import-bill``."""
    p = sub.add_parser("import-bill", help="derive answers from an Alipay transaction export (CSV or ZIP)")
    p.add_argument("file", metavar="FILE", help="the exported CSV, or the ZIP Alipay e-mailed")
    p.add_argument("--password", help="the ZIP's password (解压密码) that Alipay showed in the app; used once")
    add_common(p)
    p.set_defaults(handler=cmd_import_bill)

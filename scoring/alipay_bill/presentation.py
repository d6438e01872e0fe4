"""A bill import resolved into labels for one language, ready for a template or JSON.

The CLI shows it now and the bot will show the same view, so the translation from ids to the
questionnaire's words happens here once. Evidence stays as counts keyed by row kind; the
templates hold the words for each kind.
"""

from __future__ import annotations

from typing import Any

from scoring.alipay_bill import BillImport
from scoring.alipay_bill.errors import Reason
from scoring.alipay_bill.limits import MAX_FILE_BYTES, MAX_ZIP_EXPANDED_BYTES, MAX_ZIP_MEMBERS
from scoring.assumptions import BILL_READING
from scoring.questions import QUESTION_BY_ID, Lang
from templates import render

MB = 1024 * 1024


def error_text(reason: Reason, lang: Lang, cli: bool = False) -> str:
    """The one-line reply for a refused file (``cli`` adds how to pass a ZIP password)."""
    return render(
        lang,
        "bill_error.txt.j2",
        reason=reason.value,
        max_mb=MAX_FILE_BYTES // MB,
        zip_max_mb=MAX_ZIP_EXPANDED_BYTES // MB,
        zip_members=MAX_ZIP_MEMBERS,
        cli=cli,
    )


def bill_view(result: BillImport, lang: Lang) -> dict[str, Any]:
    """Everything the import shows: layout, period, derived answers and the open questions.

    ``age`` says where the file lies against the recent window (``since``, ``recent_months``): a
    template shows, for a file partly or wholly before it, which answers it could still give.
    """
    x = result.features
    months = round(x.months, 1)
    last = x.last.isoformat() if x.last else ""
    since = result.since.isoformat()
    derived = []
    open_questions = []
    for finding in result.findings:
        question = QUESTION_BY_ID[finding.question_id]
        entry: dict[str, Any] = {
            "id": finding.question_id,
            "question": question.prompt(lang),
            "recent": finding.recent,
            "evidence": [
                render(lang, "bill_evidence.txt.j2", kind=kind, rows=rows) for kind, rows in finding.evidence.items()
            ],
        }
        if finding.value is None:
            reason = render(
                lang,
                "bill_reason.txt.j2",
                reason=finding.reason,
                months=months,
                last=last,
                recent_months=BILL_READING.recent_months,
            )
            # "0 rows" says nothing beside a reason that already says none were seen.
            shown = [text for text, rows in zip(entry["evidence"], finding.evidence.values(), strict=True) if rows]
            open_questions.append({**entry, "evidence": shown, "reason_id": finding.reason, "reason": reason})
        else:
            derived.append({**entry, "value": finding.value, "answer": question.label(finding.value, lang)})
    return {
        "layout": result.layout,
        "layout_name": render(lang, "bill_layout.txt.j2", layout=result.layout),
        "from_zip": result.from_zip,
        "first": x.first.isoformat() if x.first else "",
        "last": last,
        "months": months,
        "rows": x.rows,
        "today": result.today.isoformat(),
        "since": since,
        "recent_months": BILL_READING.recent_months,
        "age": result.age,
        "derived": derived,
        "open": open_questions,
    }


def bill_json(result: BillImport) -> dict[str, Any]:
    """The machine-readable form: ids and values only, no labels."""
    x = result.features
    return {
        "layout": result.layout,
        "encoding": result.encoding,
        "from_zip": result.from_zip,
        "period": {
            "first": x.first.isoformat() if x.first else None,
            "last": x.last.isoformat() if x.last else None,
            "days": x.days,
        },
        # The repayment questions read only the rows from ``since`` on (``age``: the file is all
        # inside that window, partly before it, or all before it).
        "window": {"today": result.today.isoformat(), "since": result.since.isoformat(), "age": result.age},
        "rows": x.rows,
        "skipped_lines": x.skipped,
        "answers": result.answers,
        "evidence": {f.question_id: f.evidence for f in result.findings if f.value is not None},
        "cannot_tell": {
            f.question_id: {"reason": f.reason, "evidence": f.evidence} for f in result.findings if f.value is None
        },
    }

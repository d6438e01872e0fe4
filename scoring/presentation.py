"""Score results resolved into labels for one language, ready for a template.

Templates must not know how to look a label up, and the bot, the CLI and the advice all show
a score the same way, so the translation from ids to words happens here, once.
"""

from __future__ import annotations

from typing import Any

from scoring import assumptions
from scoring.card import BANDS, ScoreResult, band_of
from scoring.i18n import Lang
from scoring.questions import DIMENSION_NAMES, QUESTION_BY_ID, Answer
from scoring.structure import GROUP_NAMES, answered_count

#: A range over more bands than this leads the reply ("probably Good to Very good"): one
#: band word in bold would claim more than the estimate knows.
BANDS_FOR_ONE_WORD = 2


def answer_label(question_id: str, value: Answer, lang: Lang) -> str:
    """The words for a stored answer."""
    return QUESTION_BY_ID[question_id].label(value, lang)


def group_name(question_id: str, value: Answer, lang: Lang) -> str | None:
    """How a group of linked answers reads as one reason, if the structure names it."""
    names = GROUP_NAMES.get((question_id, value))
    return names[lang] if names else None


def bands_between(low: int, high: int, lang: Lang) -> list[str]:
    """The names of the bands a range touches, lowest first."""
    first, last = BANDS.index(band_of(low)), BANDS.index(band_of(high))
    return [band.name(lang) for band in BANDS[first : last + 1]]


def score_view(result: ScoreResult, lang: Lang, reasons: int = 3) -> dict[str, Any]:
    """Everything a score message shows, with names in ``lang``.

    ``wide`` is set when the range spans more than ``BANDS_FOR_ONE_WORD`` bands: the reply
    then leads with the range and the bands it spans instead of one band word.
    """
    low, high = result.range
    bands = bands_between(low, high, lang)
    answered, total_questions = answered_count(result.details.answers)
    return {
        "score": result.score,
        "band": result.band.name(lang),
        "band_id": result.band.id,
        "low": low,
        "high": high,
        "coverage": round(100 * result.range_coverage),
        "range_bands": bands,
        "wide": len(bands) > BANDS_FOR_ONE_WORD,
        "answered": answered,
        "total_questions": total_questions,
        "dimensions": [
            {
                "id": d.id,
                "name": DIMENSION_NAMES[d.id][lang],
                "points": round(d.points),
                "maximum": round(d.maximum),
                "grade": d.grade,
                "weight": round(100 * assumptions.DIMENSION_WEIGHTS[d.id]),
                "answered": d.answered,
                "questions": d.questions,
            }
            for d in result.dimensions
        ],
        "reasons": [
            {
                "question_id": r.question_id,
                "question": QUESTION_BY_ID[r.question_id].prompt(lang),
                "topic": QUESTION_BY_ID[r.question_id].topic(lang),
                "answer": answer_label(r.question_id, r.value, lang),
                "title": group_name(r.question_id, r.value, lang) if r.related else None,
                "related": list(r.related),
                "dimension": DIMENSION_NAMES[r.dimension][lang],
                "points_lost": round(r.points_lost),
            }
            for r in result.reasons[:reasons]
        ],
    }


def question_view(question_id: str, lang: Lang) -> dict[str, Any]:
    """A question with its choices' labels, as the CLI's JSON and the templates show it."""
    q = QUESTION_BY_ID[question_id]
    view: dict[str, Any] = {
        "id": q.id,
        "dimension": q.dimension,
        "dimension_name": DIMENSION_NAMES[q.dimension][lang],
        "kind": q.kind,
        "quick": q.quick,
        "prompt": q.prompt(lang),
        "help": q.help(lang),
        "choices": [{"value": c.value, "label": c.label(lang)} for c in q.choices],
    }
    if q.kind == "number":
        view["minimum"], view["maximum"] = q.minimum, q.maximum
    return view

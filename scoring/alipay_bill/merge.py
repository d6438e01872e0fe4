"""What a bill may change in the answers a person gave: the one rule, kept here.

A bill shows payments, not due dates or balances, and a repayment still overdue leaves no row
at all. So rows of repayments cannot show that none was late, nor that nothing is overdue now:
a bill never replaces a late or overdue repayment answer the person reported
(``scoring.questions.LATE_REPAYMENTS``) with a better one. It may confirm it, or find it worse
(late in two months of the file where the person said once). Every other derived answer wins
over the one given, since the rows prove it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from scoring.questions import LATE_REPAYMENTS, QUESTION_BY_ID, Answer


@dataclass(frozen=True, slots=True)
class Kept:
    """A reported answer the bill would have raised and may not: why the person's answer stays."""

    question_id: str
    reported: Answer
    derived: Answer


def only_confirms_or_lowers(question_id: str, reported: Answer) -> bool:
    """Whether a bill may only confirm ``reported`` or find it worse (a late or overdue record)."""
    return reported in LATE_REPAYMENTS.get(question_id, ())


def merge(reported: Mapping[str, Answer], derived: Mapping[str, Answer]) -> tuple[dict[str, Answer], tuple[Kept, ...]]:
    """``(taken, kept)``: the derived answers the profile takes, and those the reported answer beats."""
    taken: dict[str, Answer] = {}
    kept: list[Kept] = []
    for question_id, value in derived.items():
        given = reported.get(question_id)
        if given is not None and only_confirms_or_lowers(question_id, given):
            levels = QUESTION_BY_ID[question_id].levels
            if levels.index(value) > levels.index(given):
                kept.append(Kept(question_id, given, value))
                continue
        taken[question_id] = value
    return taken, tuple(kept)

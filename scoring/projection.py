"""What the estimate will be once some answers change: the score a user gets when they record them.

The estimate of a partial profile imputes every unanswered question from the answered ones
(``scoring.estimate``): a better answer also raises what the estimate expects of the questions
still open. So a projected score cannot be today's score plus the points tables' difference of
the changed answers; it is the estimate of the changed answers, computed by the same
``Scorecard.score`` that ``/score`` uses, after the answers are changed exactly as recording
them changes them (``scoring.structure.consistent_after_changes``, one answer after another:
an answer the old one settled is dropped and asked again). The advice (``advice.ranking``,
``advice.planner``) and the bot's "done" tap (``bot.progress``) both go through
``answers_after``, so "same answers, same estimate" holds by construction.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from scoring.card import Scorecard, ScoreResult
from scoring.questions import Answer
from scoring.structure import LINKED, consistent_after_changes


class AnswerChange(Protocol):
    """One answer to change: a question and its new answer (``advice.catalogue.Change`` is one)."""

    @property
    def question_id(self) -> str:
        """The question whose answer changes."""

    @property
    def after(self) -> Answer:
        """The new answer."""


def answers_after(answers: dict[str, Answer], changes: Iterable[AnswerChange]) -> dict[str, Answer]:
    """The answers once ``changes`` are recorded, in order, each kept consistent as the bot keeps it."""
    return consistent_after_changes(answers, ((change.question_id, change.after) for change in changes))


def project(card: Scorecard, answers: dict[str, Answer], changes: Iterable[AnswerChange]) -> ScoreResult:
    """The estimate of the answers ``changes`` leave: the score, band and range recording them gives."""
    return card.score(answers_after(answers, changes))


def raw_score(card: Scorecard, result: ScoreResult) -> float:
    """A result's score on the 350-950 scale before rounding and clipping (may lie outside it)."""
    return raw(card, result.log_odds)


def raw(card: Scorecard, log_odds: float) -> float:
    """Log-odds on the 350-950 scale, unrounded and unclipped: ``raw_score`` of a result with these log-odds."""
    return card.offset + card.factor * log_odds


def gain(card: Scorecard, answers: dict[str, Answer], before: ScoreResult, changes: Iterable[AnswerChange]) -> float:
    """Unclipped points recording ``changes`` adds to ``answers`` (scored ``before``): the re-estimated difference.

    With every question answered nothing is estimated, and a change outside the answer
    structure's links changes that answer alone, so the difference is the points tables' own:
    the same number without scoring the profile again (the ranking measures every action).
    Otherwise the projection's log-odds come from ``Scorecard.log_odds``, the part of ``score``
    that computes them (the range, band and details are not needed here): the very number
    ``project`` gives, at less cost.
    """
    changes = tuple(changes)
    if before.details.posterior is None:
        points = 0.0
        for c in changes:
            if c.question_id in LINKED:
                break  # it may settle or unsettle other answers: re-estimate below
            table = card.tables[c.question_id]
            points += card.factor * (table[c.after] - table[answers[c.question_id]])
        else:  # no change is in a link: the points tables' difference
            return points
    return raw(card, card.log_odds(answers_after(answers, changes))) - raw_score(card, before)

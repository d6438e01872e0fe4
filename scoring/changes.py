"""Why an estimate moved: the answers a user changed, apart from the questions newly answered.

A score that drops by 57 points because someone answered seventeen more questions is not news
about their credit; it is the estimate becoming more precise. A score that rises by 14 because
they changed how they repay Huabei is. This module tells the two apart, so a reply can say
"you answered 17 more questions; the estimate is now more precise" or "you changed Huabei
repayment: +14" instead of one unexplained number.

The split is counterfactual and uses the scorecard alone (no Telegram, no storage):

* each changed answer's points are the score difference of changing that one answer alone in the
  previous profile (so an answer's effect includes whatever it changes in the estimate of the
  unanswered questions, if the scorecard estimates those from the answered ones);
* the changes together are the previous profile with every changed answer applied, minus the
  previous profile;
* new answers account for the rest of the move between that profile and the current one;
* anything left between the two shown scores (a retrained model, a new calibration, the 350/950
  clip) is ``other``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from scoring.card import Scorecard
from scoring.questions import Answer

Kind = Literal["first", "same", "more_precise", "changed", "changed_and_more_precise"]


@dataclass(frozen=True, slots=True)
class AnswerChange:
    """One answer that differs between two profiles; ``after`` is ``None`` when it was withdrawn."""

    question_id: str
    before: Answer
    after: Answer | None
    points: float

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready (stored with the estimate it explains)."""
        return {"question_id": self.question_id, "before": self.before, "after": self.after, "points": self.points}


@dataclass(frozen=True, slots=True)
class ScoreChange:
    """How and why the estimate moved from one profile to the next.

    ``changed`` is ordered by the size of each answer's effect, biggest first. ``change_points``
    and ``precision_points`` add up, with ``other_points``, to ``delta`` (points, unrounded).
    """

    kind: Kind
    score_before: int | None
    score_after: int
    changed: tuple[AnswerChange, ...]
    newly_answered: tuple[str, ...]
    change_points: float
    precision_points: float
    other_points: float

    @property
    def delta(self) -> int | None:
        """Points between the two shown scores; ``None`` for a first estimate."""
        return None if self.score_before is None else self.score_after - self.score_before

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready, to store with the estimate and to show in ``/history``."""
        return {
            "kind": self.kind,
            "score_before": self.score_before,
            "score_after": self.score_after,
            "changed": [c.as_dict() for c in self.changed],
            "newly_answered": list(self.newly_answered),
            "change_points": round(self.change_points, 1),
            "precision_points": round(self.precision_points, 1),
            "other_points": round(self.other_points, 1),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ScoreChange:
        """The inverse of ``as_dict`` (reading a stored explanation back)."""
        return cls(
            kind=data["kind"],
            score_before=data["score_before"],
            score_after=data["score_after"],
            changed=tuple(
                AnswerChange(c["question_id"], c["before"], c["after"], float(c["points"])) for c in data["changed"]
            ),
            newly_answered=tuple(data["newly_answered"]),
            change_points=float(data["change_points"]),
            precision_points=float(data["precision_points"]),
            other_points=float(data["other_points"]),
        )


def _raw(card: Scorecard, answers: dict[str, Answer]) -> float:
    """The unclipped score of a profile, so effects near 350 or 950 are not hidden by the clip."""
    result = card.score(answers)
    return card.offset + card.factor * result.log_odds


def explain(
    card: Scorecard,
    before: Mapping[str, Answer] | None,
    after: Mapping[str, Answer],
    *,
    score_before: int | None = None,
    score_after: int | None = None,
) -> ScoreChange:
    """Compare two answer sets under ``card``.

    ``before`` is ``None`` for a user's first estimate. ``score_before``/``score_after`` are the
    scores that were shown (they may include a calibration or come from an older model); by
    default the card's own scores of the two profiles. An unknown question id or answer raises
    the card's ``InvalidAnswer``.
    """
    now = dict(after)
    shown_after = card.score(now).score if score_after is None else score_after
    if before is None:
        return ScoreChange("first", None, shown_after, (), (), 0.0, 0.0, 0.0)
    previous = dict(before)
    shown_before = card.score(previous).score if score_before is None else score_before
    base = _raw(card, previous)
    changes: list[AnswerChange] = []
    applied = dict(previous)
    for qid, old in previous.items():
        new = now.get(qid)
        if new == old and type(new) is type(old):
            continue
        alone = dict(previous)
        if new is None:
            del alone[qid]
            del applied[qid]
        else:
            alone[qid] = new
            applied[qid] = new
        changes.append(AnswerChange(qid, old, new, _raw(card, alone) - base))
    newly = tuple(qid for qid in now if qid not in previous)
    changed_raw = _raw(card, applied)
    change_points = changed_raw - base
    precision_points = _raw(card, now) - changed_raw
    other_points = (shown_after - shown_before) - change_points - precision_points
    kind: Kind
    if changes and newly:
        kind = "changed_and_more_precise"
    elif changes:
        kind = "changed"
    elif newly:
        kind = "more_precise"
    else:
        kind = "same"
    changes.sort(key=lambda c: -abs(c.points))
    return ScoreChange(
        kind, shown_before, shown_after, tuple(changes), newly, change_points, precision_points, other_points
    )

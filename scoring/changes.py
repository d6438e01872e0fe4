"""Why an estimate moved: the answers a user changed, apart from the questions newly answered.

A score that drops by 57 points because someone answered seventeen more questions is not news
about their credit; it is the estimate becoming more precise. A score that rises by 14 because
they changed how they repay Huabei is. This module tells the two apart, so a reply can say
"you answered 17 more questions; the estimate is now more precise" or "you changed Huabei
repayment: +14" instead of one unexplained number, and the lines add up to the move shown.

The split is exact and uses the scorecard alone (no Telegram, no storage). Both profiles are
first completed with the answers they imply (``scoring.structure``: "no credit card" settles
the card repayment record), then the score is written as a sum over the questions: a known
answer is worth its points, an unknown one its expected points given the known answers (the
card's conditional estimate, question by question; by linearity they add up to the card's own
estimate). The move between the two profiles is then the sum, over questions, of each one's
move, and each question falls in exactly one part:

* known in both, with another value: a changed answer, worth the difference of its points
  (given by the user, or implied: "no cards, so no repayment record");
* known before, unknown now (an answer withdrawn): its expected points now minus its points;
* unknown before, known now: newly answered (or settled by a new answer), the estimate made
  more precise: its points minus what it was expected to be worth; when a *changed* answer
  settles it, it is a changed answer (implied) instead;
* unknown in both: the estimate of the unanswered questions, which moves with what is known.

Whatever else lies between the two scores shown (a retrained model, the 350/950 clip) is
``other``, a whole number. ``ScoreChange.lines`` rounds the parts (largest remainder) so the
whole points shown add up to the headline move exactly.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, Literal

from scoring.card import Scorecard
from scoring.questions import Answer
from scoring.structure import LINKS, complete

Kind = Literal["first", "same", "more_precise", "changed", "changed_and_more_precise"]


@dataclass(frozen=True, slots=True)
class AnswerChange:
    """One answer that differs between two profiles.

    ``before`` is ``None`` when the question was unknown (an answer the new one settles);
    ``after`` is ``None`` when the answer was withdrawn. ``before_from``/``after_from`` name the
    question whose answer implied that value (``None``: the user gave it).
    """

    question_id: str
    before: Answer | None
    after: Answer | None
    points: float
    before_from: str | None = None
    after_from: str | None = None

    @property
    def implied(self) -> bool:
        """Whether the new value (or the old, for a settled answer withdrawn) follows from another answer."""
        return self.after_from is not None or (self.after is None and self.before_from is not None)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready (stored with the estimate it explains)."""
        return {
            "question_id": self.question_id,
            "before": self.before,
            "after": self.after,
            "points": round(self.points, 3),
            "before_from": self.before_from,
            "after_from": self.after_from,
        }


@dataclass(frozen=True, slots=True)
class Lines:
    """The parts of a move in whole points that add up to it exactly (see ``ScoreChange.lines``)."""

    changed: tuple[int, ...]
    precision: int
    estimate: int
    other: int
    calibration: int = 0


@dataclass(frozen=True, slots=True)
class ScoreChange:
    """How and why the estimate moved from one profile to the next.

    ``changed`` lists the answers the user changed, each followed by the answers it settles,
    biggest first. The changed answers' points, ``precision_points`` (what the newly answered
    questions turned out to be worth over what was expected of them) and ``estimate_points``
    (the estimate of questions unanswered in both) add up to the move on the unclipped scale;
    ``other_points`` (whole) is the rest of the move between the two shown scores.
    ``calibration_points`` is what a calibration that moved between them adds (``on_scale``).
    """

    kind: Kind
    score_before: int | None
    score_after: int
    changed: tuple[AnswerChange, ...]
    newly_answered: tuple[str, ...]
    precision_points: float
    estimate_points: float
    other_points: int
    calibration_points: int = 0

    def on_scale(self, score_before: int, score_after: int) -> ScoreChange:
        """The same move counted between two other shown scores: the calibrated ones, once reports exist.

        The headline of a calibrated user is the calibrated estimate, so its move must count from
        the calibrated estimate shown before (QA 11: it counted from the model's). The parts are
        the model's (a calibration does not change what an answer is worth); what the calibration
        adds beyond a point of rounding is ``calibration_points``: a report in between, or one that
        has aged. Not stored (``as_dict`` keeps the model's move, which ``/history`` explains).
        """
        if self.delta is None:
            return replace(self, score_after=score_after)
        gap = (score_after - score_before) - self.delta
        return replace(
            self, score_before=score_before, score_after=score_after, calibration_points=gap if abs(gap) > 1 else 0
        )

    @property
    def delta(self) -> int | None:
        """Points between the two shown scores; ``None`` for a first estimate."""
        return None if self.score_before is None else self.score_after - self.score_before

    @property
    def change_points(self) -> float:
        """The changed answers together (unrounded)."""
        return sum(c.points for c in self.changed)

    def lines(self) -> Lines:
        """Whole points for each part, adding up to ``delta`` exactly.

        Rounding each part alone would not (-14 shown as -15 and +1 of nothing); the parts are
        rounded together by the largest remainder to the move the rounded scores show.
        """
        if self.delta is None:
            return Lines(tuple(0 for _ in self.changed), 0, 0, 0)
        calibration = self.calibration_points
        values = [c.points for c in self.changed]
        slots: list[int] = []  # which of precision (0) and estimate (1) take part
        if self.newly_answered:
            values.append(self.precision_points)
            slots.append(0)
        if abs(self.estimate_points) > 1e-9:
            values.append(self.estimate_points)
            slots.append(1)
        other = self.other_points if values else self.delta - calibration
        whole = apportion(values, self.delta - other - calibration)
        extra = dict(zip(slots, whole[len(self.changed) :], strict=True))
        return Lines(tuple(whole[: len(self.changed)]), extra.get(0, 0), extra.get(1, 0), other, calibration)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready, to store with the estimate and to show in ``/history``."""
        return {
            "kind": self.kind,
            "score_before": self.score_before,
            "score_after": self.score_after,
            "changed": [c.as_dict() for c in self.changed],
            "newly_answered": list(self.newly_answered),
            "precision_points": round(self.precision_points, 3),
            "estimate_points": round(self.estimate_points, 3),
            "other_points": self.other_points,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ScoreChange:
        """The inverse of ``as_dict``; explanations stored before the exact split read too.

        Those had no estimate part and a fractional ``other``: it is taken whole, and ``lines``
        still adds up to the move they showed.
        """
        return cls(
            kind=data["kind"],
            score_before=data["score_before"],
            score_after=data["score_after"],
            changed=tuple(
                AnswerChange(
                    c["question_id"],
                    c["before"],
                    c["after"],
                    float(c["points"]),
                    c.get("before_from"),
                    c.get("after_from"),
                )
                for c in data["changed"]
            ),
            newly_answered=tuple(data["newly_answered"]),
            precision_points=float(data["precision_points"]),
            estimate_points=float(data.get("estimate_points", 0.0)),
            other_points=round(float(data["other_points"])),
        )


def apportion(values: Sequence[float], target: int) -> list[int]:
    """Whole numbers near ``values`` that add up to ``target`` (largest remainder).

    Each value is rounded down, then the shortfall goes, one point each, to the values with the
    largest fractions (taken back from the smallest when the floors overshoot). With ``target``
    within 1 of the sum, every value moves by less than 1.
    """
    if not values:
        if target:
            raise ValueError("no parts to share a non-zero total among")
        return []
    whole = [math.floor(v) for v in values]
    order = sorted(range(len(values)), key=lambda i: (-(values[i] - whole[i]), -abs(values[i]), i))
    left = target - sum(whole)
    while left > 0:
        for i in order[:left]:
            whole[i] += 1
        left = target - sum(whole)
    while left < 0:
        for i in list(reversed(order))[:-left]:
            whole[i] -= 1
        left = target - sum(whole)
    return whole


def _raw(card: Scorecard, answers: dict[str, Answer]) -> float:
    """The unclipped score of a profile, so effects near 350 or 950 are not hidden by the clip."""
    result = card.score(answers)
    return card.offset + card.factor * result.log_odds


def _unknown_mean(card: Scorecard, known: dict[str, Answer]) -> float:
    """The log-odds the card expects of the questions a completed profile leaves unknown."""
    given = sum(card.tables[qid][value] for qid, value in known.items() if qid in card.tables)
    return card.score(known).log_odds - card.intercept - given


def _expected(card: Scorecard, known: dict[str, Answer], questions: Sequence[str]) -> dict[str, float]:
    """Each of ``questions`` (unknown in a completed profile): its expected log-odds given the known answers.

    Over its answers' chances given the known ones (``ConditionalEstimate.outcomes``). Only the
    questions that change between known and unknown need one (a few array sums each); the rest
    of the estimate is the card's own, taken whole.
    """
    if not questions:
        return {}
    posterior = card.estimate.posterior(known)
    expected = {}
    for qid in questions:
        chances, _, _ = card.estimate.outcomes(posterior, known, qid)
        # An answer the known ones rule out ("no cards" beside "6+ cards") has no chance; the
        # estimate's patterns give contradictions a fallback likelihood, so they are left out here.
        possible = [(c, v) for c, v in zip(chances, card.tables[qid], strict=True) if not _ruled_out(qid, v, known)]
        total = sum(c for c, _ in possible)
        expected[qid] = float(sum(c * card.tables[qid][v] for c, v in possible) / total)
    return expected


def _ruled_out(question_id: str, value: Answer, known: Mapping[str, Answer]) -> bool:
    """Whether answering ``value`` would contradict a known answer (it would settle it otherwise)."""
    return any(
        link.when_id == question_id
        and _same(link.when_value, value)
        and link.then_id in known
        and not _same(known[link.then_id], link.then_value)
        for link in LINKS
    )


def _implied_by(question_id: str, given: Mapping[str, Answer]) -> str | None:
    """The given answer's question that settles ``question_id`` (``None`` when none does)."""
    for link in LINKS:
        if link.then_id != question_id or link.when_id not in given:
            continue
        value = given[link.when_id]
        if type(value) is type(link.when_value) and value == link.when_value:
            return link.when_id
    return None


def _same(a: Answer, b: Answer) -> bool:
    return type(a) is type(b) and a == b


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
    scores that were shown (they may come from an older model); by default the card's own
    scores of the two profiles. An unknown question id or answer raises the card's
    ``InvalidAnswer``.
    """
    now = dict(after)
    shown_after = card.score(now).score if score_after is None else score_after
    if before is None:
        return ScoreChange("first", None, shown_after, (), (), 0.0, 0.0, 0)
    previous = dict(before)
    shown_before = card.score(previous).score if score_before is None else score_before
    known_before, known_now = complete(previous), complete(now)
    tables, factor = card.tables, card.factor
    newly_known = [q for q in card.question_ids if q in known_now and q not in known_before]
    withdrawn = [q for q in card.question_ids if q in known_before and q not in known_now]
    expected_before = _expected(card, known_before, newly_known)
    expected_now = _expected(card, known_now, withdrawn)
    changes: list[AnswerChange] = []
    newly: list[str] = []
    precision = 0.0
    for qid in card.question_ids:
        old, new = known_before.get(qid), known_now.get(qid)
        old_from = None if qid in previous else _implied_by(qid, previous)
        new_from = None if qid in now else _implied_by(qid, now)
        if old is None and new is None:
            continue
        if old is None:
            assert new is not None
            points = factor * (tables[qid][new] - expected_before[qid])
            if new_from is not None and new_from in known_before:  # settled by a changed answer
                changes.append(AnswerChange(qid, None, new, points, None, new_from))
            else:
                precision += points
                if new_from is None:
                    newly.append(qid)
        elif new is None:
            changes.append(AnswerChange(qid, old, None, factor * (expected_now[qid] - tables[qid][old]), old_from))
        elif not _same(old, new):
            points = factor * (tables[qid][new] - tables[qid][old])
            changes.append(AnswerChange(qid, old, new, points, old_from, new_from))
    # The questions unknown in both: the card's estimate of everything unknown, less the parts above.
    open_now = _unknown_mean(card, known_now) - sum(expected_now.values())
    open_before = _unknown_mean(card, known_before) - sum(expected_before.values())
    still_open = any(q not in known_before and q not in known_now for q in card.question_ids)
    estimate = factor * (open_now - open_before) if still_open else 0.0
    raw_before, raw_after = _raw(card, known_before), _raw(card, known_now)
    other = (shown_after - shown_before) - (round(raw_after) - round(raw_before))
    kind: Kind
    if changes and newly:
        kind = "changed_and_more_precise"
    elif changes:
        kind = "changed"
    elif newly:
        kind = "more_precise"
    else:
        kind = "same"
    return ScoreChange(kind, shown_before, shown_after, _ordered(changes), tuple(newly), precision, estimate, other)


def _ordered(changes: list[AnswerChange]) -> tuple[AnswerChange, ...]:
    """The answers the user changed, biggest first, each followed by the answers it settles."""
    followers = [c for c in changes if c.implied]

    def weight(leader: AnswerChange) -> float:  # with the answers it settles: one fact, one size
        settled = (c.points for c in followers if leader.question_id in (c.after_from, c.before_from))
        return -abs(leader.points + sum(settled))

    leaders = sorted((c for c in changes if not c.implied), key=weight)
    ordered: list[AnswerChange] = []
    for leader in leaders:
        ordered.append(leader)
        for c in followers:
            if leader.question_id in (c.after_from, c.before_from) and c not in ordered:
                ordered.append(c)
    ordered += sorted((c for c in followers if c not in ordered), key=lambda c: -abs(c.points))
    return tuple(ordered)

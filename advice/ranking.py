"""Counterfactual ranking: what each catalogue action would add to one user's estimated score.

Every gain is measured, never written down: the action's answer changes are applied to a copy
of the profile and the copy is scored by the same ``Scorecard.score`` the ``score`` command
uses. ``rank`` and ``simulate`` share ``_project``'s way of applying changes, so a single action's
``score_after`` in a plan is exactly the score ``simulate`` (and the ``whatif`` command) shows.

Rules, in one place:

- An action only changes *answered* questions (see ``Action.changes_for``). Points for an
  unanswered question would be a claim we cannot back, since the user may already do it; such
  questions are offered as ``tell_me_more`` instead, biggest narrowing of the range first.
- Actions that gain no points on the 350-950 scale are left out.
- Actions marked ``first`` (clearing a current overdue) come before all others whenever they
  gain points; the rest go by gain, biggest first, ties to lower effort, then catalogue order.
- The combined plan applies the first ``COMBINED_TOP`` listed actions one after another.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from advice.catalogue import ACTIONS, EFFORTS, Action, Change, get_action
from scoring.card import BANDS, Band, Scorecard, ScoreResult
from scoring.questions import QUESTIONS, Answer

#: How many of the top actions the combined plan ("do the top 3") applies together.
COMBINED_TOP = 3

#: The actions that can change each question's answer (derived from the catalogue).
ACTIONS_BY_QUESTION: dict[str, tuple[str, ...]] = {
    q.id: tuple(a.id for a in ACTIONS if q.id in a.questions) for q in QUESTIONS
}


def next_band(score: int) -> tuple[Band | None, int | None]:
    """The band above ``score`` and the points still missing to reach it (``None`` at the top)."""
    for band in BANDS:
        if band.low > score:
            return band, band.low - score
    return None, None


@dataclass(frozen=True, slots=True)
class RankedAction:
    """One action with the points it would add to this profile."""

    action: Action
    gain: int
    score_after: int
    band_after: Band
    changes: tuple[Change, ...]

    @property
    def id(self) -> str:
        """The action's id."""
        return self.action.id

    @property
    def effort(self) -> str:
        """``low``, ``medium`` or ``high``."""
        return self.action.effort

    @property
    def time_to_effect(self) -> str:
        """The timing id (``advice.catalogue.TIMINGS``) of when the gain shows."""
        return self.action.timing


@dataclass(frozen=True, slots=True)
class Projection:
    """The estimate after doing some actions: what ``whatif`` shows."""

    action_ids: tuple[str, ...]
    changes: tuple[Change, ...]
    before: ScoreResult
    after: ScoreResult
    not_applicable: tuple[str, ...]
    unanswered: tuple[str, ...]

    @property
    def score(self) -> int:
        """The projected score."""
        return self.after.score

    @property
    def band(self) -> Band:
        """The projected band."""
        return self.after.band

    @property
    def range(self) -> tuple[int, int]:
        """The projected likely range."""
        return self.after.range

    @property
    def gain(self) -> int:
        """Projected score minus the score now."""
        return self.after.score - self.before.score

    @property
    def next_band(self) -> Band | None:
        """The band above the projected score, if any."""
        return next_band(self.after.score)[0]

    @property
    def points_to_next_band(self) -> int | None:
        """Points still missing to the next band after these actions."""
        return next_band(self.after.score)[1]


@dataclass(frozen=True, slots=True)
class TellMeMore:
    """An unanswered question: answering it narrows the range and may add advice."""

    question_id: str
    narrows_by: int
    action_ids: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Plan:
    """A personal, ranked action plan."""

    before: ScoreResult
    actions: tuple[RankedAction, ...]
    tell_me_more: tuple[TellMeMore, ...]
    combined: Projection | None

    @property
    def next_band(self) -> Band | None:
        """The band above today's score, if any."""
        return next_band(self.before.score)[0]

    @property
    def points_to_next_band(self) -> int | None:
        """Points missing to the next band today."""
        return next_band(self.before.score)[1]


def rank(card: Scorecard, answers: dict[str, Answer], top: int | None = None) -> Plan:
    """Every action that would raise this profile's estimate, best first.

    ``top`` keeps only the first ``top`` actions (the combined plan then covers at most those).
    Unknown question ids or answers raise ``InvalidAnswer``.
    """
    if top is not None and top < 1:
        raise ValueError("top must be at least 1")
    before = card.score(answers)
    ranked = []
    for action in ACTIONS:
        changes = action.changes_for(answers)
        # A change between two answers worth the same points cannot move the score: skip
        # the scoring call (the result would be identical to ``before``).
        if all(card.points(c.question_id, c.before) == card.points(c.question_id, c.after) for c in changes):
            continue
        after = card.score(_apply(answers, changes))
        gain = after.score - before.score
        if gain > 0:
            ranked.append(RankedAction(action, gain, after.score, after.band, changes))
    ranked.sort(key=_rank_key)
    shown = tuple(ranked[:top] if top is not None else ranked)
    combined = _project(card, answers, before, [r.action for r in shown[:COMBINED_TOP]]) if shown else None
    return Plan(before, shown, tell_me_more(card, answers), combined)


def simulate(card: Scorecard, answers: dict[str, Answer], action_ids: Iterable[str]) -> Projection:
    """The estimate after doing ``action_ids`` in order (duplicates count once; one id may be a str).

    Raises ``UnknownAction`` for an id not in the catalogue, ``ValueError`` for no ids and
    ``InvalidAnswer`` for a bad profile.
    """
    if isinstance(action_ids, str):
        action_ids = [action_ids]
    actions = [get_action(action_id) for action_id in dict.fromkeys(action_ids)]
    if not actions:
        raise ValueError("no action ids given")
    return _project(card, answers, card.score(answers), actions)


def tell_me_more(card: Scorecard, answers: dict[str, Answer]) -> tuple[TellMeMore, ...]:
    """Unanswered questions, those that would narrow the range most first.

    The narrowing is the scorecard's expected one (``Scorecard.expected_narrowing``): the range
    is a prediction interval, so an answer narrows it by what it tells beyond what the other
    answers already suggest. ``action_ids`` are the actions the answer could add to the advice.
    """
    items = [
        TellMeMore(question_id, narrowing, ACTIONS_BY_QUESTION[question_id])
        for question_id, narrowing in card.expected_narrowing(answers).items()
    ]
    items.sort(key=lambda item: -item.narrows_by)
    return tuple(items)


def _rank_key(item: RankedAction) -> tuple[bool, int, int]:
    return (not item.action.first, -item.gain, EFFORTS.index(item.action.effort))


def _apply(answers: dict[str, Answer], changes: Iterable[Change]) -> dict[str, Answer]:
    after = dict(answers)
    for change in changes:
        after[change.question_id] = change.after
    return after


def _project(card: Scorecard, answers: dict[str, Answer], before: ScoreResult, actions: Sequence[Action]) -> Projection:
    """Apply ``actions`` one after another, each to the profile the previous ones left."""
    current = dict(answers)
    original: dict[str, Answer] = {}
    not_applicable = []
    for action in actions:
        changes = action.changes_for(current)
        if not changes:
            not_applicable.append(action.id)
        for change in changes:
            original.setdefault(change.question_id, change.before)
        current = _apply(current, changes)
    merged = tuple(Change(qid, value, current[qid]) for qid, value in original.items())
    after = card.score(current) if merged else before
    unanswered = tuple(dict.fromkeys(q for a in actions for q in a.questions if q not in answers))
    return Projection(tuple(a.id for a in actions), merged, before, after, tuple(not_applicable), unanswered)

"""Counterfactual ranking: what each catalogue action would add to one user's estimated score.

Every gain is measured, never written down: the action's answer changes are applied to a copy
of the profile and the copy is scored by the same ``Scorecard.score`` the ``score`` command
uses. ``rank`` and ``simulate`` share ``_project``'s way of applying changes, so a single action's
``score_after`` in a plan is exactly the score ``simulate`` (and the ``whatif`` command) shows.

Rules, in one place:

- Contradictory answers are refused (``scoring.structure.check`` raises ``ContradictoryAnswers``).
- Only feasible, safe changes count (``advice.feasibility``): facts are never advised, a
  record-if-true item counts only once the person says they have it (``owned``), and a safety
  gate (an overdue now, no steady income, more than five cards) removes every new-credit change.
- An action only changes *answered* questions (see ``Action.changes_for``). Points for an
  unanswered question would be a claim we cannot back, since the user may already do it; such
  questions are offered as ``tell_me_more`` instead, biggest narrowing of the range first.
- Gains are measured on the unclipped log-odds, in points: a profile below the 350 floor (or
  near the 950 ceiling) still sees every action that helps, in the right order; the scores shown
  stay on the 350-950 scale. Actions gaining less than half a point are left out.
- Actions marked ``first`` (clearing a current overdue) come before all others whenever they
  gain points; the rest go by gain, biggest first, ties to lower effort, then catalogue order.
- The combined plan applies the first ``COMBINED_TOP`` listed actions one after another; its
  gain is the sum of theirs (they change different answers, and points add up in log-odds).
- Every answer that costs points either has an action (or a record-if-true item) behind it, or
  the plan says why nothing is to be done about it (``nothing_to_do``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from weakref import WeakKeyDictionary

from advice.catalogue import ACTIONS, EFFORTS, Action, Change, get_action
from advice.feasibility import Gate, Infeasible, Owned, active_gates, assess
from scoring.card import BANDS, Band, Scorecard, ScoreResult
from scoring.questions import QUESTIONS, Answer
from scoring.structure import check, implied_answers

#: How many of the top actions the combined plan ("do the top 3") applies together.
COMBINED_TOP = 3

#: The actions that can change each question's answer (derived from the catalogue).
ACTIONS_BY_QUESTION: dict[str, tuple[str, ...]] = {
    q.id: tuple(a.id for a in ACTIONS if q.id in a.questions) for q in QUESTIONS
}

#: Catalogue position of each action: the last tie-break, so a ranking is always the same.
ACTION_ORDER: dict[str, int] = {a.id: i for i, a in enumerate(ACTIONS)}

_SPANS: WeakKeyDictionary[Scorecard, tuple[tuple[str, int], ...]] = WeakKeyDictionary()


def raw_score(card: Scorecard, result: ScoreResult) -> float:
    """A result's score on the 350-950 scale before rounding and clipping (may lie outside it)."""
    return card.offset + card.factor * result.log_odds


def points_between(card: Scorecard, before: ScoreResult, after: ScoreResult) -> float:
    """Unclipped points from ``before`` to ``after``: the log-odds difference on the points scale."""
    return card.factor * (after.log_odds - before.log_odds)


def next_band(score: int) -> tuple[Band | None, int | None]:
    """The band above ``score`` and the points still missing to reach it (``None`` at the top)."""
    for band in BANDS:
        if band.low > score:
            return band, band.low - score
    return None, None


@dataclass(frozen=True, slots=True)
class RankedAction:
    """One action with the points it would add to this profile.

    ``points`` is the unclipped gain (log-odds on the points scale), ``gain`` its rounding:
    what the ranking orders by and shows. ``score_after`` is the clipped score a user sees.
    """

    action: Action
    gain: int
    score_after: int
    band_after: Band
    changes: tuple[Change, ...]
    points: float

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
    points: float
    stopped: tuple[tuple[str, Infeasible], ...] = ()
    clipped: bool = False

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
        """The points these actions add, unclipped (the shown scores may hit 350 or 950)."""
        return round(self.points)

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
class NothingToDo:
    """An answer that costs points with no action behind it, and why.

    ``stopped``: a gate or the person's own "I don't have it"; ``None``: nothing in the
    catalogue changes it.
    """

    question_id: str
    value: Answer
    points_lost: float
    stopped: Infeasible | None


@dataclass(frozen=True, slots=True)
class Plan:
    """A personal, ranked action plan.

    ``if_you_have`` lists record-if-true items with the points each would add if true: apart
    from ``actions``, never in ``combined``. ``gates`` are the safety rules that hold.
    """

    before: ScoreResult
    actions: tuple[RankedAction, ...]
    tell_me_more: tuple[TellMeMore, ...]
    combined: Projection | None
    gates: tuple[Gate, ...] = ()
    if_you_have: tuple[RankedAction, ...] = ()
    nothing_to_do: tuple[NothingToDo, ...] = ()
    clipped: bool = False

    @property
    def next_band(self) -> Band | None:
        """The band above today's score, if any."""
        return next_band(self.before.score)[0]

    @property
    def points_to_next_band(self) -> int | None:
        """Points missing to the next band today."""
        return next_band(self.before.score)[1]


def rank(card: Scorecard, answers: dict[str, Answer], top: int | None = None, owned: Owned | None = None) -> Plan:
    """Every feasible action that would raise this profile's estimate, best first.

    ``top`` keeps only the first ``top`` actions (the combined plan then covers at most those).
    ``owned`` says which record-if-true items the person has (see ``advice.feasibility``).
    Unknown question ids or answers raise ``InvalidAnswer``; contradictory ones
    ``ContradictoryAnswers``.
    """
    if top is not None and top < 1:
        raise ValueError("top must be at least 1")
    before = card.score(answers)
    check(answers)
    gates = active_gates(answers)
    ranked: list[RankedAction] = []
    offers: list[RankedAction] = []
    stopped: dict[str, Infeasible] = {}
    for action in ACTIONS:
        changes, why = assess(action, answers, owned, not gates)
        if why == "not_owned":
            offer = _measure(card, answers, before, action, action.changes_for(answers))
            if offer is not None:
                offers.append(offer)
        elif why is not None:
            for question_id in action.questions:
                stopped.setdefault(question_id, why)
        measured = _measure(card, answers, before, action, changes)
        if measured is not None:
            ranked.append(measured)
    ranked.sort(key=_rank_key)
    offers.sort(key=_rank_key)
    shown = tuple(ranked[:top] if top is not None else ranked)
    combined = _project(card, answers, before, [r.action for r in shown[:COMBINED_TOP]], owned) if shown else None
    covered = {c.question_id for r in (*ranked, *offers) for c in r.changes}
    return Plan(
        before,
        shown,
        tell_me_more(card, answers),
        combined,
        gates,
        tuple(offers),
        _nothing_to_do(card, answers, covered, stopped),
        _outside_scale(card, before),
    )


def simulate(
    card: Scorecard, answers: dict[str, Answer], action_ids: Iterable[str], owned: Owned | None = None
) -> Projection:
    """The estimate after doing ``action_ids`` in order (duplicates count once; one id may be a str).

    The same feasibility rules as ``rank``: a gated change or an item not said to be owned
    changes nothing (``Projection.stopped`` says which and why). Raises ``UnknownAction`` for an
    id not in the catalogue, ``ValueError`` for no ids and ``InvalidAnswer`` (or
    ``ContradictoryAnswers``) for a bad profile.
    """
    if isinstance(action_ids, str):
        action_ids = [action_ids]
    actions = [get_action(action_id) for action_id in dict.fromkeys(action_ids)]
    if not actions:
        raise ValueError("no action ids given")
    before = card.score(answers)
    check(answers)
    return _project(card, answers, before, actions, owned)


def tell_me_more(card: Scorecard, answers: dict[str, Answer]) -> tuple[TellMeMore, ...]:
    """Unanswered questions, those that would narrow the range most first.

    Answering a question removes its whole points span from the range's width, so the span
    is the narrowing; ``action_ids`` are the actions the answer could add to the advice. A
    question an earlier answer already settles (``scoring.structure``) is never asked.
    """
    settled = implied_answers(answers)
    items = [
        TellMeMore(question_id, span, ACTIONS_BY_QUESTION[question_id])
        for question_id, span in _question_spans(card)
        if question_id not in answers and question_id not in settled
    ]
    items.sort(key=lambda item: -item.narrows_by)
    return tuple(items)


def _question_spans(card: Scorecard) -> tuple[tuple[str, int], ...]:
    """Each question's points span (best answer over worst), computed once per scorecard."""
    spans = _SPANS.get(card)
    if spans is None:
        spans = tuple((q.id, round(max(card.points(q.id, value) for value in q.levels))) for q in QUESTIONS)
        _SPANS[card] = spans
    return spans


def _rank_key(item: RankedAction) -> tuple[bool, float, int, int]:
    return (not item.action.first, -item.points, EFFORTS.index(item.action.effort), ACTION_ORDER[item.id])


def _measure(
    card: Scorecard,
    answers: dict[str, Answer],
    before: ScoreResult,
    action: Action,
    changes: tuple[Change, ...],
    above: float = 0.5,
) -> RankedAction | None:
    """The action scored through the card, or ``None`` when it gains ``above`` points or less.

    By default half a point: what would show as +0.
    """
    # A change between two answers worth the same points cannot move the score: skip
    # the scoring call (the result would be identical to ``before``).
    if all(card.points(c.question_id, c.before) == card.points(c.question_id, c.after) for c in changes):
        return None
    after = card.score(_apply(answers, changes))
    points = points_between(card, before, after)
    if points <= above:
        return None
    return RankedAction(action, round(points), after.score, after.band, changes, points)


def _outside_scale(card: Scorecard, *results: ScoreResult) -> bool:
    """Whether any of the results lies beyond 350-950 before clipping (the shown score is capped)."""
    return any(not card.minimum <= raw_score(card, r) <= card.maximum for r in results)


def _nothing_to_do(
    card: Scorecard, answers: dict[str, Answer], covered: set[str], stopped: dict[str, Infeasible]
) -> tuple[NothingToDo, ...]:
    """Answers that cost a point or more with no action or record item behind them, costliest first."""
    items = []
    for question in QUESTIONS:
        value = answers.get(question.id)
        if value is None or question.id in covered:
            continue
        lost = max(card.points(question.id, v) for v in question.levels) - card.points(question.id, value)
        if round(lost) >= 1:
            items.append(NothingToDo(question.id, value, lost, stopped.get(question.id)))
    items.sort(key=lambda item: -item.points_lost)
    return tuple(items)


def _apply(answers: dict[str, Answer], changes: Iterable[Change]) -> dict[str, Answer]:
    after = dict(answers)
    for change in changes:
        after[change.question_id] = change.after
    return after


def _project(
    card: Scorecard,
    answers: dict[str, Answer],
    before: ScoreResult,
    actions: Sequence[Action],
    owned: Owned | None = None,
) -> Projection:
    """Apply ``actions`` one after another, each to the profile the previous ones left.

    The safety gates are those of the profile as it is now: a plan that starts by repaying an
    overdue still adds no new credit.
    """
    new_credit = not active_gates(answers)
    current = dict(answers)
    original: dict[str, Answer] = {}
    not_applicable = []
    stopped: list[tuple[str, Infeasible]] = []
    for action in actions:
        changes, why = assess(action, current, owned, new_credit)
        if not changes:
            not_applicable.append(action.id)
            if why is not None:
                stopped.append((action.id, why))
        for change in changes:
            original.setdefault(change.question_id, change.before)
        current = _apply(current, changes)
    merged = tuple(Change(qid, value, current[qid]) for qid, value in original.items())
    after = card.score(current) if merged else before
    unanswered = tuple(dict.fromkeys(q for a in actions for q in a.questions if q not in answers))
    return Projection(
        tuple(a.id for a in actions),
        merged,
        before,
        after,
        tuple(not_applicable),
        unanswered,
        points_between(card, before, after),
        tuple(stopped),
        _outside_scale(card, before, after),
    )

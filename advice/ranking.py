"""Counterfactual ranking: what each catalogue action would add to one user's estimated score.

Every gain is measured, never written down: a projection is the estimate of the answers an
action leaves (``scoring.projection.project``: the answers changed as recording them changes
them, scored by the same ``Scorecard.score`` as ``/score``), so the score promised for an action
is the score a user gets once they record it. That includes what the estimate expects of the
questions not answered yet (``scoring.estimate``), which a better answer moves too. ``rank``,
``simulate`` and ``plan`` all project this way: a single action's ``score_after`` in a plan is
exactly the score ``simulate`` (and the ``whatif`` command) shows.

Rules, in one place:

- Contradictory answers are refused (``scoring.structure.check`` raises ``ContradictoryAnswers``).
- Only feasible, safe changes count (``advice.feasibility``): facts are never advised, a
  record-if-true item counts only once the person says they have it (``owned``), and a safety
  gate (an overdue now, a late repayment record, no steady income or none told, more than five
  cards) removes every new-credit change.
- An action only changes *answered* questions (see ``Action.changes_for``). Points for an
  unanswered question would be a claim we cannot back, since the user may already do it; such
  questions are offered as ``tell_me_more`` instead, biggest narrowing of the range first.
- Gains are measured on the unclipped log-odds, in points: a profile below the 350 floor (or
  near the 950 ceiling) still sees every action that helps, in the right order; the scores shown
  stay on the 350-950 scale. Every gain shown is the difference of the rounded scores it names
  (``shown_gain``), so "623, +17 → 640" adds up; actions that would show +0 are left out.
- Actions marked ``first`` (clearing a current overdue) come before all others whenever they
  gain points; the rest go by the gain shown, biggest first, ties to lower effort, then by the
  exact points and catalogue order.
- A what-if (``simulate``) and the combined plan count every action from today's answers, as
  the ranking and the planner do: an action that could only follow another changes nothing.
- The combined plan applies the first ``COMBINED_TOP`` listed actions together and re-estimates
  once; its gain need not be the sum of the single gains shown: the open questions' estimate
  moves with all the changes together, and each single gain is rounded on its own.
- "Tell me more" lists the open questions by how much, on average, their answer would narrow
  the range (``Scorecard.expected_narrowing``), biggest first, after those a safety gate waits
  for (``advice.feasibility.ask_first``: the income, before any new credit is advised).
- Every answer that costs points either has an action (or a record-if-true item) behind it, or
  the plan says why nothing is to be done about it (``nothing_to_do``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from weakref import WeakKeyDictionary

from advice.catalogue import ACTIONS, EFFORTS, Action, Change, get_action
from advice.feasibility import Gate, Infeasible, Owned, active_gates, ask_first, assess
from scoring.card import BANDS, Band, Scorecard, ScoreResult, band_of
from scoring.projection import gain as gain_of
from scoring.projection import project, raw_score
from scoring.questions import QUESTIONS, Answer
from scoring.structure import check

#: How many of the top actions the combined plan ("do the top 3") applies together.
COMBINED_TOP = 3

#: The actions that can change each question's answer (derived from the catalogue).
ACTIONS_BY_QUESTION: dict[str, tuple[str, ...]] = {
    q.id: tuple(a.id for a in ACTIONS if q.id in a.questions) for q in QUESTIONS
}

#: Questionnaire position of each question: the tie-break among equally costly answers.
QUESTION_ORDER: dict[str, int] = {q.id: i for i, q in enumerate(QUESTIONS)}

#: Catalogue position of each action: the last tie-break, so a ranking is always the same.
ACTION_ORDER: dict[str, int] = {a.id: i for i, a in enumerate(ACTIONS)}

#: Per scorecard: (question, answer) -> points it loses against the best answer, when a point or more.
_COSTLY: WeakKeyDictionary[Scorecard, dict[tuple[str, Answer], float]] = WeakKeyDictionary()


def shown(card: Scorecard, raw: float) -> int:
    """A raw score as users see it: rounded and held to 350-950."""
    return min(card.maximum, max(card.minimum, round(raw)))


def shown_gain(raw: float, points: float) -> int:
    """The gain a user sees: the projected score as shown minus today's as shown.

    Both rounded, so "623, +17 → 640" always adds up; not clipped, so at the 350 floor (or near
    950) an action that helps still shows what it adds (the reply says the scale caps the score).
    """
    return round(raw + points) - round(raw)


def next_band(score: int) -> tuple[Band | None, int | None]:
    """The band above ``score`` and the points still missing to reach it (``None`` at the top)."""
    for band in BANDS:
        if band.low > score:
            return band, band.low - score
    return None, None


@dataclass(frozen=True, slots=True)
class RankedAction:
    """One action with the points it would add to this profile.

    ``points`` is the unclipped gain (log-odds on the points scale), ``gain`` what the user
    sees (``shown_gain``: the rounded score after minus the rounded score now), which the
    ranking orders by. ``score_after`` is the clipped score a user sees.
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
    """The estimate after doing some actions: what ``whatif`` shows.

    ``raw_before`` is today's unrounded score, from which ``gain`` is rounded as shown.
    """

    action_ids: tuple[str, ...]
    changes: tuple[Change, ...]
    before: ScoreResult
    score: int
    band: Band
    range: tuple[int, int]
    not_applicable: tuple[str, ...]
    unanswered: tuple[str, ...]
    points: float
    stopped: tuple[tuple[str, Infeasible], ...] = ()
    clipped: bool = False
    gates: tuple[Gate, ...] = ()
    raw_before: float = 0.0

    @property
    def gain(self) -> int:
        """The points these actions add as shown: projected minus current score, both rounded.

        Unclipped (the shown scores may hit 350 or 950). It need not be the sum of the actions'
        single gains: each of those is rounded on its own, this is rounded once.
        """
        return shown_gain(self.raw_before, self.points)

    @property
    def next_band(self) -> Band | None:
        """The band above the projected score, if any."""
        return next_band(self.score)[0]

    @property
    def points_to_next_band(self) -> int | None:
        """Points still missing to the next band after these actions."""
        return next_band(self.score)[1]


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
    # Asked once here and handed to every step below, which would otherwise each ask again.
    gates = active_gates(answers)
    ranked: list[RankedAction] = []
    offers: list[RankedAction] = []
    stopped: dict[str, Infeasible] = {}
    for action in ACTIONS:
        changes, why = assess(action, answers, owned, not gates)
        if changes:
            measured = measure(card, answers, before, action, changes)
            if measured is not None:
                ranked.append(measured)
        elif why == "not_owned":
            # A record-if-true item, measured as if true: offered apart, never ranked.
            offer = measure(card, answers, before, action, action.changes_for(answers))
            if offer is not None:
                offers.append(offer)
        elif why is not None:
            for question_id in action.questions:
                stopped.setdefault(question_id, why)
    ranked.sort(key=_rank_key)
    offers.sort(key=_rank_key)
    shown = tuple(ranked[:top] if top is not None else ranked)
    together = shown[:COMBINED_TOP]
    combined = None
    if together:
        # The top actions done together, from the changes assessed above: what simulate gives.
        changes = tuple(c for r in together for c in r.changes)
        combined = _projection(card, answers, before, [r.action for r in together], changes, gates)
    covered = {c.question_id for r in (*ranked, *offers) for c in r.changes}
    return Plan(
        before,
        shown,
        _tell_me_more(card, answers, before, gates),
        combined,
        gates,
        tuple(offers),
        _nothing_to_do(card, answers, covered, stopped),
        _outside_scale(card, raw_score(card, before)),
    )


def simulate(
    card: Scorecard, answers: dict[str, Answer], action_ids: Iterable[str], owned: Owned | None = None
) -> Projection:
    """The estimate after doing ``action_ids``, each from today's answers (duplicates count once; one id may be a str).

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
    return project_actions(card, answers, before, actions, owned)


def tell_me_more(card: Scorecard, answers: dict[str, Answer]) -> tuple[TellMeMore, ...]:
    """Unanswered questions: those a safety gate waits for first, then the most narrowing.

    A gate waiting for an answer (the income, before any new credit is advised) puts its
    question first.
    The narrowing is the scorecard's expected one (``Scorecard.expected_narrowing``): the range
    is a prediction interval, so an answer narrows it by what it tells beyond what the other
    answers already suggest. ``action_ids`` are the actions the answer could add to the advice.
    """
    return _tell_me_more(card, answers, card.score(answers), active_gates(answers))


def _tell_me_more(
    card: Scorecard, answers: dict[str, Answer], before: ScoreResult, gates: tuple[Gate, ...]
) -> tuple[TellMeMore, ...]:
    """``tell_me_more`` from today's score and gates, which ``rank`` has already."""
    items = [
        TellMeMore(question_id, narrowing, ACTIONS_BY_QUESTION[question_id])
        for question_id, narrowing in card.expected_narrowing(answers, before).items()
    ]
    first = ask_first(gates)
    items.sort(key=lambda item: (item.question_id not in first, -item.narrows_by))
    return tuple(items)


def _rank_key(item: RankedAction) -> tuple[bool, int, int, float, int]:
    """A current overdue first, then the gain shown (ties to the lower effort), then exact points."""
    return (
        not item.action.first,
        -item.gain,
        EFFORTS.index(item.action.effort),
        -item.points,
        ACTION_ORDER[item.id],
    )


def measure(
    card: Scorecard,
    answers: dict[str, Answer],
    before: ScoreResult,
    action: Action,
    changes: tuple[Change, ...],
    any_gain: bool = False,
) -> RankedAction | None:
    """The action's gain, re-estimated (``scoring.projection.gain``), or ``None`` when it would show as +0.

    ``before`` is the score of ``answers``. ``any_gain`` keeps every gain above zero
    (the goal planner: a fraction may carry a set over its target). Public because the planner
    measures its candidates with it, so a planned action's gain is the one ``rank`` shows.
    """
    if not changes:
        return None
    points = gain_of(card, answers, before, changes)
    if points <= 0:
        return None
    raw = raw_score(card, before)
    gain = shown_gain(raw, points)
    if gain < 1 and not any_gain:
        return None
    score = shown(card, raw + points)
    return RankedAction(action, gain, score, band_of(score), changes, points)


def _outside_scale(card: Scorecard, *raws: float) -> bool:
    """Whether any raw score lies beyond 350-950 (the shown score is capped there)."""
    return any(not card.minimum <= raw <= card.maximum for raw in raws)


def _nothing_to_do(
    card: Scorecard, answers: dict[str, Answer], covered: set[str], stopped: dict[str, Infeasible]
) -> tuple[NothingToDo, ...]:
    """Answers that cost a point or more with no action or record item behind them, costliest first."""
    costly = _COSTLY.get(card)
    if costly is None:
        costly = {}
        for q in QUESTIONS:
            top = max(card.points(q.id, v) for v in q.levels)
            for v in q.levels:
                if round(top - card.points(q.id, v)) >= 1:
                    costly[q.id, v] = top - card.points(q.id, v)
        _COSTLY[card] = costly
    items = []
    for question_id, value in answers.items():
        lost = costly.get((question_id, value))
        if lost is not None and question_id not in covered:
            items.append(NothingToDo(question_id, value, lost, stopped.get(question_id)))
    items.sort(key=lambda item: (-item.points_lost, QUESTION_ORDER[item.question_id]))
    return tuple(items)


def project_actions(
    card: Scorecard,
    answers: dict[str, Answer],
    before: ScoreResult,
    actions: Sequence[Action],
    owned: Owned | None = None,
) -> Projection:
    """Do ``actions`` together, each counted from today's answers, as ``rank`` and ``plan`` count it.

    An action changes what it would change today and nothing more: one that could only follow
    another (Huabei "always on time" right after clearing a current overdue, statements of cards
    not held yet) changes nothing here, just as it is never ranked or planned. No two actions
    change one answer from the same value (a catalogue test checks it), so the changes never
    compete; the projection re-estimates once with all of them (``_projection``), as the
    planner's final projection does. The safety gates are those of the profile as it is now.
    ``simulate`` and the planner (which has today's score already) both call it.
    """
    gates = active_gates(answers)
    new_credit = not gates
    merged: list[Change] = []
    not_applicable = []
    stopped: list[tuple[str, Infeasible]] = []
    for action in actions:
        changes, why = assess(action, answers, owned, new_credit)
        if not changes:
            not_applicable.append(action.id)
            if why is not None:
                stopped.append((action.id, why))
        merged.extend(changes)
    return _projection(card, answers, before, actions, tuple(merged), gates, tuple(not_applicable), tuple(stopped))


def _projection(
    card: Scorecard,
    answers: dict[str, Answer],
    before: ScoreResult,
    actions: Sequence[Action],
    changes: tuple[Change, ...],
    gates: tuple[Gate, ...],
    not_applicable: tuple[str, ...] = (),
    stopped: tuple[tuple[str, Infeasible], ...] = (),
) -> Projection:
    """The projection of ``actions`` once their changes are assessed (by ``project_actions``, or by ``rank``).

    The estimate once these changes are recorded (``scoring.projection.project``), range included.
    """
    after = project(card, answers, changes)
    raw_before = raw_score(card, before)
    raw = raw_score(card, after)
    points = raw - raw_before
    score = after.score
    unanswered = tuple(dict.fromkeys(q for a in actions for q in a.questions if q not in answers))
    return Projection(
        tuple(a.id for a in actions),
        changes,
        before,
        score,
        band_of(score),
        after.range,
        not_applicable,
        unanswered,
        points,
        stopped,
        _outside_scale(card, raw_before, raw),
        gates,
        raw_before,
    )

"""The goal planner: the least one must do to reach a target score.

``plan(card, answers, target)`` returns the set of feasible actions (the same ones ``rank``
offers: safe, not facts, record-if-true items only once owned) with the least total effort
(``EFFORT_WEIGHTS``) whose projected score reaches ``target``; ties go to the set whose slowest
action shows soonest (``TIMING_MONTHS``), then to fewer actions, then to the higher score. When
no set reaches the target it says so and plans the least effort to the best reachable score.

How it searches: each action's gain is its own projection's (``RankedAction.points``: the
estimate once that action alone is recorded), and the search treats a set's gain as the sum of
its members' gains. Any set can be done together (no two candidates change the same question:
see ``Option``). A knapsack over (effort, count) keeps the highest summed gain per state, with
actions fed in order of their time to effect, so the first cap on months at which a state reaches
the target gives the exact optimum of the ordering above under those summed gains. Tests compare
it with an exhaustive enumeration.

What it reports is never the sum: the chosen set's projection re-estimates once with all its
changes (``advice.ranking.simulate``), which is the score recording them gives. The open
questions' estimate does not move exactly additively, so a set the sum says reaches the target
may fall a point or so short: the search is then repeated with the bar raised by the shortfall
until the projection itself reaches it (or only the best set is left). Reachability and the best
score are those projections, not sums. What stays approximate (a cheaper set that only the
re-estimate carries over the target is looked for only a few points below the bar) is stated
in ``scoring.assumptions`` (``PLANNER_SEARCH_BELOW``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from advice.catalogue import ACTIONS, EFFORT_WEIGHTS, TIMING_MONTHS
from advice.feasibility import Owned, active_gates, assess
from advice.ranking import ACTION_ORDER, Projection, RankedAction, measure, project_actions, shown
from scoring import assumptions
from scoring.card import Scorecard, ScoreResult
from scoring.projection import raw_score
from scoring.questions import Answer
from scoring.structure import check

MAX_ROUNDS = 8
"""Searches with a raised bar before the planner settles for the strongest set (which reaches any goal it can)."""


@dataclass(frozen=True, slots=True)
class GoalPlan:
    """The answer to "what is the least I must do to reach ``target``?".

    ``actions`` are in the order to do them (a current overdue first, then the slowest to show,
    so everything lands as early as it can); ``best_score`` is the most any feasible set reaches.
    """

    target: int
    reachable: bool
    before: ScoreResult
    actions: tuple[RankedAction, ...]
    projection: Projection | None
    best_score: int

    @property
    def action_ids(self) -> tuple[str, ...]:
        """The planned actions' ids, in the order to do them."""
        return tuple(a.id for a in self.actions)

    @property
    def score_after(self) -> int:
        """The projected score once every planned action has shown."""
        return self.projection.score if self.projection else self.before.score

    @property
    def effort(self) -> int:
        """Total effort (``EFFORT_WEIGHTS`` summed)."""
        return sum(EFFORT_WEIGHTS[a.effort] for a in self.actions)

    @property
    def months(self) -> int:
        """Months until the slowest planned action has shown (0 with nothing to do)."""
        return max((TIMING_MONTHS[a.time_to_effect] for a in self.actions), default=0)


@dataclass(frozen=True, slots=True)
class Option:
    """One candidate for the solver: what it costs, how long it takes, what it gains.

    Any set of candidates can be done together: no two actions change one answer from the same
    value (``tests/advice/test_catalogue.py``), and an action changes an answer only from today's
    value, so no two candidates for one profile change the same question.
    """

    effort: int
    months: int
    points: float


def options_for(
    card: Scorecard, answers: dict[str, Answer], owned: Owned | None = None, before: ScoreResult | None = None
) -> list[RankedAction]:
    """Every feasible action that gains points for this profile (catalogue order), measured once."""
    before = card.score(answers) if before is None else before
    new_credit = not active_gates(answers)
    found = []
    for action in ACTIONS:
        changes, _ = assess(action, answers, owned, new_credit)
        # Any gain counts here, even under half a point: it may carry a set over the target.
        measured = measure(card, answers, before, action, changes, any_gain=True) if changes else None
        if measured is not None:
            found.append(measured)
    return found


def plan(card: Scorecard, answers: dict[str, Answer], target: int, owned: Owned | None = None) -> GoalPlan:
    """The least-effort feasible set of actions whose projected score reaches ``target``.

    ``target`` must be a whole number on the 350-950 scale (``ValueError`` otherwise); bad or
    contradictory answers raise ``InvalidAnswer`` / ``ContradictoryAnswers`` like ``rank``.
    """
    if isinstance(target, bool) or not isinstance(target, int) or not card.minimum <= target <= card.maximum:
        raise ValueError(f"target must be a whole number {card.minimum}-{card.maximum}")
    before = card.score(answers)
    check(answers)
    candidates = options_for(card, answers, owned, before)
    options = [
        Option(
            EFFORT_WEIGHTS[r.effort],
            TIMING_MONTHS[r.time_to_effect],
            r.points,
        )
        for r in candidates
    ]
    start = raw_score(card, before)
    # Clearing a current overdue is never optional: it is in every plan, whatever the target.
    required = tuple(i for i, r in enumerate(candidates) if r.action.first)
    projections: dict[tuple[int, ...], Projection | None] = {}

    def projected(chosen: tuple[int, ...]) -> Projection | None:
        """The chosen set's projection (re-estimated once with all its changes), kept per set."""
        if chosen not in projections:
            picked = sorted((candidates[i] for i in chosen), key=_do_order)
            projections[chosen] = (
                project_actions(card, answers, before, [r.action for r in picked], owned) if picked else None
            )
        return projections[chosen]

    def score_of(chosen: tuple[int, ...]) -> int:
        projection = projected(chosen)
        return before.score if projection is None else projection.score

    def search(bar: float) -> tuple[int, ...] | None:
        """The best set whose summed gains, less ``bar`` points, reach the goal."""
        return solve(options, lambda points: shown(card, start + points - bar) >= goal, required)

    most = max_points(options)
    strongest = solve(options, lambda points: points >= most - 1e-9, required) or required
    best_score = max(score_of(strongest), before.score)
    reachable = best_score >= target
    goal = target if reachable else best_score
    # The summed gains may promise a set the projection leaves a point or so short: raise the bar
    # by the shortfall until the projection itself reaches the goal (the strongest set always does).
    chosen, bar = strongest, 0.0
    for _ in range(MAX_ROUNDS):
        found = search(bar)
        if found is None:
            break
        if score_of(found) >= goal:
            chosen = found
            break
        bar += goal - score_of(found)
    # The re-estimate may also carry a cheaper set over the goal than the sums say: look a few
    # points below the bar for one whose projection reaches it.
    for slack in assumptions.PLANNER_SEARCH_BELOW:
        found = search(bar - slack)
        if (
            found is not None
            and score_of(found) >= goal
            and _key(options, found, score_of(found)) < _key(options, chosen, score_of(chosen))
        ):
            chosen = found
    # A set the sums overrated can hide a cheaper single action from the search (the solver offers
    # one set per bar). One action's projection is exactly its option's points, so every single
    # action (with what is required) is checked by its projection too.
    for i in range(len(candidates)):
        single = tuple(sorted({i, *required}))
        if score_of(single) >= goal and _key(options, single, score_of(single)) < _key(
            options, chosen, score_of(chosen)
        ):
            chosen = single
    picked = tuple(sorted((candidates[i] for i in chosen), key=_do_order))
    return GoalPlan(target, reachable, before, picked, projected(chosen), best_score)


def _key(options: Sequence[Option], chosen: Sequence[int], score: int) -> tuple[int, int, int, int]:
    """The order plans are judged in: effort, then months to show, then actions, then the higher score."""
    effort = sum(options[i].effort for i in chosen)
    months = max((options[i].months for i in chosen), default=0)
    return (effort, months, len(chosen), -score)


def _do_order(item: RankedAction) -> tuple[bool, int, int]:
    """A current overdue first, then the slowest to show, then catalogue order."""
    return (not item.action.first, -TIMING_MONTHS[item.time_to_effect], ACTION_ORDER[item.id])


def max_points(options: Sequence[Option]) -> float:
    """The most points any set of options gains (only gains above zero count)."""
    return sum(option.points for option in options if option.points > 0)


def solve(
    options: Sequence[Option], reaches: Callable[[float], bool], required: Sequence[int] = ()
) -> tuple[int, ...] | None:
    """Indexes of the best set holding ``required`` whose gain ``reaches``, or ``None``.

    Best: least total effort, then the smallest longest time to effect, then fewest options,
    then most points. ``reaches`` is a predicate on points, monotone (more never hurts).
    """
    order = sorted((i for i in range(len(options)) if i not in required), key=lambda i: options[i].months)
    held = tuple(sorted(set(required)))
    months0 = max((options[i].months for i in held), default=0)
    # (effort, count) -> (points, members): the highest gain for each cost and size.
    states: dict[tuple[int, int], tuple[float, tuple[int, ...]]] = {
        (sum(options[i].effort for i in held), len(held)): (sum(options[i].points for i in held), held)
    }
    best: tuple[tuple[int, int, int, float], tuple[int, ...]] | None = None
    caps = [months0] + [options[i].months for i in order if options[i].months > months0]
    fed = 0
    for cap in sorted(set(caps)):
        while fed < len(order) and options[order[fed]].months <= cap:
            item = options[order[fed]]
            for (effort, count), (points, members) in list(states.items()):
                key = (effort + item.effort, count + 1)
                gained = points + item.points
                kept = states.get(key)
                if kept is None or gained > kept[0]:
                    states[key] = (gained, (*members, order[fed]))
            fed += 1
        for (effort, count), (points, members) in states.items():
            if reaches(points):
                key4 = (effort, cap, count, -points)
                if best is None or key4 < best[0]:
                    best = (key4, members)
    return best[1] if best else None

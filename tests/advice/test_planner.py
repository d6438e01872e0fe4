"""The goal planner, checked against exhaustive enumeration through ``simulate`` (re-estimated projections)."""

import itertools
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from advice import ACTION_BY_ID, ACTIONS, GoalPlan, plan, rank, simulate
from advice.catalogue import EFFORT_WEIGHTS, TIMING_MONTHS
from advice.feasibility import RECORD_ACTIONS
from advice.planner import Option, options_for, solve
from scoring.card import load_scorecard
from scoring.structure import ContradictoryAnswers

from .profiles import average_with, random_profile, random_profiles

CARD = load_scorecard()


def exhaustive(profile, target):
    """The best plan by brute force: every subset of the actions that gain, scored by ``simulate``.

    Returns ``(reachable, key)`` with key = (effort, months, count, -score) of the best set, the
    order the planner promises; a current overdue's repayment is in every set.
    """
    before = CARD.score(profile).score
    gaining = [a for a in ACTIONS if simulate(CARD, profile, [a.id]).points > 0]
    required = [a for a in gaining if a.first]
    optional = [a for a in gaining if not a.first]
    results = []
    for size in range(len(optional) + 1):
        for subset in itertools.combinations(optional, size):
            chosen = [*required, *subset]
            score = simulate(CARD, profile, [a.id for a in chosen]).score if chosen else before
            effort = sum(EFFORT_WEIGHTS[a.effort] for a in chosen)
            months = max((TIMING_MONTHS[a.timing] for a in chosen), default=0)
            results.append((score, (effort, months, len(chosen), -score)))
    best = max(score for score, _ in results)
    goal = target if best >= target else best
    return best >= target, best, min(key for score, key in results if score >= goal)


def key_of(goal: GoalPlan):
    return (goal.effort, goal.months, len(goal.actions), -goal.score_after)


def test_the_planner_is_exact_on_hundreds_of_random_profiles():
    rng = random.Random(7)
    compared = 0
    while compared < 250:
        profile = random_profile(rng, answered=rng.uniform(0.3, 0.7))
        gaining = [a for a in ACTIONS if simulate(CARD, profile, [a.id]).points > 0]
        if len(gaining) > 9:  # 2^9 subsets through simulate: keeps the brute force quick
            continue
        before = CARD.score(profile).score
        target = rng.choice([before - 5, before + 1, before + rng.randint(5, 80), 950, rng.randint(350, 950)])
        target = min(950, max(350, target))
        goal = plan(CARD, profile, target)
        reachable, best, key = exhaustive(profile, target)
        assert (goal.reachable, goal.best_score) == (reachable, best), (profile, target)
        assert key_of(goal) == key, (profile, target, goal.action_ids)
        compared += 1


def test_a_plan_is_what_whatif_shows_and_reaches_its_target():
    rng = random.Random(8)
    for _ in range(150):
        profile = random_profile(rng, answered=0.9)
        target = rng.randint(450, 900)
        goal = plan(CARD, profile, target)
        if goal.actions:
            projection = simulate(CARD, profile, goal.action_ids)
            assert projection.score == goal.score_after and projection.stopped == ()
        if goal.reachable:
            assert goal.score_after >= target or goal.before.score >= target
        else:
            assert goal.score_after == goal.best_score < target
        # the order to do them: a current overdue first, then the slowest to show
        months = [TIMING_MONTHS[a.time_to_effect] for a in goal.actions if not a.action.first]
        assert months == sorted(months, reverse=True)
        assert all(a.action.first for a in goal.actions[: sum(a.action.first for a in goal.actions)])


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), answered=st.floats(0.3, 1.0))
def test_no_whatif_beats_the_planners_optimum_for_its_effort(seed, answered):
    """Whatever a what-if reaches, the planner reaches; with no more effort than any single action.

    Checked for every single action (with a current overdue's repayment, which every plan holds)
    and a few random sets: each action that changes something in the what-if is one of the
    planner's options, so the what-if is one of the sets the planner searches (an action that
    only follows another, such as Huabei on time right after clearing its overdue, would break
    this); and the planner's optimum for that score costs no more. (The what-if's points are
    its re-estimated projection, not the sum of the options' points: ``scoring.projection``.)
    """
    rng = random.Random(seed)
    profile = random_profile(rng, answered)
    owned = {q: rng.random() < 0.7 for q in RECORD_ACTIONS if rng.random() < 0.7}
    options = {r.id: r.points for r in options_for(CARD, profile, owned)}
    required = [a.id for a in ACTIONS if a.first and a.id in options]
    others = [a.id for a in ACTIONS if not a.first]
    picks = [[a] for a in others] + [rng.sample(others, rng.randint(2, 6)) for _ in range(4)]
    for picked in picks:
        projection = simulate(CARD, profile, [*required, *picked], owned)
        done = [i for i in projection.action_ids if i not in projection.not_applicable]
        assert set(done) <= set(options), (profile, picked)
        if len(done) == 1:  # one action: its projection is exactly the planner's option
            assert projection.points == pytest.approx(options[done[0]]), (profile, picked)
        effort = sum(EFFORT_WEIGHTS[ACTION_BY_ID[i].effort] for i in done)
        goal = plan(CARD, profile, projection.score, owned)
        assert goal.reachable and goal.score_after >= projection.score, (profile, picked)
        if len(done) == 1:
            # One action's projection is exact, and the planner checks each one: never cheaper.
            # A set's projection re-estimates the open questions together, which the planner's
            # additive search only approximates (``assumptions.PLANNER_SEARCH_BELOW``): a what-if
            # of several actions may, rarely, reach a score with less effort than the plan.
            assert goal.effort <= effort, (profile, picked, goal.action_ids)


def test_the_best_reachable_score_is_every_ranked_action_together():
    profile = average_with(shopping="rarely", living_bills=0, phone_consistent=False)
    advice = rank(CARD, profile)
    everything = simulate(CARD, profile, [a.id for a in advice.actions])
    goal = plan(CARD, profile, 950)
    assert not goal.reachable and goal.best_score == everything.score
    assert goal.score_after == goal.best_score


def test_a_current_overdue_is_in_every_plan_even_a_reached_target():
    profile = average_with(huabei="overdue_now")
    goal = plan(CARD, profile, 350)
    assert goal.reachable and goal.action_ids == ("repay_overdue",)
    assert goal.effort == EFFORT_WEIGHTS["medium"] and goal.months == TIMING_MONTHS["next_update"]


def test_nothing_to_do_when_the_target_is_reached():
    profile = average_with()
    goal = plan(CARD, profile, 350)
    assert goal.reachable and goal.actions == () and goal.projection is None
    assert (goal.effort, goal.months, goal.score_after) == (0, 0, goal.before.score)


@pytest.mark.parametrize("target", [349, 951, 700.5, True, "700"])
def test_a_target_off_the_scale_is_refused(target):
    with pytest.raises(ValueError):
        plan(CARD, average_with(), target)


def test_contradictory_answers_are_refused():
    with pytest.raises(ContradictoryAnswers):
        plan(CARD, {"credit_cards": "none", "card_repayment": "often_late"}, 700)


def test_no_two_candidates_of_a_profile_change_the_same_question():
    """Why the solver may take any set together (it once searched over alternatives on one question)."""
    owned = dict.fromkeys(RECORD_ACTIONS, True)
    for profile in random_profiles(400, seed=11, answered=0.9):
        changed = [c.question_id for r in options_for(CARD, profile, owned) for c in r.changes]
        assert len(changed) == len(set(changed)), profile


# ---- the solver itself ---------------------------------------------------------------------------
def brute_force(options, reaches, required):
    best = None
    for size in range(len(options) + 1):
        for subset in itertools.combinations(range(len(options)), size):
            if not set(required) <= set(subset):
                continue
            points = sum(options[i].points for i in subset)
            if reaches(points):
                key = (
                    sum(options[i].effort for i in subset),
                    max((options[i].months for i in subset), default=0),
                    len(subset),
                    -points,
                )
                best = key if best is None or key < best else best
    return best


option = st.builds(
    Option,
    effort=st.sampled_from([1, 2, 4]),
    months=st.sampled_from([1, 3, 6, 12]),
    points=st.floats(0.01, 60),
)


@settings(max_examples=300, deadline=None)
@given(options=st.lists(option, max_size=10), need=st.floats(0, 200), required=st.integers(0, 2))
def test_the_solver_matches_brute_force(options, need, required):
    required_ids = tuple(range(min(required, len(options))))
    chosen = solve(options, lambda points: points >= need, required_ids)
    expected = brute_force(options, lambda points: points >= need, required_ids)
    if expected is None:
        assert chosen is None
        return
    assert chosen is not None
    assert set(required_ids) <= set(chosen)
    points = sum(options[i].points for i in chosen)
    key = (
        sum(options[i].effort for i in chosen),
        max((options[i].months for i in chosen), default=0),
        len(chosen),
        -points,
    )
    assert key[:3] == expected[:3] and key[3] == pytest.approx(expected[3])

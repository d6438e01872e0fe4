"""Cost of ranking every action for one profile, in single ``card.score()`` calls.

Budget (issue 3): ranking all actions for one profile costs no more than 30 single scores.
Both sides are timed in this process on the same profiles, back to back in every round, and the
figure is the median of the rounds' ratios: a change of load on a shared machine hits both sides
of a round alike, so the printed ratio is stable across machines. Run: ``python benchmarks/advice_speed.py [--tiny]``
(``--tiny``: 10 profiles, 3 rounds, a smoke run the test suite makes).
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from collections.abc import Callable

from advice.catalogue import ACTIONS
from advice.ranking import rank
from scoring.card import load_scorecard
from scoring.questions import QUESTIONS, Answer
from scoring.structure import contradictions

BUDGET = 30
PROFILES = 200
ROUNDS = 41
SEED = 3


def random_profiles(count: int, seed: int) -> list[dict[str, Answer]]:
    """Profiles with about four answers in five given, each answer uniform over the levels the
    answers drawn before it allow (the advice refuses contradictory profiles)."""
    rng = random.Random(seed)
    profiles = []
    for _ in range(count):
        profile: dict[str, Answer] = {}
        for q in QUESTIONS:
            if rng.random() < 0.8:
                profile[q.id] = rng.choice([v for v in q.levels if not contradictions({**profile, q.id: v})])
        profiles.append(profile)
    return profiles


def seconds(work: Callable[[], object]) -> float:
    """CPU time this process spends on one run of ``work``.

    Not wall time: on a shared machine a long batch (the rankings) is preempted by other
    processes far more often than a short one (the scores), which inflated the ratio with the
    load (33x on a quiet machine, 145x at a load average of 8, for the same code).
    """
    start = time.process_time()
    work()
    return time.process_time() - start


def median_ratio(slow: Callable[[], object], fast: Callable[[], object], rounds: int = ROUNDS) -> float:
    """Median over ``rounds`` of ``slow``'s time over ``fast``'s, the two timed back to back each round.

    Two medians taken one after the other can each meet a different load on a shared machine (the
    ratio then swung from 33x to 145x between runs); within one round both sides meet the same.
    """
    return statistics.median(seconds(slow) / seconds(fast) for _ in range(rounds))


def main() -> None:
    """Print the ranking cost in score() calls, for random profiles and for the worst case."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tiny", action="store_true", help="a smoke run: 10 profiles, 3 rounds")
    args = parser.parse_args()
    count, rounds = (10, 3) if args.tiny else (PROFILES, ROUNDS)
    if args.tiny:
        print("--tiny: a smoke run; the figures and verdicts below mean nothing at this size")
    card = load_scorecard()
    profiles = random_profiles(count, SEED)
    # Every action applies and moves the score: the most scoring calls a ranking can need.
    every_action = dict(
        card.worst_answers(),
        huabei="late_often",
        loans="late",
        credit_cards="one_two",
        card_repayment="sometimes_late",
        living_bills=2,
        bill_address="differs",
        income="high_stable",
        account_age="gt10",
    )

    def score_all(batch: list[dict[str, Answer]]) -> None:
        for answers in batch:
            card.score(answers)

    def rank_all(batch: list[dict[str, Answer]]) -> None:
        for answers in batch:
            rank(card, answers)

    rank_all(profiles)  # warm up caches
    random_ratio = median_ratio(lambda: rank_all(profiles), lambda: score_all(profiles), rounds)
    worst_batch = [every_action] * count
    worst_ratio = median_ratio(lambda: rank_all(worst_batch), lambda: score_all(worst_batch), rounds)

    # Every estimate a ranking makes: whole scores, and the projections' lean log-odds.
    calls = 0
    score, log_odds = card.score, card.log_odds

    def counting_score(answers: dict[str, Answer]) -> object:
        nonlocal calls
        calls += 1
        return score(answers)

    def counting_log_odds(answers: dict[str, Answer]) -> float:
        nonlocal calls
        calls += 1
        return log_odds(answers)

    card.score = counting_score  # type: ignore[method-assign,assignment]
    card.log_odds = counting_log_odds  # type: ignore[method-assign]
    most_calls = 0
    for answers in [*profiles, every_action]:
        calls = 0
        rank(card, answers)
        most_calls = max(most_calls, calls)
    card.score, card.log_odds = score, log_odds  # type: ignore[method-assign]

    applying = len(rank(card, every_action).actions)
    print(f"rank/score, {count} random profiles, median of {rounds} rounds: {random_ratio:.1f}x, budget {BUDGET}x")
    print(f"rank/score, profile where {applying} of {len(ACTIONS)} actions gain: {worst_ratio:.1f}x, budget {BUDGET}x")
    print(f"most estimates (score() or log_odds()) inside one rank(): {most_calls}")
    verdict = "within" if max(random_ratio, worst_ratio) <= BUDGET else "OVER"
    print(f"{verdict} budget")


if __name__ == "__main__":
    main()

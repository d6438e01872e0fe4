"""How honest is the estimate? Coverage, width and point error against the synthetic truth.

A fresh synthetic population (a seed no training run uses) knows every person's true score
(``population.generate``'s ``true_score``). Each person is scored three ways: with only the
quick check's 10 answers, with a random subset of answers (each person answers a random share
of the questions), and complete. For each, two estimates side by side:

- before: unanswered questions filled with the population average, and the range "unanswered
  at their worst / best, plus 25 points of model error" (the method before issue 7);
- after: unanswered questions estimated from the answered ones (``scoring.estimate``), and a
  90 % prediction interval whose model error is measured at training time.

Figures: coverage (share of true scores inside the range; target 88-92 % after), median width
(target after the quick check: at most 160), RMS point error (target after the quick check: at
least 20 % below 37.7). Then the time per profile of the estimate next to a complete profile's
``card.score``, and ``score_many`` per row.

Run: ``python benchmarks/estimate_quality.py [--rows N] [--tiny]``
"""

from __future__ import annotations

import argparse
import statistics
import timeit

import numpy as np
import pandas as pd

from scoring import population, quality
from scoring.card import Scorecard, load_scorecard
from scoring.questions import QUICK_IDS

#: A seed no training run uses.
SEED = 424_242
#: The margin the range used to add by hand.
OLD_MARGIN = 25


def before(card: Scorecard, answers: pd.DataFrame) -> pd.DataFrame:
    """The old estimate: population averages for the gaps, best/worst range plus 25 points."""
    n = len(answers)
    log_odds = np.full(n, card.intercept)
    answered_points = np.zeros(n)
    open_top = np.zeros(n)
    for qid, table in card.tables.items():
        values = answers[qid]
        given = values.notna().to_numpy()
        lut = values.map(lambda v, t=table: t.get(v, np.nan)).to_numpy(dtype=float)
        log_odds += np.where(given, lut, card.missing[qid])
        answered_points += np.where(given, card.factor * lut, 0.0)
        open_top += np.where(given, 0.0, card.factor * max(table.values()))

    def clip(raw: np.ndarray) -> np.ndarray:
        return np.clip(np.round(raw), card.minimum, card.maximum)

    return pd.DataFrame(
        {
            "score": clip(card.offset + card.factor * log_odds),
            "low": clip(card.base + answered_points - OLD_MARGIN),
            "high": clip(card.base + answered_points + open_top + OLD_MARGIN),
        }
    )


def compare(card: Scorecard, rows: int) -> dict[str, dict[str, dict[str, float]]]:
    """Before and after, for each kind of profile."""
    frame = population.generate(rows, SEED)
    out: dict[str, dict[str, dict[str, float]]] = {}
    for kind in quality.PROFILE_SETS:
        answers = quality.partial_answers(population.answers_of(frame), kind, SEED)
        old = before(card, answers).assign(true_score=frame["true_score"].to_numpy())
        new = quality.errors(card, frame, kind, SEED)
        out[kind] = {"before": quality.summary(old), "after": quality.summary(new)}
    return out


def timings(card: Scorecard, rounds: int, number: int) -> dict[str, float]:
    """Microseconds per profile: complete, quick check, score_many per row (quick check)."""
    frame = population.answers_of(population.generate(200, SEED + 1))
    complete = {k: (v.item() if hasattr(v, "item") else v) for k, v in frame.iloc[0].items()}
    quick = {qid: complete[qid] for qid in QUICK_IDS}
    table = quality.partial_answers(frame, "quick", SEED)
    runs: dict[str, list[float]] = {"complete": [], "quick": [], "score_many": []}
    for _ in range(rounds):
        runs["complete"].append(timeit.timeit(lambda: card.score(complete), number=number) / number)
        runs["quick"].append(timeit.timeit(lambda: card.score(quick), number=number) / number)
        runs["score_many"].append(timeit.timeit(lambda: card.score_many(table), number=1) / len(table))
    return {key: statistics.median(values) * 1e6 for key, values in runs.items()}


def main() -> None:
    """Print the before/after table and the timings."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--tiny", action="store_true", help="a few hundred rows: the test suite's smoke run")
    args = parser.parse_args()
    rows, rounds, number = (300, 3, 20) if args.tiny else (args.rows, 15, 2000)
    if args.tiny:
        print("--tiny: a smoke run; the figures and verdicts below mean nothing at this size")
    card = load_scorecard()
    print(f"Estimate quality on {rows:,} fresh synthetic profiles (seed {SEED}), model {card.version}")
    print(f"{'profiles':8s} {'':7s} {'coverage':>9s} {'median width':>13s} {'point error':>12s}")
    results = compare(card, rows)
    for kind, pair in results.items():
        for when, figures in pair.items():
            print(
                f"{kind:8s} {when:7s} {figures['coverage'] * 100:8.1f}% {figures['median_width']:13.0f} "
                f"{figures['point_error']:12.1f}"
            )
    quick = results["quick"]["after"]
    checks = {
        "coverage 88-92 % (each kind)": all(0.88 <= p["after"]["coverage"] <= 0.92 for p in results.values()),
        "quick-check median width <= 160": quick["median_width"] <= 160,
        "quick-check point error <= 0.8 x 37.7": quick["point_error"] <= 0.8 * 37.7,
    }
    for name, met in checks.items():
        print(f"  target {name}: {'met' if met else 'MISSED'}")
    times = timings(card, rounds, number)
    print("Time per profile (medians):")
    print(f"  card.score, complete profile (no estimate needed): {times['complete']:8.2f} us")
    print(f"  card.score, quick check (estimate of 17 open):     {times['quick']:8.2f} us")
    print(f"  card.score_many, quick check, per row:             {times['score_many']:8.2f} us")


if __name__ == "__main__":
    main()

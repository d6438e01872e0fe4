"""Speed and agreement of the compiled scorecard against the fitted scikit-learn estimator.

The product scores without scikit-learn: training compiles the model into per-question points
tables (``scoring/data/scorecard.json``). This measures, in one run, against baselines timed in
the same process:

(a) ``card.score(answers)`` for one full profile (the score, band and range; dimensions and
    reasons are computed when first read, so they are timed apart) against the bare
    ``LogisticRegression.predict_proba`` of the fitted estimator on one row that is already
    encoded (target: at least 20x faster). Both are timed in interleaved rounds and compared by
    their medians, so a slow moment of the machine hits both. Next to it, a quick-check profile
    (10 answers): ``card.score`` then adds the conditional estimate of the 17 unanswered ones.
(b) ``card.score_many`` on a DataFrame of 1,000,000 synthetic answer rows, complete and with
    30 % of the answers missing, next to the sklearn path (encoder + ``predict_proba``) on the
    same rows. Complete rows: target at least 500,000 profiles/s. Partial rows carry the
    conditional estimate, which the sklearn path does not (it fills population averages).
(c) The largest log-odds difference between both card paths and the sklearn path (the
    ``trainer.log_odds_good`` of the packaged skops estimator) over complete profiles (target:
    at most 1e-9). On partial profiles the two differ by design.

Run: ``python benchmarks/scoring_speed.py [--rows N] [--rounds N] [--tiny]`` (``--tiny``: a smoke run, no figures
worth reading; the test suite runs it).
"""

from __future__ import annotations

import argparse
import statistics
import time
import timeit
from collections.abc import Callable

import numpy as np
import pandas as pd

from scoring import population
from scoring.card import load_scorecard
from scoring.questions import QUESTIONS, QUICK_IDS, Answer
from scoring.train import ESTIMATOR_FILE, load_estimator, packaged_folder

#: Not the training seed, so the profiles are not the ones the model was fitted on.
SEED = 7


def python_profile(row: pd.Series) -> dict[str, Answer]:
    """One DataFrame row as the plain dict of answers the bot passes to ``card.score``."""
    return {key: value.item() if hasattr(value, "item") else value for key, value in row.items()}


def with_missing(table: pd.DataFrame, share: float, seed: int) -> pd.DataFrame:
    """A copy of ``table`` with about ``share`` of its answers removed (NA), column by column."""
    rng = np.random.default_rng(seed)
    out = table.copy()
    for column in out.columns:
        mask = rng.random(len(out)) < share
        out[column] = out[column].astype(object).where(~mask, None)
    return out


def per_call(func: Callable[[], object], number: int) -> float:
    """Seconds per call of ``func`` over one timing round."""
    return timeit.timeit(func, number=number) / number


def single_profile(rounds: int) -> None:
    """(a) one profile: card.score against bare predict_proba on an encoded row."""
    card = load_scorecard()
    trainer = load_estimator(packaged_folder() / ESTIMATOR_FILE)
    frame = population.answers_of(population.generate(2, SEED))
    profile = python_profile(frame.iloc[0])
    worst = card.worst_answers()
    logistic = trainer.model_.estimator_
    encoded_row = trainer.encoder_.transform(pd.DataFrame([profile]))[:, trainer.model_.keep_]
    assert encoded_row.shape == (1, logistic.coef_.shape[1])
    quick = {qid: profile[qid] for qid in QUICK_IDS}
    number = 2000 if rounds > 3 else 50
    timings: dict[str, list[float]] = {"card": [], "worst": [], "sklearn": [], "details": [], "quick": []}
    for _ in range(rounds):
        timings["card"].append(per_call(lambda: card.score(profile), number))
        timings["worst"].append(per_call(lambda: card.score(worst), number))
        timings["sklearn"].append(per_call(lambda: logistic.predict_proba(encoded_row), max(1, number // 10)))
        timings["details"].append(
            per_call(lambda: card.score(profile).reasons and card.score(profile).dimensions, number // 2)
        )
        timings["quick"].append(per_call(lambda: card.score(quick), max(1, number // 4)))
    median = {key: statistics.median(values) for key, values in timings.items()}
    print("(a) one full profile (27 answers)")
    print(f"    card.score, typical profile:                   {median['card'] * 1e6:8.2f} us")
    print(f"    card.score, worst profile:                     {median['worst'] * 1e6:8.2f} us")
    print(f"    LogisticRegression.predict_proba, encoded row: {median['sklearn'] * 1e6:8.2f} us")
    ratio, worst_ratio = median["sklearn"] / median["card"], median["sklearn"] / median["worst"]
    print(
        f"    speed ratio (sklearn / card): {ratio:.1f}x typical, {worst_ratio:.1f}x worst "
        f"(target >= 20x: {'met' if min(ratio, worst_ratio) >= 20 else 'MISSED'}); "
        f"medians of {rounds} interleaved rounds"
    )
    print(
        f"    reading dimensions and reasons too (twice the score call, as a reply does): "
        f"{median['details'] * 1e6:8.2f} us"
    )
    print(
        f"    card.score on a quick-check profile (10 answers + the conditional estimate of 17): "
        f"{median['quick'] * 1e6:8.2f} us = {median['sklearn'] / median['quick']:.1f}x predict_proba"
    )


def many_profiles(rows: int) -> pd.DataFrame:
    """(b) score_many throughput, complete and partial, against the sklearn path."""
    card = load_scorecard()
    trainer = load_estimator(packaged_folder() / ESTIMATOR_FILE)
    complete = population.answers_of(population.generate(rows, SEED))
    partial = with_missing(complete, 0.3, SEED)
    print(f"(b) score_many on {rows:,} synthetic answer rows")
    for name, table in (("complete", complete), ("30% missing", partial)):
        seconds = []
        for _ in range(3):
            started = time.perf_counter()
            card.score_many(table)
            seconds.append(time.perf_counter() - started)
        rate = rows / min(seconds)
        chunk = table.iloc[:100_000]
        started = time.perf_counter()
        trainer.model_.estimator_.predict_proba(trainer.encoder_.transform(chunk)[:, trainer.model_.keep_])
        sklearn_rate = len(chunk) / (time.perf_counter() - started)
        target = f" (target >= 500,000: {'met' if rate >= 500_000 else 'MISSED'})" if name == "complete" else ""
        print(
            f"    {name:12s} {rate:12,.0f} profiles/s{target}"
            f"; sklearn encode + predict_proba {sklearn_rate:12,.0f}/s; ratio {rate / sklearn_rate:.1f}x"
        )
    return complete


def agreement(complete: pd.DataFrame) -> None:
    """(c) the largest |log-odds| difference between the card paths and the sklearn path."""
    card = load_scorecard()
    trainer = load_estimator(packaged_folder() / ESTIMATOR_FILE)
    sample = complete.iloc[:100_000]
    sklearn_lo = trainer.log_odds_good(sample)
    many_lo = card.score_many(sample)["log_odds"].to_numpy()
    one_by_one = sample.iloc[:20_000]
    ids = [q.id for q in QUESTIONS]
    single_lo = np.array(
        [
            card.score({k: v for k, v in zip(ids, row, strict=True) if v is not None}).log_odds
            for row in one_by_one.itertuples(index=False)
        ]
    )
    many_gap = float(np.max(np.abs(many_lo - sklearn_lo)))
    single_gap = float(np.max(np.abs(single_lo - sklearn_lo[: len(one_by_one)])))
    print("(c) agreement with the sklearn estimator (complete profiles)")
    print(
        f"    max |log-odds difference|: score_many {many_gap:.2e} over {len(sample):,} rows, "
        f"score {single_gap:.2e} over {len(one_by_one):,} profiles "
        f"(target <= 1e-9: {'met' if max(many_gap, single_gap) <= 1e-9 else 'MISSED'})"
    )


def main() -> None:
    """Run (a), (b) and (c) and print them."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=31)
    parser.add_argument("--tiny", action="store_true", help="a smoke run: 2,000 rows, 3 rounds")
    args = parser.parse_args()
    if args.tiny:
        args.rows, args.rounds = 2_000, 3
        print("--tiny: a smoke run; the figures and verdicts below mean nothing at this size")
    single_profile(args.rounds)
    complete = many_profiles(args.rows)
    agreement(complete)


if __name__ == "__main__":
    main()

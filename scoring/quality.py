"""How good the estimate is, measured on a fresh synthetic population against the true score.

The population knows each person's true score (``population.generate``'s ``true_score``), so
the estimate can be checked the way a forecaster is: how often the range holds the truth
(coverage), how wide it is, and how far the point estimate lands (RMS error). Three kinds of
profile: the quick check's questions only, random subsets (each person answers a random share
of the questions), and complete profiles. Training stores the figures in the model card.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from scoring import population
from scoring.questions import QUICK_IDS

if TYPE_CHECKING:
    from scoring.card import Scorecard

#: The kinds of profile measured, in the order they are shown.
PROFILE_SETS: tuple[str, ...] = ("quick", "random", "full")


def partial_answers(answers: pd.DataFrame, kind: str, seed: int) -> pd.DataFrame:
    """The answers a person of ``kind`` gave: the rest set to NA.

    ``random``: each person answers each question with their own probability, drawn uniformly,
    so every amount of answering from almost none to all is represented.
    """
    table = answers.astype(object)
    if kind == "full":
        return table
    if kind == "quick":
        for column in table.columns:
            if column not in QUICK_IDS:
                table[column] = None
        return table
    if kind == "random":
        rng = np.random.default_rng(seed)
        keep = rng.random(len(table))[:, None]
        return table.mask(rng.random(table.shape) >= keep)
    raise ValueError(f"unknown profile set {kind!r}")


def errors(card: Scorecard, frame: pd.DataFrame, kind: str, seed: int) -> pd.DataFrame:
    """Scores, ranges and the true score of every person in ``frame``, answered as ``kind``."""
    scored = card.score_many(partial_answers(population.answers_of(frame), kind, seed))
    scored["true_score"] = frame["true_score"].to_numpy()
    return scored


def summary(scored: pd.DataFrame) -> dict[str, float]:
    """Coverage, median width and RMS point error of a scored table."""
    true = scored["true_score"].to_numpy()
    # Shown scores and ranges are whole points; the truth is not, so it is compared rounded.
    inside = (scored["low"] <= np.round(true)) & (np.round(true) <= scored["high"])
    return {
        "coverage": round(float(inside.mean()), 3),
        "median_width": round(float(np.median(scored["high"] - scored["low"])), 1),
        "point_error": round(float(np.sqrt(np.mean((scored["score"].to_numpy() - true) ** 2))), 1),
    }


def estimate_quality(card: Scorecard, frame: pd.DataFrame, seed: int) -> dict[str, Any]:
    """The three figures for each kind of profile, on ``frame`` (a fresh population)."""
    return {kind: summary(errors(card, frame, kind, seed)) for kind in PROFILE_SETS}


def model_error(card: Scorecard, frame: pd.DataFrame) -> dict[str, float]:
    """How far complete profiles land from the true score: RMS and the 90 % quantile (points).

    Measured on the unclipped scale, so the floor at 350 does not hide errors.
    """
    scored = card.score_many(population.answers_of(frame))
    raw = card.offset + card.factor * scored["log_odds"].to_numpy()
    scale = frame["true_score"].to_numpy()
    inside = (scale > card.minimum) & (scale < card.maximum)
    gap = np.abs(raw - scale)[inside]
    return {
        "rms": round(float(np.sqrt(np.mean(gap**2))), 2),
        "q90": round(float(np.quantile(gap, 0.9)), 2),
        "rows": int(inside.sum()),
    }

"""The synthetic population the scorecard learns from, since Ant's data is private.

Answers are drawn through a Gaussian copula: two latent traits (engagement with Alipay and
financial stability) make answers correlate the way they do in life, while every question's
answer shares match ``assumptions.ANSWER_SHARES`` exactly in expectation. Default is then a
logistic process whose per-dimension log-odds spans are the seed's 35/25/20/15/5 weights, so
a well-fitted scorecard recovers those weights as its achieved dimension shares.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.special import expit, ndtr

from scoring import assumptions
from scoring.questions import QUESTIONS, Question


def level_positions(question: Question) -> np.ndarray:
    """Each answer's place between the least (0) and the most (1) favourable one."""
    positions = assumptions.LEVEL_POSITIONS.get(question.id)
    if positions is None:
        positions = tuple(np.linspace(0.0, 1.0, len(question.levels)))
    if len(positions) != len(question.levels):
        raise ValueError(f"LEVEL_POSITIONS[{question.id}] needs {len(question.levels)} entries")
    return np.asarray(positions, dtype=float)


def true_log_odds_spans() -> dict[str, float]:
    """Log-odds each question can move in the true default process (weights x span)."""
    by_dimension: dict[str, float] = {}
    for q in QUESTIONS:
        by_dimension[q.dimension] = by_dimension.get(q.dimension, 0.0) + assumptions.QUESTION_WEIGHTS[q.id]
    return {
        q.id: assumptions.TRUE_LOG_ODDS_SPAN
        * assumptions.DIMENSION_WEIGHTS[q.dimension]
        * assumptions.QUESTION_WEIGHTS[q.id]
        / by_dimension[q.dimension]
        for q in QUESTIONS
    }


def sample_codes(rows: int, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Draw answer level indexes (0 = least favourable) for ``rows`` synthetic users."""
    traits = rng.standard_normal((rows, 2))
    codes: dict[str, np.ndarray] = {}
    for q in QUESTIONS:
        a, b = assumptions.LATENT_LOADINGS[q.id]
        own = np.sqrt(max(0.0, 1.0 - a * a - b * b))
        latent = a * traits[:, 0] + b * traits[:, 1] + own * rng.standard_normal(rows)
        shares = np.asarray(assumptions.ANSWER_SHARES[q.id], dtype=float)
        cuts = np.cumsum(shares / shares.sum())[:-1]
        codes[q.id] = np.searchsorted(cuts, ndtr(latent), side="right").astype(np.int8)
    return codes


def true_log_odds(codes: dict[str, np.ndarray]) -> np.ndarray:
    """Log-odds of being a good payer under the assumed (true) default process."""
    spans = true_log_odds_spans()
    total = np.full(len(next(iter(codes.values()))), assumptions.WORST_LOG_ODDS)
    for q in QUESTIONS:
        total += spans[q.id] * level_positions(q)[codes[q.id]]
    return total


def generate(rows: int = assumptions.TRAIN_ROWS, seed: int = assumptions.TRAIN_SEED) -> pd.DataFrame:
    """A table of answers (one column per question id) and the outcome column ``bad``."""
    rng = np.random.default_rng(seed)
    codes = sample_codes(rows, rng)
    bad = (rng.random(rows) >= expit(true_log_odds(codes))).astype(np.int8)
    table = {q.id: _values(q, codes[q.id]) for q in QUESTIONS}
    frame = pd.DataFrame(table)
    frame["bad"] = bad
    return frame


def _values(question: Question, codes: np.ndarray) -> pd.Series:
    levels = np.asarray(question.levels, dtype=object)
    if question.kind == "bool":
        return pd.Series(codes.astype(bool))
    if question.kind == "number":
        return pd.Series(codes.astype(np.int64) + question.minimum)
    return pd.Series(levels[codes], dtype=object)

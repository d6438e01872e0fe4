"""The synthetic population the scorecard learns from, since Ant's data is private.

Answers are drawn through a Gaussian copula: two latent traits (engagement with Alipay and
financial stability) make answers correlate the way they do in life, while every question's
answer shares match ``assumptions.ANSWER_SHARES`` in expectation. The answer structure
(``scoring.structure``) holds in every row: an answer an earlier one settles is set, and the
other rows draw from the shares left over (so "no cards" and "no card repayment record" are
one event, as in life). Default is then a logistic process whose per-dimension log-odds spans
are the seed's 35/25/20/15/5 weights, so a well-fitted scorecard recovers those weights as its
achieved dimension shares.

``answer_probabilities`` is the same draw written as probabilities given the latent traits:
the estimate of unanswered questions (``scoring.estimate``) reads the population through it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.special import expit, ndtr, ndtri

from scoring import assumptions
from scoring.questions import QUESTION_BY_ID, QUESTIONS, Question
from scoring.structure import LINKS, Link

#: The columns ``generate`` adds after the answers: the outcome and the true score.
OUTCOME_COLUMNS: tuple[str, ...] = ("bad", "true_score")

#: Gauss-Hermite nodes for averaging over the unseen part of the log-odds.
_UNSEEN_NODES = 24


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


_ORDER = {q.id: i for i, q in enumerate(QUESTIONS)}


def settling_links(question: Question) -> tuple[Link, ...]:
    """Links by which an earlier question (in questionnaire order) settles this one."""
    return tuple(k for k in LINKS if k.then_id == question.id and _ORDER[k.when_id] < _ORDER[question.id])


def shares(question: Question) -> np.ndarray:
    """The assumed answer shares of a question, normalised."""
    values = np.asarray(assumptions.ANSWER_SHARES[question.id], dtype=float)
    normalised: np.ndarray = values / values.sum()
    return normalised


def unsettled_shares(question: Question) -> np.ndarray:
    """Answer shares among the rows no earlier answer settles.

    The settled rows already hold their share of the settled answer; an answer that would
    settle an earlier question the other way (a card repayment record of "no cards" beside
    cards) cannot occur in them. What is left is renormalised, so the marginal shares stay
    the assumed ones.
    """
    left = shares(question).copy()
    for link in settling_links(question):
        when = QUESTION_BY_ID[link.when_id]
        settled_share = shares(when)[when.index(link.when_value)]
        index = question.index(link.then_value)
        left[index] = min(left[index], shares(question)[index] - settled_share)
    for link in LINKS:
        if link.when_id == question.id and _ORDER[link.then_id] < _ORDER[question.id]:
            left[question.index(link.when_value)] = 0.0
    left = np.clip(left, 0.0, None)
    normalised: np.ndarray = left / left.sum()
    return normalised


def own_weight(question: Question) -> float:
    """The weight of a question's own noise next to its two latent loadings."""
    a, b = assumptions.LATENT_LOADINGS[question.id]
    return float(np.sqrt(max(0.0, 1.0 - a * a - b * b)))


def answer_probabilities(question: Question, traits: np.ndarray) -> np.ndarray:
    """P(answer level | traits) for rows no earlier answer settles; shape (len(traits), levels).

    The draw in ``sample_codes`` written as probabilities: the latent answer is normal around
    the loadings times the traits, cut where the unsettled shares put their boundaries.
    """
    a, b = assumptions.LATENT_LOADINGS[question.id]
    centre = a * traits[:, 0] + b * traits[:, 1]
    cuts = ndtri(np.clip(np.cumsum(unsettled_shares(question))[:-1], 0.0, 1.0))
    below = ndtr((cuts[None, :] - centre[:, None]) / own_weight(question))
    cumulative = np.hstack([np.zeros((len(traits), 1)), below, np.ones((len(traits), 1))])
    return np.clip(np.diff(cumulative, axis=1), 0.0, 1.0)


def sample_codes(rows: int, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Draw answer level indexes (0 = least favourable) for ``rows`` synthetic users."""
    traits = rng.standard_normal((rows, 2))
    codes: dict[str, np.ndarray] = {}
    for q in QUESTIONS:
        a, b = assumptions.LATENT_LOADINGS[q.id]
        latent = a * traits[:, 0] + b * traits[:, 1] + own_weight(q) * rng.standard_normal(rows)
        cuts = np.cumsum(unsettled_shares(q))[:-1]
        code = np.searchsorted(cuts, ndtr(latent), side="right").astype(np.int8)
        for link in settling_links(q):
            settled = codes[link.when_id] == QUESTION_BY_ID[link.when_id].index(link.when_value)
            code[settled] = q.index(link.then_value)
        codes[q.id] = code
    return codes


def true_log_odds(codes: dict[str, np.ndarray]) -> np.ndarray:
    """Log-odds of being a good payer that the answers account for (without the unseen part)."""
    spans = true_log_odds_spans()
    total = np.full(len(next(iter(codes.values()))), assumptions.WORST_LOG_ODDS)
    for q in QUESTIONS:
        total += spans[q.id] * level_positions(q)[codes[q.id]]
    return total


def good_probability(codes: dict[str, np.ndarray]) -> np.ndarray:
    """P(good | answers): the default process averaged over its unseen part (no draw, no noise)."""
    nodes, weights = np.polynomial.hermite_e.hermegauss(_UNSEEN_NODES)
    weights = weights / weights.sum()
    log_odds = true_log_odds(codes)
    probability: np.ndarray = expit(log_odds[:, None] + assumptions.UNSEEN_LOG_ODDS_SD * nodes[None, :]) @ weights
    return probability


def true_score(log_odds: np.ndarray) -> np.ndarray:
    """True log-odds of good on the 350-950 score scale (clipped like every shown score)."""
    scale = assumptions.SCALE
    factor = scale.pdo / np.log(2)
    offset = scale.base_score - factor * np.log(scale.base_odds)
    score: np.ndarray = np.clip(offset + factor * log_odds, scale.minimum, scale.maximum)
    return score


def generate(rows: int = assumptions.TRAIN_ROWS, seed: int = assumptions.TRAIN_SEED) -> pd.DataFrame:
    """A table of answers (one column per question id), the outcome ``bad`` and ``true_score``.

    A person's log-odds of repaying are what their answers account for plus the unseen part
    (``assumptions.UNSEEN_LOG_ODDS_SD``); ``bad`` is drawn from them, and ``true_score`` is the
    same log-odds on the score scale: what a perfect estimate would say, against which
    coverage and error are measured.
    """
    rng = np.random.default_rng(seed)
    codes = sample_codes(rows, rng)
    log_odds = true_log_odds(codes) + assumptions.UNSEEN_LOG_ODDS_SD * rng.standard_normal(rows)
    bad = (rng.random(rows) >= expit(log_odds)).astype(np.int8)
    table = {q.id: _values(q, codes[q.id]) for q in QUESTIONS}
    frame = pd.DataFrame(table)
    frame["bad"] = bad
    frame["true_score"] = true_score(log_odds)
    return frame


def codes_of(answers: pd.DataFrame) -> dict[str, np.ndarray]:
    """Level indexes (0 = least favourable) of a table of complete answers."""
    return {q.id: answers[q.id].map({v: i for i, v in enumerate(q.levels)}).to_numpy(dtype=np.int64) for q in QUESTIONS}


def answers_of(frame: pd.DataFrame) -> pd.DataFrame:
    """The answer columns of a generated table, without the outcome and the true score."""
    return frame.drop(columns=[c for c in OUTCOME_COLUMNS if c in frame.columns])


def _values(question: Question, codes: np.ndarray) -> pd.Series:
    levels = np.asarray(question.levels, dtype=object)
    if question.kind == "bool":
        return pd.Series(codes.astype(bool))
    if question.kind == "number":
        return pd.Series(codes.astype(np.int64) + question.minimum)
    return pd.Series(levels[codes], dtype=object)

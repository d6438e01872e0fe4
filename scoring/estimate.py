"""What the unanswered questions are likely worth, given the answered ones.

The population's answers correlate through two latent traits (``scoring.population``): someone
overdue on Huabei now probably has an irregular income too. So instead of filling an unanswered
question with the population average, the estimate asks what people who gave the same answers
would answer:

1. A posterior over the two traits on a small grid: the standard-normal prior times the
   probability of every given answer at each grid point.
2. For every unanswered question, the expected log-odds its answer adds, and the variance of
   that, at each grid point, averaged over the posterior (the law of total variance adds the
   spread between grid points).

Answers the structure settles (``scoring.structure``) are known exactly: questions linked to
each other are handled as one group whose joint answer states are enumerated, so "no credit
card" leaves no doubt about the card repayment record and the card bills. Every answer
pattern of every group is precomputed, so estimating one profile costs a few array sums.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from scoring import population
from scoring.questions import QUESTION_BY_ID, QUESTIONS, Answer
from scoring.structure import LINKS

#: Grid points per latent trait (the grid holds this squared). 15 keeps the estimate within a
#: fraction of a point of a 41 x 41 grid (``tests/scoring/test_estimate.py``) at a few
#: microseconds per profile.
GRID_SIDE = 15
#: The grid spans this many standard deviations either side of 0 on each trait.
GRID_REACH = 4.0
#: Below this, a likelihood is treated as zero (log of 0 would poison the sums).
TINY = 1e-300


def trait_grid(side: int = GRID_SIDE, reach: float = GRID_REACH) -> tuple[np.ndarray, np.ndarray]:
    """Grid points over the two traits and their log prior weights (standard normal)."""
    axis = np.linspace(-reach, reach, side)
    first, second = np.meshgrid(axis, axis, indexing="ij")
    points = np.column_stack([first.ravel(), second.ravel()])
    log_prior = -0.5 * (points**2).sum(axis=1)
    return points, log_prior - np.log(np.exp(log_prior).sum())


def question_groups() -> tuple[tuple[str, ...], ...]:
    """Questions joined by a link form one group; every other question is a group of its own.

    Groups come in questionnaire order, members in questionnaire order.
    """
    order = {q.id: i for i, q in enumerate(QUESTIONS)}
    leader = {q.id: q.id for q in QUESTIONS}

    def find(question_id: str) -> str:
        while leader[question_id] != question_id:
            question_id = leader[question_id]
        return question_id

    for link in LINKS:
        a, b = find(link.when_id), find(link.then_id)
        if a != b:
            leader[max(a, b, key=order.__getitem__)] = min(a, b, key=order.__getitem__)
    groups: dict[str, list[str]] = {}
    for q in QUESTIONS:
        groups.setdefault(find(q.id), []).append(q.id)
    return tuple(tuple(members) for members in groups.values())


@dataclass(frozen=True)
class Posterior:
    """What one profile's answers say about the traits: weights on the grid, per group rows.

    ``open_mean`` and ``open_variance`` are, at each grid point, the mean and variance of the
    log-odds the unanswered questions add.
    """

    weights: np.ndarray
    rows: tuple[int, ...]
    open_mean: np.ndarray
    open_variance: np.ndarray


class ConditionalEstimate:
    """Precomputed likelihoods and conditional moments for every answer pattern of every group.

    ``tables`` are the scorecard's log-odds per answer: the estimate is of the points *this*
    card would give the unanswered questions, so it is computed in the card's own units.
    """

    def __init__(self, tables: Mapping[str, Mapping[Answer, float]], side: int = GRID_SIDE) -> None:
        self.points, self.log_prior = trait_grid(side)
        self.groups = question_groups()
        self.group_of = {qid: g for g, members in enumerate(self.groups) for qid in members}
        self.patterns: list[dict[tuple[Answer | None, ...], int]] = []
        #: Where each group's patterns start in the stacked arrays, and the mixed radix of the
        #: pattern index (a member's level + 1, 0 = unanswered), for vectorised lookups.
        self.offsets: list[int] = []
        self.radices: list[tuple[int, ...]] = []
        log_likelihood: list[np.ndarray] = []
        mean: list[np.ndarray] = []
        variance: list[np.ndarray] = []
        for members in self.groups:
            self.offsets.append(len(log_likelihood))
            levels = [QUESTION_BY_ID[m].levels for m in members]
            self.radices.append(tuple(int(np.prod([len(x) + 1 for x in levels[i + 1 :]])) for i in range(len(levels))))
            states, probability = self._states(members)
            log_odds = np.array([[tables[m][v] for m, v in zip(members, state, strict=True)] for state in states])
            index: dict[tuple[Answer | None, ...], int] = {}
            for pattern in itertools.product(*[(None, *x) for x in levels]):
                index[pattern] = len(log_likelihood)
                ll, m, v = self._moments(pattern, states, probability, log_odds)
                log_likelihood.append(ll)
                mean.append(m)
                variance.append(v)
            self.patterns.append(index)
        self.log_likelihood = np.array(log_likelihood)
        self.mean = np.array(mean)
        self.variance = np.array(variance)

    def _states(self, members: Sequence[str]) -> tuple[list[tuple[Answer, ...]], np.ndarray]:
        """Every consistent joint answer of a group and its probability at each grid point."""
        probabilities = {m: population.answer_probabilities(QUESTION_BY_ID[m], self.points) for m in members}
        states, rows = [], []
        for state in itertools.product(*[QUESTION_BY_ID[m].levels for m in members]):
            given = dict(zip(members, state, strict=True))
            probability = np.ones(len(self.points))
            for m, value in given.items():
                settling = population.settling_links(QUESTION_BY_ID[m])
                fired = [k for k in settling if k.when_id in given and given[k.when_id] == k.when_value]
                if fired:
                    probability = probability * float(all(value == k.then_value for k in fired))
                else:
                    probability = probability * probabilities[m][:, QUESTION_BY_ID[m].index(value)]
            if probability.any():
                states.append(state)
                rows.append(probability)
        return states, np.array(rows)

    @staticmethod
    def _moments(
        pattern: tuple[Answer | None, ...],
        states: list[tuple[Answer, ...]],
        probability: np.ndarray,
        log_odds: np.ndarray,
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Log-likelihood of the given answers, mean and variance of the unanswered log-odds."""
        answered = [i for i, value in enumerate(pattern) if value is not None]
        matches = np.array([all(state[i] == pattern[i] for i in answered) for state in states])
        if not matches.any():  # contradictory answers: trust the first given one, ignore the rest
            matches = np.array([state[answered[0]] == pattern[answered[0]] for state in states])
        unanswered = [i for i, value in enumerate(pattern) if value is None]
        open_log_odds = log_odds[:, unanswered].sum(axis=1) if unanswered else np.zeros(len(states))
        p = probability[matches]
        like = p.sum(axis=0)
        safe = np.maximum(like, TINY)
        first = (p * open_log_odds[matches, None]).sum(axis=0) / safe
        second = (p * open_log_odds[matches, None] ** 2).sum(axis=0) / safe
        return np.log(safe), first, np.maximum(second - first**2, 0.0)

    # ---- one profile --------------------------------------------------------------------------
    def posterior(self, answers: Mapping[str, Answer]) -> Posterior:
        """The posterior weights over the grid and the pattern row of each group."""
        get = answers.get
        rows = tuple(
            index[tuple(get(m) for m in members)] for members, index in zip(self.groups, self.patterns, strict=True)
        )
        log_weights = self.log_prior + self.log_likelihood[rows, :].sum(axis=0)
        weights = np.exp(log_weights - log_weights.max())
        return Posterior(
            weights / weights.sum(), rows, self.mean[rows, :].sum(axis=0), self.variance[rows, :].sum(axis=0)
        )

    def moments(self, posterior: Posterior) -> tuple[float, float]:
        """Mean and variance of the log-odds the unanswered questions add."""
        mean = float(posterior.weights @ posterior.open_mean)
        spread = float(posterior.weights @ (posterior.open_variance + (posterior.open_mean - mean) ** 2))
        return mean, spread

    def outcomes(
        self, posterior: Posterior, answers: Mapping[str, Answer], question_id: str
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """What answering ``question_id`` would do, for each of its answers in level order.

        Returns the chance of that answer given the answers so far (the likelihood of the
        group's answers with it added, over the likelihood without, averaged over the
        posterior), and the mean and variance of the log-odds still open afterwards. The same
        sums as ``posterior`` and ``moments``, for all answers at once.
        """
        g = self.group_of[question_id]
        members, now = self.groups[g], posterior.rows[g]
        rows = [
            self.patterns[g][tuple(value if m == question_id else answers.get(m) for m in members)]
            for value in QUESTION_BY_ID[question_id].levels
        ]
        weights = posterior.weights * np.exp(self.log_likelihood[rows] - self.log_likelihood[now])
        chance = weights.sum(axis=1)
        weights /= np.maximum(chance, TINY)[:, None]
        per_point = posterior.open_mean - self.mean[now] + self.mean[rows]
        within = posterior.open_variance - self.variance[now] + self.variance[rows]
        mean = (weights * per_point).sum(axis=1)
        spread = (weights * (within + (per_point - mean[:, None]) ** 2)).sum(axis=1)
        return chance / chance.sum(), mean, spread

    def group_means(self, posterior: Posterior) -> np.ndarray:
        """Expected unanswered log-odds of each group (zero for a group fully answered)."""
        means: np.ndarray = self.mean[posterior.rows, :] @ posterior.weights
        return means

    # ---- many profiles ------------------------------------------------------------------------
    def moments_many(self, codes: Mapping[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Mean, variance and per-group means for many profiles; ``codes``: level index, -1 unanswered.

        The same sums as ``posterior`` and ``moments``, written as products with a sparse
        matrix that marks each profile's pattern row of every group.
        """
        from scipy.sparse import csr_matrix

        n = len(next(iter(codes.values())))
        rows = np.empty((n, len(self.groups)), dtype=np.int64)
        for g, (members, offset, radix) in enumerate(zip(self.groups, self.offsets, self.radices, strict=True)):
            rows[:, g] = offset
            for member, weight in zip(members, radix, strict=True):
                rows[:, g] += (codes[member].astype(np.int64) + 1) * weight
        marks = csr_matrix(
            (np.ones(rows.size), rows.ravel(), np.arange(0, rows.size + 1, len(self.groups))),
            shape=(n, len(self.log_likelihood)),
        )
        log_weights = self.log_prior + marks @ self.log_likelihood
        weights = np.exp(log_weights - log_weights.max(axis=1, keepdims=True))
        weights /= weights.sum(axis=1, keepdims=True)
        per_point = marks @ self.mean
        within = marks @ self.variance
        mean = (weights * per_point).sum(axis=1)
        spread = (weights * (within + (per_point - mean[:, None]) ** 2)).sum(axis=1)
        by_group = np.take_along_axis(weights @ self.mean.T, rows, axis=1)
        return mean, spread, by_group

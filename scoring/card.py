"""The compiled scorecard: per-question points tables, scored with lookups and a sum.

A scorecard is what a fitted model becomes once every answer's contribution is written down as
points. Scoring a profile then needs no scikit-learn, no matrix and no allocation beyond the
result, which keeps the bot fast and lets anyone read exactly why a score is what it is.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from statistics import NormalDist
from typing import TYPE_CHECKING, Any

from scoring import assumptions
from scoring.estimate import ConditionalEstimate, Posterior
from scoring.questions import DIMENSIONS, QUESTION_BY_ID, QUESTIONS, Answer, InvalidAnswer
from scoring.structure import complete, implied_answers, linked_groups

if TYPE_CHECKING:
    import pandas as pd

CARD_FILE = "scorecard.json"


@dataclass(frozen=True, slots=True)
class Band:
    """A named score band; ``low`` inclusive, ``high`` exclusive (but 950 is in "excellent")."""

    id: str
    low: int
    high: int
    zh: str
    en: str

    def name(self, lang: str) -> str:
        """The band's name in ``lang``."""
        return self.zh if lang == "zh" else self.en


BANDS: tuple[Band, ...] = tuple(Band(*row[:3], *row[3:]) for row in assumptions.BANDS)


def band_of(score: float) -> Band:
    """The band a score falls in."""
    for band in BANDS[:-1]:
        if score < band.high:
            return band
    return BANDS[-1]


@dataclass(frozen=True, slots=True)
class Dimension:
    """One of the five dimensions: its points now, the most it can give, and a 0-100 grade.

    ``grade`` is ``None`` while no question of the dimension is answered: a grade would then
    only repeat what the population usually answers, and look like a finding about this person.
    ``points`` then holds the estimate all the same (it is part of the score).
    """

    id: str
    points: float
    maximum: float
    grade: int | None
    answered: int
    questions: int


@dataclass(frozen=True, slots=True)
class Reason:
    """An answer that costs points against the best answer to the same question.

    When the answer settles others (no credit card: no repayment record, no card bills), the
    settled answers' cost is counted here once, and ``related`` names them.
    """

    question_id: str
    dimension: str
    value: Answer
    points_lost: float
    related: tuple[str, ...] = ()


class _Details:
    """The parts of a result only some callers read, computed on first use and then kept."""

    __slots__ = ("card", "answers", "posterior", "dimensions", "reasons")

    def __init__(self, card: Scorecard, answers: dict[str, Answer], posterior: Posterior | None) -> None:
        self.card = card
        self.answers = answers
        self.posterior = posterior
        self.dimensions: tuple[Dimension, ...] | None = None
        self.reasons: tuple[Reason, ...] | None = None


@dataclass(frozen=True, slots=True)
class ScoreResult:
    """Everything the product says about one profile's estimated score.

    ``range`` is a prediction interval: the true score falls inside it with probability
    ``range_coverage`` (measured on a fresh synthetic population; see the model card).
    ``dimensions`` and ``reasons`` are worked out when first read, since the advice ranking
    scores many profiles and reads only the score.
    """

    score: int
    band: Band
    range: tuple[int, int]
    range_coverage: float
    log_odds: float
    answered: int
    details: _Details = field(repr=False, compare=False)

    @property
    def dimensions(self) -> tuple[Dimension, ...]:
        """The five dimensions, in ``DIMENSIONS`` order."""
        if self.details.dimensions is None:
            self.details.dimensions = self.details.card.dimensions(self.details.answers, self.details.posterior)
        return self.details.dimensions

    @property
    def reasons(self) -> tuple[Reason, ...]:
        """What costs points, biggest first; related answers form one reason."""
        if self.details.reasons is None:
            self.details.reasons = self.details.card.reasons(self.details.answers)
        return self.details.reasons

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready view (the CLI's ``--json`` and the bot's snapshots)."""
        return {
            "score": self.score,
            "band": {"id": self.band.id, "zh": self.band.zh, "en": self.band.en},
            "range": list(self.range),
            "range_coverage": self.range_coverage,
            "answered": self.answered,
            "log_odds": self.log_odds,
            "dimensions": [
                {
                    "id": d.id,
                    "points": round(d.points, 1),
                    "maximum": round(d.maximum, 1),
                    "grade": d.grade,
                    "weight": assumptions.DIMENSION_WEIGHTS[d.id],
                    "answered": d.answered,
                    "questions": d.questions,
                }
                for d in self.dimensions
            ],
            "reasons": [
                {
                    "question_id": r.question_id,
                    "dimension": r.dimension,
                    "value": r.value,
                    "points_lost": round(r.points_lost, 1),
                    "related": list(r.related),
                }
                for r in self.reasons
            ],
        }


class Scorecard:
    """Points tables compiled from the trained model, plus its model card.

    ``tables[q][value]`` is the log-odds an answer adds over the question's worst answer.
    Unanswered questions are estimated from the answered ones (``scoring.estimate``).
    """

    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data
        self.version: str = data["version"]
        scale = data["scale"]
        self.factor: float = scale["pdo"] / math.log(2)
        self.offset: float = scale["base_score"] - self.factor * math.log(scale["base_odds"])
        self.minimum: int = scale["minimum"]
        self.maximum: int = scale["maximum"]
        self.intercept: float = data["intercept"]
        #: The score of a profile whose every answer is the worst (before the 350 floor).
        self.base: float = self.offset + self.factor * self.intercept
        self.question_ids: tuple[str, ...] = tuple(data["questions"])
        self.tables: dict[str, dict[Answer, float]] = {
            qid: dict(zip(QUESTION_BY_ID[qid].levels, entry["log_odds"], strict=True))
            for qid, entry in data["questions"].items()
        }
        #: The population average of each question's log-odds: not used to score (the estimate
        #: is conditional), kept so benchmarks can compare against the old way.
        self.missing: dict[str, float] = {qid: entry["missing"] for qid, entry in data["questions"].items()}
        self.model_error: dict[str, float] = data["model_error"]
        self.coverage: float = assumptions.RANGE_COVERAGE
        # The model error's 90 % quantile, measured, read as a normal spread so that it adds to
        # the spread of the unanswered questions.
        self.z: float = float(NormalDist().inv_cdf(0.5 + self.coverage / 2))
        self.model_error_sd: float = self.model_error["q90"] / float(NormalDist().inv_cdf(0.95))
        self.estimate = ConditionalEstimate(self.tables)
        self.top: dict[str, float] = {qid: max(table.values()) for qid, table in self.tables.items()}
        self.dimension_max = [0.0] * len(DIMENSIONS)
        self.dimension_questions = [0] * len(DIMENSIONS)
        for qid in self.question_ids:
            d = DIMENSIONS.index(QUESTION_BY_ID[qid].dimension)
            self.dimension_max[d] += self.factor * self.top[qid]
            self.dimension_questions[d] += 1
        self._lookups = tuple(self.tables.items())
        self._band_by_score = tuple(band_of(score) for score in range(self.minimum, self.maximum + 1))

    # ---- one profile -------------------------------------------------------------------
    def score(self, answers: dict[str, Answer]) -> ScoreResult:
        """Score any subset of answers; unknown ids or values raise ``InvalidAnswer``.

        This is the bot's hot path: one dict lookup per answer. A complete profile stops
        there; a partial one adds the conditional estimate of what is unanswered. Dimensions
        and reasons wait until a caller reads them.
        """
        log_odds, answered, posterior, variance = self._estimate(answers)
        raw = self.offset + self.factor * log_odds
        half = self.z * math.sqrt(self.factor * self.factor * variance + self.model_error_sd * self.model_error_sd)
        score = self._clip(raw)
        return ScoreResult(
            score,
            self._band_by_score[score - self.minimum],
            (self._clip(raw - half), self._clip(raw + half)),
            self.coverage,
            log_odds,
            answered,
            _Details(self, dict(answers), posterior),
        )

    def log_odds(self, answers: dict[str, Answer]) -> float:
        """``score(answers).log_odds``, and nothing else: the advice ranking's lean path.

        Ranking one profile projects every action (``scoring.projection.gain``) and reads only
        the log-odds; building the result (its range, band and a copy of the answers) is over half
        of a complete profile's ``score``. The same ``_estimate`` computes both, so the number is
        the very one ``score`` gives (a test checks it).
        """
        return self._estimate(answers)[0]

    def _estimate(self, answers: dict[str, Answer]) -> tuple[float, int, Posterior | None, float]:
        """Log-odds of ``answers``, how many are answered, the posterior (``None`` when complete) and the variance.

        Answered questions are one table lookup each; a partial profile adds the conditional
        estimate's mean and variance of what is unanswered. Unknown ids or values raise ``InvalidAnswer``.
        """
        log_odds = self.intercept
        answered = 0
        for qid, table in self._lookups:
            value = answers.get(qid)
            if value is None:
                continue
            try:
                log_odds += table[value]
            except (KeyError, TypeError):
                raise InvalidAnswer(qid, value, "not an allowed answer") from None
            answered += 1
        if answered != len(answers):
            self._reject_unknown(answers)
        if answered == len(self._lookups):
            return log_odds, answered, None, 0.0
        posterior = self.estimate.posterior(answers)
        mean, variance = self.estimate.moments(posterior)
        return log_odds + mean, answered, posterior, variance

    def _clip(self, raw: float) -> int:
        """A raw score rounded and held to 350-950."""
        return min(self.maximum, max(self.minimum, round(raw)))

    def _reject_unknown(self, answers: dict[str, Answer]) -> None:
        for key, value in answers.items():
            if key not in self.tables:
                raise InvalidAnswer(key, value, "unknown question id")

    def points(self, question_id: str, value: Answer) -> float:
        """Points an answer earns over the question's worst answer."""
        return self.factor * self.tables[question_id][value]

    def expected_narrowing(self, answers: dict[str, Answer], now: ScoreResult | None = None) -> dict[str, int]:
        """For each question still open, how many points narrower the range gets, on average, once answered.

        Averaged over what this person is likely to answer (given the answers so far). A
        surprising answer can widen the range; the average is what "tell me more" ranks by.
        Questions an answer already settles are not open. ``now`` is ``score(answers)`` when
        the caller has it already.
        """
        if now is None:
            now = self.score(answers)
        posterior = now.details.posterior
        if posterior is None:
            return {}
        settled = implied_answers(answers)
        known = now.log_odds - self.estimate.moments(posterior)[0]
        width = now.range[1] - now.range[0]
        margin = self.model_error_sd * self.model_error_sd
        narrowing = {}
        for qid in self.question_ids:
            if answers.get(qid) is not None or qid in settled:
                continue
            chances, means, spreads = self.estimate.outcomes(posterior, answers, qid)
            expected = 0.0
            for value, chance, mean, spread in zip(self.tables[qid], chances, means, spreads, strict=True):
                raw = self.offset + self.factor * (known + self.tables[qid][value] + mean)
                half = self.z * math.sqrt(self.factor * self.factor * spread + margin)
                expected += chance * (self._clip(raw + half) - self._clip(raw - half))
            narrowing[qid] = round(width - expected)
        return narrowing

    def dimensions(self, answers: dict[str, Answer], posterior: Posterior | None) -> tuple[Dimension, ...]:
        """The five dimensions: answered points plus the estimate of the unanswered ones."""
        points = [0.0] * len(DIMENSIONS)
        counts = [0] * len(DIMENSIONS)
        for qid in self.question_ids:
            value = answers.get(qid)
            if value is not None:
                d = DIMENSIONS.index(QUESTION_BY_ID[qid].dimension)
                points[d] += self.points(qid, value)
                counts[d] += 1
        if posterior is not None:
            for members, expected in zip(self.estimate.groups, self.estimate.group_means(posterior), strict=True):
                points[DIMENSIONS.index(QUESTION_BY_ID[members[0]].dimension)] += self.factor * float(expected)
        dimensions = []
        for d, name in enumerate(DIMENSIONS):
            maximum = self.dimension_max[d]
            grade = min(100, max(0, round(100 * points[d] / maximum))) if counts[d] and maximum else None
            dimensions.append(Dimension(name, points[d], maximum, grade, counts[d], self.dimension_questions[d]))
        return tuple(dimensions)

    def reasons(self, answers: dict[str, Answer]) -> tuple[Reason, ...]:
        """Answers that cost more than half a point, biggest first, related ones as one.

        Answers the structure links (given or implied) are one fact: "no credit card" costs
        once, with the card repayment record and the card bills it settles folded in.
        """
        known = complete({qid: v for qid, v in answers.items() if v is not None})
        groups = linked_groups(known)
        reasons = []
        for order, members in enumerate(groups):
            leader = members[0]
            lost = sum(self.factor * (self.top[m] - self.tables[m][known[m]]) for m in members)
            if lost > 0.5:
                question = QUESTION_BY_ID[leader]
                reasons.append((-lost, order, Reason(leader, question.dimension, known[leader], lost, members[1:])))
        reasons.sort(key=lambda item: item[:2])
        return tuple(reason for _, _, reason in reasons)

    # ---- many profiles -----------------------------------------------------------------
    def score_many(self, table: pd.DataFrame) -> pd.DataFrame:
        """Score a DataFrame of answers (one column per id, NA = unanswered), vectorised.

        Returns columns ``score``, ``band``, ``low``, ``high``, ``log_odds`` and one points
        column per dimension, indexed like ``table``: what ``score`` gives, row by row.
        """
        import numpy as np
        import pandas as pd

        unknown = [c for c in table.columns if c not in self.tables]
        if unknown:
            raise InvalidAnswer(str(unknown[0]), None, "unknown question id")
        n = len(table)
        log_odds = np.full(n, self.intercept)
        dims = np.zeros((len(DIMENSIONS), n))
        codes: dict[str, np.ndarray] = {}
        for qid, table_lo in self._lookups:
            if qid not in table.columns:
                codes[qid] = np.full(n, -1, dtype=np.int64)
                continue
            keys, uniques = pd.factorize(table[qid], use_na_sentinel=True)
            levels = QUESTION_BY_ID[qid].levels
            lut = np.zeros(len(uniques) + 1)
            level_of = np.full(len(uniques) + 1, -1, dtype=np.int64)
            for i, value in enumerate(uniques.tolist()):
                if value not in table_lo:
                    raise InvalidAnswer(qid, value, "not an allowed answer")
                lut[i] = table_lo[value]
                level_of[i] = levels.index(value)
            codes[qid] = level_of[keys]
            log_odds += lut[keys]
            dims[DIMENSIONS.index(QUESTION_BY_ID[qid].dimension)] += self.factor * lut[keys]
        variance = np.zeros(n)
        partial = np.zeros(n, dtype=bool)
        for code in codes.values():
            partial |= code < 0
        if partial.any():
            chosen = {qid: code[partial] for qid, code in codes.items()}
            mean, spread, by_group = self.estimate.moments_many(chosen)
            log_odds[partial] += mean
            variance[partial] = spread
            for g, members in enumerate(self.estimate.groups):
                dims[DIMENSIONS.index(QUESTION_BY_ID[members[0]].dimension), partial] += self.factor * by_group[:, g]
        raw = self.offset + self.factor * log_odds
        half = self.z * np.sqrt(self.factor * self.factor * variance + self.model_error_sd * self.model_error_sd)
        lo, hi = self.minimum, self.maximum
        score = np.clip(np.round(raw), lo, hi).astype(np.int64)
        cuts = np.asarray([b.high for b in BANDS[:-1]])
        band_ids = np.asarray([b.id for b in BANDS], dtype=object)
        out = pd.DataFrame(
            {
                "score": score,
                "band": band_ids[np.searchsorted(cuts, score, side="right")],
                "low": np.clip(np.round(raw - half), lo, hi).astype(np.int64),
                "high": np.clip(np.round(raw + half), lo, hi).astype(np.int64),
                "log_odds": log_odds,
            },
            index=table.index,
        )
        for i, dimension in enumerate(DIMENSIONS):
            out[dimension] = dims[i]
        return out

    # ---- the model card ----------------------------------------------------------------
    def dimension_shares(self) -> dict[str, float]:
        """Share of the total score span each dimension's answers can move."""
        total = sum(self.dimension_max)
        return {d: self.dimension_max[i] / total for i, d in enumerate(DIMENSIONS)}

    def best_answers(self) -> dict[str, Answer]:
        """The most favourable answer to every question."""
        return {q.id: q.levels[-1] for q in QUESTIONS}

    def worst_answers(self) -> dict[str, Answer]:
        """The least favourable answer to every question (six cards, often late: consistent)."""
        return {q.id: q.levels[0] for q in QUESTIONS}

    def model_card(self) -> dict[str, Any]:
        """What the CLI's ``model --json`` prints: provenance, quality, shares, bands, assumptions."""
        return {
            "version": self.version,
            "training": self.data["training"],
            "metrics": self.data["metrics"],
            "dimension_shares": {k: round(v, 4) for k, v in self.dimension_shares().items()},
            "dimension_weights": assumptions.DIMENSION_WEIGHTS,
            "bands": [{"id": b.id, "low": b.low, "high": b.high, "zh": b.zh, "en": b.en} for b in BANDS],
            "scale": self.data["scale"],
            "model_error": self.model_error,
            "range_coverage": self.coverage,
            "estimate_quality": self.data["estimate_quality"],
            "assumptions": self.data["assumptions"],
        }


def load_scorecard(path: str | Path | None = None) -> Scorecard:
    """The packaged scorecard, or one written by ``sesame-advisor train --out``."""
    if path is None:
        text = resources.files("scoring.data").joinpath(CARD_FILE).read_text(encoding="utf-8")
    else:
        text = Path(path).read_text(encoding="utf-8")
    return Scorecard(json.loads(text))

"""The compiled scorecard: per-question points tables, scored with lookups and a sum.

A scorecard is what a fitted model becomes once every answer's contribution is written down as
points. Scoring a profile then needs no scikit-learn, no matrix and no allocation beyond the
result, which keeps the bot fast and lets anyone read exactly why a score is what it is.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, fields
from importlib import resources
from operator import itemgetter
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scoring import assumptions
from scoring.questions import DIMENSIONS, QUESTION_BY_ID, QUESTIONS, Answer, InvalidAnswer

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
    """One of the five dimensions: its points now, the most it can give, and a 0-100 grade."""

    id: str
    points: float
    maximum: float
    grade: int
    answered: int
    questions: int


@dataclass(frozen=True, slots=True)
class Reason:
    """An answer that costs points against the best answer to the same question."""

    question_id: str
    dimension: str
    value: Answer
    points_lost: float


@dataclass(frozen=True, slots=True)
class ScoreResult:
    """Everything the product says about one profile's estimated score."""

    score: int
    band: Band
    range: tuple[int, int]
    dimensions: tuple[Dimension, ...]
    reasons: tuple[Reason, ...]
    log_odds: float
    answered: int

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready view (the CLI's ``--json`` and the bot's snapshots)."""
        return {
            "score": self.score,
            "band": {"id": self.band.id, "zh": self.band.zh, "en": self.band.en},
            "range": list(self.range),
            "answered": self.answered,
            "log_odds": self.log_odds,
            "dimensions": [
                {
                    "id": d.id,
                    "points": round(d.points, 1),
                    "maximum": round(d.maximum, 1),
                    "grade": d.grade,
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
                }
                for r in self.reasons
            ],
        }


# Scorecard.score builds six frozen dataclass instances per call. Their generated __init__ goes
# through object.__setattr__ once per field (about 0.7 us for a Dimension); setting the slots
# directly gives the same object in half the time. Valid because neither class has defaults,
# __post_init__ or checks; tests compare the results with the regular constructors.
_DIMENSION_SETTERS = tuple(getattr(Dimension, f.name).__set__ for f in fields(Dimension))


def _result_constructor() -> Any:
    new = object.__new__
    s0, s1, s2, s3, s4, s5, s6 = (getattr(ScoreResult, f.name).__set__ for f in fields(ScoreResult))

    def result(
        a: int, b: Band, c: tuple[int, int], d: tuple[Dimension, ...], e: tuple[Reason, ...], f: float, g: int
    ) -> ScoreResult:
        obj = new(ScoreResult)
        s0(obj, a)
        s1(obj, b)
        s2(obj, c)
        s3(obj, d)
        s4(obj, e)
        s5(obj, f)
        s6(obj, g)
        return obj

    return result


_new_result = _result_constructor()


class Scorecard:
    """Points tables compiled from the trained model, plus its model card.

    ``tables[q][value]`` is the log-odds an answer adds over the question's worst answer;
    ``missing[q]`` what an unanswered question adds (the population average).
    """

    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data
        self.version: str = data["version"]
        scale = data["scale"]
        self.factor: float = scale["pdo"] / math.log(2)
        self.offset: float = scale["base_score"] - self.factor * math.log(scale["base_odds"])
        self.minimum: int = scale["minimum"]
        self.maximum: int = scale["maximum"]
        self.margin: int = data["model_error_points"]
        self.intercept: float = data["intercept"]
        self.question_ids: tuple[str, ...] = tuple(data["questions"])
        self.tables: dict[str, dict[Answer, float]] = {}
        self.missing: dict[str, float] = {}
        rows = []
        for qid, entry in data["questions"].items():
            question = QUESTION_BY_ID[qid]
            table = dict(zip(question.levels, entry["log_odds"], strict=True))
            self.tables[qid] = table
            self.missing[qid] = entry["missing"]
            top = max(table.values())
            points = {value: self.factor * lo for value, lo in table.items()}
            rows.append(
                (
                    qid,
                    DIMENSIONS.index(question.dimension),
                    points,
                    self.factor * entry["missing"],
                    self.factor * top,
                    table,
                    entry["missing"],
                )
            )
        self._rows = tuple(rows)
        self.base: float = self.offset + self.factor * self.intercept
        self.dimension_max = [0.0] * len(DIMENSIONS)
        self.dimension_questions = [0] * len(DIMENSIONS)
        for _, d, _, _, top_points, _, _ in rows:
            self.dimension_max[d] += top_points
            self.dimension_questions[d] += 1
        self._compile_fast_path()

    def _compile_fast_path(self) -> None:
        """Precompute what ``score`` needs so that one answer costs one dict lookup.

        Per answer: its points, its log-odds and the rank of the Reason it costs (None under
        half a point). Reasons are immutable, so each is built once (holding the questionnaire's
        own value, equal to the one given); ranking them here, by points lost then question
        order, turns the per-call sort into a sort of small ints with the same result as a
        stable sort by points lost. Questions are grouped into runs of one dimension in question
        order, so every sum adds the same numbers in the same order as a plain loop would.
        """
        reasons = []
        for index, (qid, d, points, _, top, _, _) in enumerate(self._rows):
            for value, p in points.items():
                if top - p > 0.5:
                    reasons.append((-(top - p), index, Reason(qid, DIMENSIONS[d], value, top - p)))
        reasons.sort(key=lambda item: item[:2])
        self._reasons_by_rank = tuple(reason for _, _, reason in reasons)
        rank = {(r.question_id, r.value): i for i, r in enumerate(self._reasons_by_rank)}
        segments: list[tuple[int, list[tuple[Any, ...]]]] = []
        for qid, d, points, missing_points, top, table, missing_lo in self._rows:
            lookup = {value: (p, table[value], rank.get((qid, value))) for value, p in points.items()}
            if not segments or segments[-1][0] != d:
                segments.append((d, []))
            segments[-1][1].append((qid, lookup, missing_points, top, missing_lo))
        first = {d: i for i, (d, _) in reversed(list(enumerate(segments)))}
        last = {d: i for i, (d, _) in enumerate(segments)}
        self._segments = tuple(
            (
                d,
                tuple(questions),
                first[d] == i,
                last[d] == i,
                DIMENSIONS[d],
                self.dimension_max[d],
                self.dimension_questions[d],
            )
            for i, (d, questions) in enumerate(segments)
        )
        self._band_by_score = tuple(band_of(score) for score in range(self.minimum, self.maximum + 1))
        # A dimension with no answer is the same every time (its sum of missing points in order).
        empty = [0.0] * len(DIMENSIONS)
        for _, d, _, missing_points, _, _, _ in self._rows:
            empty[d] += missing_points
        self._unanswered_dimensions = tuple(
            Dimension(name, total, maximum, round(100 * total / maximum) if maximum else 0, 0, n_questions)
            for name, total, maximum, n_questions in zip(
                DIMENSIONS, empty, self.dimension_max, self.dimension_questions, strict=True
            )
        )

    # ---- one profile -------------------------------------------------------------------
    def score(self, answers: dict[str, Answer]) -> ScoreResult:
        """Score any subset of answers; unknown ids or values raise ``InvalidAnswer``.

        This is the bot's hot path (and a benchmarked promise: 10x sklearn's ``predict_proba``),
        hence one dict lookup per answer, locals in the loop and precomputed reasons.
        """
        log_odds = self.intercept
        answered_points = 0.0
        unanswered_top = 0.0
        answered = 0
        lost: list[int] = []
        get = answers.get
        dimensions = list(self._unanswered_dimensions)  # answered dimensions are replaced below
        new = object.__new__
        set_id, set_points, set_maximum, set_grade, set_answered, set_questions = _DIMENSION_SETTERS
        # A dimension split into several runs of questions carries its sums from run to run here.
        carried: dict[int, tuple[float, int]] = {}
        for d, questions, first, last, name, maximum, n_questions in self._segments:
            points_sum, count = (0.0, 0) if first else carried[d]
            for qid, lookup, missing_points, top, missing_lo in questions:
                value = get(qid)
                if value is None:
                    points_sum += missing_points
                    log_odds += missing_lo
                    unanswered_top += top
                    continue
                try:
                    p, lo, rank = lookup[value]
                except (KeyError, TypeError):
                    raise InvalidAnswer(qid, value, "not an allowed answer") from None
                count += 1
                points_sum += p
                log_odds += lo
                answered_points += p
                if rank is not None:
                    lost.append(rank)
            if last:
                if count:  # Dimension(name, points_sum, maximum, grade, count, n_questions), inlined
                    dimension = new(Dimension)
                    set_id(dimension, name)
                    set_points(dimension, points_sum)
                    set_maximum(dimension, maximum)
                    set_grade(dimension, round(100 * points_sum / maximum) if maximum else 0)
                    set_answered(dimension, count)
                    set_questions(dimension, n_questions)
                    dimensions[d] = dimension
                    answered += count
            else:
                carried[d] = (points_sum, count)
        if answered != len(answers):
            self._reject_unknown(answers)
        if len(lost) > 1:
            lost.sort()
            reasons = itemgetter(*lost)(self._reasons_by_rank)
        else:
            reasons = tuple([self._reasons_by_rank[i] for i in lost])
        # The range: unanswered questions at their worst (0 points) or best, plus model error.
        # Clipped inline to 350-950: a function call costs more than the arithmetic here.
        bottom, ceiling, margin, base = self.minimum, self.maximum, self.margin, self.base
        score = round(self.offset + self.factor * log_odds)
        score = bottom if score < bottom else ceiling if score > ceiling else score
        low = round(base + answered_points - margin)
        low = bottom if low < bottom else ceiling if low > ceiling else low
        high = round(base + answered_points + unanswered_top + margin)
        high = bottom if high < bottom else ceiling if high > ceiling else high
        return _new_result(
            score,
            self._band_by_score[score - bottom],
            (low, high),
            tuple(dimensions),
            reasons,
            log_odds,
            answered,
        )

    def _reject_unknown(self, answers: dict[str, Answer]) -> None:
        for key, value in answers.items():
            if key not in self.tables:
                raise InvalidAnswer(key, value, "unknown question id")

    def points(self, question_id: str, value: Answer) -> float:
        """Points an answer earns over the question's worst answer."""
        return self.factor * self.tables[question_id][value]

    # ---- many profiles -----------------------------------------------------------------
    def score_many(self, table: pd.DataFrame) -> pd.DataFrame:
        """Score a DataFrame of answers (one column per id, NA = unanswered), vectorised.

        Returns columns ``score``, ``band``, ``low``, ``high``, ``log_odds`` and one points
        column per dimension, indexed like ``table``.
        """
        import numpy as np
        import pandas as pd

        unknown = [c for c in table.columns if c not in self.tables]
        if unknown:
            raise InvalidAnswer(str(unknown[0]), None, "unknown question id")
        n = len(table)
        log_odds = np.full(n, self.intercept)
        # Kept apart and added last, in the order score() adds them, so both agree to the bit.
        top_extra = np.zeros(n)
        low_extra = np.zeros(n)
        dims = np.zeros((len(DIMENSIONS), n))
        for qid, d, _, _, top, table_lo, missing_lo in self._rows:
            if qid not in table.columns:
                log_odds += missing_lo
                dims[d] += self.factor * missing_lo
                top_extra += top
                continue
            codes, uniques = pd.factorize(table[qid], use_na_sentinel=True)
            lut = np.empty(len(uniques) + 1)
            for i, value in enumerate(uniques.tolist()):
                if value not in table_lo:
                    raise InvalidAnswer(qid, value, "not an allowed answer")
                lut[i] = table_lo[value]
            lut[-1] = missing_lo
            contribution = lut[codes]
            log_odds += contribution
            dims[d] += self.factor * contribution
            answered_mask = codes >= 0
            answered_points = np.where(answered_mask, self.factor * contribution, 0.0)
            low_extra += answered_points
            top_extra += np.where(answered_mask, 0.0, top)
        raw = self.offset + self.factor * log_odds
        lo, hi = self.minimum, self.maximum
        score = np.clip(np.round(raw), lo, hi).astype(np.int64)
        cuts = np.asarray([b.high for b in BANDS[:-1]])
        band_ids = np.asarray([b.id for b in BANDS], dtype=object)
        out = pd.DataFrame(
            {
                "score": score,
                "band": band_ids[np.searchsorted(cuts, score, side="right")],
                "low": np.clip(np.round(self.base + low_extra - self.margin), lo, hi).astype(np.int64),
                "high": np.clip(np.round(self.base + low_extra + top_extra + self.margin), lo, hi).astype(np.int64),
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
        """The least favourable answer to every question."""
        return {q.id: q.levels[0] for q in QUESTIONS}

    def model_card(self) -> dict[str, Any]:
        """What the CLI's ``model --json`` prints: provenance, quality, shares, bands, assumptions."""
        return {
            "version": self.version,
            "training": self.data["training"],
            "metrics": self.data["metrics"],
            "dimension_shares": {k: round(v, 4) for k, v in self.dimension_shares().items()},
            "bands": [{"id": b.id, "low": b.low, "high": b.high, "zh": b.zh, "en": b.en} for b in BANDS],
            "scale": self.data["scale"],
            "model_error_points": self.margin,
            "assumptions": self.data["assumptions"],
        }


def load_scorecard(path: str | Path | None = None) -> Scorecard:
    """The packaged scorecard, or one written by ``sesame-advisor train --out``."""
    if path is None:
        text = resources.files("scoring.data").joinpath(CARD_FILE).read_text(encoding="utf-8")
    else:
        text = Path(path).read_text(encoding="utf-8")
    return Scorecard(json.loads(text))

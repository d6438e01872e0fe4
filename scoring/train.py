"""Training: synthetic population -> constrained scorecard -> compiled points tables.

``sesame-advisor train`` runs :func:`train` and writes two files into ``scoring/data`` (or
``--out``): ``scorecard.json``, the points tables and model card the product scores with, and
``scorecard.skops``, the fitted scikit-learn estimator in skops' safe format for validation
and the agreement test. Both are byte-identical for the same rows and seed.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sklearn.model_selection import train_test_split

from scoring import assumptions, population, quality
from scoring.card import Scorecard
from scoring.model import ScorecardTrainer, auc_ks
from scoring.questions import QUESTIONS

ESTIMATOR_FILE = "scorecard.skops"
#: L2 strength: weak, so the fitted weights recover the assumed ones instead of shrinking.
REGULARISATION_C = 10.0
TEST_SHARE = 0.3
#: Fitted weights are rounded to this many decimals before anything is compiled or written.
#: Floating-point noise across BLAS and library versions sits around the 13th digit; rounding
#: at the 8th makes ``sesame-advisor train`` give the same bytes everywhere (short of a value
#: falling within that noise of a rounding boundary), at no cost a score could show.
WEIGHT_DECIMALS = 8
#: The fresh populations the model error and the estimate's quality are measured on: seeds
#: derived from the training seed but never equal to it, and their size (no larger than the
#: training population, so a small trial run stays quick; at least 2,000 people).
EVALUATION_SEED_OFFSET = 7_919
EVALUATION_ROWS = 20_000
MIN_EVALUATION_ROWS = 2_000


@dataclass(frozen=True)
class TrainingResult:
    """What a training run produced: the compiled card data and the fitted estimator."""

    card: dict[str, Any]
    trainer: ScorecardTrainer


def question_levels() -> dict[str, list[object]]:
    """The questionnaire's answer order, which the learner must respect."""
    return {q.id: list(q.levels) for q in QUESTIONS}


def train(rows: int = assumptions.TRAIN_ROWS, seed: int = assumptions.TRAIN_SEED) -> TrainingResult:
    """Generate the population, fit the monotone scorecard, measure it and compile it."""
    frame = population.generate(rows, seed)
    answers, bad = population.answers_of(frame), frame["bad"].to_numpy()
    train_x, test_x, train_y, test_y = train_test_split(
        answers, bad, test_size=TEST_SHARE, random_state=seed, stratify=bad
    )
    trainer = ScorecardTrainer(levels=question_levels(), monotone=True, C=REGULARISATION_C)
    trainer.fit(*expected_outcomes(train_x))
    round_weights(trainer)
    test_auc, test_ks = auc_ks(test_y, -trainer.log_odds_good(test_x))
    train_auc, train_ks = auc_ks(train_y, -trainer.log_odds_good(train_x))
    card = compile_card(
        trainer,
        training={
            "rows": rows,
            "seed": seed,
            "train_rows": len(train_x),
            "test_rows": len(test_x),
            "bad_rate": round(float(bad.mean()), 4),
            "regularisation_C": REGULARISATION_C,
            "labels": "expected outcomes (each person as good with weight P(good), as bad with P(bad))",
            "population": "synthetic (scoring.population); see scoring/assumptions.py",
        },
        metrics={
            "test_auc": round(test_auc, 4),
            "test_ks": round(test_ks, 4),
            "train_auc": round(train_auc, 4),
            "train_ks": round(train_ks, 4),
        },
    )
    return TrainingResult(card=card, trainer=trainer)


def expected_outcomes(answers: pd.DataFrame) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """Each person twice, as good with weight P(good | answers) and as bad with weight P(bad | answers).

    The synthetic population knows the repayment probability of everyone who gave these
    answers (``population.good_probability``); a 0/1 outcome drawn from it only adds noise:
    at 200,000 drawn outcomes the points tables moved by up to 7-12 points between seeds, and
    the top-3 advice of 9 of 11 crafted profiles changed between seeds 1, 2 and 3. Fitting to
    the expected outcome is what fitting to endlessly many draws per person converges to.
    Test metrics (AUC, KS) are still measured on drawn outcomes.
    """
    good = population.good_probability(population.codes_of(answers))
    table = pd.concat([answers, answers], ignore_index=True)
    bad = np.concatenate([np.zeros(len(answers), dtype=int), np.ones(len(answers), dtype=int)])
    return table, bad, np.concatenate([good, 1.0 - good])


def round_weights(trainer: ScorecardTrainer) -> None:
    """Round every fitted number the card and the estimator file hold (see ``WEIGHT_DECIMALS``).

    The inner scikit-learn estimator keeps only the columns that stayed in the model; both
    views of the weights are rounded, so the estimator and the compiled card still agree.
    """
    model = trainer.model_
    model.coef_ = np.round(model.coef_, WEIGHT_DECIMALS)
    model.intercept_ = np.round(model.intercept_, WEIGHT_DECIMALS)
    model.estimator_.coef_ = np.round(model.estimator_.coef_, WEIGHT_DECIMALS)
    model.estimator_.intercept_ = np.round(model.estimator_.intercept_, WEIGHT_DECIMALS)
    trainer.encoder_.means_ = np.round(trainer.encoder_.means_, WEIGHT_DECIMALS)


def compile_card(trainer: ScorecardTrainer, training: dict[str, Any], metrics: dict[str, Any]) -> dict[str, Any]:
    """Turn the fitted weights into per-answer log-odds tables (what a scorecard is), then measure it.

    The model error (complete profiles against the true score) is measured on one fresh
    population and becomes part of the card, since every range uses it; the estimate's
    quality is then measured on another and recorded. The version hashes what scores.
    """
    means = trainer.encoder_.means_
    questions: dict[str, dict[str, Any]] = {}
    start = 0
    for column, weights in trainer.step_weights().items():
        cumulative = np.concatenate([[0.0], np.cumsum(weights)])
        missing = float(np.dot(weights, means[start : start + len(weights)]))
        start += len(weights)
        questions[column] = {
            "log_odds": [float(x) for x in cumulative],
            "missing": round(missing, WEIGHT_DECIMALS),
        }
    seed = training["seed"] + EVALUATION_SEED_OFFSET
    evaluation_rows = max(MIN_EVALUATION_ROWS, min(EVALUATION_ROWS, training["rows"]))
    body: dict[str, Any] = {
        "intercept": float(trainer.model_.intercept_[0]),
        "questions": questions,
        "scale": asdict(assumptions.SCALE),
        "model_error": {"rms": 0.0, "q90": 0.0, "rows": 0},
    }
    body["model_error"] = quality.model_error(
        Scorecard(body | _placeholders()), population.generate(evaluation_rows, seed)
    )
    digest = hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()[:12]
    card: dict[str, Any] = {"version": f"synthetic-{digest}", **body, "training": training, "metrics": metrics}
    card["training"]["evaluation_seeds"] = [seed, seed + 1]
    card["assumptions"] = assumptions_summary()
    scorecard = Scorecard(card | {"estimate_quality": {}})
    card["metrics"]["dimension_shares"] = {k: round(v, 4) for k, v in scorecard.dimension_shares().items()}
    card["estimate_quality"] = quality.estimate_quality(
        scorecard, population.generate(evaluation_rows, seed + 1), seed + 1
    )
    return card


def _placeholders() -> dict[str, Any]:
    """What a card needs to load before it has been measured."""
    return {"version": "unmeasured", "training": {}, "metrics": {}, "estimate_quality": {}, "assumptions": {}}


def assumptions_summary() -> dict[str, Any]:
    """The stated assumptions, copied into the model card so users of the file can see them."""
    return {
        "dimension_weights": assumptions.DIMENSION_WEIGHTS,
        "question_weights": assumptions.QUESTION_WEIGHTS,
        "true_log_odds_span": assumptions.TRUE_LOG_ODDS_SPAN,
        "worst_log_odds": assumptions.WORST_LOG_ODDS,
        "unseen_log_odds_sd": assumptions.UNSEEN_LOG_ODDS_SD,
        "range_coverage": assumptions.RANGE_COVERAGE,
        "note": "Ant Group's model and weights are private; these figures are ours. "
        "Edit scoring/assumptions.py and retrain to change them.",
    }


def card_json(card: dict[str, Any]) -> str:
    """The card as stable, readable JSON (the same bytes for the same card)."""
    return json.dumps(card, ensure_ascii=False, indent=1) + "\n"


def estimator_bytes(trainer: ScorecardTrainer) -> bytes:
    """The estimator in skops format, made reproducible byte for byte.

    skops names every object (``__id__``) and every array file after ``id()``, a memory address
    that changes from run to run; those are renumbered in order of appearance, and the zip is
    rewritten with sorted entries and fixed timestamps.
    """
    import skops.io as sio

    raw = sio.dumps(trainer)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(raw)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        ids: dict[int, int] = {}
        schema = _renumber(json.loads(source.read("schema.json")), ids)
        files = {f"{new}.npy": f"{old}.npy" for old, new in ids.items() if f"{old}.npy" in source.namelist()}
        files["schema.json"] = ""
        for name in sorted(files):
            data = json.dumps(schema, indent=1).encode() if name == "schema.json" else source.read(files[name])
            fixed = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(fixed, data)
    return out.getvalue()


def _renumber(node: Any, ids: dict[int, int]) -> Any:
    """A copy of a skops schema whose object ids (and array file names) count up from 0."""
    if isinstance(node, list):
        return [_renumber(item, ids) for item in node]
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key == "__id__" and isinstance(value, int):
            value = ids.setdefault(value, len(ids))
        elif key == "file" and isinstance(value, str) and value.endswith(".npy"):
            value = f"{ids.setdefault(int(value[:-4]), len(ids))}.npy"
        else:
            value = _renumber(value, ids)
        out[key] = value
    return out


TRUSTED_TYPES: tuple[str, ...] = (
    "scoring.features.ThermometerEncoder",
    "scoring.model.MonotoneLogisticRegression",
    "scoring.model.ScorecardTrainer",
)
"""Every type the packaged estimator needs beyond what skops trusts by default, by full name.

Trusting whole modules (``builtins.*``, ``numpy.*``) would let a crafted file name
``builtins.exec`` as a constructor and run code while loading; skops' own defaults cover the
plain containers, numpy arrays and scikit-learn's estimators.
"""


class UntrustedModelError(ValueError):
    """A model file names a type outside ``TRUSTED_TYPES``: refused before anything is built."""


def load_estimator(path: str | Path) -> ScorecardTrainer:
    """Load a skops estimator written by :func:`write`, trusting exactly the types it needs."""
    import skops.io as sio

    data = Path(path).read_bytes()
    unexpected = sorted(set(sio.get_untrusted_types(data=data)) - set(TRUSTED_TYPES))
    if unexpected:
        raise UntrustedModelError(
            f"{path}: refusing to load a model file that uses types this project does not trust: "
            f"{', '.join(unexpected)} (only {', '.join(TRUSTED_TYPES)} are expected)"
        )
    trainer = sio.loads(data, trusted=list(TRUSTED_TYPES))
    if not isinstance(trainer, ScorecardTrainer):
        raise ValueError(f"{path}: holds a {type(trainer).__name__}, not a ScorecardTrainer")
    return trainer


def write(result: TrainingResult, folder: str | Path) -> tuple[Path, Path]:
    """Write the card and the estimator into ``folder``; returns both paths."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    card_path = folder / "scorecard.json"
    estimator_path = folder / ESTIMATOR_FILE
    card_path.write_text(card_json(result.card), encoding="utf-8")
    estimator_path.write_bytes(estimator_bytes(result.trainer))
    return card_path, estimator_path


def packaged_folder() -> Path:
    """Where the packaged model lives in the source tree."""
    return Path(__file__).resolve().parent / "data"

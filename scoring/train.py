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
from sklearn.model_selection import train_test_split

from scoring import assumptions, population
from scoring.card import Scorecard
from scoring.model import ScorecardTrainer, auc_ks
from scoring.questions import QUESTIONS

ESTIMATOR_FILE = "scorecard.skops"
#: L2 strength: weak, so the fitted weights recover the assumed ones instead of shrinking.
REGULARISATION_C = 10.0
TEST_SHARE = 0.3


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
    answers, bad = frame.drop(columns="bad"), frame["bad"].to_numpy()
    train_x, test_x, train_y, test_y = train_test_split(
        answers, bad, test_size=TEST_SHARE, random_state=seed, stratify=bad
    )
    trainer = ScorecardTrainer(levels=question_levels(), monotone=True, C=REGULARISATION_C)
    trainer.fit(train_x, train_y)
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


def compile_card(trainer: ScorecardTrainer, training: dict[str, Any], metrics: dict[str, Any]) -> dict[str, Any]:
    """Turn the fitted weights into per-answer log-odds tables: what a scorecard is."""
    means = trainer.encoder_.means_
    questions: dict[str, dict[str, Any]] = {}
    start = 0
    for column, weights in trainer.step_weights().items():
        cumulative = np.concatenate([[0.0], np.cumsum(weights)])
        missing = float(np.dot(weights, means[start : start + len(weights)]))
        start += len(weights)
        questions[column] = {"log_odds": [float(x) for x in cumulative], "missing": missing}
    body = {
        "intercept": float(trainer.model_.intercept_[0]),
        "questions": questions,
        "scale": asdict(assumptions.SCALE),
        "model_error_points": assumptions.MODEL_ERROR_POINTS,
    }
    digest = hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()[:12]
    card: dict[str, Any] = {"version": f"synthetic-{digest}", **body, "training": training, "metrics": metrics}
    card["assumptions"] = assumptions_summary()
    card["metrics"]["dimension_shares"] = {k: round(v, 4) for k, v in Scorecard(card).dimension_shares().items()}
    return card


def assumptions_summary() -> dict[str, Any]:
    """The stated assumptions, copied into the model card so users of the file can see them."""
    return {
        "dimension_weights": assumptions.DIMENSION_WEIGHTS,
        "question_weights": assumptions.QUESTION_WEIGHTS,
        "true_log_odds_span": assumptions.TRUE_LOG_ODDS_SPAN,
        "worst_log_odds": assumptions.WORST_LOG_ODDS,
        "model_error_points": assumptions.MODEL_ERROR_POINTS,
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


def load_estimator(path: str | Path) -> ScorecardTrainer:
    """Load a skops estimator written by :func:`write`, trusting only this project's types."""
    import skops.io as sio

    data = Path(path).read_bytes()
    untrusted = sio.get_untrusted_types(data=data)
    allowed = [t for t in untrusted if t.startswith(("scoring.", "numpy.", "builtins."))]
    unexpected = sorted(set(untrusted) - set(allowed))
    if unexpected:
        raise ValueError(f"{path}: refusing unexpected types {unexpected}")
    trainer = sio.loads(data, trusted=allowed)
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

"""The learner and the packaged estimator: monotone weights, encoding, and agreement with the card."""

import fractions
import io
import json
import random
import zipfile

import numpy as np
import pandas as pd
import pytest
import skops.io as sio
from hypothesis import given, settings
from hypothesis import strategies as st

from scoring import population
from scoring.features import ThermometerEncoder
from scoring.model import MonotoneLogisticRegression, ScorecardTrainer, auc_ks
from scoring.questions import QUESTIONS
from scoring.train import ESTIMATOR_FILE, TRUSTED_TYPES, UntrustedModelError, load_estimator, packaged_folder
from tests.scoring.profiles import complete_profiles

COLUMNS = [q.id for q in QUESTIONS]


# ---- agreement: the compiled card is the fitted estimator ------------------------------------------


@settings(max_examples=60, deadline=None)
@given(profiles=st.lists(complete_profiles, min_size=1, max_size=20))
def test_card_log_odds_equal_the_packaged_estimator(card, estimator, profiles):
    """On complete profiles; unanswered questions the card estimates from the answered ones
    (``scoring.estimate``), where the estimator can only put in population averages."""
    table = pd.DataFrame(profiles, columns=COLUMNS)
    sklearn = estimator.log_odds_good(table)
    for profile, expected in zip(profiles, sklearn, strict=True):
        assert abs(card.score(profile).log_odds - expected) <= 1e-9


def test_card_and_estimator_agree_on_many_realistic_profiles(card, estimator):
    table = population.answers_of(population.generate(3_000, seed=13)).astype(object)
    sklearn = estimator.log_odds_good(table)
    card_many = card.score_many(table)["log_odds"].to_numpy()
    card_one = np.array([card.score(row.to_dict()).log_odds for _, row in table.iloc[:500].iterrows()])
    assert np.max(np.abs(card_many - sklearn)) <= 1e-9
    assert np.max(np.abs(card_one - sklearn[:500])) <= 1e-9
    probability_good = estimator.predict_proba(table)[:, 0]
    assert np.allclose(probability_good, 1 / (1 + np.exp(-card_many)), atol=1e-12)


def test_the_card_keeps_the_estimators_population_averages(card, estimator):
    """``missing`` is what the estimator puts in for an unanswered question (kept for comparisons)."""
    full_mean = estimator.log_odds_good(pd.DataFrame([{}], columns=COLUMNS))[0]
    assert full_mean == pytest.approx(card.intercept + sum(card.missing.values()), abs=1e-6)


def test_card_tables_are_the_estimator_weights_summed_step_by_step(card, estimator):
    assert card.intercept == float(estimator.model_.intercept_[0])
    for question_id, weights in estimator.step_weights().items():
        assert card.tables[question_id] == dict(
            zip(card.tables[question_id], np.concatenate([[0.0], np.cumsum(weights)]).tolist(), strict=True)
        )


def test_packaged_estimator_is_monotone(estimator):
    assert estimator.monotone
    assert (estimator.model_.coef_ >= 0).all()
    kept = estimator.model_.estimator_.coef_[0]
    assert (kept >= 0).all() and len(kept) == estimator.model_.keep_.sum()


def test_load_estimator_refuses_foreign_types(tmp_path):
    path = tmp_path / "foreign.skops"
    path.write_bytes(sio.dumps({"weights": fractions.Fraction(1, 3)}))
    with pytest.raises(ValueError, match="fractions.Fraction"):
        load_estimator(path)


# ---- the learner -------------------------------------------------------------------------------


def test_monotone_regression_drops_steps_against_the_order():
    rng = np.random.default_rng(1)
    x = (rng.random((4_000, 3)) < 0.5).astype(float)
    logit = 1.5 * x[:, 0] - 1.0 * x[:, 1] + 0.5 * x[:, 2] - 0.3
    y = (rng.random(4_000) < 1 / (1 + np.exp(-logit))).astype(int)
    free = MonotoneLogisticRegression(C=10, monotone=False).fit(x, y)
    assert free.coef_[0, 1] < 0
    tied = MonotoneLogisticRegression(C=10, monotone=True).fit(x, y)
    assert (tied.coef_ >= 0).all()
    assert tied.coef_[0, 1] == 0 and not tied.keep_[1]
    assert tied.coef_[0, 0] > 1 and tied.coef_[0, 2] > 0.2
    assert np.allclose(tied.decision_function(x), x @ tied.coef_[0] + tied.intercept_[0])


def test_auc_ks_on_known_scores():
    bad = np.array([0, 0, 0, 1, 1, 1])
    assert auc_ks(bad, np.array([0.1, 0.2, 0.3, 0.7, 0.8, 0.9])) == (1.0, 1.0)
    auc, ks = auc_ks(bad, np.array([0.9, 0.8, 0.7, 0.3, 0.2, 0.1]))
    assert auc == 0.0 and ks == 0.0


def test_trainer_fits_a_generic_table_and_predicts_both_classes():
    rng = random.Random(2)
    rows = 3_000
    table = pd.DataFrame(
        {
            "age": [rng.randint(18, 80) for _ in range(rows)],
            "housing": [rng.choice(["own", "rent", "free"]) for _ in range(rows)],
            "children": [rng.randint(0, 3) for _ in range(rows)],
        }
    )
    risk = (table["age"] < 30) * 1.0 + (table["housing"] == "rent") * 0.8 - 2.0
    bad = np.array([int(rng.random() < 1 / (1 + np.exp(-r))) for r in risk])
    trainer = ScorecardTrainer(monotone=False, C=1.0, max_bins=5).fit(table, bad)
    proba = trainer.predict_proba(table)
    assert proba.shape == (rows, 2) and np.allclose(proba.sum(axis=1), 1)
    auc, _ = auc_ks(bad, proba[:, 1])
    assert auc > 0.6
    # young and renting is the riskiest group it learned
    young_renter = pd.DataFrame({"age": [22], "housing": ["rent"], "children": [1]})
    old_owner = pd.DataFrame({"age": [60], "housing": ["own"], "children": [1]})
    assert trainer.predict_proba(young_renter)[0, 1] > trainer.predict_proba(old_owner)[0, 1]


# ---- the encoder -------------------------------------------------------------------------------


def test_thermometer_encoding_of_known_levels_and_missing_as_means():
    encoder = ThermometerEncoder({"grade": ["c", "b", "a"]}).fit(pd.DataFrame({"grade": ["a", "b", "c", "a"]}))
    assert list(encoder.get_feature_names_out()) == ["grade>=b", "grade>=a"]
    encoded = encoder.transform(pd.DataFrame({"grade": ["c", "b", "a", None]}))
    assert encoded[:3].tolist() == [[0, 0], [1, 0], [1, 1]]
    assert encoded[3].tolist() == pytest.approx([0.75, 0.5])  # training means
    with pytest.raises(ValueError, match="unknown value"):
        encoder.transform(pd.DataFrame({"grade": ["d"]}))


def test_unlisted_numbers_keep_their_order_and_many_values_are_binned():
    table = pd.DataFrame({"few": [3, 1, 2, 1, 3, 2] * 20, "many": list(range(120))})
    good = np.array([1, 0, 1, 1, 0, 0] * 20)
    encoder = ThermometerEncoder(max_bins=4).fit(table, good)
    assert encoder.levels_["few"] == [1, 2, 3]  # the number line, not the in-sample good rate
    assert encoder.levels_["many"] == [0, 1, 2, 3]
    assert len(encoder.edges_["many"]) == 3
    codes = encoder.codes(pd.DataFrame({"few": [2, None], "many": [0, 119]}))
    assert codes["few"].tolist() == [1, -1]
    assert codes["many"].tolist() == [0, 3]


def test_unlisted_categories_are_ordered_by_good_rate():
    table = pd.DataFrame({"colour": ["red", "blue", "green"] * 10})
    good = np.array([1, 0, 1] * 5 + [1, 0, 0] * 5)  # red always good, blue never, green half
    encoder = ThermometerEncoder().fit(table, good)
    assert encoder.levels_["colour"] == ["blue", "green", "red"]
    with pytest.raises(ValueError, match="no target"):
        ThermometerEncoder().fit(table)


def crafted_exec_file(path, code):
    """A skops file whose loading calls ``builtins.exec(code)``: a constructor node naming ``exec``."""
    arguments = json.loads(zipfile.ZipFile(io.BytesIO(sio.dumps([code]))).read("schema.json"))
    schema = {
        "__class__": "exec",
        "__module__": "builtins",
        "__loader__": "ConstructorFromReduceNode",
        "content": {k: v for k, v in arguments.items() if k not in ("protocol", "_skops_version")},
        "protocol": arguments["protocol"],
        "_skops_version": arguments["_skops_version"],
    }
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("schema.json", json.dumps(schema))


def test_a_file_that_calls_builtins_exec_is_refused_before_running_anything(tmp_path):
    marker = tmp_path / "ran"
    path = tmp_path / "crafted.skops"
    crafted_exec_file(path, f"open({str(marker)!r}, 'w').write('code ran')")
    # The file is dangerous: trusting builtins.exec (as trusting all of builtins did) runs its code.
    sio.loads(path.read_bytes(), trusted=["builtins.exec"])
    assert marker.read_text() == "code ran"
    marker.unlink()
    with pytest.raises(UntrustedModelError, match=r"builtins\.exec") as refused:
        load_estimator(path)
    assert "does not trust" in str(refused.value) and not marker.exists()


def test_the_packaged_model_needs_exactly_the_listed_types():
    data = (packaged_folder() / ESTIMATOR_FILE).read_bytes()
    assert sorted(sio.get_untrusted_types(data=data)) == sorted(TRUSTED_TYPES)
    assert all("*" not in name and name.count(".") >= 2 for name in TRUSTED_TYPES)  # full names, no modules

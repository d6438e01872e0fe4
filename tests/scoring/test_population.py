"""The synthetic population: valid answers, the stated answer shares, a seeded, repeatable draw."""

import numpy as np
import pandas as pd
import pytest

from scoring import assumptions, population
from scoring.questions import QUESTIONS


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    return population.generate(60_000, seed=11)


def test_one_column_per_question_plus_the_outcome(frame):
    assert list(frame.columns) == [q.id for q in QUESTIONS] + ["bad"]
    assert len(frame) == 60_000
    assert set(frame["bad"].unique()) <= {0, 1}
    assert not frame.isna().any().any()


def test_every_answer_is_an_allowed_value_of_the_right_type(frame):
    for q in QUESTIONS:
        values = set(frame[q.id].tolist())
        assert values <= set(q.levels), q.id
        assert {type(v) for v in frame[q.id].head(50).tolist()} == {type(q.levels[0])}, q.id


def test_answer_shares_match_the_assumptions(frame):
    for q in QUESTIONS:
        shares = np.asarray(assumptions.ANSWER_SHARES[q.id], dtype=float)
        shares = shares / shares.sum()
        observed = frame[q.id].map({v: i for i, v in enumerate(q.levels)}).value_counts(normalize=True)
        observed = observed.reindex(range(len(q.levels)), fill_value=0).to_numpy()
        assert np.abs(observed - shares).max() < 0.01, q.id


def test_answers_correlate_through_the_latent_traits(frame):
    codes = pd.DataFrame({q.id: frame[q.id].map({v: i for i, v in enumerate(q.levels)}) for q in QUESTIONS})
    # income and provident fund both load on "stability"; charity and mybank on "engagement".
    assert codes["income"].corr(codes["provident_fund"]) > 0.1
    assert codes["charity"].corr(codes["mybank"]) > 0.05


def test_defaults_follow_the_true_process(frame):
    bad_rate = frame["bad"].mean()
    assert 0.01 < bad_rate < 0.10
    worst_huabei = frame["huabei"] == "overdue_now"
    assert frame.loc[worst_huabei, "bad"].mean() > 2 * frame.loc[frame["huabei"] == "on_time", "bad"].mean()


def test_the_true_dimension_spans_are_the_stated_weights():
    spans = population.true_log_odds_spans()
    by_dimension: dict[str, float] = {}
    for q in QUESTIONS:
        by_dimension[q.dimension] = by_dimension.get(q.dimension, 0.0) + spans[q.id]
    total = sum(by_dimension.values())
    assert total == pytest.approx(assumptions.TRUE_LOG_ODDS_SPAN)
    for dimension, weight in assumptions.DIMENSION_WEIGHTS.items():
        assert by_dimension[dimension] / total == pytest.approx(weight)


def test_same_seed_same_population_and_other_seed_other_population():
    first = population.generate(2_000, seed=5)
    pd.testing.assert_frame_equal(first, population.generate(2_000, seed=5))
    assert not first.equals(population.generate(2_000, seed=6))


def test_level_positions_run_from_zero_to_one_in_order():
    for q in QUESTIONS:
        positions = population.level_positions(q)
        assert positions[0] == 0.0 and positions[-1] == 1.0, q.id
        assert list(positions) == sorted(positions), q.id

"""The synthetic population: valid answers, the stated answer shares, a seeded, repeatable draw."""

import numpy as np
import pandas as pd
import pytest

from scoring import assumptions, population
from scoring.questions import QUESTION_BY_ID, QUESTIONS
from scoring.structure import LINKS, contradictions


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    return population.generate(60_000, seed=11)


def test_one_column_per_question_plus_the_outcome_and_the_true_score(frame):
    assert list(frame.columns) == [q.id for q in QUESTIONS] + ["bad", "true_score"]
    assert len(frame) == 60_000
    assert set(frame["bad"].unique()) <= {0, 1}
    assert not frame.isna().any().any()
    assert list(population.answers_of(frame).columns) == [q.id for q in QUESTIONS]


def test_no_row_breaks_the_answer_structure(frame):
    """What was seen: 59 % of the rows held an impossible combination (no cards but a repayment record...)."""
    rows = population.answers_of(frame).to_dict("records")
    assert sum(1 for row in rows if contradictions(row)) == 0
    no_cards = frame["credit_cards"] == "none"
    assert (frame.loc[no_cards, "card_repayment"] == "no_cards").all()
    assert (frame.loc[no_cards, "card_bills"] == "none").all()
    assert ((frame["living_bills"] == 0) == (frame["bill_address"] == "no_bills")).all()


def test_true_score_is_the_generators_log_odds_on_the_score_scale(frame):
    codes = population.codes_of(population.answers_of(frame))
    explained = population.true_score(population.true_log_odds(codes))
    gap = frame["true_score"].to_numpy() - explained
    inside = (explained > 360) & (explained < 940)
    # only the unseen part separates them: normal, 0.1 log-odds = about 7.9 points
    factor = assumptions.SCALE.pdo / np.log(2)
    assert np.std(gap[inside]) == pytest.approx(assumptions.UNSEEN_LOG_ODDS_SD * factor, rel=0.05)
    assert abs(np.mean(gap[inside])) < 0.3
    assert frame["true_score"].between(350, 950).all()
    # and it predicts the outcome: the worse the true score, the more defaults
    low = frame["true_score"] < frame["true_score"].quantile(0.2)
    assert frame.loc[low, "bad"].mean() > 3 * frame.loc[~low, "bad"].mean()


def test_good_probability_averages_the_unseen_part(frame):
    codes = {k: v[:5] for k, v in population.codes_of(population.answers_of(frame)).items()}
    rng = np.random.default_rng(1)
    log_odds = population.true_log_odds(codes)
    draws = log_odds[:, None] + assumptions.UNSEEN_LOG_ODDS_SD * rng.standard_normal((5, 200_000))
    assert population.good_probability(codes) == pytest.approx((1 / (1 + np.exp(-draws))).mean(axis=1), abs=2e-4)


def test_answer_probabilities_are_the_draw(frame):
    """The estimate reads the population through answer_probabilities: it must be the generator's own draw."""
    rng = np.random.default_rng(3)
    traits = rng.standard_normal((20, 2))
    for q in QUESTIONS:
        table = population.answer_probabilities(q, traits)
        assert table.shape == (20, len(q.levels))
        assert np.allclose(table.sum(axis=1), 1.0)
    # marginal over the prior = the unsettled shares
    grid = np.random.default_rng(4).standard_normal((200_000, 2))
    for q in QUESTIONS:
        assert population.answer_probabilities(q, grid).mean(axis=0) == pytest.approx(
            population.unsettled_shares(q), abs=0.005
        )


def test_equivalent_answers_have_equal_assumed_shares():
    """No cards <=> no repayment record (and bills): the generator relies on the shares agreeing."""
    for link in LINKS:
        reverse = [
            k
            for k in LINKS
            if (k.when_id, k.when_value, k.then_id, k.then_value)
            == (link.then_id, link.then_value, link.when_id, link.when_value)
        ]
        if reverse:
            when, then = QUESTION_BY_ID[link.when_id], QUESTION_BY_ID[link.then_id]
            assert population.shares(when)[when.index(link.when_value)] == pytest.approx(
                population.shares(then)[then.index(link.then_value)]
            )


def test_every_answer_is_an_allowed_value_of_the_right_type(frame):
    for q in QUESTIONS:
        values = set(frame[q.id].tolist())
        assert values <= set(q.levels), q.id
        assert {type(v) for v in frame[q.id].head(50).tolist()} == {type(q.levels[0])}, q.id


def test_answer_shares_match_the_assumptions(frame):
    """Within 1 point; within 2 for answers an earlier one can settle (card holders repay a
    little better than the shares alone say, since holding cards correlates with stability)."""
    settled = {k.then_id for k in LINKS}
    for q in QUESTIONS:
        shares = np.asarray(assumptions.ANSWER_SHARES[q.id], dtype=float)
        shares = shares / shares.sum()
        observed = frame[q.id].map({v: i for i, v in enumerate(q.levels)}).value_counts(normalize=True)
        observed = observed.reindex(range(len(q.levels)), fill_value=0).to_numpy()
        assert np.abs(observed - shares).max() < (0.02 if q.id in settled else 0.01), q.id


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

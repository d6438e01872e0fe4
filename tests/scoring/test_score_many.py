"""``card.score_many``: the vectorised path gives what ``card.score`` gives, row by row."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scoring.questions import DIMENSIONS, QUESTIONS, InvalidAnswer
from tests.scoring.profiles import profiles_with_none


def assert_rows_match_single_scores(card, table: pd.DataFrame, profiles: list[dict]) -> None:
    many = card.score_many(table)
    assert list(many.index) == list(table.index)
    assert list(many.columns) == ["score", "band", "low", "high", "log_odds", *DIMENSIONS]
    for (_, row), profile in zip(many.iterrows(), profiles, strict=True):
        one = card.score({k: v for k, v in profile.items() if v is not None})
        assert row["score"] == one.score
        assert row["band"] == one.band.id
        assert (row["low"], row["high"]) == one.range
        # The answered part is the same sums in the same order; the estimate of the unanswered
        # part is a matrix product here and a loop there, so equal up to rounding.
        assert row["log_odds"] == pytest.approx(one.log_odds, abs=1e-9)
        for dimension in one.dimensions:
            assert row[dimension.id] == pytest.approx(dimension.points, abs=1e-7)


@settings(max_examples=60, deadline=None)
@given(profiles=st.lists(profiles_with_none, min_size=1, max_size=25))
def test_score_many_agrees_with_score_on_partial_profiles(card, profiles):
    table = pd.DataFrame(profiles, columns=[q.id for q in QUESTIONS])  # object columns, None = NA
    assert_rows_match_single_scores(card, table, profiles)


def test_score_many_accepts_typed_columns_with_na(card):
    profiles = [
        {"huabei": "on_time", "insurance": True, "living_bills": 3, "wealth": "none", "mybank": True},
        {"huabei": None, "insurance": None, "living_bills": None, "wealth": "large", "mybank": None},
        {"huabei": "late_once", "insurance": False, "living_bills": 6, "wealth": None, "mybank": False},
    ]
    column = {k: [p[k] for p in profiles] for k in profiles[0]}
    index = [10, 20, 30]
    typed = pd.DataFrame(
        {
            "huabei": pd.Series(column["huabei"], dtype="str", index=index),
            "insurance": pd.Series(column["insurance"], dtype="boolean", index=index),
            "living_bills": pd.Series(column["living_bills"], dtype="Int64", index=index),
            "wealth": pd.Series(column["wealth"], dtype="category", index=index),
            "mybank": pd.Series(column["mybank"], dtype=object, index=index),
        }
    )
    assert_rows_match_single_scores(card, typed, profiles)
    floats = pd.DataFrame({"living_bills": [3.0, np.nan, 6.0]})
    assert_rows_match_single_scores(card, floats, [{"living_bills": p["living_bills"]} for p in profiles])


def test_score_many_on_plain_bool_and_int_columns(card):
    profiles = [{"insurance": True, "living_bills": 0}, {"insurance": False, "living_bills": 6}]
    table = pd.DataFrame(profiles)
    assert table["insurance"].dtype == bool and table["living_bills"].dtype == np.int64
    assert_rows_match_single_scores(card, table, profiles)


def test_missing_columns_are_unanswered_and_an_empty_table_works(card):
    table = pd.DataFrame({"loans": ["on_time", "late"]})
    assert_rows_match_single_scores(card, table, [{"loans": "on_time"}, {"loans": "late"}])
    assert card.score_many(pd.DataFrame(index=range(2)))["score"].tolist() == [card.score({}).score] * 2
    assert len(card.score_many(table.iloc[:0])) == 0


@pytest.mark.parametrize(
    ("table", "question_id"),
    [
        (pd.DataFrame({"huabei": ["on_time"], "sesame": [1]}), "sesame"),
        (pd.DataFrame({"huabei": ["on_time", "sometimes"]}), "huabei"),
        (pd.DataFrame({"living_bills": [3, 7]}), "living_bills"),
        (pd.DataFrame({"income": ["stable", "rich"]}), "income"),
    ],
)
def test_unknown_columns_and_values_raise_invalid_answer(card, table, question_id):
    with pytest.raises(InvalidAnswer) as error:
        card.score_many(table)
    assert error.value.question_id == question_id

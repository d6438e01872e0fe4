"""Explained changes: the answers a user changed are told apart from questions newly answered."""

import pytest
from hypothesis import given, settings

from scoring.changes import ScoreChange, explain
from scoring.questions import QUESTIONS, QUICK_IDS, InvalidAnswer
from tests.scoring.profiles import partial_profiles

QUICK = {
    "account_age": "3to5",
    "huabei": "late_once",
    "loans": "none",
    "credit_cards": "one_two",
    "card_repayment": "always_on_time",
    "shopping": "taobao",
    "wealth": "small",
    "income": "stable",
    "provident_fund": False,
    "phone_consistent": True,
}
assert set(QUICK) == set(QUICK_IDS)
FULL = {**QUICK, **{q.id: q.levels[0] for q in QUESTIONS if q.id not in QUICK}}


def test_a_first_estimate_says_so_and_explains_nothing(card):
    change = explain(card, None, QUICK)
    assert change.kind == "first" and change.delta is None
    assert change.score_after == card.score(QUICK).score


def test_answering_more_questions_is_more_precision_not_a_change(card):
    change = explain(card, QUICK, FULL)
    assert change.kind == "more_precise"
    assert change.changed == ()
    assert set(change.newly_answered) == set(FULL) - set(QUICK) and len(change.newly_answered) == 17
    assert change.delta == card.score(FULL).score - card.score(QUICK).score
    assert change.change_points == 0
    assert change.precision_points == pytest.approx(change.delta, abs=1)


def test_changing_huabei_repayment_names_the_answer_and_its_points(card):
    after = {**QUICK, "huabei": "on_time"}
    change = explain(card, QUICK, after)
    assert change.kind == "changed" and change.newly_answered == ()
    (only,) = change.changed
    assert (only.question_id, only.before, only.after) == ("huabei", "late_once", "on_time")
    # Its points: the move of changing that one answer alone (with whatever it changes in the estimate of
    # the unanswered questions), on the unclipped scale.
    raw = [card.offset + card.factor * card.score(p).log_odds for p in (QUICK, after)]
    assert only.points == pytest.approx(raw[1] - raw[0])
    assert only.points > 0 and change.delta == pytest.approx(only.points, abs=1)


def test_changes_and_new_answers_are_split_and_add_up(card):
    after = {**FULL, "huabei": "on_time", "income": "none"}
    change = explain(card, QUICK, after)
    assert change.kind == "changed_and_more_precise"
    assert {c.question_id for c in change.changed} == {"huabei", "income"}
    assert change.changed[0].points * change.changed[1].points < 0  # one helps, one hurts
    assert abs(change.changed[0].points) >= abs(change.changed[1].points)
    total = change.change_points + change.precision_points + change.other_points
    assert total == pytest.approx(change.delta)


def test_a_withdrawn_answer_is_a_change_to_nothing(card):
    before = {**QUICK, "vehicle": True}
    change = explain(card, before, QUICK)
    assert change.kind == "changed"
    assert [(c.question_id, c.before, c.after) for c in change.changed] == [("vehicle", True, None)]


def test_the_same_answers_are_the_same_and_a_bool_is_not_an_int(card):
    assert explain(card, QUICK, dict(QUICK)).kind == "same"
    with_bills = {**QUICK, "living_bills": 1}
    assert explain(card, with_bills, dict(with_bills)).kind == "same"


def test_what_the_answers_do_not_explain_is_other(card):
    # A shown score that moved without any answer changing (say, a new calibration): all of it is "other".
    change = explain(card, QUICK, QUICK, score_before=600, score_after=630)
    assert change.kind == "same" and change.other_points == pytest.approx(30)


def test_unknown_question_ids_are_refused(card):
    with pytest.raises(InvalidAnswer, match="nonsense"):
        explain(card, QUICK, {**QUICK, "nonsense": 1})


def test_the_explanation_round_trips_through_json(card):
    change = explain(card, QUICK, {**FULL, "huabei": "on_time"})
    again = ScoreChange.from_dict(change.as_dict())
    assert again.kind == change.kind and again.changed[0].question_id == "huabei"
    assert again.newly_answered == change.newly_answered


@settings(max_examples=60, deadline=None)
@given(before=partial_profiles, after=partial_profiles)
def test_the_parts_always_add_up_to_the_move(card, before, after):
    change = explain(card, before, after)
    total = change.change_points + change.precision_points + change.other_points
    assert total == pytest.approx(change.delta, abs=1e-6)
    assert set(change.newly_answered) == set(after) - set(before)
    assert {c.question_id for c in change.changed} == {
        q for q in before if q not in after or after[q] != before[q] or type(after[q]) is not type(before[q])
    }

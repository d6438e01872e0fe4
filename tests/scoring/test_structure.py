"""The answer structure: implied answers, contradictions and consistent changes."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scoring.questions import QUESTION_BY_ID, QUESTIONS, InvalidAnswer
from scoring.structure import (
    LINKS,
    Contradiction,
    ContradictoryAnswers,
    answered_count,
    check,
    complete,
    consistent_after_change,
    consistent_after_changes,
    contradictions,
    implied_answers,
    settled,
)
from tests.scoring.profiles import partial_profiles


def test_every_link_names_real_questions_and_allowed_answers() -> None:
    for link in LINKS:
        assert QUESTION_BY_ID[link.when_id].levels.count(link.when_value) == 1
        assert QUESTION_BY_ID[link.then_id].levels.count(link.then_value) == 1
        assert link.when_id != link.then_id


def test_links_are_closed_under_chaining() -> None:
    """One pass over the rows is enough only if every chain a => b => c is a row a => c too."""
    rows = {(k.when_id, k.when_value, k.then_id, k.then_value) for k in LINKS}
    for a in LINKS:
        for b in LINKS:
            if (a.then_id, a.then_value) == (b.when_id, b.when_value) and b.then_id != a.when_id:
                assert (a.when_id, a.when_value, b.then_id, b.then_value) in rows


@pytest.mark.parametrize(
    ("given_answers", "expected"),
    [
        ({"credit_cards": "none"}, {"card_repayment": "no_cards", "card_bills": "none"}),
        ({"card_repayment": "no_cards"}, {"credit_cards": "none", "card_bills": "none"}),
        ({"living_bills": 0}, {"bill_address": "no_bills"}),
        ({"bill_address": "no_bills"}, {"living_bills": 0}),
        ({"credit_cards": "one_two", "living_bills": 3}, {}),
        ({"credit_cards": "none", "card_repayment": "no_cards"}, {"card_bills": "none"}),
    ],
)
def test_implied_answers(given_answers: dict, expected: dict) -> None:
    assert implied_answers(given_answers) == expected
    assert complete(given_answers) == {**given_answers, **expected}
    for question_id in expected:
        assert settled(question_id, given_answers)


def test_false_is_not_zero_bills() -> None:
    """``living_bills`` is a number; a stray ``False`` must not pass for "0 bills"."""
    assert implied_answers({"living_bills": False}) == {}


def test_an_answered_question_is_not_settled_again() -> None:
    assert not settled("card_repayment", {"credit_cards": "none", "card_repayment": "no_cards"})
    assert not settled("card_bills", {"credit_cards": "one_two"})


@pytest.mark.parametrize(
    ("answers", "pair"),
    [
        ({"credit_cards": "none", "card_repayment": "often_late"}, ("credit_cards", "card_repayment")),
        ({"credit_cards": "one_two", "card_repayment": "no_cards"}, ("card_repayment", "credit_cards")),
        ({"credit_cards": "none", "card_bills": "bound"}, ("credit_cards", "card_bills")),
        ({"card_repayment": "no_cards", "card_bills": "bound_with_bills"}, ("card_repayment", "card_bills")),
        ({"living_bills": 3, "bill_address": "no_bills"}, ("bill_address", "living_bills")),
        ({"living_bills": 0, "bill_address": "matches"}, ("living_bills", "bill_address")),
    ],
)
def test_contradictions_name_both_given_answers(answers: dict, pair: tuple[str, str]) -> None:
    found = contradictions(answers)
    assert len(found) == 1
    assert (found[0].first_id, found[0].second_id) == pair
    assert found[0].first_value == answers[pair[0]]
    assert found[0].second_value == answers[pair[1]]
    with pytest.raises(ContradictoryAnswers) as raised:
        check(answers)
    assert isinstance(raised.value, InvalidAnswer)
    assert pair[0] in str(raised.value) and pair[1] in str(raised.value)


def test_a_consistent_profile_passes() -> None:
    check({"credit_cards": "none", "card_repayment": "no_cards", "card_bills": "none", "living_bills": 0})
    check({"credit_cards": "three_five", "card_repayment": "always_on_time", "card_bills": "none"})


def test_contradiction_message_in_both_languages() -> None:
    c = Contradiction("credit_cards", "none", "card_repayment", "often_late")
    assert "credit_cards" in c.message("en") and "card_repayment" in c.message("en")
    assert "Often late" in c.message("en") and "None" in c.message("en")
    zh = c.message("zh")
    assert "你有几张信用卡？" in zh and "经常逾期" in zh and "矛盾" in zh


def test_quick_check_first_options_is_a_contradiction() -> None:
    """What was seen: no cards + cards "often late" was accepted silently."""
    first: dict[str, object] = {}
    for qid in ("credit_cards", "card_repayment"):
        question = QUESTION_BY_ID[qid]
        first[qid] = question.choices[question.display_indexes()[0]].value
    assert first == {"credit_cards": "none", "card_repayment": "often_late"}
    assert contradictions(first)


def test_change_to_no_cards_sets_dependants() -> None:
    before = {"credit_cards": "one_two", "card_repayment": "often_late", "card_bills": "bound", "income": "stable"}
    after = consistent_after_change(before, "credit_cards", "none")
    assert after == {"credit_cards": "none", "card_repayment": "no_cards", "card_bills": "none", "income": "stable"}


def test_change_away_from_no_cards_drops_what_it_settled() -> None:
    before = complete({"credit_cards": "none", "living_bills": 2})
    after = consistent_after_change(before, "credit_cards", "three_five")
    assert after == {"credit_cards": "three_five", "living_bills": 2}


def test_change_that_contradicts_another_answer_drops_the_other() -> None:
    before = complete({"credit_cards": "none", "huabei": "on_time"})
    after = consistent_after_change(before, "card_repayment", "always_on_time")
    assert after == {"card_repayment": "always_on_time", "huabei": "on_time"}


def test_change_bills_both_ways() -> None:
    assert consistent_after_change({"living_bills": 3, "bill_address": "matches"}, "living_bills", 0) == {
        "living_bills": 0,
        "bill_address": "no_bills",
    }
    assert consistent_after_change({"living_bills": 0, "bill_address": "no_bills"}, "living_bills", 2) == {
        "living_bills": 2
    }
    assert consistent_after_change({"living_bills": 4, "bill_address": "differs"}, "bill_address", "no_bills") == {
        "living_bills": 0,
        "bill_address": "no_bills",
    }


def test_an_unrelated_change_keeps_everything() -> None:
    before = complete({"credit_cards": "none", "living_bills": 0, "income": "none"})
    assert consistent_after_change(before, "income", "stable") == {**before, "income": "stable"}


@given(profile=partial_profiles, data=st.data())
def test_any_change_leaves_a_consistent_profile_holding_the_new_answer(profile: dict, data: st.DataObject) -> None:
    question_id = data.draw(st.sampled_from(sorted(QUESTION_BY_ID)))
    value = data.draw(st.sampled_from(QUESTION_BY_ID[question_id].levels))
    after = consistent_after_change(profile, question_id, value)
    assert after[question_id] == value
    assert contradictions(after) == []
    assert implied_answers(after) == {}
    # Nothing unrelated is lost: every answer kept or dropped for a reason the links give.
    linked = {k.when_id for k in LINKS} | {k.then_id for k in LINKS}
    for key, held in profile.items():
        if key not in linked:
            assert after[key] == (value if key == question_id else held)


@given(profile=partial_profiles, data=st.data())
def test_several_changes_give_what_one_change_after_another_gives(profile: dict, data: st.DataObject) -> None:
    """``consistent_after_changes`` skips work for questions in no link: nothing may move, key order included."""
    question_ids = data.draw(st.lists(st.sampled_from(sorted(QUESTION_BY_ID)), max_size=5))
    changes = [(qid, data.draw(st.sampled_from(QUESTION_BY_ID[qid].levels))) for qid in question_ids]
    one_by_one = dict(profile)
    for question_id, value in changes:
        one_by_one = consistent_after_change(one_by_one, question_id, value)
    after = consistent_after_changes(profile, changes)
    assert list(after.items()) == list(one_by_one.items())
    assert after is not profile


def test_settled_questions_count_neither_as_answered_nor_as_open() -> None:
    assert answered_count({}) == (0, len(QUESTIONS))
    no_card = {"credit_cards": "none", "income": "stable"}
    settled_by_it = len(implied_answers(no_card))
    assert settled_by_it >= 1
    assert answered_count(no_card) == (2, len(QUESTIONS) - settled_by_it)

"""Typed text read as an answer: labels in either language, starts, words inside, places, yes and no."""

import pytest

from bot.answer_matching import fold, matching_choices, may_answer
from scoring.questions import QUESTION_BY_ID

HUABEI = QUESTION_BY_ID["huabei"]
CARDS = QUESTION_BY_ID["credit_cards"]  # shown in natural order: None, 1-2, 3-5, 6 or more
FUND = QUESTION_BY_ID["provident_fund"]
BILLS = QUESTION_BY_ID["living_bills"]


def test_fold_ignores_case_width_spaces_and_edge_punctuation():
    assert fold("  ＡＬＷＡＹＳ   on\ttime!! ") == "always on time"
    assert fold("「是」。") == "是"


@pytest.mark.parametrize(
    ("text", "values"),
    [
        ("Always on time", ("on_time",)),
        ("一直按时还款", ("on_time",)),
        ("always", ("on_time",)),
        ("late", ("late_often", "late_once")),  # ambiguous: both, in the order shown
        ("逾期过一次", ("late_once",)),
        ("not opened", ("none",)),
        ("没用过", ("none",)),  # inside a label
        ("x", ()),
        ("", ()),
    ],
)
def test_labels_starts_and_words_inside(text, values):
    assert tuple(HUABEI.levels[i] for i in matching_choices(HUABEI, text)) == values


def test_a_number_is_the_place_of_a_button_as_shown():
    assert CARDS.levels[matching_choices(CARDS, "1")[0]] == "none"  # shown first, stored last but one
    assert CARDS.levels[matching_choices(CARDS, "４")[0]] == "six_plus"
    assert matching_choices(CARDS, "5") == () and matching_choices(CARDS, "0") == ()
    assert matching_choices(CARDS, "3-5") == (CARDS.levels.index("three_five"),)


@pytest.mark.parametrize(("text", "value"), [("yes", True), ("Y", True), ("是的", True), ("no", False), ("否", False)])
def test_yes_and_no(text, value):
    (index,) = matching_choices(FUND, text)
    assert FUND.levels[index] is value


def test_may_answer_tells_an_attempt_from_a_free_question():
    assert may_answer(HUABEI, "late") and not may_answer(HUABEI, "what is my score")
    assert may_answer(BILLS, "12") and may_answer(BILLS, "３") and not may_answer(BILLS, "how do I raise my score")

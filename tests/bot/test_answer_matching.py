"""Typed text read as an answer: labels in either language, starts, words inside, places, yes and no."""

import pytest

from bot.answer_matching import fold, matching_choices, may_answer
from scoring.questions import QUESTION_BY_ID

HUABEI = QUESTION_BY_ID["huabei"]
CARDS = QUESTION_BY_ID["credit_cards"]  # shown in natural order: None, 1-2, 3-5, 6 or more
FUND = QUESTION_BY_ID["provident_fund"]
BILLS = QUESTION_BY_ID["living_bills"]
LOANS = QUESTION_BY_ID["loans"]
WEALTH = QUESTION_BY_ID["wealth"]


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


@pytest.mark.parametrize(
    ("question", "text", "values"),
    [
        # Inside a label as well as at its start: "逾期" is never silently "逾期过一次" alone.
        (HUABEI, "逾期", ("overdue_now", "late_often", "late_once")),
        (LOANS, "逾期", ("overdue_now", "late")),
        # A word of the same meaning, a measure word or 元 left out.
        (HUABEI, "当前逾期", ("overdue_now",)),
        (HUABEI, "现在逾期了", ("overdue_now",)),
        (HUABEI, "还行吧", ()),
        (WEALTH, "1万以下", ("small",)),
        (WEALTH, "1万", ("small",)),
        # A whole label inside a longer answer.
        (HUABEI, "我现在有逾期", ("overdue_now",)),
        (LOANS, "I have no loans", ("none",)),
        (HUABEI, "I'm overdue right now!", ("overdue_now",)),
        (FUND, "yes and no", (False, True)),
        (FUND, "not sure", ()),  # "no" only as a word of its own
    ],
)
def test_text_inside_a_label_or_a_label_inside_the_text(question, text, values):
    assert tuple(question.levels[i] for i in matching_choices(question, text)) == values

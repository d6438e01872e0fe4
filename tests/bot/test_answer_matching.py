"""Typed text read as an answer: labels in either language, starts, words inside, places, yes and no."""

import pytest

from bot.answer_matching import (
    fold,
    matching_choices,
    may_answer,
    number_reading,
    spoken_numbers,
    takes_amounts,
    typed_count,
)
from scoring.questions import QUESTION_BY_ID, QUESTIONS

HUABEI = QUESTION_BY_ID["huabei"]
CARDS = QUESTION_BY_ID["credit_cards"]  # shown in natural order: None, 1-2, 3-5, 6 or more
FUND = QUESTION_BY_ID["provident_fund"]
BILLS = QUESTION_BY_ID["living_bills"]
LOANS = QUESTION_BY_ID["loans"]
WEALTH = QUESTION_BY_ID["wealth"]
AGE = QUESTION_BY_ID["account_age"]
PHONE = QUESTION_BY_ID["phone_years"]
ADDRESSES = QUESTION_BY_ID["addresses"]


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


def values(question, text, shown=None):
    return tuple(question.levels[i] for i in matching_choices(question, text, shown))


def test_a_number_is_the_place_of_a_button_as_shown():
    assert values(HUABEI, "1") == ("overdue_now",) and values(HUABEI, "５") == ("on_time",)
    assert values(HUABEI, "6") == () and values(HUABEI, "0") == ()
    # Among the buttons offered, as shown: with "No loans" held back, "Always on time" is the third.
    offered = tuple(i for i in LOANS.display_indexes() if LOANS.levels[i] != "none")
    assert values(LOANS, "3", offered) == ("on_time",) and values(LOANS, "4", offered) == ()


@pytest.mark.parametrize(
    ("question", "text", "values_"),
    [
        # A number at a question of amounts is the amount ("5" cards is "3-5"), in either language.
        (CARDS, "5", ("three_five",)),
        (CARDS, "0", ("none",)),
        (CARDS, "12", ("six_plus",)),
        (CARDS, "4张", ("three_five",)),  # with its unit it is never a button's place
        (CARDS, "4 cards", ("three_five",)),
        (CARDS, "３-５", ("three_five",)),
        (AGE, "3 to 5 yrs", ("3to5",)),
        (AGE, "3-5yrs", ("3to5",)),
        (AGE, "3 ~ 5 years", ("3to5",)),
        (AGE, "3到5年", ("3to5",)),
        (AGE, "0", ("lt1",)),
        (AGE, "10", ("5to10",)),  # "Over 10 years" leaves 10 out
        (AGE, "11年", ("gt10",)),
        (AGE, "3年", ("1to3", "3to5")),  # on the edge of two: asked which
        (PHONE, "2", ("1to3",)),
        (ADDRESSES, "1", ("one",)),  # one address, not the first button ("4 or more")
        (ADDRESSES, "0", ()),
        (ADDRESSES, "5个", ("more",)),
        # A range no choice has, a negative number, digits no label holds: nothing.
        (AGE, "2-4 years", ()),
        (AGE, "-1", ()),
        (AGE, "−1", ()),
        (CARDS, "-1", ()),
        (AGE, "5-1", ()),  # the start of "5-10年" but not its number
        (AGE, "年-1", ()),
    ],
)
def test_numbers_are_amounts_not_characters(question, text, values_):
    assert values(question, text) == values_


@pytest.mark.parametrize(
    ("text", "value"), [("4", "three_five"), ("４", "three_five"), ("1", "one_two"), ("6", "six_plus")]
)
def test_a_number_of_cards_is_the_amount_never_a_place(text, value):
    """Four cards is "3-5", never the fourth button ("6 or more"): the question says so where asked."""
    assert values(CARDS, text) == (value,)


def test_labels_with_numbers_still_match_their_own_numbers():
    assert values(CARDS, "3-5") == ("three_five",) and values(CARDS, "1-2张") == ("one_two",)
    assert values(AGE, "10年以上") == ("gt10",) and values(AGE, "over 10") == ("gt10",)
    assert values(WEALTH, "1万以下") == ("small",) and values(WEALTH, "1-10万") == ("medium",)


SPEND = QUESTION_BY_ID["monthly_spend"]


@pytest.mark.parametrize(
    ("question", "text", "values"),
    [
        # A sum of money as people type it is the sum, never a button's place.
        (SPEND, "3000", ("2000to5000",)),
        (SPEND, "3,000元", ("2000to5000",)),
        (SPEND, "¥3000", ("2000to5000",)),
        (SPEND, "￥3000", ("2000to5000",)),
        (SPEND, "3k", ("2000to5000",)),
        (SPEND, "3000块", ("2000to5000",)),
        (SPEND, "RMB 3000", ("2000to5000",)),
        (SPEND, "3", ("lt500",)),  # ¥3, not the third button
        (SPEND, "500", ("500to2000",)),  # "Under ¥500" leaves 500 out
        (SPEND, "2000", ("500to2000", "2000to5000")),  # on the edge of two: asked about
        (SPEND, "5000", ("2000to5000",)),
        (SPEND, "6000", ("gt5000",)),
        (SPEND, "500-2000", ("500to2000",)),
        (WEALTH, "0", ("none",)),
        (WEALTH, "3", ("small",)),
        (WEALTH, "5000", ("small",)),
        (WEALTH, "1万", ("medium",)),  # ¥10,000 is "¥10k-100k": "Under ¥10k" leaves it out
        (WEALTH, "2w", ("medium",)),
        (WEALTH, "1-10万", ("medium",)),  # the 万 written once counts for both ends
        (WEALTH, "20万", ("large",)),
    ],
)
def test_a_sum_typed_at_a_money_question_is_the_sum(question, text, values):
    assert tuple(question.levels[i] for i in matching_choices(question, text)) == values


@pytest.mark.parametrize(
    ("question", "text", "reading"),
    [
        (CARDS, "4", "amount"),
        (AGE, "4 years", "amount"),
        (AGE, "3-5yrs", None),  # a range names its choice: nothing to tell apart
        (SPEND, "3", "amount"),
        (WEALTH, "1万", "amount"),
        (HUABEI, "3", "place"),
        (FUND, "1", "place"),  # a yes/no question's buttons are numbered too (1: "Not yet")
        (HUABEI, "always", None),
        (SPEND, "Over ¥5,000", None),
    ],
)
def test_how_a_number_is_read_follows_the_question_kind(question, text, reading):
    """Every choice question with amounts (years, cards, addresses, yuan) reads a number as one; the rest as a place."""
    assert number_reading(question, text) == reading


@pytest.mark.parametrize("question", [q for q in QUESTIONS if q.kind == "choice"], ids=lambda q: q.id)
def test_every_choice_question_whose_labels_are_quantities_takes_amounts(question):
    """A label with a figure in it (years, cards, addresses, yuan) makes "3" an amount there, never a place."""
    labels = [c.label(lang) for c in question.choices for lang in ("zh", "en")]
    assert takes_amounts(question) == any(ch.isdigit() for label in labels for ch in label)
    assert question.money == any("¥" in label or "元" in label for label in labels)


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
        # A whole label inside a longer answer.
        (HUABEI, "我现在有逾期", ("overdue_now",)),
        (LOANS, "I have no loans", ("none",)),
        (HUABEI, "I'm overdue right now!", ("overdue_now",)),
        (FUND, "yes and no", (False, True)),
        (FUND, "not sure", ()),  # "no" only as a word of its own
        # The label must be the whole answer: what is left has to be filler, not another thing.
        (FUND, "no income", ()),
        (FUND, "没有收入", ()),
        (FUND, "I have no", (False,)),
        (LOANS, "no loans yet", ()),
        (HUABEI, "I'm overdue right now on my card", ()),
        (HUABEI, "我的花呗现在有逾期", ()),
    ],
)
def test_text_inside_a_label_or_a_label_inside_the_text(question, text, values):
    assert tuple(question.levels[i] for i in matching_choices(question, text)) == values


@pytest.mark.parametrize(
    ("typed", "spoken"),
    [
        ("五年", "5年"),
        ("大概五六年吧", "5-6年"),  # two neighbours said together: five or six
        ("两张", "2张"),
        ("我有两张吧", "2张"),
        ("两三张", "2-3张"),
        ("一万以下", "1万以下"),  # 万 kept, as the labels write it
        ("十万以上", "10万以上"),
        ("十", "10"),
        ("二十五", "25"),
        ("一百零五", "105"),
        ("三千五", "3500"),  # the last digit counts hundreds
        ("一万五", "15000"),
        ("五零零", "500"),
        ("about five years", "5 years"),
        ("一致", "1致"),  # read again only where nothing matched as typed (see below)
        ("under 10k", "under 10k"),
        ("no loans", "no loans"),
        ("两三千", "2000-3000"),
        ("两三万", "2-3万"),
        ("大概三千吧", "3000"),
        ("about 3k", "3k"),
    ],
)
def test_spoken_numbers_in_digits(typed, spoken):
    assert spoken_numbers(fold(typed)) == spoken


@pytest.mark.parametrize(
    ("question", "text", "values_"),
    [
        # QA 8: numbers as Chinese (and English) speakers say them, read as the digits would be.
        (AGE, "五年", ("3to5", "5to10")),  # on the edge, as "5年": asked which
        (AGE, "大概五六年吧", ("5to10",)),  # 5-6 lies inside "5-10 years" only
        (AGE, "两年", ("1to3",)),
        (AGE, "十年以上", ("gt10",)),
        (AGE, "不到一年", ("lt1",)),
        (AGE, "about five years", ("3to5", "5to10")),
        (AGE, "six years", ("5to10",)),
        (CARDS, "两张", ("one_two",)),
        (CARDS, "我有两张吧", ("one_two",)),
        (CARDS, "四张", ("three_five",)),
        (CARDS, "两三张", ()),  # 2 or 3: "1-2" or "3-5", no range holds both: not guessed
        (ADDRESSES, "一个", ("one",)),
        (WEALTH, "一万以下", ("small",)),
        (WEALTH, "十万以上", ("large",)),
        (WEALTH, "under 10k", ("small",)),  # the label's ¥ left out
        (WEALTH, "两三万", ("medium",)),  # 2-3万
        (WEALTH, "一到十万", ("medium",)),  # the 万 written once counts for both ends
        (WEALTH, "五万", ("medium",)),
        (SPEND, "两千到五千", ("2000to5000",)),
        (SPEND, "大概三千五吧", ("2000to5000",)),
        (SPEND, "两三千", ("2000to5000",)),  # 2000-3000 lies inside it
        (SPEND, "about 3k", ("2000to5000",)),
        (SPEND, "around ¥3,000", ("2000to5000",)),
        (QUESTION_BY_ID["friends_credit"], "我有", ()),  # no number: its words stay as typed
        # Words with numerals in them are their labels, never numbers; a numeral alone is no place.
        (HUABEI, "逾期过一次", ("late_once",)),
        (QUESTION_BY_ID["bill_address"], "一致", ("matches",)),
        (QUESTION_BY_ID["bill_address"], "不一致", ("differs",)),
        (HUABEI, "三", ()),
        (AGE, "一", ("1to3",)),
    ],
)
def test_numbers_said_in_words(question, text, values_):
    assert values(question, text) == values_


@pytest.mark.parametrize(
    ("typed", "count"),
    [
        ("三种", "3"),
        ("大概三种吧", "3"),
        ("我有两种", "2"),
        ("3 kinds", "3"),
        ("three", "3"),
        ("十", "10"),
        ("２", "2"),
    ],
)
def test_a_count_said_in_words_is_its_digits(typed, count):
    assert typed_count(typed) == count and may_answer(BILLS, typed)


@pytest.mark.parametrize("typed", ["不知道", "many", "三年多", ""])
def test_a_count_that_is_no_number_stays_as_typed(typed):
    assert typed_count(typed) == typed

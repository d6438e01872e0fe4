"""The questionnaire contract of issue 2: ids, dimensions, kinds, answer order, texts, parsing."""

import pytest

from scoring.questions import (
    DIMENSION_NAMES,
    DIMENSIONS,
    QUESTION_BY_ID,
    QUESTIONS,
    QUICK_IDS,
    InvalidAnswer,
    parse_answers,
)

# The issue's table, restated on purpose: this test is the contract the rest of the project
# (dialog, advice, CLI) relies on. Values listed least to most favourable.
ISSUE_TABLE = {
    "account_age": ("credit_history", ["lt1", "1to3", "3to5", "5to10", "gt10"]),
    "huabei": ("credit_history", ["overdue_now", "late_often", "late_once", "none", "on_time"]),
    "loans": ("credit_history", ["overdue_now", "late", "none", "on_time"]),
    "credit_cards": ("credit_history", None),  # order justified by the model, checked below
    "card_repayment": ("credit_history", ["often_late", "sometimes_late", "no_cards", "always_on_time"]),
    "card_bills": ("credit_history", ["none", "bound", "bound_with_bills"]),
    "shopping": ("behaviour", ["rarely", "other", "taobao", "tmall"]),
    "monthly_spend": ("behaviour", ["lt500", "500to2000", "2000to5000", "gt5000"]),
    "living_bills": ("behaviour", "number"),
    "bill_address": ("behaviour", ["no_bills", "differs", "matches"]),
    "wealth": ("behaviour", ["none", "small", "medium", "large"]),
    "insurance": ("behaviour", "bool"),
    "charity": ("behaviour", ["never", "sometimes", "regular"]),
    "mybank": ("behaviour", "bool"),
    "income": ("capacity", ["none", "unstable", "stable", "high_stable"]),
    "provident_fund": ("capacity", "bool"),
    "property": ("capacity", "bool"),
    "vehicle": ("capacity", "bool"),
    "real_name": ("identity", "bool"),
    "education": ("identity", "bool"),
    "work_info": ("identity", "bool"),
    "phone_years": ("identity", ["lt1", "1to3", "gt3"]),
    "phone_consistent": ("identity", "bool"),
    "addresses": ("identity", ["more", "two_three", "one"]),
    "third_party_data": ("identity", "bool"),
    "friends_credit": ("connections", ["unknown", "low", "mixed", "high"]),
    "friend_interaction": ("connections", ["never", "sometimes", "often"]),
}


def test_the_five_dimensions_in_order():
    assert DIMENSIONS == ("credit_history", "behaviour", "capacity", "identity", "connections")
    assert set(DIMENSION_NAMES) == set(DIMENSIONS)


@pytest.mark.parametrize("question_id", sorted(ISSUE_TABLE))
def test_every_issue_question_is_present_with_its_dimension_kind_and_order(question_id):
    dimension, answers = ISSUE_TABLE[question_id]
    question = QUESTION_BY_ID[question_id]
    assert question.dimension == dimension
    if answers == "bool":
        assert question.kind == "bool"
        assert question.levels == (False, True)
    elif answers == "number":
        assert question.kind == "number"
        assert question.levels == tuple(range(0, 7))
    elif answers is not None:
        assert question.kind == "choice"
        assert list(question.levels) == answers


def test_credit_cards_has_the_issue_values_with_three_to_five_best_and_six_plus_below_it():
    levels = QUESTION_BY_ID["credit_cards"].levels
    assert sorted(levels) == sorted(["none", "one_two", "three_five", "six_plus"])
    assert levels[-1] == "three_five"
    assert levels.index("six_plus") < levels.index("three_five")


def test_ids_are_unique_and_every_question_has_a_known_dimension():
    ids = [q.id for q in QUESTIONS]
    assert len(ids) == len(set(ids)) == len(QUESTION_BY_ID)
    assert set(ISSUE_TABLE) <= set(ids)
    assert {q.dimension for q in QUESTIONS} == set(DIMENSIONS)


def test_choice_values_are_unique_strings_and_every_question_has_two_levels_or_more():
    for q in QUESTIONS:
        assert len(q.levels) >= 2, q.id
        assert len(set(q.levels)) == len(q.levels), q.id
        if q.kind == "choice":
            assert all(isinstance(v, str) for v in q.levels), q.id


def test_quick_set_is_about_ten_and_spans_the_big_dimensions():
    assert 8 <= len(QUICK_IDS) <= 12
    assert len(set(QUICK_IDS)) == len(QUICK_IDS)
    assert {QUESTION_BY_ID[q].dimension for q in QUICK_IDS} >= {"credit_history", "behaviour", "capacity"}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_both_languages_have_every_text(lang):
    for q in QUESTIONS:
        assert q.prompt(lang).strip(), q.id
        for value in q.levels:
            assert q.label(value, lang).strip(), (q.id, value)
    for d in DIMENSIONS:
        assert DIMENSION_NAMES[d][lang].strip()


def test_the_two_languages_differ():
    for q in QUESTIONS:
        assert q.prompt("zh") != q.prompt("en"), q.id
    assert any("\u4e00" <= ch <= "\u9fff" for ch in QUESTION_BY_ID["huabei"].prompt("zh"))


@pytest.mark.parametrize("question", QUESTIONS, ids=lambda q: q.id)
def test_parse_accepts_every_level(question):
    for value in question.levels:
        assert question.parse(value) == value
        assert type(question.parse(value)) is type(value)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (True, True),
        (False, False),
        ("yes", True),
        ("No", False),
        ("true", True),
        ("0", False),
        ("是", True),
        ("否", False),
        (" y ", True),
    ],
)
def test_bool_parse_accepts_common_spellings(raw, expected):
    assert QUESTION_BY_ID["insurance"].parse(raw) is expected


@pytest.mark.parametrize("raw", ["maybe", "", 2, None, [True]])
def test_bool_parse_rejects_the_rest(raw):
    with pytest.raises(InvalidAnswer) as error:
        QUESTION_BY_ID["insurance"].parse(raw)
    assert error.value.question_id == "insurance"


@pytest.mark.parametrize(("raw", "expected"), [(0, 0), (6, 6), ("3", 3), (" 4 ", 4), (2.0, 2), ("5.0", 5)])
def test_number_parse_accepts_whole_numbers_in_range(raw, expected):
    parsed = QUESTION_BY_ID["living_bills"].parse(raw)
    assert parsed == expected
    assert type(parsed) is int


@pytest.mark.parametrize("raw", [7, -1, 2.5, "two", "", True, False, None, float("nan"), float("inf"), 10**400])
def test_number_parse_rejects_the_rest(raw):
    with pytest.raises(InvalidAnswer) as error:
        QUESTION_BY_ID["living_bills"].parse(raw)
    assert error.value.question_id == "living_bills"
    assert "0-6" in str(error.value)


@pytest.mark.parametrize("raw", ["ON_TIME", "on time", "", 1, None, True, ["on_time"]])
def test_choice_parse_rejects_anything_but_an_exact_value(raw):
    with pytest.raises(InvalidAnswer) as error:
        QUESTION_BY_ID["huabei"].parse(raw)
    assert "huabei" in str(error.value)
    assert "on_time" in str(error.value)  # the message lists what is allowed


def test_parse_answers_validates_drops_none_and_keeps_any_subset():
    parsed = parse_answers({"huabei": "on_time", "insurance": "yes", "living_bills": "3", "loans": None})
    assert parsed == {"huabei": "on_time", "insurance": True, "living_bills": 3}
    assert parse_answers({}) == {}


def test_parse_answers_names_an_unknown_id_or_a_bad_value():
    with pytest.raises(InvalidAnswer) as error:
        parse_answers({"huabei": "on_time", "sesame": 1})
    assert error.value.question_id == "sesame"
    assert "unknown question id" in str(error.value)
    with pytest.raises(InvalidAnswer) as error:
        parse_answers({"wealth": "huge"})
    assert error.value.question_id == "wealth"
    assert error.value.value == "huge"


def test_display_order_is_a_permutation_and_cards_read_naturally():
    for q in QUESTIONS:
        assert sorted(q.display_indexes()) == list(range(len(q.choices)))
    cards = QUESTION_BY_ID["credit_cards"]
    shown = [cards.levels[i] for i in cards.display_indexes()]
    assert shown == ["none", "one_two", "three_five", "six_plus"]
    assert cards.levels[0] == "six_plus"  # the score order (least favourable first) is unchanged


def test_a_display_order_that_is_not_a_permutation_is_refused():
    import pytest

    from scoring.questions import Choice, Question

    with pytest.raises(ValueError, match="display_order"):
        Question(
            "x",
            "behaviour",
            "choice",
            "问",
            "Q",
            (Choice("a", "甲", "A"), Choice("b", "乙", "B")),
            display_order=(0, 0),
            topics=("问", "Q"),
        )


def test_every_question_has_a_short_topic_label_and_one_without_is_refused():
    import pytest

    from scoring.questions import Question

    assert all(q.topic("zh") and q.topic("en") and len(q.topic("en")) < len(q.en) for q in QUESTIONS)
    assert len({q.topic("en") for q in QUESTIONS}) == len(QUESTIONS) == len({q.topic("zh") for q in QUESTIONS})
    with pytest.raises(ValueError, match="topic"):
        Question("x", "behaviour", "bool", "问？", "Q?", topics=("问", ""))

import re
from pathlib import Path

import pytest

from advice.catalogue import (
    ACTION_BY_ID,
    ACTIONS,
    EFFORT_NAMES,
    EFFORTS,
    TIMINGS,
    WARNINGS,
    Change,
    UnknownAction,
    get_action,
)
from advice.presentation import action_view, steps_text
from scoring.questions import QUESTION_BY_ID

REQUIRED_IDS = {
    "repay_overdue",
    "huabei_on_time",
    "card_on_time",
    "credit_cards_3_5",
    "first_card",
    "import_card_bills",
    "tmall_shopping",
    "living_bills",
    "fix_bill_address",
    "wealth_management",
    "insurance",
    "charity",
    "mybank",
    "stable_phone",
    "single_address",
    "verify_real_name",
    "add_provident_fund",
    "add_property",
    "add_vehicle",
    "add_education",
    "add_work_info",
    "authorize_third_party",
    "friend_interaction",
}
SEEDS = Path("/work/shared/seeds")
CJK = re.compile(r"[\u4e00-\u9fff]")


def test_the_catalogue_covers_every_action_of_the_issue_once():
    ids = [a.id for a in ACTIONS]
    assert len(ids) == len(set(ids))
    assert REQUIRED_IDS <= set(ids), REQUIRED_IDS - set(ids)


def test_every_tip_of_the_seed_text_and_the_bill_import_text_is_backed_by_an_action():
    sources = {a.source for a in ACTIONS}
    assert {f"000#{n}" for n in range(1, 11)} <= sources
    assert "004#steps" in sources
    if SEEDS.exists():  # the seed text really lists ten numbered tips
        text = (SEEDS / "000_96a56368f582fabe.txt").read_text(encoding="utf-8")
        assert [int(n) for n in re.findall(r"^(\d+), ", text, re.M)] == list(range(1, 11))


@pytest.mark.parametrize("action", ACTIONS, ids=lambda a: a.id)
def test_every_counterfactual_is_valid_and_never_makes_an_answer_worse(action):
    assert action.changes
    for first, second in zip(action.changes, action.changes[1:], strict=False):
        if first.question_id == second.question_id:  # one question twice: from disjoint answers
            assert not set(first.from_values) & set(second.from_values)
    for change in action.changes:
        question = QUESTION_BY_ID[change.question_id]
        assert change.to in question.levels
        assert change.from_values, change
        for value in change.from_values:
            assert value in question.levels
            assert type(value) is type(change.to)
            assert question.index(value) < question.index(change.to), (change.question_id, value)
    for question_id, values in action.blocked_by:
        assert all(v in QUESTION_BY_ID[question_id].levels for v in values)


@pytest.mark.parametrize("action", ACTIONS, ids=lambda a: a.id)
def test_every_action_has_titles_effort_timing_and_known_warnings(action):
    assert CJK.search(action.zh) and not CJK.search(action.en)
    assert action.effort in EFFORTS
    assert action.timing in TIMINGS
    assert set(action.warnings) <= set(WARNINGS)


def test_label_tables_hold_both_languages():
    for table in (EFFORT_NAMES, TIMINGS, WARNINGS):
        for entry in table.values():
            assert CJK.search(entry["zh"]) and entry["en"] and not CJK.search(entry["en"])


def test_the_warnings_the_sources_give_are_attached():
    assert "debt_pressure" in ACTION_BY_ID["credit_cards_3_5"].warnings
    assert "more than 5" in WARNINGS["debt_pressure"]["en"].lower()
    assert "bill_address" in ACTION_BY_ID["living_bills"].warnings
    assert "bill_address" in ACTION_BY_ID["fix_bill_address"].warnings
    for action in ACTIONS:
        assert ("true_data" in action.warnings) == action.record, action.id
    assert "no_tricks" in ACTION_BY_ID["friend_interaction"].warnings
    assert "cross-check" in WARNINGS["no_tricks"]["en"] and "paid" in WARNINGS["no_tricks"]["en"].lower()


def test_credit_cards_3_5_only_cuts_and_a_first_card_is_one_card_of_new_credit():
    """QA: "apply ... until you hold 3" sat beside "never borrow for the score" on one screen."""
    (cut,) = ACTION_BY_ID["credit_cards_3_5"].changes
    assert (cut.to, cut.from_values, cut.adds_credit) == ("three_five", ("six_plus",), False)
    card, record = ACTION_BY_ID["first_card"].changes
    assert (card.to, card.from_values, card.adds_credit) == ("one_two", ("none",), True)
    # a first card starts a repayment record: the answer structure links the two answers
    assert (record.question_id, record.from_values, record.to) == ("card_repayment", ("no_cards",), "always_on_time")
    assert record.adds_credit
    # no action pushes 1-2 cards to more
    assert not [a.id for a in ACTIONS if a.changes_for({"credit_cards": "one_two"})]


def test_changes_for_touches_only_answered_questions_in_its_from_set():
    repay = get_action("repay_overdue")
    assert repay.changes_for({}) == ()
    assert repay.changes_for({"huabei": "on_time", "loans": "late"}) == ()
    assert repay.changes_for({"huabei": "overdue_now"}) == (Change("huabei", "overdue_now", "late_once"),)
    assert repay.changes_for({"huabei": "overdue_now", "loans": "overdue_now"}) == (
        Change("huabei", "overdue_now", "late_once"),
        Change("loans", "overdue_now", "late"),
    )
    # an action never claims the answer above its target, nor a current overdue as a start point
    assert get_action("huabei_on_time").changes_for({"huabei": "overdue_now"}) == ()
    assert get_action("wealth_management").changes_for({"wealth": "small"}) == ()


def test_an_impossible_action_is_blocked_by_the_answers_that_rule_it_out():
    bills = get_action("import_card_bills")
    assert bills.changes_for({"card_bills": "none"}) == (Change("card_bills", "none", "bound_with_bills"),)
    assert bills.changes_for({"card_bills": "none", "credit_cards": "none"}) == ()
    assert bills.changes_for({"card_bills": "bound", "card_repayment": "no_cards"}) == ()


def test_unknown_action_ids_raise_a_clear_error():
    with pytest.raises(UnknownAction, match="unknown action id 'nope'"):
        get_action("nope")


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("action", ACTIONS, ids=lambda a: a.id)
def test_every_action_has_rendered_numbered_steps(action, lang):
    text = steps_text(action_view(action, lang), lang)
    assert text.startswith("1. ") and "\n2. " in text


def test_import_card_bills_steps_follow_the_bill_import_source_in_order():
    en = steps_text(action_view(get_action("import_card_bills"), "en"), "en")
    zh = steps_text(action_view(get_action("import_card_bills"), "zh"), "zh")
    for text, path in (
        (
            en,
            [
                "Alipay",
                '"My"',
                '"Sesame Credit"',
                '"Credit management"',
                '"Personal information"',
                '"Credit card statement"',
                '"Bind"',
                "e-mail address",
                "password",
                '"Get bill"',
            ],
        ),
        (
            zh,
            [
                "支付宝",
                "「我的」",
                "「芝麻信用」",
                "「信用管理」",
                "「个人信息」",
                "「信用卡账单」",
                "「绑定」",
                "邮箱地址",
                "密码",
                "「获取账单」",
            ],
        ),
    ):
        positions = [text.index(step) for step in path]
        assert positions == sorted(positions), text
        assert "\n5. " in text


def test_timings_fit_their_actions():
    """'After months of on-time records' only suits repayments."""
    repayments = {"huabei", "loans", "card_repayment"}
    for action in ACTIONS:
        if action.timing == "months_3_6":
            assert set(action.questions) <= repayments, action.id


def test_the_huabei_title_fits_people_who_already_use_huabei():
    """It once said 开通花呗 ("open Huabei") to people whose late records show they use it."""
    action = get_action("huabei_on_time")
    users = {v for c in action.changes for v in c.from_values if c.question_id == "huabei"} - {"none"}
    assert users  # people already using Huabei see this action
    assert action.title("zh") == "用好花呗，每期按时还款"
    assert "开通" not in action.title("zh") and "open" not in action.title("en").lower()


def test_huabei_on_time_is_repayment_for_its_users_and_new_credit_for_the_others():
    """Told apart by today's answer: repaying what one uses is no new credit, opening Huabei is."""
    action = get_action("huabei_on_time")
    for late in ("late_once", "late_often"):
        repaid = (Change("huabei", late, "on_time"),)
        assert action.changes_for({"huabei": late}) == action.changes_for({"huabei": late}, new_credit=False) == repaid
    assert action.changes_for({"huabei": "none"}) == (Change("huabei", "none", "on_time"),)
    assert action.changes_for({"huabei": "none"}, new_credit=False) == ()


def test_no_two_actions_change_one_answer_from_the_same_value():
    """So actions never compete for an answer: a what-if's points are the sum of its actions'."""
    seen: dict[tuple[str, object], str] = {}
    for action in ACTIONS:
        for change in action.changes:
            for value in change.from_values:
                key = (change.question_id, (type(value), value))
                assert seen.setdefault(key, action.id) == action.id, (key, seen[key], action.id)

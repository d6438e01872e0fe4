"""Issue 7, "What was seen", the advice side: each finding reproduced, in both languages.

Every test renders the real templates (``cli_advise.txt.j2``, ``advice.html.j2``) as the CLI and
the bot show them, so a regression in the words fails here as well as one in the numbers.
"""

import json

import pytest

from advice import ACTIONS, COMBINED_TOP, rank, simulate
from advice.catalogue import WARNINGS
from advice.feasibility import NOTHING_TO_DO, RECORD_ACTIONS, active_gates, feasible_changes
from advice.presentation import action_view, plan_view
from bot.cli import main
from scoring.card import load_scorecard
from scoring.questions import NO_STEADY_INCOME, QUESTION_BY_ID, QUICK_IDS
from scoring.structure import implied_answers
from templates import render

CARD = load_scorecard()
LANGS = ("zh", "en")


def texts(plan, lang):
    """The advice as the terminal and as Telegram show it."""
    view = plan_view(plan, lang)
    return render(lang, "cli_advise.txt.j2", **view) + render(lang, "advice.html.j2", **view)


# ---- complete_profile: a +86 bundle of things a student may not have -----------------------------
STUDENT = {
    "account_age": "1to3",
    "huabei": "none",
    "loans": "none",
    "credit_cards": "none",
    "shopping": "taobao",
    "wealth": "none",
    "income": "none",
    "provident_fund": False,
    "phone_consistent": True,
    "real_name": True,
    "education": False,
    "work_info": False,
    "property": False,
    "vehicle": False,
}

#: Crafted profiles (a student, a young worker, a family, a retiree, a gig worker...), each with
#: some record-if-true question answered "not added".
CRAFTED = [
    STUDENT,
    {
        **STUDENT,
        "income": "stable",
        "provident_fund": False,
        "credit_cards": "one_two",
        "card_repayment": "always_on_time",
    },
    {**STUDENT, "income": "high_stable", "account_age": "5to10", "credit_cards": "three_five", "property": False},
    {**STUDENT, "income": "unstable", "huabei": "late_once", "vehicle": False, "shopping": "tmall"},
    {**STUDENT, "income": "stable", "account_age": "gt10", "wealth": "large", "education": False, "work_info": False},
    {"income": "none", "provident_fund": False, "property": False, "vehicle": False, "huabei": "on_time"},
]


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("profile", CRAFTED, ids=range(len(CRAFTED)))
def test_record_if_true_items_are_never_a_ranked_action_and_never_counted(profile, lang):
    plan = rank(CARD, profile)
    record_ids = set(RECORD_ACTIONS.values())
    assert "complete_profile" not in {a.id for a in ACTIONS}
    assert not {a.id for a in plan.actions} & record_ids
    assert plan.combined is None or not {c.question_id for c in plan.combined.changes} & set(RECORD_ACTIONS)
    assert plan.if_you_have, "a record item answered 'not added' is offered apart"
    text = texts(plan, lang)
    heading = "如果你确实有以下资料，可以补充到芝麻信用" if lang == "zh" else "If you have these, add them"
    assert text.count(heading) == 2
    for offer in plan.if_you_have:
        assert offer.action.title(lang) in text and f"{offer.gain:+d}" in text
    assert "as if you did" not in text and "按你都添加来计算" not in text


def test_the_student_with_no_income_gets_no_property_vehicle_or_new_credit_advice():
    plan = rank(CARD, STUDENT)
    advised = {c.question_id for a in plan.actions for c in a.changes}
    assert not advised & {"property", "vehicle", "provident_fund", "education", "work_info"}
    assert not advised & {"credit_cards", "huabei", "loans", "income", "account_age"}
    assert {g.id for g in plan.gates} == {"no_income"}
    assert {o.changes[0].question_id for o in plan.if_you_have} >= {"property", "vehicle"}
    assert "provident_fund" not in {o.changes[0].question_id for o in plan.if_you_have}  # it comes with a job


# ---- the quick check, tapping the first option each time ------------------------------------------
def first_option_quick_check():
    """The quick check with the first button of each question, as the dialog now asks it: an
    answer an earlier one settles (no cards -> no card repayment record) is never asked."""
    answers = {}
    for question_id in QUICK_IDS:
        if question_id in implied_answers(answers):
            continue
        question = QUESTION_BY_ID[question_id]
        answers[question_id] = question.levels[question.display_indexes()[0]]
    return answers


def test_the_first_option_profile_is_the_one_the_issue_describes():
    answers = first_option_quick_check()
    assert answers["income"] == "none" and answers["credit_cards"] == "none"
    assert answers["huabei"] == answers["loans"] == "overdue_now"
    assert "card_repayment" not in answers  # settled by "no cards", never asked
    assert {g.id for g in active_gates(answers)} == {"overdue_now", "no_income"}


@pytest.mark.parametrize("lang", LANGS)
def test_the_first_option_quick_check_is_never_told_to_apply_for_cards_or_repay_cards_it_lacks(lang):
    answers = first_option_quick_check()
    plan = rank(CARD, answers)
    ids = [a.id for a in plan.actions]
    assert ids[0] == "repay_overdue"
    assert "credit_cards_3_5" not in ids and "card_on_time" not in ids and "huabei_on_time" not in ids
    text = texts(plan, lang)
    if lang == "en":
        assert "until you hold 3" not in text and "Repay your credit cards on time" not in text
        assert "apply" not in text.lower()
    else:
        assert "直到有3张" not in text and "按时还信用卡" not in text and "申请" not in text
    for gate in plan.gates:
        assert gate.text(lang) in text


def test_the_contradictory_first_option_answers_are_refused_with_one_error_line(tmp_path, capsys):
    answers = {**first_option_quick_check(), "card_repayment": "often_late"}
    path = tmp_path / "answers.json"
    path.write_text(json.dumps(answers), encoding="utf-8")
    for argv in (
        ["advise", "--answers", str(path)],
        ["whatif", "--answers", str(path), "--do", "repay_overdue"],
        ["plan", "--answers", str(path), "--target", "700"],
    ):
        assert main(argv) == 2
        out, err = capsys.readouterr()
        assert out == "" and len(err.strip().splitlines()) == 1
        assert err.startswith("sesame-advisor: error:") and "credit_cards" in err and "card_repayment" in err


# ---- the 350 floor hid advice ---------------------------------------------------------------------
WORST = CARD.worst_answers()


def test_the_worst_profile_lists_every_applicable_action_in_order():
    plan = rank(CARD, WORST)
    applicable = {
        a.id
        for a in ACTIONS
        if feasible_changes(a, WORST) and simulate(CARD, WORST, [a.id]).points > 0.5 and not a.record
    }
    assert plan.before.score == CARD.minimum and plan.clipped
    assert {a.id for a in plan.actions} == applicable and len(applicable) > 4
    gains = [a.gain for a in plan.actions[1:]]
    assert gains == sorted(gains, reverse=True)


@pytest.mark.parametrize("lang", LANGS)
def test_repay_overdue_shows_its_unclipped_gain(lang):
    plan = rank(CARD, WORST)
    repay = plan.actions[0]
    unclipped = sum(
        CARD.points(q, after) - CARD.points(q, before)
        for q, before, after in (("huabei", "overdue_now", "late_once"), ("loans", "overdue_now", "late"))
    )
    assert repay.id == "repay_overdue" and repay.gain == round(unclipped) > repay.score_after - plan.before.score
    assert f"{repay.gain:+d}" in texts(plan, lang)


@pytest.mark.parametrize(
    "profile",
    [WORST, {**WORST, "income": "high_stable", "huabei": "late_often", "loans": "late"}, CARD.best_answers()],
    ids=["worst", "worst-but-income", "best"],
)
def test_the_combined_plan_is_the_sum_of_its_parts(profile):
    plan = rank(CARD, profile)
    if plan.combined is None:
        assert plan.actions == ()
        return
    parts = plan.actions[:COMBINED_TOP]
    assert plan.combined.points == pytest.approx(sum(p.points for p in parts))
    raw = CARD.offset + CARD.factor * plan.before.log_odds
    assert plan.combined.gain == round(raw + sum(p.points for p in parts)) - round(raw)
    for lang in LANGS:
        assert f"{plan.combined.gain:+d}" in texts(plan, lang)


def test_near_the_ceiling_every_action_is_still_listed_in_order():
    profile = {**CARD.best_answers(), "shopping": "taobao", "charity": "sometimes", "mybank": False}
    plan = rank(CARD, profile)
    assert {a.id for a in plan.actions} == {"tmall_shopping", "charity", "mybank"}
    gains = [a.gain for a in plan.actions]
    assert gains == sorted(gains, reverse=True)


# ---- a reason with no action behind it ------------------------------------------------------------
@pytest.mark.parametrize("lang", LANGS)
def test_a_small_yu_e_bao_balance_says_plainly_there_is_nothing_to_do(lang):
    profile = {"wealth": "small", "account_age": "3to5", "huabei": "on_time"}
    plan = rank(CARD, profile)
    assert "wealth" not in {c.question_id for a in plan.actions for c in a.changes}
    (item,) = [n for n in plan.nothing_to_do if n.question_id == "wealth"]
    assert round(item.points_lost) >= 1
    text = texts(plan, lang)
    assert ("余额宝" if lang == "zh" else "Yu'e Bao") in text
    assert ("以下几项不必刻意去改变" if lang == "zh" else "Nothing to do about these") in text
    assert f"{round(item.points_lost)}" in text


# ---- QA 5: no steady income, no saving advice; the two wealth texts agree ------------------------
@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("income", NO_STEADY_INCOME)
def test_no_steady_income_is_never_told_to_put_money_aside_and_hears_the_same_words(income, lang):
    """QA 5: a student with no income was told "put some money in Yu'e Bao (+15)", while someone
    with savings was told "don't save just for the score"."""
    plan = rank(CARD, {**STUDENT, "income": income})
    assert "wealth_management" not in {a.id for a in plan.actions}
    (item,) = [n for n in plan.nothing_to_do if n.question_id == "wealth"]
    text = texts(plan, lang)
    spare = NOTHING_TO_DO["wealth"][lang]
    assert spare in text
    assert simulate(CARD, {**STUDENT, "income": income}, ["wealth_management"]).gain == 0
    assert item.value == "none"


@pytest.mark.parametrize("lang", LANGS)
def test_with_a_steady_income_the_saving_steps_say_what_the_nothing_to_do_note_says(lang):
    plan = rank(CARD, {**STUDENT, "income": "stable"})
    (saving,) = [a for a in plan.actions if a.id == "wealth_management"]
    steps = render(lang, "action_steps.txt.j2", action=action_view(saving, lang))
    # only money one can spare, never saving for the score: the words of NOTHING_TO_DO["wealth"]
    if lang == "zh":
        assert "只放你暂时用不到的钱" in NOTHING_TO_DO["wealth"]["zh"] and "只放你暂时用不到的钱" in steps
        assert "不需要为了分数专门去存钱" in steps and "定期少量转入" not in steps
    else:
        assert "money you can spare" in NOTHING_TO_DO["wealth"]["en"] and "money you can spare" in steps.lower()
        assert "do not save for the score" in steps and "regularly" not in steps


@pytest.mark.parametrize("lang", LANGS)
def test_the_card_count_hint_is_a_ceiling_not_a_target(lang):
    """QA 12: "3-5张最合理" ("3-5 is the sweet spot") read as a target to a student with no card."""
    joined = QUESTION_BY_ID["credit_cards"].help(lang) + WARNINGS["debt_pressure"][lang]
    for target in ("最合理", "sweet spot"):
        assert target not in joined
    assert ("最多" if lang == "zh" else "at most") in QUESTION_BY_ID["credit_cards"].help(lang)
    assert ("不必为了分数办卡" if lang == "zh" else "Never open a card for the score") in joined

"""Record-if-true items in the bot: listed apart in ``/advice``, asked once, "yes" counts, "no" retires.

Each test runs on SQLite and on PostgreSQL (the ``storage`` fixture behind ``bot``).
"""

import json

import pytest

from advice import ACTION_BY_ID, rank, simulate
from advice.feasibility import RULED_OUT
from bot.progress import advisable
from bot.storage import record_items
from scoring.card import load_scorecard
from scoring.questions import QUESTION_BY_ID, QUESTIONS
from tests.bot.telegram_testkit import answer_quick, plain

CARD = load_scorecard()
VEHICLE = ACTION_BY_ID["add_vehicle"].title("en")
VEHICLE_NUMBER = str([q.id for q in QUESTIONS].index("vehicle") + 1)


async def vehicle_not_added(user):
    """The quick check (provident fund added), then "no vehicle added yet" from the profile."""
    await answer_quick(user)
    await user.send("/profile")
    await user.tap(VEHICLE_NUMBER)
    await user.tap("No")


async def test_advice_lists_the_item_apart_and_asks_once_whether_the_user_has_it(bot, storage):
    user = bot.user()
    await vehicle_not_added(user)
    plan = rank(CARD, advisable(await storage.answers(user.id)))
    offer = next(r for r in plan.if_you_have if r.id == "add_vehicle")
    assert "add_vehicle" not in {r.id for r in plan.actions}
    calls = await user.send("/advice")
    assert [c.method for c in calls] == ["sendMessage", "sendMessage"]
    advice = plain(calls[0].text)
    listed = advice.split("If you have these, add them")[1]
    assert f"• {VEHICLE}: +{offer.gain} if true" in listed
    assert VEHICLE not in advice.split("If you have these, add them")[0]
    assert "Do you own a vehicle?" in calls[1].text and f"+{offer.gain} points" in calls[1].text
    assert calls[1].labels == ["Yes, I have it", "No"]


async def test_no_retires_the_vehicle_for_good_and_the_profile_can_change_it(bot, storage):
    user = bot.user()
    await vehicle_not_added(user)
    await user.send("/advice")
    calls = await user.tap("No")
    assert [c.method for c in calls] == ["answerCallbackQuery", "editMessageText", "sendMessage"]
    assert "All noted" in calls[1].text
    assert VEHICLE not in plain(calls[2].text)
    assert await record_items.owned(storage, user.id) == {"vehicle": False}
    # Never shown or asked again: not in the advice, not in /whatif.
    calls = await user.send("/advice")
    assert len(calls) == 1 and VEHICLE not in plain(calls[0].text)
    calls = await user.send("/whatif")
    assert not any(VEHICLE in label for label in calls[0].labels)
    # /export holds it; /profile shows it and changes it.
    calls = await user.send("/export")
    exported = json.loads(calls[0].files["document"][1])
    assert [(r["question_id"], r["owned"]) for r in exported["record_items"]] == [("vehicle", False)]
    calls = await user.send("/profile")
    assert "• Vehicle: no (never suggested)" in plain(calls[0].text)  # as a person says it, not the action
    assert VEHICLE not in plain(calls[0].text)
    calls = await user.tap("🔁 Vehicle: change to yes")
    assert calls[1].method == "editMessageText" and "• Vehicle: yes" in plain(calls[1].text)
    assert "🔁 Vehicle: change to no" in calls[1].labels
    assert await record_items.owned(storage, user.id) == {"vehicle": True}


PROFILE_SAID = {
    "zh": ("你告诉过我是否拥有的资料", "• 车辆：没有（不再建议）", "🔁 车辆：改成「有」", "• 车辆：有"),
    "en": (
        "What you said you have or not",
        "• Vehicle: no (never suggested)",
        "🔁 Vehicle: change to yes",
        "• Vehicle: yes",
    ),
}


@pytest.mark.parametrize("lang", ["zh", "en"])
async def test_the_profile_names_an_item_as_a_person_says_it(bot, storage, lang):
    """QA 12: "授权公积金信息：我有" paired an action's name with 我有; it reads 「公积金：有」 now."""
    user = bot.user(user_id=6161 if lang == "zh" else 6262, language_code="zh-hans" if lang == "zh" else "en")
    await answer_quick(user, lang=lang)
    await user.send("/profile")
    await user.tap(VEHICLE_NUMBER)
    await user.tap(QUESTION_BY_ID["vehicle"].choices[0].label(lang))
    await user.send("/advice")
    await user.tap("没有" if lang == "zh" else "No")
    heading, said, flip, flipped = PROFILE_SAID[lang]
    calls = await user.send("/profile")
    text = plain(calls[0].text)
    assert heading in text and said in text and ACTION_BY_ID["add_vehicle"].title(lang) not in text
    assert "我有" not in text and "我没有" not in text
    calls = await user.tap(flip)
    assert flipped in plain(calls[1].text)


NO_INCOME = {"income": 0}  # "No income yet", the first choice


@pytest.mark.parametrize("lang", ["zh", "en"])
async def test_a_user_with_no_income_is_never_asked_about_a_provident_fund(bot, storage, lang):
    """QA 12: a student who said 暂无收入 was asked "你在缴纳公积金吗？": a provident fund comes with a job."""
    user = bot.user(user_id=6363 if lang == "zh" else 6464, language_code="zh-hans" if lang == "zh" else "en")
    await answer_quick(user, picks={**NO_INCOME, "provident_fund": 0}, lang=lang)
    answers = advisable(await storage.answers(user.id))
    assert answers["income"] == "none" and answers["provident_fund"] is False
    plan = rank(CARD, answers)
    assert "add_provident_fund" not in {r.id for r in (*plan.actions, *plan.if_you_have)}
    calls = await user.send("/advice")
    texts = [plain(c.text) for c in calls if c.text]
    asked = "你在缴纳公积金吗" if lang == "zh" else "provident fund?"
    assert not any(asked in t for t in texts), texts
    note = RULED_OUT["provident_fund"].note(lang)
    assert note in texts[0]  # under "nothing to do", with why
    # Said to have one anyway (an old "yes"): still not advised while the income says none.
    assert "add_provident_fund" not in {r.id for r in rank(CARD, answers, owned={"provident_fund": True}).actions}
    # With an income, the question is asked as before.
    employed = {**answers, "income": "stable"}
    assert "add_provident_fund" in {r.id for r in rank(CARD, employed).if_you_have}


async def test_yes_counts_the_vehicle_in_the_ranking_the_combined_plan_and_whatif(bot, storage):
    user = bot.user()
    await vehicle_not_added(user)
    await user.send("/advice")
    calls = await user.tap("Yes, I have it")
    answers = advisable(await storage.answers(user.id))
    plan = rank(CARD, answers, owned={"vehicle": True})
    ranked = next(r for r in plan.actions if r.id == "add_vehicle")
    text = plain(calls[-1].text)
    assert f"{VEHICLE}: +{ranked.gain} → {ranked.score_after}" in text
    assert "If you have these" not in text or VEHICLE not in text.split("If you have these")[1]
    # The combined plan is the one the engine makes with the vehicle counted.
    if plan.combined is not None and len(plan.combined.action_ids) > 1:
        assert f"{plan.combined.gain:+d} → {plan.combined.score}" in text
    # /whatif offers it, and picking it projects the engine's score with the vehicle counted.
    calls = await user.send("/whatif")
    assert f"☐ {VEHICLE}" in calls[0].labels
    calls = await user.tap(f"☐ {VEHICLE}")
    projection = simulate(CARD, answers, ["add_vehicle"], {"vehicle": True})
    assert projection.score > plan.before.score
    assert str(projection.score) in plain(calls[1].text)
    without = simulate(CARD, answers, ["add_vehicle"])
    assert without.score == plan.before.score  # not counted without the "yes"


async def test_forget_removes_what_the_user_said_about_items(bot, storage):
    user = bot.user()
    await vehicle_not_added(user)
    await user.send("/advice")
    await user.tap("No")
    assert (await storage.count_rows(user.id))["record_items"] == 1
    await user.send("/forget")
    await user.tap("🗑 Yes, delete everything")
    assert (await storage.count_rows(user.id))["record_items"] == 0

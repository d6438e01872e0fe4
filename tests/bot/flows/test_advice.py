"""``/advice``: the ranked actions from the advice engine, each opening its how-to steps in place."""

from advice.presentation import action_view
from advice.ranking import rank
from bot.flows.advice import advisable
from scoring.card import load_scorecard
from templates import render
from tests.bot.telegram_testkit import answer_quick, plain

CARD = load_scorecard()


async def test_advice_lists_the_ranked_actions_with_one_button_each(bot, storage):
    user = bot.user()
    await answer_quick(user, picks={"huabei": 0, "credit_cards": 0})
    calls = await user.send("/advice")
    plan = rank(CARD, advisable(await storage.answers(user.id)))
    assert plan.actions
    message = calls[0]
    text = plain(message.text)
    for n, ranked in enumerate(plan.actions, start=1):
        assert f"{n}. {ranked.action.title('en')}: +{ranked.gain}" in text
    assert message.labels == [f"{n}. {r.action.title('en')} ›" for n, r in enumerate(plan.actions, start=1)]


async def test_a_button_opens_the_steps_in_place_and_another_goes_back(bot, storage):
    user = bot.user()
    await answer_quick(user, picks={"huabei": 0})
    listing = await user.send("/advice")
    plan = rank(CARD, advisable(await storage.answers(user.id)))
    top = plan.actions[0]
    calls = await user.tap(f"1. {top.action.title('en')} ›")
    assert [c.method for c in calls] == ["answerCallbackQuery", "editMessageText"]
    assert calls[1].params["message_id"] == listing[0].result["message_id"]
    steps = plain(render("en", "action_steps.html.j2", action=action_view(top, "en"), brief_disclaimer=True))
    assert plain(calls[1].text) == steps
    assert calls[1].labels == ["⏰ Remind me", "‹ Back to the list"]
    back = await user.tap("‹ Back to the list")
    assert plain(back[1].text) == plain(listing[0].text)


async def test_advice_without_answers(bot):
    calls = await bot.user().send("/advice")
    assert "/start" in calls[0].text and not calls[0].buttons


async def test_advice_in_chinese(bot, storage):
    user = bot.user(language_code="zh")
    await answer_quick(user, lang="zh")
    calls = await user.send("/advice")
    assert "芝麻分估算" in calls[0].text

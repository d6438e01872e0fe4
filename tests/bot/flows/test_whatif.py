"""``/whatif``: toggle actions, the projected score from ``advice.simulate``, the message edited."""

from advice.ranking import rank, simulate
from bot.progress import advisable
from scoring.card import load_scorecard
from tests.bot.telegram_testkit import answer_quick, plain

CARD = load_scorecard()


async def test_toggling_actions_edits_the_message_with_the_projection(bot, storage):
    user = bot.user()
    await answer_quick(user, picks={"huabei": 0, "shopping": 0})
    calls = await user.send("/whatif")
    stored = await storage.answers(user.id)
    answers = advisable(stored)
    plan = rank(CARD, answers)
    first, second = plan.actions[0], plan.actions[1]
    message_id = calls[0].result["message_id"]
    assert calls[0].labels == [f"☐ {r.action.title('en')}" for r in plan.actions]
    assert f"now {plan.before.score}" in calls[0].text

    calls = await user.tap(f"☐ {first.action.title('en')}")
    assert [c.method for c in calls] == ["answerCallbackQuery", "editMessageText"]
    assert calls[1].params["message_id"] == message_id
    projected = simulate(CARD, answers, [first.id])
    assert f"Projected score: {projected.score}" in plain(calls[1].text)
    assert f"☑ {first.action.title('en')}" in calls[1].labels

    calls = await user.tap(f"☐ {second.action.title('en')}")
    both = simulate(CARD, answers, [first.id, second.id])
    assert f"Projected score: {both.score}" in plain(calls[1].text) and both.score >= projected.score

    calls = await user.tap(f"☑ {first.action.title('en')}")
    only_second = simulate(CARD, answers, [second.id])
    assert f"Projected score: {only_second.score}" in plain(calls[1].text)
    assert await storage.answers(user.id) == stored  # a what-if never changes an answer


async def test_the_same_selection_twice_is_no_error(bot, storage):
    user = bot.user()
    await answer_quick(user, picks={"huabei": 0})
    calls = await user.send("/whatif")
    data = calls[0].buttons[0][0][1]
    await user.press(calls[0].result["message_id"], data)
    again = await user.press(calls[0].result["message_id"], data)
    assert [c.method for c in again] == ["answerCallbackQuery", "editMessageText"]
    assert not again[1].ok and "not modified" in again[1].result


async def test_whatif_without_answers(bot):
    calls = await bot.user().send("/whatif")
    assert "/start" in calls[0].text

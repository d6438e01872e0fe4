"""``/language``: 中文 / English, stored; an open question is asked again in the new language."""

from scoring.questions import QUESTION_BY_ID, QUICK_IDS


async def test_switching_language_mid_question(bot, storage):
    user = bot.user(language_code="en")
    await user.send("/start")
    calls = await user.send("/language")
    assert calls[0].labels == ["中文", "English"]
    calls = await user.tap("中文")
    assert calls[1].method == "editMessageText" and "语言：中文" in calls[1].text
    assert QUESTION_BY_ID[QUICK_IDS[0]].zh in calls[2].text
    assert await storage.ensure_user(user.id, "en") == "zh"
    calls = await user.tap(QUESTION_BY_ID[QUICK_IDS[0]].choices[0].zh)
    assert QUESTION_BY_ID[QUICK_IDS[1]].zh in calls[-1].text
    calls = await user.send("/help")
    assert "芝麻分助手" in calls[0].text


async def test_the_choice_outlives_the_client_language(bot, storage):
    user = bot.user(language_code="zh-hans")
    await user.send("/language")
    await user.tap("English")
    calls = await user.send("/help")
    assert "Sesame Advisor" in calls[0].text and "芝麻分助手" not in calls[0].text

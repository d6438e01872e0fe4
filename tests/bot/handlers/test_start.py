"""``/start``: welcome, one-line disclaimer, the quick check's first question; commands published."""

import pytest
from telegram_testkit import plain

from bot.screens import command_descriptions
from scoring.questions import QUESTION_BY_ID, QUICK_IDS
from templates import render


async def test_start_welcomes_with_the_disclaimer_then_asks_the_first_quick_question(bot):
    calls = await bot.user(language_code="en").send("/start")
    assert [c.method for c in calls] == ["sendMessage", "sendMessage"]
    welcome, question = calls
    assert "Welcome to Sesame Advisor" in welcome.text
    assert plain(render("en", "_disclaimer.txt.j2")) in plain(welcome.text)
    first = QUESTION_BY_ID[QUICK_IDS[0]]
    assert first.en in question.text and f"1/{len(QUICK_IDS)}" in question.text
    assert question.labels == [c.en for c in first.choices]
    assert question.params["parse_mode"] == "HTML"


async def test_start_speaks_chinese_to_a_chinese_client(bot):
    calls = await bot.user(language_code="zh-hans").send("/start")
    assert "欢迎使用芝麻分助手" in calls[0].text
    assert QUESTION_BY_ID[QUICK_IDS[0]].zh in calls[1].text
    assert calls[1].labels[0] == QUESTION_BY_ID[QUICK_IDS[0]].choices[0].zh


@pytest.mark.parametrize("code", ["de", None, "ru"])
async def test_other_client_languages_get_english(bot, code):
    calls = await bot.user(language_code=code).send("/start")
    assert "Welcome to Sesame Advisor" in calls[0].text


async def test_start_again_mid_quick_check_continues_at_the_same_question(bot):
    user = bot.user()
    await user.send("/start")
    await user.tap(QUESTION_BY_ID[QUICK_IDS[0]].choices[1].en)
    calls = await user.send("/start")
    assert "Welcome back" in calls[0].text
    assert QUESTION_BY_ID[QUICK_IDS[1]].en in calls[1].text and f"2/{len(QUICK_IDS)}" in calls[1].text


async def test_commands_are_published_in_both_languages_and_a_default(bot):
    published = [c for c in bot.recorder.calls if c.method == "setMyCommands"]
    by_language = {c.params.get("language_code"): c.params["commands"] for c in published}
    assert set(by_language) == {"zh", "en", None}
    for lang in ("zh", "en"):
        expected = [{"command": n, "description": d} for n, d in command_descriptions(lang)]
        assert by_language[lang] == expected
    assert by_language[None] == by_language["en"]
    names = {c["command"] for c in by_language["en"]}
    assert names == {
        "start",
        "score",
        "advice",
        "whatif",
        "reminders",
        "profile",
        "full",
        "back",
        "skip",
        "cancel",
        "language",
        "export",
        "forget",
        "help",
    }
    assert {c["command"] for c in by_language["zh"]} == names

"""A failing handler: the user gets a kind reply, the button is answered, the log holds no text."""

import logging
from datetime import UTC, datetime

import pytest

from tests.bot.telegram_testkit import BotUnderTest


async def test_a_failure_is_reported_kindly_and_logged_without_the_message(storage, caplog, monkeypatch):
    bot = await BotUnderTest.start(storage)
    user = bot.user()
    await user.send("/start")

    async def broken(who, name_or_data):
        raise RuntimeError("database on fire")

    advisor = bot.application.bot_data["advisor"]
    monkeypatch.setattr(advisor, "command", broken)
    with caplog.at_level(logging.INFO):
        calls = await user.send("/help secret words")
    assert [c.method for c in calls] == ["sendMessage"] and "went wrong" in calls[0].text
    assert "database on fire" in caplog.text  # the cause is logged...
    assert "secret words" not in caplog.text  # ...but not what the user wrote
    monkeypatch.setattr(advisor, "tap", broken)
    start = [c for c in bot.recorder.calls if c.method == "sendMessage"][-2]
    calls = await user.press(start.result["message_id"], start.buttons[0][0][1])
    assert calls[0].method == "answerCallbackQuery" and "went wrong" in calls[1].text
    assert len(bot.errors) == 2
    await bot.stop()


@pytest.mark.parametrize("code", ["zh"])
async def test_the_apology_speaks_the_users_language(storage, monkeypatch, code):
    bot = await BotUnderTest.start(storage)

    async def broken(who, name):
        raise RuntimeError("boom")

    monkeypatch.setattr(bot.application.bot_data["advisor"], "command", broken)
    calls = await bot.user(language_code=code).send("/score")
    assert "出了点问题" in calls[0].text
    await bot.stop()


async def test_a_user_who_blocks_the_bot_mid_reply_is_marked_and_their_reminders_stop(storage):
    bot = await BotUnderTest.start(storage)
    try:
        user = bot.user(441001)
        await user.send("/help")
        assert await storage.set_reminder(user.id, "huabei_on_time", datetime(2030, 3, 6, 2, tzinfo=UTC))
        bot.recorder.blocked.add(user.id)
        calls = await user.send("/help")
        assert [c.method for c in calls] == ["sendMessage"] and not calls[0].ok  # no apology attempted
        assert await storage.blocked_at(user.id) is not None
        assert await storage.pending_reminders(user.id) == []
    finally:
        await bot.stop()

"""``/help`` and unknown commands."""

from bot.screens import command_descriptions


async def test_help_lists_every_command(bot):
    calls = await bot.user().send("/help")
    for name, description in command_descriptions("en"):
        assert f"/{name} {description}" in calls[0].text


async def test_an_unknown_command_points_to_help(bot, storage):
    user = bot.user()
    await user.send("/start")
    calls = await user.send("/frobnicate now")
    assert len(calls) == 1 and "/help" in calls[0].text
    assert await storage.answers(user.id) == {}


async def test_messages_in_groups_are_ignored(bot):
    user = bot.user()
    message = user.message_dict("/start")
    message["chat"] = {"id": -100123, "type": "supergroup", "title": "Friends"}
    calls = await bot.feed({"message": message}, "group: /start")
    assert calls == []


async def test_an_edited_message_does_not_answer_again(bot, storage):
    user = bot.user()
    await user.send("/full")
    calls = await bot.feed({"edited_message": {**user.message_dict("3"), "edit_date": 1}}, "edit")
    assert calls == [] and await storage.answers(user.id) == {}

"""``/help`` and unknown commands."""

from bot.commands import descriptions


async def test_help_lists_every_command(bot):
    calls = await bot.user().send("/help")
    for name, description in descriptions("en"):
        assert f"/{name} {description}" in calls[0].text


async def test_an_unknown_command_points_to_help(bot, storage):
    user = bot.user()
    await user.send("/start")
    calls = await user.send("/frobnicate now")
    assert len(calls) == 1 and "/help" in calls[0].text
    assert await storage.answers(user.id) == {}

"""The Telegram adapter: every registry command and the one button handler registered, the
commands published, and updates the bot must leave alone."""

from telegram.ext import CallbackQueryHandler, CommandHandler

from bot.commands import COMMANDS, descriptions


def test_every_command_of_the_registry_has_its_handler_and_one_handler_takes_every_button(bot):
    handlers = [h for group in bot.application.handlers.values() for h in group]
    commands = [name for h in handlers if isinstance(h, CommandHandler) for name in h.commands]
    assert commands == [c.name for c in COMMANDS]
    buttons = [h for h in handlers if isinstance(h, CallbackQueryHandler)]
    assert len(buttons) == 1 and buttons[0].pattern is None


async def test_commands_are_published_in_both_languages_and_a_default(bot):
    published = [c for c in bot.recorder.calls if c.method == "setMyCommands"]
    by_language = {c.params.get("language_code"): c.params["commands"] for c in published}
    assert set(by_language) == {"zh", "en", None}
    for lang in ("zh", "en"):
        expected = [{"command": n, "description": d} for n, d in descriptions(lang)]
        assert by_language[lang] == expected
    assert by_language[None] == by_language["en"]
    names = {c["command"] for c in by_language["en"]}
    assert names == {
        "start",
        "score",
        "advice",
        "whatif",
        "more",
        "reminders",
        "profile",
        "full",
        "import",
        "back",
        "skip",
        "cancel",
        "myscore",
        "goal",
        "history",
        "remind",
        "timezone",
        "language",
        "export",
        "forget",
        "help",
    }
    assert {c["command"] for c in by_language["zh"]} == names


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


def test_no_handler_or_flow_repeats_another_ones_body():
    import ast
    from pathlib import Path

    import bot

    bodies: dict[str, str] = {}
    package = Path(bot.__file__).parent
    for path in sorted([*package.glob("handlers/*.py"), *package.glob("flows/*.py")]):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                body = node.body[1:] if ast.get_docstring(node) else node.body
                key = "\n".join(ast.dump(statement) for statement in body)
                where = f"{path.parent.name}/{path.name}:{node.name}"
                assert key not in bodies, f"{where} repeats {bodies[key]}"
                bodies[key] = where
    assert len(bodies) > 30

"""The Telegram adapter: every handler and command registered in one place.

One module per feature (``start``, ``questionnaire``, ``score``, ``advice``, ``whatif``,
``reminders``, ``profile``, ``language``, ``data``, ``help``, ``errors``), in the style of
python-telegram-bot's examples. No ``ConversationHandler``: where a conversation stands is
in the database, so any process can carry it on.
"""

from __future__ import annotations

from telegram import Bot, BotCommand
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, MessageHandler, filters

from bot.handlers import (
    advice,
    data,
    errors,
    help,
    language,
    profile,
    questionnaire,
    reminders,
    score,
    start,
    whatif,
)
from bot.screens import command_descriptions

# Private chats only, and new messages only: editing an old message must not answer again.
PRIVATE = filters.ChatType.PRIVATE & filters.UpdateType.MESSAGE

COMMANDS = {
    "start": start.start,
    "score": score.score,
    "advice": advice.advice,
    "whatif": whatif.whatif,
    "reminders": reminders.reminders,
    "profile": profile.profile,
    "full": questionnaire.full,
    "back": questionnaire.back,
    "skip": questionnaire.skip,
    "cancel": questionnaire.cancel,
    "language": language.language,
    "export": data.export,
    "forget": data.forget,
    "help": help.help_command,
}


def setup(application: Application) -> None:
    """Register every command, button and message handler, and the error handler."""
    for name, callback in COMMANDS.items():
        application.add_handler(CommandHandler(name, callback, filters=PRIVATE))
    application.add_handler(MessageHandler(filters.COMMAND & PRIVATE, help.unknown_command))
    application.add_handler(MessageHandler(filters.TEXT & PRIVATE, questionnaire.answer_typed))
    application.add_handler(MessageHandler(~filters.TEXT & PRIVATE, questionnaire.other_message))

    application.add_handler(CallbackQueryHandler(questionnaire.answer_tapped, pattern=r"^a:"))
    application.add_handler(CallbackQueryHandler(profile.question_picked, pattern=r"^p:"))
    application.add_handler(CallbackQueryHandler(language.language_picked, pattern=r"^l:"))
    application.add_handler(CallbackQueryHandler(data.forget_confirmed, pattern=r"^f:"))
    application.add_handler(CallbackQueryHandler(advice.steps_tapped, pattern=r"^s:"))
    application.add_handler(CallbackQueryHandler(whatif.action_toggled, pattern=r"^w:"))
    application.add_handler(CallbackQueryHandler(reminders.reminder_tapped, pattern=r"^r:"))
    application.add_handler(CallbackQueryHandler(help.command_tapped, pattern=r"^c:"))
    application.add_handler(CallbackQueryHandler(help.unknown_button))

    application.add_error_handler(errors.report_error)


async def publish_commands(bot: Bot) -> None:
    """``setMyCommands`` in Chinese and English, and English for every other language."""
    for lang in ("zh", "en"):
        commands = [BotCommand(name, description) for name, description in command_descriptions(lang)]
        await bot.set_my_commands(commands, language_code=lang)
    await bot.set_my_commands([BotCommand(n, d) for n, d in command_descriptions("en")])

"""The Telegram adapter: every handler registered in one place, from the registry.

Handlers only translate: an update becomes a call on the ``Advisor`` (``bot.advisor``), whose
replies ``common.deliver`` turns into Bot API calls. Each command of the registry
(``bot.commands.COMMANDS``) gets a ``CommandHandler``; one ``CallbackQueryHandler`` takes
every button (the registry decodes and dispatches it). No ``ConversationHandler``: where a
conversation stands is in the database, so any process can carry it on.
"""

from __future__ import annotations

from telegram import Bot, BotCommand, Update
from telegram.ext import CallbackQueryHandler, CommandHandler, MessageHandler, TypeHandler, filters

from bot.commands import COMMANDS
from bot.handlers import errors, guard, updates
from bot.handlers.common import TelegramApplication
from scoring.i18n import FALLBACK, LANGUAGES

# Private chats only, and new messages only: editing an old message must not answer again.
PRIVATE = filters.ChatType.PRIVATE & filters.UpdateType.MESSAGE


def setup(application: TelegramApplication) -> None:
    """Register the guard, every command, the button handler, the message handlers and the error handler."""
    application.add_handler(TypeHandler(Update, guard.guard), group=guard.GUARD_GROUP)
    for command in COMMANDS:
        application.add_handler(CommandHandler(command.name, updates.command(command.name), filters=PRIVATE))
    application.add_handler(MessageHandler(filters.COMMAND & PRIVATE, updates.unknown_command))
    application.add_handler(MessageHandler(filters.TEXT & PRIVATE, updates.text))
    application.add_handler(MessageHandler(filters.Document.ALL & PRIVATE, updates.document))
    application.add_handler(MessageHandler(~filters.TEXT & PRIVATE, updates.other_message))
    application.add_handler(CallbackQueryHandler(updates.button))
    application.add_error_handler(errors.report_error)


async def publish_commands(bot: Bot) -> None:
    """``setMyCommands`` in every language, and the fallback language for every other client."""
    for lang in LANGUAGES:
        await bot.set_my_commands([BotCommand(c.name, c.description(lang)) for c in COMMANDS], language_code=lang)
    await bot.set_my_commands([BotCommand(c.name, c.description(FALLBACK)) for c in COMMANDS])

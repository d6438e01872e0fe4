"""The error handler: log what failed (never the user's text), tell the user kindly.

When the database is what failed (down, partitioned, timing out), the apology must not need it:
the user's language then comes from the Telegram client, the text from the templates, and a
tapped button gets it as a toast. Each step of a conversation is one transaction, so nothing is
half-written, and the next update works as soon as the database answers again.
"""

from __future__ import annotations

import contextlib
import logging

from telegram import Update
from telegram.error import Forbidden, TelegramError
from telegram.ext import ContextTypes

from bot.handlers.common import advisor_of, send_screen, who_of
from bot.replies import Screen
from bot.screens import notice
from bot.storage.tables import utcnow
from scoring.i18n import language_of
from templates import render

logger = logging.getLogger(__name__)


async def report_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log the exception with the update id only, answer a pending button, apologise."""
    update_id = update.update_id if isinstance(update, Update) else None
    if isinstance(context.error, Forbidden) and isinstance(update, Update) and update.effective_user is not None:
        # The user blocked the bot while it was answering: nobody to apologise to. Remember it,
        # so their reminders stop, as when a reminder meets the block.
        logger.info("update %s: the user blocked the bot", update_id)
        with contextlib.suppress(Exception):
            await advisor_of(context).storage.mark_blocked(update.effective_user.id, utcnow())
        return
    logger.error("handling update %s failed", update_id, exc_info=context.error)
    if not isinstance(update, Update) or update.effective_user is None or update.effective_chat is None:
        return
    if is_database_outage(context.error):
        await _apologise_without_database(update, context)
        return
    try:
        if update.callback_query is not None:
            try:
                await update.callback_query.answer()
            except TelegramError:
                pass  # already answered before the failure
        for reply in await advisor_of(context).error(who_of(update)):
            if isinstance(reply, Screen):
                await send_screen(update, context, update.effective_chat.id, reply)
    except Exception:  # noqa: BLE001 - the apology itself failed; the log above has the cause
        logger.exception("could not tell the user about the failure of update %s", update_id)


DATABASE_MODULES = ("sqlalchemy", "asyncpg", "aiosqlite", "sqlite3")


def is_database_outage(error: BaseException | None) -> bool:
    """Whether ``error`` (or what caused it) is the database failing rather than the bot's code.

    Database drivers' errors, SQLAlchemy's (pool timeouts included), and the connection and
    timeout errors a lost network raises under them.
    """
    seen: set[int] = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        if type(error).__module__.split(".")[0] in DATABASE_MODULES:
            return True
        if isinstance(error, ConnectionError | TimeoutError) and not isinstance(error, TelegramError):
            return True
        error = error.__cause__ or error.__context__
    return False


async def _apologise_without_database(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Say "temporary problem, your answers are safe" in the client's language; a toast for a button."""
    user, chat = update.effective_user, update.effective_chat
    assert user is not None and chat is not None
    lang = language_of(user.language_code)
    try:
        if update.callback_query is not None:
            try:
                await update.callback_query.answer(notice(lang, "unavailable"), show_alert=False)
                return
            except TelegramError:
                pass  # answered before the failure: say it in a message instead
        await context.bot.send_message(chat.id, render(lang, "bot_unavailable.html.j2"))
    except Exception:  # noqa: BLE001 - Telegram unreachable too; the log above has the cause
        logger.exception("could not tell the user about the failure of update %s", update.update_id)

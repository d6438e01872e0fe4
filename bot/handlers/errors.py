"""The error handler: log what failed (never the user's text), tell the user kindly."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from bot.handlers.common import advisor_of, send_screen, who_of
from bot.replies import Screen

logger = logging.getLogger(__name__)


async def report_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log the exception with the update id only, answer a pending button, apologise."""
    update_id = update.update_id if isinstance(update, Update) else None
    logger.error("handling update %s failed", update_id, exc_info=context.error)
    if not isinstance(update, Update) or update.effective_user is None or update.effective_chat is None:
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

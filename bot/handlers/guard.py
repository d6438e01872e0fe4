"""The check every update passes before any handler runs: a private chat, a user, a message.

Registered in the group before all others; an update that fails it stops there, so no action
runs for it: a tap on a bot message in a group (which would post the tapper's profile into the
group), a tap whose message Telegram no longer sends (an action would run and nobody would see
its result), an edited message, a channel post, an update without a user. It reads nothing from
the database and writes nothing; a tapped button still gets its toast, in the Telegram client's
language, so the spinner stops and the user knows why nothing happened.
"""

from __future__ import annotations

import contextlib
import logging

from telegram import Update
from telegram.constants import ChatType
from telegram.error import TelegramError
from telegram.ext import ApplicationHandlerStop, ContextTypes

from bot.screens import notice
from scoring.i18n import language_of

logger = logging.getLogger(__name__)
GUARD_GROUP = -1
"""PTB handler group: lower groups run first."""


def problem(update: Update) -> str | None:
    """Why this update must not reach a handler (``None``: it may)."""
    user, chat = update.effective_user, update.effective_chat
    if user is None or chat is None or user.is_bot:
        return "no_user"
    if chat.type != ChatType.PRIVATE or chat.id != user.id:
        return "not_private"
    if update.callback_query is not None:
        return None if update.callback_query.message is not None else "no_message"
    if update.message is None:
        return "not_a_new_message"  # edited messages, and anything else with a user
    return None


async def guard(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Let an acceptable update through; answer a refused button's query, and stop."""
    if not isinstance(update, Update):
        raise ApplicationHandlerStop
    reason = problem(update)
    if reason is None:
        return
    logger.info("update %s ignored: %s", update.update_id, reason)
    query = update.callback_query
    if query is not None and update.effective_user is not None:
        lang = language_of(update.effective_user.language_code)
        with contextlib.suppress(TelegramError):
            await query.answer(notice(lang, "private_only" if reason == "not_private" else "stale"))
    raise ApplicationHandlerStop

"""``/language``: 中文 or English (the first default comes from the Telegram client)."""

from __future__ import annotations

from telegram import Update
from telegram.ext import ContextTypes

from bot.handlers.common import advisor_of, deliver, who_of


async def language(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Offer the two languages."""
    await deliver(update, context, await advisor_of(context).choose_language(who_of(update)))


async def language_picked(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Switch language; an open question is asked again in the new one."""
    assert update.callback_query is not None
    replies = await advisor_of(context).tap(who_of(update), update.callback_query.data)
    await deliver(update, context, replies)

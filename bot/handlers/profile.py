"""``/profile``: every answer, and a button to change any one of them."""

from __future__ import annotations

from telegram import Update
from telegram.ext import ContextTypes

from bot.handlers.common import advisor_of, deliver, who_of


async def profile(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """List the answers with numbered change buttons."""
    await deliver(update, context, await advisor_of(context).profile(who_of(update)))


async def question_picked(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Ask the picked question again so its answer can be changed."""
    assert update.callback_query is not None
    replies = await advisor_of(context).tap(who_of(update), update.callback_query.data)
    await deliver(update, context, replies)

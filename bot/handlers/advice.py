"""``/advice``: the ranked actions, each opening its how-to steps in place."""

from __future__ import annotations

from telegram import Update
from telegram.ext import ContextTypes

from bot.handlers.common import advisor_of, deliver, who_of


async def advice(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Send the ranked actions with one button per action."""
    await deliver(update, context, await advisor_of(context).advice(who_of(update)))


async def steps_tapped(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Show an action's steps in the advice message, or go back to the list."""
    assert update.callback_query is not None
    replies = await advisor_of(context).tap(who_of(update), update.callback_query.data)
    await deliver(update, context, replies)

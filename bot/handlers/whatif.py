"""``/whatif``: toggle actions and watch the projected score change in the same message."""

from __future__ import annotations

from telegram import Update
from telegram.ext import ContextTypes

from bot.handlers.common import advisor_of, deliver, who_of


async def whatif(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Send the what-if message with one toggle per ranked action."""
    await deliver(update, context, await advisor_of(context).whatif(who_of(update)))


async def action_toggled(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Recompute the projection for the new selection and edit the message."""
    assert update.callback_query is not None
    replies = await advisor_of(context).tap(who_of(update), update.callback_query.data)
    await deliver(update, context, replies)

"""The user's data rights: ``/export`` everything stored, ``/forget`` all of it."""

from __future__ import annotations

from telegram import Update
from telegram.ext import ContextTypes

from bot.handlers.common import advisor_of, deliver, who_of


async def export(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Send every stored row about the user as a JSON document."""
    await deliver(update, context, await advisor_of(context).export(who_of(update)))


async def forget(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Ask for confirmation before deleting anything."""
    await deliver(update, context, await advisor_of(context).forget(who_of(update)))


async def forget_confirmed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Delete everything about the user (or keep it, if they changed their mind)."""
    assert update.callback_query is not None
    replies = await advisor_of(context).tap(who_of(update), update.callback_query.data)
    await deliver(update, context, replies)

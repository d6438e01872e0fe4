"""``/help``, unknown commands, and buttons that run a command or carry unknown data."""

from __future__ import annotations

from telegram import Update
from telegram.ext import ContextTypes

from bot.handlers.common import advisor_of, deliver, who_of


async def help_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """List what the bot can do."""
    await deliver(update, context, await advisor_of(context).help(who_of(update)))


async def unknown_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A command the bot does not have: point to /help."""
    await deliver(update, context, await advisor_of(context).unknown_command(who_of(update)))


async def command_tapped(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A button that does what a command does (the buttons under a score)."""
    assert update.callback_query is not None
    replies = await advisor_of(context).tap(who_of(update), update.callback_query.data)
    await deliver(update, context, replies)


async def unknown_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Callback data none of our buttons carries: say so, and show the open question again."""
    assert update.callback_query is not None
    replies = await advisor_of(context).tap(who_of(update), update.callback_query.data)
    await deliver(update, context, replies)

"""``/score``: the estimate, its five dimensions, what holds it back, and the radar chart."""

from __future__ import annotations

from telegram import Update
from telegram.ext import ContextTypes

from bot.handlers.common import advisor_of, deliver, who_of


async def score(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Send the score message and the radar chart, with the change since last time."""
    await deliver(update, context, await advisor_of(context).score(who_of(update)))

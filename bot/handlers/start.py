"""``/start``: the welcome, the estimate disclaimer and the quick check."""

from __future__ import annotations

from telegram import Update
from telegram.ext import ContextTypes

from bot.handlers.common import advisor_of, deliver, who_of


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Greet the user and ask the first quick-check question (or carry on where they were)."""
    await deliver(update, context, await advisor_of(context).start(who_of(update)))

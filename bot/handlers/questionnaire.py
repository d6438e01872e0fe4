"""Answering questions: tapped and typed answers, ``/full``, ``/back``, ``/skip``, ``/cancel``."""

from __future__ import annotations

from telegram import Update
from telegram.ext import ContextTypes

from bot.handlers.common import advisor_of, deliver, who_of


async def answer_tapped(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """An answer button: stored if it belongs to the open question, else the question again."""
    assert update.callback_query is not None
    replies = await advisor_of(context).tap(who_of(update), update.callback_query.data)
    await deliver(update, context, replies)


async def answer_typed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Typed text: a number for a number question; anything else gets the question again."""
    assert update.message is not None and update.message.text is not None
    await deliver(update, context, await advisor_of(context).text(who_of(update), update.message.text))


async def other_message(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A sticker, photo, voice note...: no answer; the open question is asked again."""
    await deliver(update, context, await advisor_of(context).unsupported(who_of(update)))


async def full(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Continue with every question not answered yet."""
    await deliver(update, context, await advisor_of(context).full(who_of(update)))


async def back(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Go back one question."""
    await deliver(update, context, await advisor_of(context).back(who_of(update)))


async def skip(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Leave the open question unanswered."""
    await deliver(update, context, await advisor_of(context).skip(who_of(update)))


async def cancel(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Stop the questionnaire; the answers are kept."""
    await deliver(update, context, await advisor_of(context).cancel(who_of(update)))

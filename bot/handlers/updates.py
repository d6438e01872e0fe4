"""The handlers themselves: one per kind of update, each translate -> advisor -> deliver.

None holds behaviour: which flow answers is the advisor's and the registry's business.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from bot.flows.bill import FetchFailed
from bot.handlers.common import advisor_of, deliver, who_of

Handler = Callable[[Update, ContextTypes.DEFAULT_TYPE], Coroutine[Any, Any, None]]


def command(name: str) -> Handler:
    """The handler of the registry's command ``name``."""

    async def run(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        arguments = " ".join(context.args or ())
        await deliver(update, context, await advisor_of(context).command(who_of(update), name, arguments))

    run.__name__ = run.__qualname__ = f"command_{name}"
    return run


async def unknown_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A command no ``CommandHandler`` took (none of ours, or meant for another bot): point to ``/help``."""
    await deliver(update, context, await advisor_of(context).command(who_of(update), None))


async def button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Every tapped button: the registry decodes its data and runs its flow."""
    assert update.callback_query is not None
    await deliver(update, context, await advisor_of(context).tap(who_of(update), update.callback_query.data))


async def text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Typed text: a number for a number question; anything else gets the question again."""
    assert update.message is not None and update.message.text is not None
    await deliver(update, context, await advisor_of(context).text(who_of(update), update.message.text))


async def document(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A file: an Alipay bill, read in memory. Its stated size is checked before it is downloaded."""
    assert update.message is not None and update.message.document is not None
    sent = update.message.document

    async def fetch() -> bytes:
        try:
            file = await context.bot.get_file(sent.file_id)
            return bytes(await file.download_as_bytearray())
        except TelegramError as exc:  # gone, too big for a bot, or refused: the user is told
            raise FetchFailed(exc.__class__.__name__) from None

    await deliver(update, context, await advisor_of(context).bill_file(who_of(update), sent.file_size, fetch))


async def other_message(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A sticker, photo, voice note...: no answer; the open question is asked again."""
    await deliver(update, context, await advisor_of(context).unsupported(who_of(update)))

"""What every handler shares: finding the advisor and the user, and delivering replies.

Handlers stay a few lines each: translate the update into a ``Who`` (and text or button
data), call the advisor, hand the replies to ``deliver``, which speaks the Bot API.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest, TelegramError
from telegram.ext import Application, ContextTypes

from bot.advisor import Advisor
from bot.charts.telegram import chart_cache_of, send_chart
from bot.flows.session import Who
from bot.replies import DeleteIncoming, Document, EditMessage, Keyboard, Notice, Photo, Reply, Screen

logger = logging.getLogger(__name__)

ADVISOR = "advisor"
"""Where the application keeps its ``Advisor`` in ``bot_data``."""
TelegramApplication = Application[Any, Any, Any, Any, Any, Any]
"""PTB's ``Application`` as this bot builds it (its context and data types are PTB's defaults)."""


def advisor_of(context: ContextTypes.DEFAULT_TYPE) -> Advisor:
    """The application's advisor (created on start, kept in ``bot_data``)."""
    advisor: Advisor = context.application.bot_data[ADVISOR]
    return advisor


def who_of(update: Update) -> Who:
    """The Telegram user: the id and the client language, nothing else is kept."""
    user = update.effective_user
    assert user is not None
    return Who(user.id, user.language_code)


def markup(keyboard: Keyboard) -> InlineKeyboardMarkup | None:
    """An inline keyboard, or none."""
    if not keyboard:
        return None
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(b.label, callback_data=b.data) for b in row] for row in keyboard]
    )


async def deliver(update: Update, context: ContextTypes.DEFAULT_TYPE, replies: Sequence[Reply]) -> None:
    """Show the replies; a tapped button's query is always answered (with a notice, if any).

    The query's answer only stops the button's spinner (and shows the notice): it is sent first,
    and the messages go out without waiting for its reply, so a tap costs the user one Bot API
    round trip less. The messages themselves go one after the other, in order.
    """
    query = update.callback_query
    if query is None:
        await show(update, context, replies)
        return
    note = next((r.text for r in replies if isinstance(r, Notice)), None)
    answering = asyncio.create_task(query.answer(note))
    await asyncio.sleep(0)  # the answer is sent first; its reply is not waited for
    try:
        await show(update, context, replies)
    except BaseException:
        await asyncio.wait([answering])  # the toast still stops the spinner; the first error is the one raised
        if not answering.cancelled():
            answering.exception()  # retrieved: the showing error above says what went wrong
        raise
    await answering


async def show(update: Update, context: ContextTypes.DEFAULT_TYPE, replies: Sequence[Reply]) -> None:
    """Send, edit or delete messages as the replies say, one after the other."""
    chat = update.effective_chat
    assert chat is not None
    for reply in replies:
        if isinstance(reply, Screen):
            await send_screen(update, context, chat.id, reply)
        elif isinstance(reply, EditMessage):
            await edit_screen(update, context, chat.id, reply)
        elif isinstance(reply, Photo):
            keyboard = markup(reply.keyboard)
            if isinstance(reply.picture, bytes):
                await context.bot.send_photo(
                    chat.id, reply.picture, caption=reply.caption, filename=reply.filename, reply_markup=keyboard
                )
            else:  # a chart: by file_id if Telegram has it, else drawn and uploaded
                cache = chart_cache_of(context.application)
                await send_chart(
                    context.bot,
                    cache,
                    chat.id,
                    reply.picture,
                    caption=reply.caption,
                    filename=reply.filename,
                    reply_markup=keyboard,
                )
        elif isinstance(reply, Document):
            await context.bot.send_document(chat.id, reply.content, filename=reply.filename, caption=reply.caption)
        elif isinstance(reply, DeleteIncoming):
            await delete_incoming(update)


async def delete_incoming(update: Update) -> None:
    """Delete the user's message (a ZIP password); if Telegram refuses, the conversation goes on."""
    message = update.effective_message
    if message is None:
        return
    try:
        await message.delete()
    except TelegramError as exc:  # too old, or already deleted: the reply still comes
        logger.info("the user's message could not be deleted (%s)", exc.__class__.__name__)


async def send_screen(update: Update, context: ContextTypes.DEFAULT_TYPE, chat_id: int, screen: Screen) -> None:
    """Send a message; for a question that takes a typed answer, remember which message it is.

    Only a typed answer needs it (to take the buttons off the question it answers: a tapped
    button brings its own message); every other question skips that write.
    """
    message = await context.bot.send_message(chat_id, screen.text, reply_markup=markup(screen.keyboard))
    if screen.nonce is not None and screen.typed:
        await advisor_of(context).question_shown(who_of(update), screen.nonce, message.message_id)


async def edit_screen(update: Update, context: ContextTypes.DEFAULT_TYPE, chat_id: int, edit: EditMessage) -> None:
    """Replace a message's text and buttons; a message Telegram will not edit gets a new one."""
    message_id = edit.message_id
    if message_id is None and update.callback_query is not None and update.callback_query.message is not None:
        message_id = update.callback_query.message.message_id
    if message_id is None:
        await send_screen(update, context, chat_id, edit.screen)
        return
    try:
        await context.bot.edit_message_text(
            edit.screen.text, chat_id=chat_id, message_id=message_id, reply_markup=markup(edit.screen.keyboard)
        )
    except BadRequest as exc:
        if "not modified" in exc.message.lower():
            return  # the same toggle tapped twice: the message already shows this
        logger.info("message %s could not be edited (%s); sending a new one", message_id, exc.message)
        await send_screen(update, context, chat_id, edit.screen)

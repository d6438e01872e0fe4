"""``/reminders`` and the reminder buttons; the sender the delivery task uses for Telegram."""

from __future__ import annotations

import logging

from telegram import Bot, Update
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter
from telegram.ext import ContextTypes

from bot.handlers.common import advisor_of, deliver, markup, who_of
from bot.reminder_delivery import NotSent, Send
from bot.replies import Screen
from bot.telegram_limits import may_have_arrived

logger = logging.getLogger(__name__)


async def reminders(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """List the pending reminders, each with a cancel button."""
    await deliver(update, context, await advisor_of(context).reminders(who_of(update)))


async def reminder_tapped(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Set or cancel a reminder from an action's steps, or cancel one from the list."""
    assert update.callback_query is not None
    replies = await advisor_of(context).tap(who_of(update), update.callback_query.data)
    await deliver(update, context, replies)


def telegram_sender(bot: Bot) -> Send:
    """Send a reminder as a message; a user who blocked the bot (or a gone chat) is unreachable.

    A failure that certainly did not deliver the message (Telegram refused it, a flood limit the
    rate limiter gave up on, a connection never made) becomes ``NotSent``: the delivery tries
    again later. Any other failure may have delivered it and propagates as it is.
    """

    async def send(user_id: int, screen: Screen) -> bool:
        try:
            await bot.send_message(user_id, screen.text, reply_markup=markup(screen.keyboard))
        except Forbidden:
            return False
        except BadRequest as exc:
            if "chat not found" in exc.message.lower():
                return False
            raise NotSent(type(exc).__name__) from exc
        except (RetryAfter, NetworkError) as exc:
            if may_have_arrived(exc):
                raise
            raise NotSent(type(exc).__name__) from exc
        return True

    return send

"""The sender the reminder delivery task uses for Telegram (``bot.reminder_delivery`` knows no Telegram)."""

from __future__ import annotations

from telegram import Bot
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter

from bot.handlers.common import markup
from bot.reminder_delivery import NotSent, Send
from bot.replies import Screen
from bot.telegram_limits import may_have_arrived


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

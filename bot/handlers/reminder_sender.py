"""The sender the reminder delivery task uses for Telegram (``bot.reminder_delivery`` knows no Telegram)."""

from __future__ import annotations

from telegram import Bot
from telegram.error import BadRequest, Forbidden

from bot.handlers.common import markup
from bot.reminder_delivery import Send
from bot.replies import Screen


def telegram_sender(bot: Bot) -> Send:
    """Send a reminder as a message; a user who blocked the bot (or a gone chat) is unreachable.

    Other errors (network, flood limits) propagate, so the delivery tries again later.
    """

    async def send(user_id: int, screen: Screen) -> bool:
        try:
            await bot.send_message(user_id, screen.text, reply_markup=markup(screen.keyboard))
        except Forbidden:
            return False
        except BadRequest as exc:
            if "chat not found" not in exc.message.lower():
                raise
            return False
        return True

    return send

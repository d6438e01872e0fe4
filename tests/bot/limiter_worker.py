"""One bot process delivering reminders through the shared Redis rate limiter (a test helper).

``python limiter_worker.py API_BASE_URL TOKEN DATABASE_URL SCHEMA REDIS_URL NOW_ISO`` opens the
bot's storage, builds the bot's own ``ExtBot`` (the real network layer, the real limiter) and runs
delivery rounds until no reminder is due, then prints what its rounds did as one JSON line.
"""

import asyncio
import json
import sys
from dataclasses import asdict
from datetime import datetime

from telegram.ext import ExtBot

from bot.handlers.reminder_sender import telegram_sender
from bot.reminder_delivery import Delivery, deliver_due
from bot.storage import open_storage
from bot.telegram_limits import RedisRateLimiter, TrackedRequest


async def main(base_url, token, database_url, schema, redis_url, now_iso):
    now = datetime.fromisoformat(now_iso)
    storage = await open_storage(database_url, schema=schema or None)
    limiter = RedisRateLimiter(redis_url, token.split(":", 1)[0])
    bot = ExtBot(token, base_url=base_url, request=TrackedRequest(connection_pool_size=64), rate_limiter=limiter)
    total = Delivery()
    try:
        await bot.initialize()
        send = telegram_sender(bot)
        while await storage.due_reminders(now):
            round_ = await deliver_due(storage, send, now)
            for field, value in asdict(round_).items():
                setattr(total, field, getattr(total, field) + value)
            if not round_.sent and not round_.failed:
                await asyncio.sleep(0.2)  # the rest is claimed by the other process
    finally:
        await bot.shutdown()
        await storage.close()
    print(json.dumps(asdict(total)))


if __name__ == "__main__":
    asyncio.run(main(*sys.argv[1:]))

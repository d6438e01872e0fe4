"""The python-telegram-bot ``Application``: HTML by default, handlers, storage on start.

``build_application`` is what ``sesame-advisor run`` starts and what the tests drive with
updates; the tests pass their own advisor and a recording network layer, everything else is
the same object the real bot runs. Due reminders are sent by a small asyncio task started in
``post_init`` and cancelled when the application stops (PTB's ``JobQueue`` would need
APScheduler, one more dependency for one periodic call). Every process runs that task, in
polling and in webhook mode: each reminder is claimed in the database before it is sent, so
several processes never send one twice, and reminders keep going out while any process lives.

In webhook mode several processes serve one bot, but only one may register the webhook. The
webhook server (``bot.webhook_app.serve``) calls ``setWebhook`` on every start, and long polling
(``bot.polling``) ``deleteWebhook``, so a worker that must not register gets a bot whose
``set_webhook``/``delete_webhook`` leave Telegram alone (``registers_webhook=False``).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

from telegram.constants import ParseMode
from telegram.ext import Application, ApplicationBuilder, BaseRateLimiter, Defaults, ExtBot
from telegram.request import BaseRequest

from bot import config, log_privacy
from bot.advisor import Advisor
from bot.charts import radar
from bot.config import ApiUrls
from bot.handlers import publish_commands, setup
from bot.handlers.common import ADVISOR, TelegramApplication
from bot.handlers.reminder_sender import telegram_sender
from bot.per_user_processor import PerUserUpdateProcessor
from bot.reminder_delivery import DELIVERY_INTERVAL, run_delivery
from bot.storage import Timeouts, open_storage
from bot.telegram_limits import TrackedRequest

DELIVERY_TASK = "reminder_delivery"
CONNECTION_POOL_SIZE = 256
"""Connections of a bot built here: what PTB's builder gives the bot it builds itself."""

logger = logging.getLogger(__name__)


class NonRegisteringBot(ExtBot[None]):
    """A bot for a webhook worker that serves updates but leaves the webhook to another process.

    The webhook server sets the webhook on every start; from a second process that would only repeat
    (or, with a wrong setting, break) the registering process's call, and a delete would cut off
    every process. Everything else is the ordinary ``ExtBot``.
    """

    async def set_webhook(self, *args: Any, **kwargs: Any) -> bool:
        """Leave the webhook as the registering process set it."""
        logger.info("webhook registration left to the registering process")
        return True

    async def delete_webhook(self, *args: Any, **kwargs: Any) -> bool:
        """Never delete the webhook the other processes are served through."""
        return True


def build_application(
    token: str,
    *,
    database_url: str | None = None,
    advisor: Advisor | None = None,
    api: ApiUrls | None = None,
    request: BaseRequest | None = None,
    updates_request: BaseRequest | None = None,
    remind_every: float | None = DELIVERY_INTERVAL,
    registers_webhook: bool = True,
    rate_limiter: BaseRateLimiter[Any] | None = None,
    database_timeouts: Timeouts | None = None,
    concurrency: int | None = None,
) -> TelegramApplication:
    """An application with every handler; the database is opened (and migrated) on start.

    Give either ``database_url`` (opened in ``post_init``, inside the application's own event
    loop) or a ready ``advisor``. ``remind_every`` is the pause between reminder rounds;
    ``None`` runs no delivery task (the tests call ``deliver_due`` themselves).
    ``registers_webhook=False`` makes a webhook worker that never calls ``setWebhook`` or
    ``deleteWebhook`` (see ``NonRegisteringBot``). ``rate_limiter`` keeps Telegram's limits
    (``bot.telegram_limits.rate_limiter`` picks the shared Redis one or PTB's in-process one);
    without it nothing is limited, which only the offline tests want. ``concurrency`` is how many
    updates run at once (default ``SESAME_CONCURRENCY``), one user's always in order (see
    ``PerUserUpdateProcessor``).
    """
    if advisor is None and database_url is None:
        raise ValueError("build_application needs a database_url or an advisor")
    log_privacy.install([token])  # before PTB logs "Set Bot API URL" with the token in it

    async def post_init(application: TelegramApplication) -> None:
        if ADVISOR not in application.bot_data:
            assert database_url is not None
            application.bot_data[ADVISOR] = Advisor(await open_storage(database_url, timeouts=database_timeouts))
            application.bot_data["owns_storage"] = True
        await publish_commands(application.bot)
        # The radar's sprites and backgrounds, drawn now rather than during a user's first score.
        await asyncio.to_thread(radar.warm_up)
        serving: Advisor = application.bot_data[ADVISOR]
        if remind_every is not None:
            sender = telegram_sender(application.bot)
            metrics = application.bot_data.get("metrics")  # set by Metrics.attach (webhook mode, polling)
            on_round = metrics.count_delivery if metrics is not None else None
            application.bot_data[DELIVERY_TASK] = asyncio.create_task(
                run_delivery(serving.storage, serving.clock, sender, remind_every, on_round), name=DELIVERY_TASK
            )

    async def post_stop(application: TelegramApplication) -> None:
        await _stop_delivery(application)

    async def post_shutdown(application: TelegramApplication) -> None:
        await _stop_delivery(application)  # already done in post_stop, unless the application never started
        if application.bot_data.get("owns_storage"):
            await application.bot_data[ADVISOR].storage.close()

    defaults = Defaults(parse_mode=ParseMode.HTML)
    builder: ApplicationBuilder[Any, Any, Any, Any, Any, Any] = (
        Application.builder().post_init(post_init).post_stop(post_stop).post_shutdown(post_shutdown)
    )
    if not registers_webhook:
        # The builder takes a ready bot only without the bot's own settings, so they go to the bot.
        urls: dict[str, Any] = {} if api is None else {"base_url": api.base_url, "base_file_url": api.base_file_url}
        bot = NonRegisteringBot(
            token,
            defaults=defaults,
            request=request or TrackedRequest(connection_pool_size=CONNECTION_POOL_SIZE),
            get_updates_request=updates_request,
            rate_limiter=rate_limiter,
            **urls,
        )
        builder = builder.bot(bot)
    else:
        builder = builder.token(token).defaults(defaults)
        if api is not None:
            builder = builder.base_url(api.base_url).base_file_url(api.base_file_url)
        builder = builder.request(request or TrackedRequest(connection_pool_size=CONNECTION_POOL_SIZE))
        if rate_limiter is not None:
            builder = builder.rate_limiter(rate_limiter)
        if updates_request is not None:
            builder = builder.get_updates_request(updates_request)
    limit = config.concurrency() if concurrency is None else concurrency
    application = builder.concurrent_updates(PerUserUpdateProcessor(limit)).build()
    if advisor is not None:
        application.bot_data[ADVISOR] = advisor
    setup(application)
    return application


async def _stop_delivery(application: TelegramApplication) -> None:
    """Cancel the reminder task (before the bot and the database it uses go away)."""
    task: asyncio.Task[None] | None = application.bot_data.pop(DELIVERY_TASK, None)
    if task is not None:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task

"""The python-telegram-bot ``Application``: HTML by default, handlers, storage on start.

``build_application`` is what ``sesame-advisor run`` starts and what the tests drive with
updates; the tests pass their own advisor and a recording network layer, everything else is
the same object the real bot runs. Due reminders are sent by a small asyncio task started in
``post_init`` and cancelled when the application stops (PTB's ``JobQueue`` would need
APScheduler, one more dependency for one periodic call).
"""

from __future__ import annotations

import asyncio
import contextlib

from telegram.constants import ParseMode
from telegram.ext import Application, ApplicationBuilder, Defaults
from telegram.request import BaseRequest

from bot.advisor import Advisor
from bot.config import ApiUrls
from bot.handlers import publish_commands, setup
from bot.handlers.reminders import telegram_sender
from bot.reminder_delivery import DELIVERY_INTERVAL, run_delivery
from bot.storage import open_storage

ADVISOR = "advisor"
DELIVERY_TASK = "reminder_delivery"


def build_application(
    token: str,
    *,
    database_url: str | None = None,
    advisor: Advisor | None = None,
    api: ApiUrls | None = None,
    request: BaseRequest | None = None,
    updates_request: BaseRequest | None = None,
    remind_every: float | None = DELIVERY_INTERVAL,
) -> Application:
    """An application with every handler; the database is opened (and migrated) on start.

    Give either ``database_url`` (opened in ``post_init``, inside the application's own event
    loop) or a ready ``advisor``. ``remind_every`` is the pause between reminder rounds;
    ``None`` runs no delivery task (the tests call ``deliver_due`` themselves).
    """
    if advisor is None and database_url is None:
        raise ValueError("build_application needs a database_url or an advisor")

    async def post_init(application: Application) -> None:
        if ADVISOR not in application.bot_data:
            assert database_url is not None
            application.bot_data[ADVISOR] = Advisor(await open_storage(database_url))
            application.bot_data["owns_storage"] = True
        await publish_commands(application.bot)
        if remind_every is not None:
            sender = telegram_sender(application.bot)
            application.bot_data[DELIVERY_TASK] = asyncio.create_task(
                run_delivery(application.bot_data[ADVISOR], sender, remind_every), name=DELIVERY_TASK
            )

    async def post_stop(application: Application) -> None:
        await _stop_delivery(application)

    async def post_shutdown(application: Application) -> None:
        await _stop_delivery(application)  # already done in post_stop, unless the application never started
        if application.bot_data.get("owns_storage"):
            await application.bot_data[ADVISOR].storage.close()

    builder: ApplicationBuilder = (
        Application.builder()
        .token(token)
        .defaults(Defaults(parse_mode=ParseMode.HTML))
        .post_init(post_init)
        .post_stop(post_stop)
        .post_shutdown(post_shutdown)
    )
    if api is not None:
        builder = builder.base_url(api.base_url).base_file_url(api.base_file_url)
    if request is not None:
        builder = builder.request(request)
    if updates_request is not None:
        builder = builder.get_updates_request(updates_request)
    application = builder.build()
    if advisor is not None:
        application.bot_data[ADVISOR] = advisor
    setup(application)
    return application


async def _stop_delivery(application: Application) -> None:
    """Cancel the reminder task (before the bot and the database it uses go away)."""
    task: asyncio.Task[None] | None = application.bot_data.pop(DELIVERY_TASK, None)
    if task is not None:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task

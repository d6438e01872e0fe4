"""Long polling that acknowledges an update only once it has been handled.

python-telegram-bot's ``Updater`` asks for the next updates (which acknowledges the previous ones
to Telegram) as soon as it has put them in its queue, before any handler ran: a process killed
right after a tap lost the tap, or stored the answer and never replied. This loop handles every
update of a batch first and only then asks for more with ``offset`` past them, so a process that
dies mid-update gets the same update again from Telegram on its next start. Handling one twice is
safe: every step of the dialog is guarded by the question's nonce, so an answer already stored is
recognised as stale rather than stored again.

Updates are fetched raw (``do_api_request``) and read one by one: an update python-telegram-bot
cannot parse is logged by its id and skipped, instead of failing the whole batch for ever.
A batch is handled through the application's update processor, as PTB's own fetcher would hand
it over: one user's updates in order, different users' side by side.

Each update is timed and counted as in webhook mode; with a metrics address
(``SESAME_METRICS_PORT``) ``bot.monitoring`` serves ``/metrics`` and ``/healthz`` there while it polls.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import warnings
from typing import Any

from telegram import Update
from telegram.error import Conflict, InvalidToken, NetworkError, RetryAfter, TimedOut
from telegram.warnings import PTBUserWarning

from bot import monitoring
from bot.config import MetricsServer
from bot.handlers.common import TelegramApplication
from bot.metrics import Metrics

logger = logging.getLogger(__name__)
# Raw updates are what this module is for (see the docstring); PTB would rather we used get_updates.
warnings.filterwarnings("ignore", message=r"Please use 'Bot\.getUpdates'", category=PTBUserWarning)

POLL_TIMEOUT = 10
"""Seconds Telegram holds a getUpdates open when there is nothing new."""
BACKOFF = (1.0, 2.0, 5.0, 10.0, 30.0)


def read_updates(raw: list[dict[str, Any]], application: TelegramApplication) -> tuple[list[Update], int | None]:
    """The updates PTB can read, and the highest update id seen (read or not), for the offset."""
    updates: list[Update] = []
    highest: int | None = None
    for item in raw:
        update_id = item.get("update_id") if isinstance(item, dict) else None
        if isinstance(update_id, int):
            highest = update_id if highest is None else max(highest, update_id)
        try:
            update = Update.de_json(item, application.bot)
        except Exception:  # noqa: BLE001 - one unreadable update must not block every later one
            logger.error("update %s could not be read; skipped", update_id)  # the id only, never the content
            continue
        if update is not None:
            updates.append(update)
    return updates, highest


async def poll(
    application: TelegramApplication,
    *,
    allowed_updates: list[str],
    stop: asyncio.Event | None = None,
    poll_timeout: int = POLL_TIMEOUT,
    metrics_server: MetricsServer | None = None,
) -> None:
    """Run the application with long polling until ``stop`` is set (or SIGINT/SIGTERM).

    With ``metrics_server``, ``/metrics`` and ``/healthz`` are served there while it runs.
    """
    stop = stop or asyncio.Event()
    metrics = Metrics()  # counted always (a few counters), served only with an address
    metrics.attach(application)  # before post_init, which starts the reminder task
    loop = asyncio.get_running_loop()
    with contextlib.suppress(NotImplementedError, RuntimeError):  # not in the main thread (tests)
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
    async with application:
        if application.post_init is not None:
            await application.post_init(application)
        await application.bot.delete_webhook()  # polling and a webhook exclude each other
        await application.start()
        logger.info("long polling started")
        try:
            async with monitoring.serving(application, metrics, metrics_server):
                await _loop(application, allowed_updates, stop, poll_timeout, metrics)
        finally:
            await application.stop()
            if application.post_stop is not None:
                await application.post_stop(application)
    if application.post_shutdown is not None:
        await application.post_shutdown(application)


async def _loop(
    application: TelegramApplication,
    allowed_updates: list[str],
    stop: asyncio.Event,
    poll_timeout: int,
    metrics: Metrics,
) -> None:
    offset: int | None = None
    failures = 0
    while not stop.is_set():
        fetch = asyncio.ensure_future(
            application.bot.do_api_request(
                "getUpdates",
                api_kwargs={"offset": offset, "timeout": poll_timeout, "allowed_updates": allowed_updates},
                read_timeout=poll_timeout + 10,
            )
        )
        stopping = asyncio.ensure_future(stop.wait())
        await asyncio.wait({fetch, stopping}, return_when=asyncio.FIRST_COMPLETED)
        stopping.cancel()
        if not fetch.done():  # stopped while waiting: nothing fetched, nothing acknowledged
            fetch.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await fetch
            return
        try:
            raw = fetch.result()
        except (InvalidToken, asyncio.CancelledError):
            raise
        except (Conflict, RetryAfter, TimedOut, NetworkError) as exc:
            pause = BACKOFF[min(failures, len(BACKOFF) - 1)]
            failures += 1
            logger.warning("getUpdates failed (%s); again in %.0f s", type(exc).__name__, pause)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), pause)
            continue
        failures = 0
        updates, highest = read_updates(raw if isinstance(raw, list) else [], application)
        # All of the batch through the update processor (one user's in order, others alongside);
        # errors go to the error handlers, not here.
        await asyncio.gather(*(_handle(application, update, metrics) for update in updates))
        if highest is not None:
            offset = highest + 1  # the next getUpdates acknowledges them: only now, once handled


async def _handle(application: TelegramApplication, update: Update, metrics: Metrics) -> None:
    """One update through the application's update processor, timed and counted."""
    with metrics.handling(update):
        await application.update_processor.process_update(update, application.process_update(update))

"""Webhook mode on an ASGI app (Starlette, served by uvicorn): python-telegram-bot's custom-webhook pattern.

PTB's own webhook server (tornado, used before) answered malformed JSON with a 500 and a traceback, refused
``application/json; charset=utf-8``, accepted 100 MB bodies, had no health endpoint and handled a
retried update twice. This app is small enough to read in one go:

- ``POST <path>``: 403 without the secret token (compared in constant time), 415 for a body that
  is not ``application/json`` (any parameters), 413 above ``MAX_BODY`` (1 MB; Telegram's updates
  are a few KB), 400 for malformed JSON or something that is no update, without a traceback.
  Each update id is *taken* in the database first (``processed_updates``): a duplicate already
  handled gets 200 and is not handled again; one still being handled by another process gets 503,
  so Telegram retries it later (if that process died, its lease runs out and the retry is handled).
  The update is handled before the answer: a 200 means it was handled, so a process killed
  mid-update leaves Telegram to deliver it again.
- ``GET /healthz``: 200 when the database answers, else 503 (for the load balancer), and
  ``GET /metrics``: Prometheus counters and the latency histogram (no user data); both from
  ``bot.monitoring``, which serves the same two routes in long polling.

When the database cannot take the update id (it is down), the update is handled anyway: its
handlers reply with the "temporary problem" message, which is better than silence, and a
duplicate during an outage is the smaller evil.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import json
import logging
import signal
from datetime import timedelta
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route
from telegram import Update

from bot import monitoring
from bot.advisor import Advisor
from bot.config import MetricsServer
from bot.handlers.common import ADVISOR, TelegramApplication
from bot.metrics import Metrics
from bot.storage import Storage
from bot.storage.tables import utcnow

logger = logging.getLogger(__name__)

MAX_BODY = 1024 * 1024
SECRET_HEADER = "x-telegram-bot-api-secret-token"
KEEP_UPDATE_IDS = timedelta(days=1)
PRUNE_EVERY = 500
"""Old update ids are deleted every this many updates (cheap, and no background task)."""


class BodyTooLarge(Exception):
    """The request body passed ``MAX_BODY``."""


async def _read_body(request: Request, limit: int = MAX_BODY) -> bytes:
    """The body, refusing (without reading on) as soon as it passes ``limit``."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise BodyTooLarge
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise BodyTooLarge
        chunks.append(chunk)
    return b"".join(chunks)


def _is_json(content_type: str | None) -> bool:
    return (content_type or "").split(";", 1)[0].strip().lower() == "application/json"


class WebhookApp:
    """The ASGI app of one bot process: the webhook path, ``/healthz`` and ``/metrics``."""

    def __init__(
        self, application: TelegramApplication, *, path: str, secret: str, metrics: Metrics | None = None
    ) -> None:
        self.application = application
        self.secret = secret.encode()
        self.metrics = metrics or Metrics()
        self._handled = 0
        self.app = Starlette(
            routes=[Route(path, self.receive, methods=["POST"]), *monitoring.routes(application, self.metrics)]
        )

    @property
    def storage(self) -> Storage:
        """The application's storage (opened in its ``post_init``)."""
        advisor: Advisor = self.application.bot_data[ADVISOR]
        return advisor.storage

    def _refuse(self, status: int, reason: str) -> Response:
        self.metrics.rejected.labels(reason).inc()
        return PlainTextResponse(reason.replace("_", " "), status_code=status)

    async def receive(self, request: Request) -> Response:
        """One update from Telegram (see the module docstring for every answer)."""
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not hmac.compare_digest(given, self.secret):
            return self._refuse(403, "bad_secret")
        if not _is_json(request.headers.get("content-type")):
            return self._refuse(415, "not_json")
        try:
            body = await _read_body(request)
        except BodyTooLarge:
            return self._refuse(413, "too_large")
        try:
            data = json.loads(body)
        except (ValueError, UnicodeDecodeError):
            return self._refuse(400, "malformed_json")
        update_id = data.get("update_id") if isinstance(data, dict) else None
        if not isinstance(update_id, int) or isinstance(update_id, bool):
            return self._refuse(400, "not_an_update")
        try:
            update = Update.de_json(data, self.application.bot)
        except Exception:  # noqa: BLE001 - any shape PTB cannot read is the sender's mistake
            logger.warning("update %s could not be read", update_id)  # the id only, never the content
            return self._refuse(400, "not_an_update")
        return await self._handle_once(update)

    async def _handle_once(self, update: Update) -> Response:
        now = utcnow()
        try:
            taken = await self.storage.take_update(update.update_id, now)
        except Exception:  # noqa: BLE001 - the database is down: handle it anyway (see the docstring)
            logger.warning("update %s: its id could not be recorded; handling it anyway", update.update_id)
            taken, recorded = True, False
        else:
            recorded = True
        if not taken:
            state = await self.storage.update_state(update.update_id)
            self.metrics.duplicates.inc()
            if state == "done":
                return PlainTextResponse("already handled")
            return PlainTextResponse("being handled elsewhere", status_code=503)
        with self.metrics.handling(update):
            # Through the application's update processor: one user's updates in order, others alongside.
            await self.application.update_processor.process_update(update, self.application.process_update(update))
        if recorded:
            with contextlib.suppress(Exception):  # handled; only the bookkeeping failed
                await self.storage.update_done(update.update_id, utcnow())
        await self._prune_now_and_then(now)
        return PlainTextResponse("ok")

    async def _prune_now_and_then(self, now: Any) -> None:
        self._handled += 1
        if self._handled % PRUNE_EVERY == 0:
            with contextlib.suppress(Exception):
                await self.storage.prune_updates(now - KEEP_UPDATE_IDS)


async def serve(
    application: TelegramApplication,
    *,
    listen: str,
    port: int,
    path: str,
    secret: str,
    url: str,
    allowed_updates: list[str],
    metrics: Metrics | None = None,
    metrics_server: MetricsServer | None = None,
) -> None:
    """Start the application, register the webhook, serve until SIGINT/SIGTERM, stop cleanly.

    ``/healthz`` and ``/metrics`` are served beside the webhook, and on ``metrics_server`` too if given.
    """
    webhook = WebhookApp(application, path=path, secret=secret, metrics=metrics)
    webhook.metrics.attach(application)
    server = monitoring.server(webhook.app, listen, port)
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, lambda: setattr(server, "should_exit", True))
    async with application:
        if application.post_init is not None:
            await application.post_init(application)
        # max_connections as PTB's run_webhook sets it; the secret is Telegram's to send back.
        await application.bot.set_webhook(url, secret_token=secret, allowed_updates=allowed_updates, max_connections=40)
        await application.start()
        try:
            async with monitoring.serving(application, webhook.metrics, metrics_server):
                await server.serve()
        finally:
            await application.stop()
            if application.post_stop is not None:
                await application.post_stop(application)
    if application.post_shutdown is not None:
        await application.post_shutdown(application)

"""``/healthz`` and ``/metrics``: what operators watch, served alike in webhook mode and long polling.

Webhook mode serves both beside the webhook path (``bot.webhook_app``). Long polling has no HTTP
server of its own, so with ``SESAME_METRICS_PORT`` set it runs ``serving`` next to the polling loop:
the same two routes, on uvicorn like the webhook. Keep both off any public route.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
from collections.abc import AsyncIterator, Iterator

import uvicorn
from sqlalchemy import text
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from bot.advisor import Advisor
from bot.config import MetricsServer
from bot.handlers.common import ADVISOR, TelegramApplication
from bot.metrics import CONTENT_TYPE, Metrics

logger = logging.getLogger(__name__)

HEALTH_TIMEOUT = 3.0


class MetricsPortUnavailable(OSError):
    """The metrics address cannot be listened on (the port is taken, or the address is not this host's)."""

    def __init__(self, address: MetricsServer) -> None:
        super().__init__(f"cannot listen on {address.listen}:{address.port}")
        self.address = address


def routes(application: TelegramApplication, metrics: Metrics) -> list[Route]:
    """``GET /healthz`` (200 while the database answers within ``HEALTH_TIMEOUT``, else 503) and ``GET /metrics``."""

    async def health(request: Request) -> Response:
        advisor: Advisor = application.bot_data[ADVISOR]  # opened in the application's post_init
        try:
            async with asyncio.timeout(HEALTH_TIMEOUT):
                async with advisor.storage.engine.connect() as connection:
                    await connection.execute(text("SELECT 1"))
        except Exception:  # noqa: BLE001 - any failure means "not healthy"; the reason is in the log
            logger.warning("health check: the database does not answer")
            return PlainTextResponse("database unreachable", status_code=503)
        return PlainTextResponse("ok")

    async def exposition(request: Request) -> Response:
        return Response(metrics.exposition(), media_type=CONTENT_TYPE)

    return [Route("/healthz", health, methods=["GET"]), Route("/metrics", exposition, methods=["GET"])]


class QuietServer(uvicorn.Server):
    """uvicorn without its own signal handling.

    uvicorn re-raises SIGTERM after serving, which would end the process before the application
    is stopped cleanly; the caller handles the signals itself.
    """

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        """Leave the signals to the caller."""
        yield


def server(app: Starlette, listen: str, port: int) -> QuietServer:
    """A uvicorn server for ``app`` that logs only warnings and has no lifespan of its own."""
    return QuietServer(uvicorn.Config(app, host=listen, port=port, log_level="warning", lifespan="off"))


@contextlib.asynccontextmanager
async def serving(
    application: TelegramApplication, metrics: Metrics, address: MetricsServer | None
) -> AsyncIterator[int | None]:
    """Serve ``/healthz`` and ``/metrics`` on ``address`` while the block runs; yields the port bound.

    With no address nothing is served (and ``None`` yielded), so callers need no branch.

    The socket is bound here, before the block starts, so a port in use fails at once with
    ``MetricsPortUnavailable`` (uvicorn binding it itself would end the whole process with
    ``sys.exit``); port 0 takes a free one.
    """
    if address is None:
        yield None
        return
    try:
        family = socket.getaddrinfo(address.listen, address.port, type=socket.SOCK_STREAM)[0][0]
        sock = socket.create_server((address.listen, address.port), family=family)
    except OSError as exc:
        raise MetricsPortUnavailable(address) from exc
    monitor = server(Starlette(routes=routes(application, metrics)), address.listen, address.port)
    task = asyncio.create_task(monitor.serve(sockets=[sock]), name="monitoring")
    bound = int(sock.getsockname()[1])
    logger.info("metrics and health served on %s:%d", address.listen, bound)
    try:
        yield bound
    finally:
        monitor.should_exit = True
        await task
        sock.close()

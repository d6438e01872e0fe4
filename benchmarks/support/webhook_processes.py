"""Two bot processes in webhook mode on one PostgreSQL, for ``bench_bot.py``'s open-loop figures.

Each worker is ``build_application`` as ``sesame-advisor run --no-register`` builds it, served by
python-telegram-bot's own webhook server (``run_webhook``), with its Bot API base URL pointing at
a stand-in served by the benchmark process (so the workers' replies go over real HTTP, as they
would to Telegram). The benchmark posts each update to the next worker in turn, as a round-robin
load balancer would. A worker learns nothing of the benchmark except one extra Bot API call after
each update (``benchDone``, from a handler in the last group), which is how the benchmark knows
the update is done.

Run by ``bench_bot.py`` (it lives in ``support/`` so the suite's run of every ``benchmarks/*.py``
with ``--tiny`` leaves it alone); a worker is ``python benchmarks/support/webhook_processes.py PORT
API_PORT SCHEMA POSTGRES_URL TOKEN``.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
import tornado.httpserver  # noqa: E402
import tornado.web  # noqa: E402

from bot.testing import response_body  # noqa: E402

SECRET = "bench-secret"
PATH = "hook"


# ---- the worker (its own process) ------------------------------------------------------------
def worker(port: int, api_port: int, schema: str, postgres_url: str, token: str) -> None:
    """One bot process serving webhook updates until terminated."""
    from telegram import Update
    from telegram.ext import ContextTypes, TypeHandler

    from bot.advisor import Advisor
    from bot.application import build_application
    from bot.config import ApiUrls
    from bot.storage import Storage, make_engine

    errors = 0
    # No connection is made before the application's own event loop runs.
    advisor = Advisor(Storage(make_engine(postgres_url, schema=schema)))
    root = f"http://127.0.0.1:{api_port}"
    application = build_application(
        token,
        advisor=advisor,
        api=ApiUrls(base_url=f"{root}/bot", base_file_url=f"{root}/file/bot"),
        remind_every=None,
        registers_webhook=False,
    )

    async def count_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        nonlocal errors
        errors += 1

    async def done(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await context.bot.do_api_request("benchDone", api_kwargs={"update_id": update.update_id, "errors": errors})

    application.add_error_handler(count_error)
    application.add_handler(TypeHandler(Update, done), group=1_000_000)
    application.run_webhook(
        listen="127.0.0.1",
        port=port,
        url_path=PATH,
        webhook_url=f"https://bench.invalid/{PATH}",
        secret_token=SECRET,
        allowed_updates=[Update.MESSAGE, Update.CALLBACK_QUERY],
        close_loop=False,
    )


# ---- the benchmark's side ---------------------------------------------------------------------
class _BotApi(tornado.web.RequestHandler):
    """``POST /bot<token>/<method>``: answered by the benchmark's ``BenchBotApi``."""

    def initialize(self, farm: WebhookFarm) -> None:
        self.farm = farm

    def post(self, method: str) -> None:
        params: dict[str, Any] = {k: self.get_body_argument(k) for k in self.request.body_arguments}
        if method == "benchDone":
            self.farm.done(int(params["update_id"]), int(params.get("errors", 0)))
            status, result = 200, True
        else:
            status, result = self.farm.api.respond(method, params, None)
        self.set_status(status)
        self.finish(response_body(status, result))


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class WebhookFarm:
    """The Bot API stand-in, the worker processes, and a driver that posts updates to them in turn."""

    def __init__(self, api: Any, processes: int, schema: str, postgres_url: str, token: str) -> None:
        self.api = api
        self.schema = schema
        self.postgres_url = postgres_url
        self.token = token
        self.ports = [_free_port() for _ in range(processes)]
        self.api_port = _free_port()
        self.errors: dict[int, int] = {}
        self._waiting: dict[int, asyncio.Future[float]] = {}
        self._update_id = 0
        self._turn = 0
        self._workers: list[subprocess.Popen[bytes]] = []
        self._client: httpx.AsyncClient | None = None
        self._server: tornado.httpserver.HTTPServer | None = None

    def done(self, update_id: int, errors: int) -> None:
        future = self._waiting.pop(update_id, None)
        if future is not None and not future.done():
            future.set_result(time.perf_counter())

    async def send(self, payload: dict[str, Any]) -> float:
        """Post one update to the next worker; returns when that worker has processed it."""
        assert self._client is not None
        self._update_id += 1
        update_id = self._update_id
        future: asyncio.Future[float] = asyncio.get_running_loop().create_future()
        self._waiting[update_id] = future
        port = self.ports[self._turn % len(self.ports)]
        self._turn += 1
        response = await self._client.post(
            f"http://127.0.0.1:{port}/{PATH}",
            content=json.dumps({"update_id": update_id, **payload}),
            headers={"Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": SECRET},
        )
        response.raise_for_status()
        return await future

    async def _wait_until_serving(self, port: int, deadline: float) -> None:
        assert self._client is not None
        while time.monotonic() < deadline:
            try:
                # A request without the secret is refused with 403 once the server runs.
                await self._client.post(f"http://127.0.0.1:{port}/{PATH}", content=b"{}")
                return
            except httpx.TransportError:
                await asyncio.sleep(0.2)
        raise RuntimeError(f"the webhook worker on port {port} did not start")

    async def __aenter__(self) -> WebhookFarm:
        app = tornado.web.Application([(r"/bot[^/]+/(\w+)", _BotApi, {"farm": self})])
        self._server = tornado.httpserver.HTTPServer(app)
        self._server.listen(self.api_port, "127.0.0.1")
        self._client = httpx.AsyncClient(limits=httpx.Limits(max_connections=256), timeout=60)
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        for port in self.ports:
            command = [
                sys.executable,
                __file__,
                str(port),
                str(self.api_port),
                self.schema,
                self.postgres_url,
                self.token,
            ]
            self._workers.append(subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL))
        deadline = time.monotonic() + 60
        for port in self.ports:
            await self._wait_until_serving(port, deadline)
        return self

    async def __aexit__(self, *exc: object) -> None:
        for process in self._workers:
            process.terminate()
        for process in self._workers:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
        if self._client is not None:
            await self._client.aclose()
        if self._server is not None:
            self._server.stop()


@asynccontextmanager
async def farm(api: Any, processes: int, schema: str, postgres_url: str, token: str) -> Any:
    async with WebhookFarm(api, processes, schema, postgres_url, token) as running:
        yield running


if __name__ == "__main__":
    worker(int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5])

"""How fast the bot answers under load: the real ``Application``, only the Bot API network replaced.

Run from the repository root: ``python benchmarks/bench_bot.py`` (full size, several minutes) or
``python benchmarks/bench_bot.py --tiny`` (seconds; what ``tests/benchmarks/`` runs).

What it drives: simulated users who send ``/start``, tap through the quick check (10 answers),
then send ``/score`` and ``/advice``, through the application's update queue (the path polling and
the webhook server both feed), with ``build_application`` as ``sesame-advisor run`` builds it. Next
to it, in the same process, a bare python-telegram-bot echo handler driven the same way is the
baseline every throughput figure is divided by. Each database is measured: a SQLite file in a
temporary folder, and a fresh schema on the machine's PostgreSQL (dropped afterwards).

Figures:
* sequential: one update at a time; updates/s of the mixed flow and its ratio to echo; p50/p99 per
  kind of update (``/start``, answer tap, ``/score``, ``/advice``). The echo the ratio divides by
  runs right before each database's flow, over three times as many updates: minutes pass between
  the two databases' runs, and one echo run of 280 updates (a tenth of a second) read anywhere from
  1,800 to 3,650 updates/s on the same quiet machine;
* database work per answer tap, counted with SQLAlchemy engine events: statements, commits and
  pool checkouts;
* open loop: updates arrive at a fixed rate (by default 200 users, each one update every 2 s on
  average, so 100 updates/s), a user's next update waiting for the reply to their previous one;
  latency runs from when an update was due, so a backlog shows up in the figures instead of
  slowing the arrivals. p50/p99 at that rate, then the highest of a ladder of rates where p99 stays
  under 250 ms; after each run every answer tapped is checked to be stored;
* memory: the process's resident memory after 100 users and after 10,000 users (``/start`` and one
  answer each), with the bot's per-user state (the processor's lock table) alongside.

* on PostgreSQL, the same open loop and ladder against two webhook worker processes
  (``benchmarks/support/webhook_processes.py``), updates posted to each in turn over HTTP.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import random
import signal
import sys
import tempfile
import time
import uuid
from collections import defaultdict
from collections.abc import Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script from anywhere
    sys.path.insert(0, str(ROOT))

import asyncpg  # noqa: E402
from sqlalchemy import event, func, select  # noqa: E402
from telegram import Update  # noqa: E402
from telegram.ext import Application, ContextTypes, MessageHandler, TypeHandler, filters  # noqa: E402
from telegram.request import RequestData  # noqa: E402

from benchmarks.support.webhook_processes import farm  # noqa: E402
from bot.advisor import Advisor  # noqa: E402
from bot.application import build_application  # noqa: E402
from bot.storage import Storage, open_storage  # noqa: E402
from bot.storage.tables import StoredAnswer  # noqa: E402
from bot.testing import BOT_USER, EPOCH, OfflineBotApi  # noqa: E402
from scoring.questions import QUESTION_BY_ID, QUESTIONS, QUICK_IDS  # noqa: E402
from scoring.structure import LINKS  # noqa: E402

TOKEN = "123456789:BENCH-token-never-sent-anywhere"
POSTGRES_URL = os.environ.get("SESAME_BENCH_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test")
P99_LIMIT_MS = 250.0
ECHO_REPEAT = 3
"""The echo a ratio divides by plays this many times the flow's users: a steadier rate than one short run."""
KINDS = ("start", "tap", "last tap", "score", "advice")
FLOW: tuple[str, ...] = ("start", *("tap" for _ in QUICK_IDS[1:]), "last tap", "score", "advice")
"""One simulated user's updates: /start, the ten quick-check answers (the last one also shows the
score and its chart), /score, /advice."""
TAPS = {"tap", "last tap"}
SHORTENING: frozenset[str] = frozenset(
    f"a:{[q.id for q in QUESTIONS].index(link.when_id)}:{QUESTION_BY_ID[link.when_id].levels.index(link.when_value)}:"
    for link in LINKS
    if link.when_id in QUICK_IDS and link.then_id in QUICK_IDS
)
"""Answer buttons that settle a later quick-check question ("no credit card"): never tapped, so every
simulated user's quick check has the same ten questions."""

TARGETS = {
    "ratio": 0.05,  # sequential mixed flow, x echo, both databases
    "tap_p50_pg": 3.0,  # ms
    "open_p99": 150.0,  # ms, PostgreSQL, 200 users at 100 updates/s
    "max_rate": 200.0,  # updates/s with p99 < 250 ms
    "memory": 10.0,  # MiB, 10,000 users against 100
}


# ---- the Bot API, offline ------------------------------------------------------------------
class BenchBotApi(OfflineBotApi):
    """Answers the Bot API calls the bot makes the way Telegram does, without a network.

    It keeps only what the simulated users need to tap: per chat, the newest message showing
    answer buttons (dropped by the driver when the user is done), so memory measures the bot.
    """

    def __init__(self) -> None:
        super().__init__()
        self.keyboards: dict[int, dict[str, Any]] = {}

    def respond(self, method: str, params: dict[str, Any], request_data: RequestData | None) -> tuple[int, Any]:
        """Telegram's status and result for a call (for an error, its description)."""
        if method in {"sendMessage", "sendPhoto", "sendDocument"}:
            chat_id = int(params["chat_id"])
            if method == "sendMessage":
                message = self.new_message(chat_id, text=params["text"])
            elif method == "sendPhoto":
                message = self.new_message(chat_id, photo=[{**self.new_file(), "width": 800, "height": 560}])
            else:
                message = self.new_message(chat_id, document=self.new_file())
            self._remember(chat_id, message, params.get("reply_markup"))
            return 200, message
        if method == "editMessageText":
            chat_id = int(params["chat_id"])
            message = {
                "message_id": int(params["message_id"]),
                "from": BOT_USER,
                "chat": {"id": chat_id, "type": "private"},
                "date": EPOCH,
                "edit_date": EPOCH + 1,
                "text": params["text"],
            }
            self._remember(chat_id, message, params.get("reply_markup"))
            return 200, message
        return super().respond(method, params, request_data)

    def _remember(self, chat_id: int, message: dict[str, Any], markup: Any) -> None:
        if isinstance(markup, str):
            markup = json.loads(markup)
        rows = (markup or {}).get("inline_keyboard", [])
        answers = [b["callback_data"] for row in rows for b in row if b.get("callback_data", "").startswith("a:")]
        if answers:
            self.keyboards[chat_id] = {**message, "reply_markup": markup, "answers": answers}
        elif self.keyboards.get(chat_id, {}).get("message_id") == message["message_id"]:
            del self.keyboards[chat_id]  # the question was answered: its buttons are gone


# ---- counting database work ------------------------------------------------------------------
@dataclass
class DbCounter:
    """Statements, commits and pool checkouts of one engine, from SQLAlchemy's events."""

    statements: int = 0
    commits: int = 0
    checkouts: int = 0

    def attach(self, storage: Storage) -> None:
        sync_engine = storage.engine.sync_engine

        def on_statement(*_: Any) -> None:
            self.statements += 1

        def on_commit(*_: Any) -> None:
            self.commits += 1

        def on_checkout(*_: Any) -> None:
            self.checkouts += 1

        event.listen(sync_engine, "before_cursor_execute", on_statement)
        event.listen(sync_engine, "commit", on_commit)
        event.listen(sync_engine.pool, "checkout", on_checkout)

    def snapshot(self) -> tuple[int, int, int]:
        return self.statements, self.commits, self.checkouts


# ---- an application with a way to know when an update is done ----------------------------------
class Driver:
    """Feeds updates into an application's update queue and waits for each to be processed.

    A ``TypeHandler`` in a group after every other handler fires once the bot's own handler has
    returned (PTB runs the groups in order), which is when the update is done.
    """

    def __init__(self, application: Application, api: BenchBotApi) -> None:
        self.application = application
        self.api = api
        self._update_id = 0
        self._waiting: dict[int, asyncio.Future[float]] = {}
        application.add_handler(TypeHandler(Update, self._done), group=1_000_000)

    async def _done(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        future = self._waiting.pop(update.update_id, None)
        if future is not None and not future.done():
            future.set_result(time.perf_counter())

    async def send(self, payload: dict[str, Any]) -> float:
        """Put one update in the queue; returns when it is done, with the time it finished."""
        self._update_id += 1
        future: asyncio.Future[float] = asyncio.get_running_loop().create_future()
        self._waiting[self._update_id] = future
        update = Update.de_json({"update_id": self._update_id, **payload}, self.application.bot)
        await self.application.update_queue.put(update)
        return await future


def _user(user_id: int) -> dict[str, Any]:
    return {"id": user_id, "is_bot": False, "first_name": "Li", "language_code": "en"}


def text_payload(api: BenchBotApi, user_id: int, text: str) -> dict[str, Any]:
    message: dict[str, Any] = {
        "message_id": api.next_message_id(),
        "from": _user(user_id),
        "chat": {"id": user_id, "type": "private"},
        "date": EPOCH,
        "text": text,
    }
    if text.startswith("/"):
        message["entities"] = [{"offset": 0, "length": len(text.split()[0]), "type": "bot_command"}]
    return {"message": message}


def tap_payload(api: BenchBotApi, user_id: int, rng: random.Random) -> dict[str, Any]:
    """A tap on one of the answer buttons of the newest question shown to the user."""
    shown = api.keyboards[user_id]
    message = {k: v for k, v in shown.items() if k != "answers"}
    query = {"id": f"q{api.next_message_id()}", "from": _user(user_id), "message": message, "chat_instance": "1"}
    answers = [data for data in shown["answers"] if not any(data.startswith(prefix) for prefix in SHORTENING)]
    return {"callback_query": {**query, "data": rng.choice(answers)}}


def payload_for(kind: str, api: BenchBotApi, user_id: int, rng: random.Random) -> dict[str, Any]:
    if kind in TAPS:
        return tap_payload(api, user_id, rng)
    return text_payload(api, user_id, f"/{kind}")


@asynccontextmanager
async def running(application: Application) -> Any:
    """Initialised and started (its update fetcher running), stopped and shut down afterwards."""
    await application.initialize()
    if application.post_init is not None:
        await application.post_init(application)
    await application.start()
    try:
        yield application
    finally:
        await application.stop()
        if application.post_stop is not None:
            await application.post_stop(application)
        await application.shutdown()


def bot_application(storage: Storage, concurrency: int | None = None) -> tuple[Application, Driver, BenchBotApi]:
    api = BenchBotApi()
    application = build_application(
        TOKEN,
        advisor=Advisor(storage),
        request=api,
        updates_request=api,
        remind_every=None,
        concurrency=concurrency,
    )
    return application, Driver(application, api), api


def echo_application() -> tuple[Application, Driver, BenchBotApi]:
    """The baseline: a bare python-telegram-bot application whose one handler echoes the text."""
    api = BenchBotApi()

    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.message is not None and update.message.text is not None
        await update.message.reply_text(update.message.text)

    application = Application.builder().token(TOKEN).request(api).get_updates_request(api).build()
    application.add_handler(MessageHandler(filters.TEXT, echo))
    return application, Driver(application, api), api


# ---- figures ---------------------------------------------------------------------------------
def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0-100), nearest rank: the value below which q % of the samples fall."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, int(round(q / 100 * len(ordered) + 0.5)) - 1))
    return ordered[rank]


@dataclass
class Sequential:
    updates: int
    seconds: float
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    work: dict[str, tuple[float, float, float]] = field(default_factory=dict)
    """Per kind of update, on average: statements, commits, pool checkouts."""

    @property
    def rate(self) -> float:
        return self.updates / self.seconds


async def run_echo(users: int) -> Sequential:
    application, driver, api = echo_application()
    async with running(application):
        for n in range(5):  # warm-up
            await driver.send(text_payload(api, 1, f"warm {n}"))
        result = Sequential(0, 0.0)
        began = time.perf_counter()
        for user in range(users):
            for step in range(len(FLOW)):
                sent = time.perf_counter()
                done = await driver.send(text_payload(api, 10_000 + user, f"hello {step}"))
                result.latencies["echo"].append((done - sent) * 1000)
                result.updates += 1
        result.seconds = time.perf_counter() - began
    return result


async def play_flow(
    driver: Driver, api: BenchBotApi, user_id: int, rng: random.Random, latencies: dict[str, list[float]] | None
) -> None:
    """One user's whole flow, one update after the other."""
    for kind in FLOW:
        sent = time.perf_counter()
        done = await driver.send(payload_for(kind, api, user_id, rng))
        if latencies is not None:
            latencies[kind].append((done - sent) * 1000)
    api.keyboards.pop(user_id, None)


async def run_sequential(storage: Storage, users: int, first_user: int) -> Sequential:
    counter = DbCounter()
    counter.attach(storage)
    application, driver, api = bot_application(storage)
    rng = random.Random(1)
    async with running(application):
        await play_flow(driver, api, first_user - 1, rng, None)  # warm-up: templates, model, statement caches
        result = Sequential(0, 0.0)
        work: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
        began = time.perf_counter()
        for user in range(users):
            user_id = first_user + user
            for kind in FLOW:
                payload = payload_for(kind, api, user_id, rng)
                before = counter.snapshot()
                sent = time.perf_counter()
                done = await driver.send(payload)
                result.latencies[kind].append((done - sent) * 1000)
                result.updates += 1
                after = counter.snapshot()
                for i in range(3):
                    work[kind][i] += after[i] - before[i]
            api.keyboards.pop(user_id, None)
        result.seconds = time.perf_counter() - began
        seen = {kind: len(values) for kind, values in result.latencies.items()}
        result.work = {kind: (a / seen[kind], b / seen[kind], c / seen[kind]) for kind, (a, b, c) in work.items()}
    return result


@dataclass
class OpenLoop:
    rate: float
    users: int
    latencies: list[float]
    sent: int
    taps: int
    stored: int
    errors: int
    seconds: float

    @property
    def p50(self) -> float:
        return percentile(self.latencies, 50)

    @property
    def p99(self) -> float:
        return percentile(self.latencies, 99)


Send = Callable[[dict[str, Any]], Awaitable[float]]


async def open_loop(
    send: Send, api: BenchBotApi, users: int, rate: float, seconds: float, first_user: int
) -> tuple[list[float], int, list[int]]:
    """Updates due every ``1/rate`` s, each from the next user whose previous update is answered.

    Users who finish their flow are replaced by new ones (new ids), so the mix of update kinds
    stays that of the flow. When no user is ready at a due time the arrival waits for one, and
    its latency still counts from the due time. Returns the latencies, the answer taps sent and
    the users who played.
    """
    rng = random.Random(2)
    ready: asyncio.Queue[tuple[int, int]] = asyncio.Queue()  # (user id, position in the flow)
    next_user = first_user
    for _ in range(users):
        ready.put_nowait((next_user, 0))
        next_user += 1
    used_ids: list[int] = []
    latencies: list[float] = []
    taps = 0
    in_flight: set[asyncio.Task[None]] = set()

    async def one(user_id: int, position: int, due: float) -> None:
        nonlocal next_user, taps
        kind = FLOW[position]
        done = await send(payload_for(kind, api, user_id, rng))
        latencies.append((done - due) * 1000)
        if kind in TAPS:
            taps += 1
        if position + 1 < len(FLOW):
            ready.put_nowait((user_id, position + 1))
        else:
            api.keyboards.pop(user_id, None)
            ready.put_nowait((next_user, 0))
            next_user += 1

    interval = 1 / rate
    began = time.perf_counter()
    for n in range(int(rate * seconds)):
        due = began + n * interval
        delay = due - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        user_id, position = await ready.get()
        if position == 0:
            used_ids.append(user_id)
        task = asyncio.create_task(one(user_id, position, due))
        in_flight.add(task)
        task.add_done_callback(in_flight.discard)
    if in_flight:
        await asyncio.gather(*in_flight)
    return latencies, taps, used_ids


async def run_open_loop(storage: Storage, users: int, rate: float, seconds: float, first_user: int) -> OpenLoop:
    """The open loop against one in-process application (as polling or one webhook process feeds it)."""
    application, driver, api = bot_application(storage)
    errors: list[BaseException] = []

    async def keep_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        errors.append(context.error)  # type: ignore[arg-type]

    application.add_error_handler(keep_error)
    async with running(application):
        began = time.perf_counter()
        latencies, taps, used_ids = await open_loop(driver.send, api, users, rate, seconds, first_user)
        elapsed = time.perf_counter() - began
    stored = await count_answers(storage, used_ids)
    return OpenLoop(rate, users, latencies, len(latencies), taps, stored, len(errors), elapsed)


async def run_open_loop_webhooks(
    storage: Storage, farm: Any, users: int, rate: float, seconds: float, first_user: int
) -> OpenLoop:
    """The open loop against the webhook worker processes, updates posted to each in turn."""
    began = time.perf_counter()
    latencies, taps, used_ids = await open_loop(farm.send, farm.api, users, rate, seconds, first_user)
    elapsed = time.perf_counter() - began
    stored = await count_answers(storage, used_ids)
    return OpenLoop(rate, users, latencies, len(latencies), taps, stored, sum(farm.errors.values()), elapsed)


async def count_answers(storage: Storage, user_ids: list[int]) -> int:
    total = 0
    async with storage.sessions() as session:
        for start in range(0, len(user_ids), 500):
            chunk = user_ids[start : start + 500]
            query = select(func.count()).select_from(StoredAnswer).where(StoredAnswer.user_id.in_(chunk))
            total += int(await session.scalar(query) or 0)
    return total


async def find_max_rate(
    run_at: Callable[[float, int], Awaitable[OpenLoop]], rates: list[float], first_user: int
) -> tuple[float | None, list[OpenLoop]]:
    """Climb the ladder of rates until p99 passes the limit; the last rate under it is the answer."""
    best: float | None = None
    runs = []
    for step, rate in enumerate(rates):
        run = await run_at(rate, first_user + step * 1_000_000)
        runs.append(run)
        if run.p99 >= P99_LIMIT_MS or run.errors:
            break
        best = rate
    return best, runs


def resident_mib() -> float:
    """This process's resident memory now (not its peak), from /proc."""
    with open("/proc/self/statm") as statm:
        pages = int(statm.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


async def run_memory(storage: Storage, small: int, large: int, first_user: int) -> tuple[float, float, int]:
    """RSS after ``small`` users and after ``large`` (``/start`` and one answer each, 32 at a time)."""
    application, driver, api = bot_application(storage)
    rng = random.Random(3)

    async def user(user_id: int) -> None:
        await driver.send(text_payload(api, user_id, "/start"))
        await driver.send(tap_payload(api, user_id, rng))
        api.keyboards.pop(user_id, None)

    async def users(ids: range) -> None:
        ids_iter = iter(ids)

        async def worker() -> None:
            for user_id in ids_iter:
                await user(user_id)

        await asyncio.gather(*(worker() for _ in range(32)))

    async with running(application):
        await users(range(first_user, first_user + small))
        gc.collect()
        after_small = resident_mib()
        await users(range(first_user + small, first_user + large))
        gc.collect()
        after_large = resident_mib()
        in_flight = application.update_processor.users_in_flight  # type: ignore[attr-defined]
    return after_small, after_large, in_flight


# ---- the databases ---------------------------------------------------------------------------
UNSYNCED = "postgresql, synchronous_commit off"


def _commit_without_waiting(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("SET synchronous_commit TO off")
    cursor.close()


async def _admin(sql: str) -> None:
    connection = await asyncpg.connect(POSTGRES_URL.replace("postgresql+asyncpg://", "postgresql://", 1), timeout=5)
    try:
        await connection.execute(sql)
    finally:
        await connection.close()


@asynccontextmanager
async def database(backend: str) -> Any:
    """An open, migrated storage: a SQLite file in a temporary folder, or a fresh PostgreSQL schema."""
    if backend == "sqlite":
        with tempfile.TemporaryDirectory(prefix="sesame-bench-") as folder:
            storage = await open_storage(f"sqlite+aiosqlite:///{folder}/sesame.sqlite3")
            try:
                yield storage, None
            finally:
                await storage.close()
        return
    schema = f"sesame_bench_{uuid.uuid4().hex[:12]}"
    await _admin(f'CREATE SCHEMA "{schema}"')
    try:
        storage = await open_storage(POSTGRES_URL, schema=schema)
        if backend == UNSYNCED:
            # Commits return before the WAL reaches the disk: what durability costs per commit.
            event.listen(storage.engine.sync_engine, "connect", _commit_without_waiting)
            await storage.engine.dispose()  # the migration's connections go; new ones get the setting
        try:
            yield storage, schema
        finally:
            await storage.close()
    finally:
        await _admin(f'DROP SCHEMA "{schema}" CASCADE')


# ---- the run ---------------------------------------------------------------------------------
@dataclass
class Size:
    sequential_users: int
    open_users: int
    open_rate: float
    open_seconds: float
    ladder: list[float]
    ladder_seconds: float
    memory: tuple[int, int]


FULL = Size(20, 200, 100.0, 20.0, [10, 20, 35, 50, 75, 100, 150, 200, 250, 300, 400], 10.0, (100, 10_000))
TINY = Size(2, 6, 20.0, 0.5, [10, 20], 0.3, (5, 20))


@dataclass
class Report:
    lines: list[str] = field(default_factory=list)

    def __call__(self, line: str = "") -> None:
        self.lines.append(line)
        print(line, flush=True)


def ms(value: float) -> str:
    return f"{value:.2f}" if value < 10 else f"{value:.1f}"


def verdict(met: bool) -> str:
    return "met" if met else "NOT met"


async def run_webhooks(
    storage: Storage, schema: str, processes: int, size: Size, first_user: int
) -> tuple[OpenLoop, float | None, list[OpenLoop]]:
    """The open loop and the rate ladder against ``processes`` webhook workers on this schema."""
    async with farm(BenchBotApi(), processes, schema, POSTGRES_URL, TOKEN) as workers:
        for n in range(5):  # warm-up: each worker's first updates load templates and caches
            user_id = first_user - 1 - n
            await workers.send(text_payload(workers.api, user_id, "/start"))
            await workers.send(tap_payload(workers.api, user_id, random.Random(n)))
        at_rate = await run_open_loop_webhooks(
            storage, workers, size.open_users, size.open_rate, size.open_seconds, first_user
        )
        best, ladder = await find_max_rate(
            lambda rate, first: run_open_loop_webhooks(
                storage, workers, size.open_users, rate, size.ladder_seconds, first
            ),
            size.ladder,
            first_user + 1_000_000,
        )
    return at_rate, best, ladder


def describe_open_loop(run: OpenLoop, seconds: float) -> str:
    return (
        f"{run.users} users at {run.rate:g} updates/s for {seconds:g} s: {run.sent} updates, "
        f"p50 {ms(run.p50)} ms, p99 {ms(run.p99)} ms, answers stored {run.stored}/{run.taps}, errors {run.errors}"
    )


async def benchmark(size: Size, backends: list[str], with_memory: bool, processes: int, out: Report) -> dict[str, Any]:
    results: dict[str, Any] = {}
    echo = await run_echo(size.sequential_users)
    results["echo"] = echo
    out(f"echo baseline: {echo.rate:,.0f} updates/s, p50 {ms(percentile(echo.latencies['echo'], 50))} ms")
    for backend in backends:
        webhooks: tuple[OpenLoop, float | None, list[OpenLoop]] | None = None
        async with database(backend) as (storage, schema):
            echo_here = await run_echo(ECHO_REPEAT * size.sequential_users)
            seq = await run_sequential(storage, size.sequential_users, 1_000_000)
            open_run = await run_open_loop(storage, size.open_users, size.open_rate, size.open_seconds, 2_000_000)
            best, ladder = await find_max_rate(
                lambda rate, first: run_open_loop(storage, size.open_users, rate, size.ladder_seconds, first),
                size.ladder,
                10_000_000,
            )
            memory = await run_memory(storage, *size.memory, 50_000_000) if with_memory else None
            if backend == "postgresql" and processes > 1:
                webhooks = await run_webhooks(storage, schema, processes, size, 100_000_000)
        results[backend] = {
            "echo": echo_here,
            "sequential": seq,
            "open": open_run,
            "max_rate": best,
            "ladder": ladder,
            "memory": memory,
        }
        ratio = seq.rate / echo_here.rate
        out()
        out(f"== {backend} ==")
        met = verdict(ratio >= TARGETS["ratio"])
        out(f"echo right before this database's flow: {echo_here.rate:,.0f} updates/s ({echo_here.updates:,} updates)")
        out(f"sequential mixed flow: {seq.rate:,.1f} updates/s = {ratio:.4f}x echo ({met} against >= 0.05x)")
        out("| update | count | p50 ms | p99 ms |")
        out("|---|---|---|---|")
        for kind in KINDS:
            values = seq.latencies[kind]
            out(f"| {kind} | {len(values)} | {ms(percentile(values, 50))} | {ms(percentile(values, 99))} |")
        out("| update | statements | commits | pool checkouts |")
        out("|---|---|---|---|")
        for kind in KINDS:
            statements, commits, checkouts = seq.work[kind]
            out(f"| {kind} | {statements:.1f} | {commits:.1f} | {checkouts:.1f} |")
        if backend != "sqlite":
            tap_p50 = percentile(seq.latencies["tap"], 50)
            out(f"answer tap p50 {ms(tap_p50)} ms ({verdict(tap_p50 <= TARGETS['tap_p50_pg'])} against <= 3 ms)")
        all_stored = open_run.stored == open_run.taps
        out(
            f"open loop, {open_run.users} users at {open_run.rate:g} updates/s for {size.open_seconds:g} s: "
            f"{open_run.sent} updates, p50 {ms(open_run.p50)} ms, p99 {ms(open_run.p99)} ms, "
            f"answers stored {open_run.stored}/{open_run.taps}, errors {open_run.errors}"
            + (
                f" ({verdict(open_run.p99 < TARGETS['open_p99'] and all_stored)} against p99 < 150 ms, all stored)"
                if backend != "sqlite"
                else ""
            )
        )
        ladder_text = ", ".join(f"{r.rate:g}/s p99 {ms(r.p99)} ms" for r in ladder)
        out(f"rate ladder ({size.ladder_seconds:g} s each): {ladder_text}")
        best_text = "none" if best is None else f"{best:g} updates/s"
        out(
            f"highest rate with p99 < {P99_LIMIT_MS:g} ms: {best_text} "
            f"({verdict(best is not None and best >= TARGETS['max_rate'])} against >= {TARGETS['max_rate']:g})"
        )
        if webhooks is not None:
            at_rate, best_hooks, ladder_hooks = webhooks
            out(f"{processes} webhook processes, open loop, {describe_open_loop(at_rate, size.open_seconds)}")
            ladder_text = ", ".join(f"{r.rate:g}/s p99 {ms(r.p99)} ms" for r in ladder_hooks)
            out(f"{processes} webhook processes, rate ladder ({size.ladder_seconds:g} s each): {ladder_text}")
            best_text = "none" if best_hooks is None else f"{best_hooks:g} updates/s"
            out(f"{processes} webhook processes, highest rate with p99 < {P99_LIMIT_MS:g} ms: {best_text}")
        if memory is not None:
            small, large, in_flight = memory
            grown = large - small
            out(
                f"memory: {small:.1f} MiB after {size.memory[0]:,} users, {large:.1f} MiB after {size.memory[1]:,} "
                f"(+{grown:.1f} MiB; {verdict(grown <= TARGETS['memory'])} against <= 10 MiB); "
                f"users in the lock table afterwards: {in_flight}"
            )
    return results


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tiny", action="store_true", help="a few users and fractions of a second: a smoke test")
    parser.add_argument(
        "--db", choices=("sqlite", "postgresql", "both"), default="both", help="which databases (default both)"
    )
    parser.add_argument("--no-memory", action="store_true", help="skip the 100 vs 10,000 users memory run")
    parser.add_argument(
        "--unsynced",
        action="store_true",
        help="also run PostgreSQL with synchronous_commit off (not how the bot runs: shows what waiting "
        "for the disk on each commit costs)",
    )
    parser.add_argument(
        "--processes",
        type=int,
        default=2,
        help="webhook worker processes on PostgreSQL for the second open loop (default 2; 1 skips it)",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> Report:
    args = parse_args(argv)
    size = TINY if args.tiny else FULL
    backends = ["sqlite", "postgresql"] if args.db == "both" else [args.db]
    if args.unsynced:
        backends.append(UNSYNCED)
    out = Report()
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    if args.tiny:
        out("--tiny: a smoke run of every measurement; its figures mean nothing")
    out(
        f"bench_bot: {'tiny' if args.tiny else 'full'} size, {os.cpu_count()} cores, Python {sys.version.split()[0]}, "
        f"load average before the run {load} (other work on the machine skews every figure)"
    )
    asyncio.run(benchmark(size, backends, not args.no_memory, args.processes, out))
    return out


if __name__ == "__main__":
    # Stopped with SIGTERM, the run still drops its PostgreSQL schema (as on Ctrl-C).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    main()

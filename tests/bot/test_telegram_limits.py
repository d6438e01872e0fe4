"""Telegram's limits shared by every process of one bot (issue 10, item 2).

Two real processes deliver 500 reminders (100 users, 5 each) through the Redis rate limiter on
the machine's Redis; the Bot API stand-in records when each message *arrived*. Never more than
30 in any second overall, never two to one chat within a second, every reminder exactly once.
The in-process tests drive PTB's ``Bot`` with the limiter against a recorder that answers 429s
and fails the network the way httpx does.
"""

import asyncio
import json
import subprocess
import sys
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
import redis
from telegram.error import NetworkError, RetryAfter, TimedOut

from advice import ACTIONS
from bot.telegram_limits import IDEMPOTENT, RedisRateLimiter, may_have_arrived, rate_limiter
from tests.bot.bot_api_stand_in import BotApiStandIn
from tests.bot.telegram_testkit import TOKEN, RecordingRequest

REDIS_URL = "redis://127.0.0.1:6379/0"
WORKER = Path(__file__).with_name("limiter_worker.py")
DUE = datetime(2025, 3, 6, 2, tzinfo=UTC)


def redis_or_skip():
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        pytest.skip(f"Redis at {REDIS_URL} unreachable: {exc}")


def unique_token():
    """A bot id of its own per test: its limiter keys in the shared Redis start empty."""
    return f"{900000000 + uuid.uuid4().int % 99999999}:LIMITS-test-token-abcdefghijklmnop"


def most_in_any_second(times):
    times = sorted(times)
    best, start = 0, 0
    for end, moment in enumerate(times):
        while moment - times[start] >= 1.0:
            start += 1
        best = max(best, end - start + 1)
    return best


def closest_pair(times):
    times = sorted(times)
    return min((b - a for a, b in zip(times, times[1:], strict=False)), default=float("inf"))


USERS_PER_BACKEND = {"postgresql": 100, "sqlite": 30}
"""Five reminders each: 500 on PostgreSQL (the database of a multi-process deployment), 150 on a
shared SQLite file (the same limits, a shorter run)."""


def test_two_processes_500_reminders_within_telegram_limits(database, tmp_path):
    redis_or_skip()
    token = unique_token()
    users = list(range(700001, 700001 + USERS_PER_BACKEND[database.backend]))
    total = 5 * len(users)
    actions = [a.id for a in ACTIONS[:5]]

    async def prepare():
        storage = await database.open()
        try:
            for user in users:
                await storage.ensure_user(user, "en")
                for action in actions:
                    assert await storage.set_reminder(user, action, DUE)
        finally:
            await storage.close()

    asyncio.run(prepare())
    with BotApiStandIn(token) as api:
        api.known_chats.update(users)
        args = [api.base_url, token, database.url, database.schema or "", REDIS_URL, DUE.isoformat()]
        workers = [
            subprocess.Popen([sys.executable, str(WORKER), *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            for _ in range(2)
        ]
        outputs = [w.communicate(timeout=180) for w in workers]
        sends = [c for c in api.calls_of("sendMessage")]
    for worker, (_, err) in zip(workers, outputs, strict=True):
        assert worker.returncode == 0, err.decode()[-3000:]
    rounds = [json.loads(out.decode().strip().splitlines()[-1]) for out, _ in outputs]
    assert all(r["sent"] > 0 for r in rounds), f"one process sent nothing, nothing was shared: {rounds}"
    assert sum(r["sent"] for r in rounds) == total and all(c.ok for c in sends)
    # Exactly once: five messages to each user.
    per_chat = {}
    for call in sends:
        per_chat.setdefault(int(call.params["chat_id"]), []).append(call.at)
    assert len(sends) == total and sorted(per_chat) == users and {len(t) for t in per_chat.values()} == {5}
    peak = most_in_any_second([c.at for c in sends])
    assert peak <= 30, f"{peak} messages arrived within one second"
    closest = min(closest_pair(times) for times in per_chat.values())
    assert closest >= 1.0, f"two messages reached one chat {closest:.3f} s apart"
    print(f"{total} reminders by 2 processes ({database.backend}): peak {peak}/s, closest per chat {closest:.2f} s")


class Flooded(RecordingRequest):
    """Answers the first ``floods`` sendMessage calls with 429 retry_after=1, as Telegram does."""

    def __init__(self, floods=1):
        super().__init__()
        self.floods = floods
        self.times = []

    async def do_request(self, url, method, request_data=None, **kwargs):
        if url.endswith("/sendMessage"):
            self.times.append(time.monotonic())
            if self.floods:
                self.floods -= 1
                body = {"ok": False, "error_code": 429, "description": "Too Many Requests: retry after 1"}
                body["parameters"] = {"retry_after": 1}
                return 429, json.dumps(body).encode()
        return await super().do_request(url, method, request_data, **kwargs)


class BrokenNetwork(RecordingRequest):
    """Every call of ``method`` fails ``times`` times with ``error`` first."""

    def __init__(self, method, error, times=1):
        super().__init__()
        self.method, self.error, self.left, self.attempts = method, error, times, 0

    async def do_request(self, url, method, request_data=None, **kwargs):
        if url.endswith("/" + self.method):
            self.attempts += 1
            if self.left:
                self.left -= 1
                raise self.error()
        return await super().do_request(url, method, request_data, **kwargs)


def chained(error, cause):
    error.__cause__ = cause
    return error


def read_timeout():
    return chained(TimedOut(), httpx.ReadTimeout("read"))


def connect_error():
    return chained(NetworkError("httpx.ConnectError"), httpx.ConnectError("refused"))


async def limited_bot(request, token):
    limiter = RedisRateLimiter(REDIS_URL, token.split(":")[0], chat_interval=0.2)
    from telegram.ext import ExtBot

    bot = ExtBot(token, request=request, rate_limiter=limiter)
    await bot.initialize()
    return bot


async def test_retry_after_waits_what_telegram_asks_for_every_process():
    redis_or_skip()
    token = unique_token()
    flooded, other = Flooded(floods=1), Flooded(floods=0)
    first, second = await limited_bot(flooded, token), await limited_bot(other, token)
    try:
        started = time.monotonic()
        task = asyncio.create_task(first.send_message(1, "a"))
        while not flooded.times:
            await asyncio.sleep(0.01)
        await asyncio.sleep(0.1)  # the 429 has been answered: every process must now wait
        await second.send_message(2, "b")
        await task
    finally:
        await first.shutdown()
        await second.shutdown()
    assert len(flooded.times) == 2, "the flooded message was not sent again"
    assert flooded.times[1] - flooded.times[0] >= 0.95, "the retry did not wait retry_after"
    assert other.times[0] - started >= 0.95, "another process sent during the pause Telegram asked for"


async def test_a_read_timeout_is_not_retried_for_a_message_but_is_for_an_edit():
    redis_or_skip()
    token = unique_token()
    for method, retried in (("sendMessage", False), ("editMessageText", True)):
        request = BrokenNetwork(method, read_timeout)
        bot = await limited_bot(request, token)
        try:
            if method == "sendMessage":
                with pytest.raises(TimedOut):
                    await bot.send_message(1, "once")
            else:
                sent = await bot.send_message(1, "x")
                await bot.edit_message_text("y", chat_id=1, message_id=sent.message_id)
        finally:
            await bot.shutdown()
        assert request.attempts == (2 if retried else 1), (method, request.attempts)
    assert "editMessageText" in IDEMPOTENT and "sendMessage" not in IDEMPOTENT


async def test_a_connection_never_made_is_retried_for_a_message():
    redis_or_skip()
    request = BrokenNetwork("sendMessage", connect_error, times=2)
    bot = await limited_bot(request, unique_token())
    try:
        await bot.send_message(1, "after two refused connections")
    finally:
        await bot.shutdown()
    assert request.attempts == 3


def test_what_may_have_arrived():
    assert may_have_arrived(read_timeout())
    assert not may_have_arrived(connect_error())
    assert not may_have_arrived(chained(TimedOut(), httpx.PoolTimeout("pool")))
    assert not may_have_arrived(RetryAfter(1))


def test_without_redis_the_in_process_limiter_is_used():
    from telegram.ext import AIORateLimiter

    assert isinstance(rate_limiter(TOKEN, {}), AIORateLimiter)
    shared = rate_limiter(TOKEN, {"REDIS_URL": REDIS_URL, "TELEGRAM_CHAT_INTERVAL": "2"})
    assert isinstance(shared, RedisRateLimiter) and shared._chat_ms == 2000.0


def test_the_limiter_keys_name_the_bot_id_never_the_token():
    limiter = RedisRateLimiter(REDIS_URL, TOKEN.split(":")[0])
    keys = limiter._keys("sendMessage", {"chat_id": 5}) + limiter._keys("editMessageText", {"chat_id": 5})
    assert all(TOKEN.split(":")[1] not in k for k in keys)
    assert len(keys) == 3  # an edit counts towards the bot's budget only

"""Telegram's send limits, kept by every process of one bot together, and safe retries.

Telegram allows a bot about 30 messages a second overall and about one a second per chat, and
answers more with 429 ``RetryAfter``. Several webhook processes serving one bot must share one
budget, so ``RedisRateLimiter`` keeps it in Redis: an atomic script hands out send times from the
bot's schedule (``overall_per_second``) and holds each chat while a message to it is in flight.
A request first waits until its chat is free, then takes the bot's next free slot; the chat is
free again ``chat_interval`` after that send *ended* (Telegram has the message by then), so two
messages arrive at least that far apart however late either left, and a busy chat never holds
up the others. Telegram's ``RetryAfter`` pushes the bot's schedule back for every process by the
time Telegram asks.

Redis was chosen over one elected sender per bot (a PostgreSQL advisory lock with PTB's in-process
``AIORateLimiter``): every process keeps answering its own updates directly, no election or
hand-over on a crash, and one round trip to Redis per message is small next to one to Telegram.
Without ``REDIS_URL`` the bot uses ``AIORateLimiter`` (per process: right for long polling, which
is one process anyway; for several webhook processes each would have the whole budget).

Retries: ``RetryAfter`` always (Telegram refused the message, nothing was sent). ``TimedOut`` and
``NetworkError`` only when it cannot send a message twice: the request never left (no connection
could be made, or none was free in the pool), or the method is idempotent (``editMessageText``,
``answerCallbackQuery``, reads and settings). A ``sendMessage`` whose answer timed out may have
arrived; repeating it could show the user the same message twice, so it is not repeated.

The bot's budget leaves a margin under Telegram's figure (25/s): the slots are exact in Redis,
but a request reaches Telegram a little after its slot, by however long the process and the
network take, and the margin keeps the *arrivals* within 30 in any second.
"""

from __future__ import annotations

import asyncio
import logging
import os
import warnings
from collections.abc import Callable, Coroutine, Mapping
from datetime import timedelta
from typing import Any

import httpx
from telegram.error import BadRequest, NetworkError, RetryAfter, TimedOut
from telegram.ext import AIORateLimiter, BaseRateLimiter
from telegram.request import HTTPXRequest, RequestData

from bot.outbound import request_started

logger = logging.getLogger(__name__)

REDIS_URL_VARIABLE = "REDIS_URL"
OVERALL_VARIABLE = "TELEGRAM_MESSAGES_PER_SECOND"
CHAT_INTERVAL_VARIABLE = "TELEGRAM_CHAT_INTERVAL"
OVERALL_PER_SECOND = 25.0
CHAT_INTERVAL = 1.0
IN_FLIGHT_MS = 30_000
"""How long a chat stays held by a send that never reports back (its process died)."""
MAX_RETRIES = 3
BACKOFF = (0.5, 1.0, 2.0, 4.0)
"""Seconds before each network retry; Telegram's own ``retry_after`` is used for 429s."""

UNLIMITED = frozenset({"getUpdates", "getMe", "getWebhookInfo", "setWebhook", "deleteWebhook", "logOut", "close"})
"""Calls that are not messages: no slot needed (``getUpdates`` long-polls and would hold one for 10 s)."""
IDEMPOTENT = frozenset(
    {
        "getMe",
        "getUpdates",
        "getWebhookInfo",
        "getFile",
        "getMyCommands",
        "setMyCommands",
        "deleteMyCommands",
        "setWebhook",
        "deleteWebhook",
        "editMessageText",
        "editMessageReplyMarkup",
        "editMessageCaption",
        "answerCallbackQuery",
        "sendChatAction",
    }
)
"""Calls that change nothing more when repeated: safe to retry after any network error."""

NEVER_LEFT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)
"""httpx errors raised before a request is written: the request certainly did not arrive."""


def may_have_arrived(error: BaseException) -> bool:
    """Whether Telegram may have received the request that failed with ``error``.

    python-telegram-bot wraps httpx's error (``TimedOut``/``NetworkError`` with the httpx error as
    ``__cause__``); a failure to connect or to get a pooled connection happens before anything
    is written. Anything else, after the request went out, may have arrived.
    """
    if isinstance(error, RetryAfter | BadRequest):
        return False  # Telegram answered, and refused it
    cause: BaseException | None = error
    while cause is not None:
        if isinstance(cause, NEVER_LEFT):
            return False
        if isinstance(cause, TimedOut) and "Pool timeout" in str(cause):
            return False
        cause = cause.__cause__
    return True


def retry_is_safe(endpoint: str, error: BaseException) -> bool:
    """A network failure may be retried when the request never left, or repeating it is harmless."""
    return endpoint in IDEMPOTENT or not may_have_arrived(error)


def _retry_after_seconds(error: RetryAfter) -> float:
    """``retry_after`` in seconds, whether PTB hands an int or (``PTB_TIMEDELTA``) a timedelta."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # PTB 22.2+ warns that the int will become a timedelta
        value = error.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


class TrackedRequest(HTTPXRequest):
    """PTB's httpx request that says when a request is about to go out (``request_started``).

    The reminder delivery reads that mark to tell "nothing can have arrived" (the claim is given
    back) from "it may have arrived" (recorded, never repeated).
    """

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = None,
        write_timeout: Any = None,
        connect_timeout: Any = None,
        pool_timeout: Any = None,
    ) -> tuple[int, bytes]:
        """Mark the request as started, then send it as ``HTTPXRequest`` does."""
        request_started()
        return await super().do_request(
            url,
            method,
            request_data=request_data,
            read_timeout=read_timeout,
            write_timeout=write_timeout,
            connect_timeout=connect_timeout,
            pool_timeout=pool_timeout,
        )


# KEYS[1]: the bot's next free slot; KEYS[2]: the chat's (or absent). ARGV: the bot's slot spacing
# and how long a chat stays held by a send in flight (ms). Returns {0, wait} while the chat may not
# receive yet, {1, wait} for a slot taken `wait` ms from now; the chat is then held until `_DONE`.
_RESERVE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
if #KEYS == 2 then
  local chat_next = tonumber(redis.call('GET', KEYS[2]) or '0')
  if chat_next > now then
    return {0, tostring(math.min(chat_next - now, 250))}
  end
end
local at = math.max(now, tonumber(redis.call('GET', KEYS[1]) or '0'))
redis.call('SET', KEYS[1], tostring(at + tonumber(ARGV[1])), 'PX', math.ceil(at - now + 60000))
if #KEYS == 2 then
  redis.call('SET', KEYS[2], tostring(at + tonumber(ARGV[2])), 'PX', math.ceil(at - now + tonumber(ARGV[2])))
end
return {1, tostring(at - now)}
"""
# KEYS[1]: a chat whose send is over; ARGV[1]: its spacing (ms). The next send to it may start
# that long after this one *ended*, so messages arrive at least that far apart.
_DONE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
redis.call('SET', KEYS[1], tostring(now + tonumber(ARGV[1])), 'PX', math.ceil(tonumber(ARGV[1]) + 1000))
return 1
"""
# KEYS[1]: a schedule to push back; ARGV[1]: by this many ms from now (never brought forward).
_PAUSE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
local until_ = now + tonumber(ARGV[1])
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
if until_ > current then
  redis.call('SET', KEYS[1], tostring(until_), 'PX', math.ceil(tonumber(ARGV[1]) + 60000))
end
return 1
"""


class RedisRateLimiter(BaseRateLimiter[int]):
    """python-telegram-bot's rate limiter, with the budget shared through Redis by every process.

    ``key`` names the bot (its id, never the token) so bots sharing a Redis keep separate budgets.
    A per-call ``rate_limit_args`` (an int) overrides how often it is retried.
    """

    def __init__(
        self,
        redis_url: str,
        key: str,
        *,
        overall_per_second: float = OVERALL_PER_SECOND,
        chat_interval: float = CHAT_INTERVAL,
        max_retries: int = MAX_RETRIES,
    ) -> None:
        from redis.asyncio import Redis

        self._redis = Redis.from_url(redis_url, socket_connect_timeout=5, socket_timeout=5)
        self._prefix = f"sesame:telegram-limits:{key}"
        self._overall_ms = 1000.0 / overall_per_second
        self._chat_ms = chat_interval * 1000.0
        self._max_retries = max_retries
        self._reserve = self._redis.register_script(_RESERVE)
        self._done = self._redis.register_script(_DONE)
        self._pause = self._redis.register_script(_PAUSE)

    async def initialize(self) -> None:
        """Check that Redis answers: better a clear failure on start than at the first message."""
        await self._redis.ping()

    async def shutdown(self) -> None:
        """Close the connections to Redis."""
        await self._redis.aclose()

    def _keys(self, endpoint: str, data: dict[str, Any]) -> list[str]:
        overall = f"{self._prefix}:overall"
        chat_id = data.get("chat_id")
        if chat_id is None or not endpoint.startswith(("send", "copy", "forward")):
            return [overall]  # edits and button answers count towards the bot's budget only
        return [overall, f"{self._prefix}:chat:{chat_id}"]

    async def wait_for_slot(self, endpoint: str, data: dict[str, Any]) -> list[str]:
        """Sleep until this call may go out under both limits (shared with every process).

        Returns the keys taken; the caller hands them to ``sent`` once the call is over.
        """
        keys = self._keys(endpoint, data)
        while True:
            granted, wait_ms = await self._reserve(keys=keys, args=[self._overall_ms, IN_FLIGHT_MS])
            wait = max(0.0, float(wait_ms) / 1000.0)
            if int(granted):
                if wait:
                    await asyncio.sleep(wait)
                return keys
            await asyncio.sleep(wait)

    async def sent(self, keys: list[str]) -> None:
        """The call is over: its chat may receive again ``chat_interval`` from now."""
        if len(keys) == 2:
            await self._done(keys=[keys[1]], args=[self._chat_ms])

    async def pause_all(self, seconds: float) -> None:
        """Hold every process's messages back for ``seconds`` (Telegram said 429)."""
        await self._pause(keys=[f"{self._prefix}:overall"], args=[seconds * 1000.0])

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[dict[str, Any]]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        """Wait for a slot, make the call, retry where that is safe (see the module docstring)."""
        retries = self._max_retries if rate_limit_args is None else rate_limit_args
        attempt = 0
        while True:
            keys = await self.wait_for_slot(endpoint, data) if endpoint not in UNLIMITED else []
            try:
                return await callback(*args, **kwargs)
            except RetryAfter as exc:
                pause = _retry_after_seconds(exc)
                logger.warning("Telegram asked to wait %.1f s (%s); every process pauses", pause, endpoint)
                await self.pause_all(pause)
                if attempt >= retries:
                    raise
            except NetworkError as exc:
                if isinstance(exc, BadRequest) or attempt >= retries or not retry_is_safe(endpoint, exc):
                    raise
                logger.info("%s failed (%s); retrying", endpoint, type(exc).__name__)
                await asyncio.sleep(BACKOFF[min(attempt, len(BACKOFF) - 1)])
            finally:
                if keys:
                    await asyncio.shield(self.sent(keys))
            attempt += 1


def rate_limiter(token: str, env: Mapping[str, str] = os.environ) -> BaseRateLimiter[Any]:
    """The Redis limiter when ``REDIS_URL`` is set, else PTB's in-process ``AIORateLimiter``."""
    overall = _positive(env.get(OVERALL_VARIABLE), OVERALL_PER_SECOND)
    url = (env.get(REDIS_URL_VARIABLE) or "").strip()
    if not url:
        return AIORateLimiter(overall_max_rate=overall, overall_time_period=1, max_retries=MAX_RETRIES)
    chat_interval = _positive(env.get(CHAT_INTERVAL_VARIABLE), CHAT_INTERVAL)
    return RedisRateLimiter(url, token.split(":", 1)[0], overall_per_second=overall, chat_interval=chat_interval)


def _positive(raw: str | None, default: float) -> float:
    try:
        value = float((raw or "").strip())
    except ValueError:
        return default
    return value if value > 0 else default

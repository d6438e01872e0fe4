"""Database timeouts: a partition (PostgreSQL) or a held lock (SQLite) fails fast, then heals.

Issue 10, item 4: a 20-second partition stalled every user of the process for 20 s. Here the
bot's storage talks to the machine's PostgreSQL through a proxy the test cuts (the server itself
is never touched); every query during the cut must fail within a small multiple of the configured
limit, and the first query after the network is back must work.
"""

import asyncio
import sqlite3
import time

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, OperationalError

from bot.storage import Timeouts, open_storage, timeouts_from
from tests.bot.database_backends import POSTGRES_URL
from tests.bot.tcp_proxy import TcpProxy

LIMIT = 1.0
LIMITS = Timeouts(connect=LIMIT, pool=LIMIT, statement=LIMIT)
FAILS_FAST = 6 * LIMIT
"""Generous for two busy cores, and far below the 20 s a partition cost before."""


async def timed(awaitable):
    started = time.monotonic()
    try:
        return await asyncio.wait_for(awaitable, 60), time.monotonic() - started
    except Exception as exc:  # noqa: BLE001 - the test looks at which error, and how soon
        return exc, time.monotonic() - started


def test_timeouts_come_from_the_environment():
    assert timeouts_from({}) == Timeouts(5.0, 5.0, 5.0)
    env = {"DATABASE_CONNECT_TIMEOUT": "2", "DATABASE_POOL_TIMEOUT": "0", "DATABASE_STATEMENT_TIMEOUT": "x"}
    assert timeouts_from(env) == Timeouts(connect=2.0, pool=None, statement=5.0)


async def test_a_postgresql_partition_fails_every_user_fast_and_heals(postgres_schema):
    target = make_url(POSTGRES_URL)
    proxy = await TcpProxy(target.host or "127.0.0.1", target.port or 5432).start()
    url = target.set(port=proxy.port).render_as_string(hide_password=False)
    storage = await open_storage(url, schema=postgres_schema, timeouts=LIMITS)
    try:
        for user in (1, 2, 3):
            await storage.ensure_user(user, "en")
        proxy.cut()
        # Many users at once, more than the pool holds: every one gets an error, and soon.
        results = await asyncio.gather(*(timed(storage.user_language(u % 3 + 1)) for u in range(20)))
        for outcome, seconds in results:
            assert isinstance(outcome, DBAPIError | TimeoutError | OSError), outcome
            assert seconds < FAILS_FAST, f"a query took {seconds:.1f} s to fail during the partition"
        print(f"partition: 20 queries failed within {max(s for _, s in results):.2f} s (limit {LIMIT} s)")
        # A brand-new connection during the partition fails fast too.
        outcome, seconds = await timed(open_storage(url, schema=postgres_schema, timeouts=LIMITS))
        assert isinstance(outcome, Exception) and seconds < FAILS_FAST, (outcome, seconds)
        proxy.restore()
        assert await storage.user_language(2) == "en"  # the next update works once it is back
        await storage.set_language(2, "zh")
        assert await storage.user_language(2) == "zh"
    finally:
        await storage.close()
        await proxy.stop()


async def test_a_sqlite_lock_held_elsewhere_fails_fast_and_heals(tmp_path):
    path = tmp_path / "sesame.sqlite3"
    storage = await open_storage(f"sqlite+aiosqlite:///{path}", timeouts=LIMITS)
    try:
        await storage.ensure_user(1, "en")
        other = sqlite3.connect(path, isolation_level=None)  # another process holding the write lock
        other.execute("BEGIN EXCLUSIVE")
        outcome, seconds = await timed(storage.set_language(1, "zh"))
        assert isinstance(outcome, OperationalError) and "locked" in str(outcome), outcome
        assert seconds < FAILS_FAST, f"waited {seconds:.1f} s for the lock"
        other.execute("ROLLBACK")
        other.close()
        await storage.set_language(1, "zh")
        assert await storage.user_language(1) == "zh"
    finally:
        await storage.close()


async def test_errors_never_print_the_parameters(database):
    storage = await database.open()
    try:
        await storage.ensure_user(77, "en")
        with pytest.raises(DBAPIError) as failed:
            async with storage.engine.begin() as connection:
                await connection.execute(
                    text("INSERT INTO users (id, language, created_at, updated_at) VALUES (:id, :lang, :t, :t)"),
                    {"id": 77, "lang": "secret-answer-xyz", "t": "2025-01-01"},
                )
        assert "secret-answer-xyz" not in str(failed.value)
        assert "hidden due to hide_parameters" in str(failed.value)
    finally:
        await storage.close()

"""SQLite in one trip per statement: the same results and errors as aiosqlite's adapter, fewer trips.

Each case runs the same statements through two engines on one file: ``make_engine``'s (our
``OneTripConnection``) and SQLAlchemy's stock aiosqlite engine, and compares what comes back.
Trips to the connection's thread are counted by wrapping ``aiosqlite.Connection._execute``, the
one door every call to the thread goes through.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import aiosqlite
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from bot.storage import Timeouts, make_engine
from bot.storage.sqlite_driver import OneTripConnection

ROWS = st.lists(
    st.tuples(
        st.integers(min_value=-(2**63), max_value=2**63 - 1),
        st.text(max_size=20),
        st.none() | st.floats(allow_nan=False),
        st.binary(max_size=8),
    ),
    max_size=12,
)
SCHEMA = "CREATE TABLE t (id INTEGER PRIMARY KEY, n INTEGER, s TEXT, f REAL, b BLOB)"


@asynccontextmanager
async def two_engines(folder: Path) -> AsyncIterator[tuple[AsyncEngine, AsyncEngine]]:
    """Ours and the stock adapter, each on a file of its own with the same table."""
    ours = make_engine(f"sqlite+aiosqlite:///{folder / 'ours.sqlite3'}")
    stock = create_async_engine(f"sqlite+aiosqlite:///{folder / 'stock.sqlite3'}")
    for engine in (ours, stock):
        async with engine.begin() as connection:
            await connection.execute(text(SCHEMA))
    try:
        yield ours, stock
    finally:
        await ours.dispose()
        await stock.dispose()


async def _exchange(engine: AsyncEngine, rows: list[tuple[Any, ...]]) -> list[Any]:
    """Everything a caller sees of a write, a many-row insert, reads, an update and a delete."""
    seen: list[Any] = []
    async with engine.begin() as connection:
        if rows:
            first = await connection.execute(
                text("INSERT INTO t (n, s, f, b) VALUES (:n, :s, :f, :b)"),
                dict(zip("nsfb", rows[0], strict=True)),
            )
            seen.append((first.rowcount, first.lastrowid))
            many = await connection.execute(
                text("INSERT INTO t (n, s, f, b) VALUES (:n, :s, :f, :b)"),
                [dict(zip("nsfb", row, strict=True)) for row in rows[1:]] or [dict(zip("nsfb", rows[0], strict=True))],
            )
            seen.append(many.rowcount)
    async with engine.connect() as connection:
        result = await connection.execute(text("SELECT id, n, s, f, b FROM t ORDER BY id"))
        seen.append((list(result.keys()), [tuple(row) for row in result]))
        seen.append((await connection.execute(text("SELECT count(*) FROM t"))).scalar_one())
        seen.append((await connection.execute(text("SELECT n FROM t WHERE 0"))).first())
        partial = await connection.execute(text("SELECT id FROM t ORDER BY id"))
        seen.append((partial.fetchone(), partial.fetchmany(2), partial.fetchall()))
    async with engine.begin() as connection:
        seen.append((await connection.execute(text("UPDATE t SET s = 'x' WHERE n >= 0"))).rowcount)
        seen.append((await connection.execute(text("DELETE FROM t WHERE n < 0"))).rowcount)
    async with engine.begin() as connection:
        await connection.execute(text("DELETE FROM t"))
    return seen


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=ROWS)
def test_every_result_is_the_stock_adapters(tmp_path: Path, rows: list[tuple[Any, ...]]) -> None:
    async def check() -> None:
        async with two_engines(tmp_path) as (ours, stock):
            assert await _exchange(ours, rows) == await _exchange(stock, rows)

    for name in ("ours.sqlite3", "stock.sqlite3"):
        for suffix in ("", "-wal", "-shm"):
            (tmp_path / f"{name}{suffix}").unlink(missing_ok=True)
    asyncio.run(check())


@pytest.fixture
def trips(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the functions sent to a connection's thread, in order."""
    sent: list[str] = []
    execute = aiosqlite.Connection._execute

    async def counting(self: aiosqlite.Connection, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        sent.append(getattr(fn, "__name__", repr(fn)))
        return await execute(self, fn, *args, **kwargs)

    monkeypatch.setattr(aiosqlite.Connection, "_execute", counting)
    return sent


async def _counted(trips: list[str], work: Callable[[], Awaitable[object]]) -> list[str]:
    trips.clear()
    await work()
    return list(trips)


async def test_a_read_is_one_trip_and_giving_the_connection_back_is_none(tmp_path: Path, trips: list[str]) -> None:
    engine = make_engine(f"sqlite+aiosqlite:///{tmp_path / 'x.sqlite3'}")
    async with engine.begin() as connection:  # opens the pooled connection (its PRAGMAs) outside the count
        await connection.execute(text(SCHEMA))

    async def read() -> None:
        async with engine.connect() as connection:
            await connection.execute(text("SELECT * FROM t"))

    # The stock adapter: cursor, execute, fetchall, close, and the pool's rollback on return.
    assert await _counted(trips, read) == ["_run"]
    await engine.dispose()


async def test_a_write_is_one_trip_per_statement_and_one_commit(tmp_path: Path, trips: list[str]) -> None:
    engine = make_engine(f"sqlite+aiosqlite:///{tmp_path / 'x.sqlite3'}")
    async with engine.begin() as connection:
        await connection.execute(text(SCHEMA))

    async def write() -> None:
        async with engine.begin() as connection:
            await connection.execute(text("INSERT INTO t (n) VALUES (1)"))
            await connection.execute(text("UPDATE t SET n = 2"))

    assert await _counted(trips, write) == ["_run", "_run", "commit"]
    await engine.dispose()


async def test_a_failed_statement_is_rolled_back_for_real(tmp_path: Path) -> None:
    """After an error the driver cannot know the transaction's state, so the rollback must run.

    A write that fails as the transaction's first statement has begun it (and taken SQLite's write
    lock); skipping its rollback would leave the lock held, and another connection could not write.
    """
    url = f"sqlite+aiosqlite:///{tmp_path / 'x.sqlite3'}"
    engine = make_engine(url)
    async with engine.begin() as connection:
        await connection.execute(text(SCHEMA))
        await connection.execute(text("INSERT INTO t (id, n) VALUES (1, 1)"))
    with pytest.raises(IntegrityError):
        async with engine.begin() as connection:
            await connection.execute(text("INSERT INTO t (id, n) VALUES (1, 3)"))  # the primary key again
    other = make_engine(url, timeouts=Timeouts(statement=0.5))
    async with other.begin() as connection:
        await connection.execute(text("INSERT INTO t (id, n) VALUES (2, 2)"))
    async with engine.connect() as connection:
        assert (await connection.execute(text("SELECT id, n FROM t ORDER BY id"))).all() == [(1, 1), (2, 2)]
    with pytest.raises(OperationalError):
        async with engine.connect() as connection:
            await connection.execute(text("SELECT nothing FROM nowhere"))
    await other.dispose()
    await engine.dispose()


async def test_the_engine_uses_it_with_the_urls_options_and_the_lock_wait(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite+aiosqlite:///{tmp_path / 'x.sqlite3'}")
    async with engine.connect() as connection:
        driver = (await connection.get_raw_connection()).driver_connection
        assert isinstance(driver, OneTripConnection)
        assert (await connection.execute(text("PRAGMA busy_timeout"))).scalar_one() == 5000
        assert (await connection.execute(text("PRAGMA journal_mode"))).scalar_one() == "wal"
        assert (await connection.execute(text("PRAGMA foreign_keys"))).scalar_one() == 1
    await engine.dispose()
    memory = make_engine("sqlite+aiosqlite://")  # one in-memory database on one connection
    async with memory.begin() as connection:
        await connection.execute(text(SCHEMA))
        await connection.execute(text("INSERT INTO t (n) VALUES (7)"))
    async with memory.connect() as connection:
        assert (await connection.execute(text("SELECT n FROM t"))).scalar_one() == 7
    await memory.dispose()

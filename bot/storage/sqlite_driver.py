"""SQLite for the async engine in one trip to the connection's thread per statement.

SQLite's Python module blocks, so aiosqlite runs each connection's calls in a thread of its own and
hands every call to it through a queue, waking the event loop with the result. SQLAlchemy's
aiosqlite adapter makes four such trips for a query (create a cursor, execute, fetch the rows,
close the cursor) and one for every commit and rollback, including the rollback the pool makes when
a connection is given back, whether or not anything was begun. Those hand-offs, not SQLite, were
most of an update's time on SQLite: about 12 per update in ``benchmarks/bench_bot.py``'s flow, each
one a wake-up of the other thread and of the event loop (a statement costs 1-3 µs in SQLite
itself, a trip 40-300 µs depending on the machine's load).

``OneTripConnection`` is aiosqlite's own connection (same thread, same queue, same errors) with two
changes:

* its cursor runs the statement, fetches every row and closes the SQLite cursor in **one** trip,
  then serves the rows it holds (SQLAlchemy fetches all of a result's rows at once from aiosqlite
  anyway: the rows were never streamed);
* ``commit`` and ``rollback`` make no trip when no transaction is open. Python's sqlite3 begins one
  only before a write, and both calls do nothing without one; whether one is open is read after
  each statement in the same trip (SQLite's own ``in_transaction``), so the answer is never guessed.
  After an error the state counts as unknown and the next commit or rollback asks SQLite.

It is plugged in through ``create_async_engine``'s documented ``async_creator`` (``connect``); the
engine, its dialect and its pool are SQLAlchemy's aiosqlite ones. ``tests/bot/storage/test_sqlite_driver.py``
holds it to aiosqlite's results and counts the trips.
"""

from __future__ import annotations

import sqlite3
from collections import deque
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from types import TracebackType
from typing import Any

import aiosqlite

CHUNK_SIZE = 64
"""aiosqlite's default rows per chunk when iterating (unused by SQLAlchemy; passed for completeness)."""


@dataclass(frozen=True)
class Outcome:
    """What one statement left, read in the connection's thread right after it ran."""

    rows: list[Any]
    description: Any
    rowcount: int
    lastrowid: int | None
    in_transaction: bool


def _run(connection: sqlite3.Connection, sql: str, parameters: Any, many: bool) -> Outcome:
    """Execute ``sql`` and fetch all its rows (runs in the connection's thread)."""
    cursor = connection.cursor()
    try:
        if many:
            cursor.executemany(sql, parameters)
        elif parameters is None:
            cursor.execute(sql)
        else:
            cursor.execute(sql, parameters)
        rows = cursor.fetchall() if cursor.description else []
        return Outcome(rows, cursor.description, cursor.rowcount, cursor.lastrowid, connection.in_transaction)
    finally:
        cursor.close()


class PrefetchedCursor:
    """A DB-API style async cursor whose statement ran, rows fetched, in one trip to the connection's thread."""

    def __init__(self, connection: OneTripConnection) -> None:
        self._connection = connection
        self._rows: deque[Any] = deque()
        self.description: Any = None
        self.rowcount = -1
        self.lastrowid: int | None = None
        self.arraysize = 1

    async def __aenter__(self) -> PrefetchedCursor:
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None
    ) -> None:
        await self.close()

    async def execute(self, sql: str, parameters: Any = None) -> PrefetchedCursor:
        """Run one statement and keep its rows."""
        self._keep(await self._connection.run(sql, parameters, many=False))
        return self

    async def executemany(self, sql: str, parameters: Iterable[Any]) -> PrefetchedCursor:
        """Run one statement for each set of parameters (one trip for all of them)."""
        self._keep(await self._connection.run(sql, list(parameters), many=True))
        return self

    def _keep(self, outcome: Outcome) -> None:
        self._rows = deque(outcome.rows)
        self.description = outcome.description
        self.rowcount = outcome.rowcount
        self.lastrowid = outcome.lastrowid

    async def fetchone(self) -> Any:
        """The next row, or ``None``."""
        return self._rows.popleft() if self._rows else None

    async def fetchmany(self, size: int | None = None) -> list[Any]:
        """Up to ``size`` (default ``arraysize``) more rows."""
        count = self.arraysize if size is None else size
        return [self._rows.popleft() for _ in range(min(count, len(self._rows)))]

    async def fetchall(self) -> list[Any]:
        """Every row not fetched yet."""
        rows, self._rows = list(self._rows), deque()
        return rows

    async def close(self) -> None:
        """Drop the rows (the SQLite cursor was closed in the trip that ran the statement)."""
        self._rows.clear()

    async def setinputsizes(self, *sizes: Any) -> None:
        """Nothing to set (DB-API's optional hint; SQLite ignores it)."""

    async def nextset(self) -> None:
        """SQLite has one result set per statement."""


class OneTripConnection(aiosqlite.Connection):
    """aiosqlite's connection, with one trip per statement and none for a commit or rollback of nothing."""

    def __init__(self, connector: Any, iter_chunk_size: int = CHUNK_SIZE) -> None:
        super().__init__(connector, iter_chunk_size)
        self._thread.daemon = True  # as SQLAlchemy's adapter does: an unclosed connection never blocks exit
        self._in_transaction = False

    def cursor(self) -> PrefetchedCursor:  # type: ignore[override]  # aiosqlite's is an awaitable context
        """A cursor; making one costs no trip (SQLAlchemy enters it with ``async with``/``__aenter__``)."""
        return PrefetchedCursor(self)

    async def run(self, sql: str, parameters: Any, *, many: bool) -> Outcome:
        """Run a statement in the connection's thread; one trip."""
        try:
            outcome: Outcome = await self._execute(_run, self._conn, sql, parameters, many)  # type: ignore[no-untyped-call]
        except BaseException:
            self._in_transaction = True  # unknown: the next commit or rollback asks SQLite
            raise
        self._in_transaction = outcome.in_transaction
        return outcome

    async def commit(self) -> None:
        """Commit the open transaction (no trip when none is open)."""
        if self._in_transaction:
            await super().commit()
            self._in_transaction = False

    async def rollback(self) -> None:
        """Roll back the open transaction (no trip when none is open)."""
        if self._in_transaction:
            await super().rollback()
            self._in_transaction = False


def connect(args: Sequence[Any], kwargs: Mapping[str, Any]) -> OneTripConnection:
    """An unopened connection (SQLAlchemy awaits it) to ``sqlite3.connect(*args, **kwargs)``."""

    def connector() -> sqlite3.Connection:
        connection: sqlite3.Connection = sqlite3.connect(*args, **kwargs)
        return connection

    return OneTripConnection(connector)

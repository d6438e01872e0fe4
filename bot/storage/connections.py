"""How storage methods get a database connection: the one seam a per-update unit of work replaces.

``Storage`` reads with ``_reading()`` (a pooled connection in autocommit: a one-statement read
needs no transaction, and on PostgreSQL that saves the BEGIN and ROLLBACK round trips) and writes
with ``_writing()`` (a transaction of its own, committed when the block ends). ``UserUnit``
(``bot.storage.unit``) overrides both so every write of one update lands in one transaction.

The hot path speaks SQLAlchemy Core on an ``AsyncConnection``: the ORM's ``AsyncSession`` costs
a multiple of the Python time per statement, which was most of a tap's CPU time. The ORM
sessions (``sessions``, ``reads``) stay for everything that is not on it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession, async_sessionmaker


class Connections:
    """An engine, its ORM session factories and its Core connections, as every storage method sees them."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self.sessions: async_sessionmaker[AsyncSession] = async_sessionmaker(engine, expire_on_commit=False)
        self.autocommit = engine if self.reads_begin_nothing else engine.execution_options(isolation_level="AUTOCOMMIT")
        self.reads: async_sessionmaker[AsyncSession] = async_sessionmaker(self.autocommit)

    @property
    def reads_begin_nothing(self) -> bool:
        """Whether a plain connection reads without beginning a transaction (SQLite), so reads need no autocommit.

        Python's sqlite3 module begins a transaction only before a write (INSERT, UPDATE, DELETE),
        so on SQLite a plain connection already reads the way autocommit does. Autocommit there
        would cost five more hand-offs to aiosqlite's thread per checkout (it sets and restores the
        isolation level, and SQLAlchemy resets it with a PRAGMA), and those hand-offs, not SQLite,
        were most of a tap's time. It also lets one connection serve an update's reads and then
        carry its transaction (``UserUnit``).
        """
        return self.engine.dialect.name == "sqlite"

    @asynccontextmanager
    async def _reading(self) -> AsyncIterator[AsyncConnection]:
        """A connection for reads that need no transaction of their own."""
        async with self.autocommit.connect() as connection:
            yield connection

    @asynccontextmanager
    async def _writing(self) -> AsyncIterator[AsyncConnection]:
        """A connection in a transaction, committed when the block ends without an error."""
        async with self.engine.begin() as connection:
            yield connection

    # Public for the storage modules kept apart from ``Storage`` (``bill_imports``, ``record_items``):
    # they get the same connection the storage's own methods get, so in a ``UserUnit`` their work
    # is the update's (its read connection, its one transaction) and nothing of it bypasses the unit.
    @asynccontextmanager
    async def reading(self) -> AsyncIterator[AsyncConnection]:
        """A connection for a read that needs no transaction of its own (in a ``UserUnit``: the update's)."""
        async with self._reading() as connection:
            yield connection

    @asynccontextmanager
    async def writing(self) -> AsyncIterator[AsyncConnection]:
        """A transaction, committed when the block ends (in a ``UserUnit``: when the update's replies are ready)."""
        async with self._writing() as connection:
            yield connection

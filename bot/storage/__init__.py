"""Persistence: SQLAlchemy tables, Alembic migrations and the queries the bot needs."""

from __future__ import annotations

from bot.storage.database import Timeouts, make_engine, migrate, timeouts_from
from bot.storage.repository import Dialog, DueReminder, NewAnswer, PendingReminder, Snapshot, Storage

__all__ = [
    "Dialog",
    "DueReminder",
    "NewAnswer",
    "PendingReminder",
    "Snapshot",
    "Storage",
    "Timeouts",
    "make_engine",
    "migrate",
    "open_storage",
    "timeouts_from",
]


async def open_storage(url: str, *, schema: str | None = None, timeouts: Timeouts | None = None) -> Storage:
    """Connect, apply the migrations and hand back a ready ``Storage``.

    The migrations run on an engine of their own without a statement limit: waiting for another
    process's migration lock, or a long migration, is no reason to fail the start.
    """
    limits = timeouts or Timeouts()
    migrating = make_engine(url, schema=schema, timeouts=Timeouts(connect=limits.connect, pool=None, statement=None))
    try:
        await migrate(migrating)
    finally:
        await migrating.dispose()
    return Storage(make_engine(url, schema=schema, timeouts=limits))

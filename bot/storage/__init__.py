"""Persistence: SQLAlchemy tables, Alembic migrations and the queries the bot needs."""

from __future__ import annotations

from bot.storage.database import make_engine, migrate
from bot.storage.progress import ScheduleDue, StoredGoal, StoredReport, StoredSchedule
from bot.storage.repository import Dialog, DueReminder, NewAnswer, PendingReminder, Snapshot, Storage

__all__ = [
    "Dialog",
    "DueReminder",
    "NewAnswer",
    "PendingReminder",
    "ScheduleDue",
    "Snapshot",
    "Storage",
    "StoredGoal",
    "StoredReport",
    "StoredSchedule",
    "make_engine",
    "migrate",
    "open_storage",
]


async def open_storage(url: str, *, schema: str | None = None) -> Storage:
    """Connect, apply the migrations and hand back a ready ``Storage``."""
    storage = Storage(make_engine(url, schema=schema))
    await storage.migrate()
    return storage

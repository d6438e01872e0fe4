"""The rows of ``record_items``: which record-if-true items a user has, or said they do not.

Kept apart from ``Storage`` (``repository``) because only the advice reads them; each function
is one short transaction on the storage's own sessions, except ``owned``, read on the storage's
``reading()`` connection (in an update, the one its ``UserUnit`` keeps for its reads). ``owned()`` is exactly what
``advice.rank``, ``simulate`` and ``plan`` take as ``owned``.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from bot.storage.repository import Storage
from bot.storage.tables import RecordItem, iso, utcnow


async def owned(storage: Storage, user_id: int) -> dict[str, bool]:
    """Record question id -> whether the user has the item (``False``: retired)."""
    async with storage.reading() as connection:  # in a ``UserUnit``, the update's own connection
        rows = await connection.execute(
            select(RecordItem.question_id, RecordItem.owned).where(RecordItem.user_id == user_id)
        )
        return {question_id: bool(has) for question_id, has in rows}


async def set_owned(storage: Storage, user_id: int, question_id: str, has: bool) -> None:
    """Keep what the user said about one item (replacing what they said before)."""
    async with storage.sessions.begin() as session:
        await session.merge(RecordItem(user_id=user_id, question_id=question_id, owned=has, answered_at=utcnow()))


async def exported(storage: Storage, user_id: int) -> list[dict[str, Any]]:
    """The user's rows, as ``/export`` sends them."""
    async with storage.sessions() as session:
        rows = await session.scalars(
            select(RecordItem).where(RecordItem.user_id == user_id).order_by(RecordItem.question_id)
        )
        return [{"question_id": r.question_id, "owned": r.owned, "answered_at": iso(r.answered_at)} for r in rows]

"""The rows of ``bill_imports``: the per-user limit, the wait for a ZIP password, the confirmation.

Kept apart from ``Storage`` (``repository``) because only the bill import uses them; each
function is one short transaction on the storage's own sessions, except the confirmation's:
``found`` reads on the storage's ``reading()`` connection and ``apply``, which stores answers,
writes through its ``writing()``; in an update, both are its ``UserUnit``'s (the connection it
holds, its one transaction, and the answers it holds). Nothing of the file is ever
written: a row holds a status, a nonce and, once read, the derived answers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.sql.dml import ReturningUpdate

from bot.storage.repository import NewAnswer, Storage
from bot.storage.tables import BillImport, iso, utcnow
from scoring.questions import Answer

KEEP_ROWS = timedelta(days=1)
"""A user's rows older than this are deleted when the next file arrives (the limit needs only minutes)."""


@dataclass(frozen=True)
class FoundImport:
    """A read bill waiting for the user's confirmation: its row id and the answers it showed."""

    id: int
    nonce: str
    answers: dict[str, Answer]


async def offered(storage: Storage, user_id: int, now: datetime, window: timedelta, limit: int) -> int | None:
    """Record a file the user offers; ``None`` (and nothing recorded) when ``limit`` files came within ``window``.

    Two processes counting at the same instant may both let one more through: the limit slows a
    user down, it is not a quota to the file.
    """
    async with storage.sessions.begin() as session:
        await session.execute(
            delete(BillImport).where(BillImport.user_id == user_id, BillImport.created_at < now - KEEP_ROWS)
        )
        recent = await session.scalar(
            select(func.count())
            .select_from(BillImport)
            .where(BillImport.user_id == user_id, BillImport.created_at >= now - window)
        )
        if int(recent or 0) >= limit:
            return None
        # A new file ends any wait for an older ZIP's password: the next text is not for that one.
        await session.execute(
            update(BillImport)
            .where(BillImport.user_id == user_id, BillImport.status == "password")
            .values(status="replaced", updated_at=now)
        )
        row = BillImport(user_id=user_id, status="reading", nonce="", created_at=now, updated_at=now)
        session.add(row)
        await session.flush()
        return row.id


async def set_status(
    storage: Storage,
    user_id: int,
    import_id: int,
    status: str,
    *,
    nonce: str = "",
    answers: dict[str, Any] | None = None,
) -> None:
    """Move an import on (``password``, ``found`` with its answers and nonce, ``refused``...)."""
    async with storage.sessions.begin() as session:
        await session.execute(
            update(BillImport)
            .where(BillImport.id == import_id, BillImport.user_id == user_id)
            .values(status=status, nonce=nonce, answers=answers, updated_at=utcnow())
        )


async def awaiting_password(storage: Storage, user_id: int, since: datetime) -> tuple[int, str] | None:
    """The user's newest import waiting for a ZIP password since ``since``: its id and nonce."""
    async with storage.sessions() as session:
        row = (
            await session.execute(
                select(BillImport.id, BillImport.nonce)
                .where(BillImport.user_id == user_id, BillImport.status == "password", BillImport.created_at >= since)
                .order_by(BillImport.id.desc())
                .limit(1)
            )
        ).first()
        return None if row is None else (int(row[0]), str(row[1]))


async def found(storage: Storage, user_id: int, import_id: int, nonce: str) -> FoundImport | None:
    """The import a confirm button points at, if it still waits for the confirmation."""
    async with storage.reading() as connection:  # in an update, on the connection its ``UserUnit`` holds
        row = (
            await connection.execute(
                select(BillImport.answers).where(
                    BillImport.id == import_id,
                    BillImport.user_id == user_id,
                    BillImport.status == "found",
                    BillImport.nonce == nonce,
                )
            )
        ).first()
    return None if row is None else FoundImport(import_id, nonce, dict(row.answers or {}))


async def close(storage: Storage, user_id: int, import_id: int, nonce: str, status: str) -> bool:
    """Close a waiting import (``cancelled``); ``False`` when it was closed already (a second tap)."""
    async with storage.sessions.begin() as session:
        closed = await session.execute(_closing(user_id, import_id, nonce, ("found", "password"), status))
        return closed.first() is not None


async def apply(
    storage: Storage, user_id: int, import_id: int, nonce: str, store: list[NewAnswer], drop: list[str]
) -> bool:
    """Store the bill's answers and drop the ones they contradict, in one transaction with the import's close.

    In the update's transaction when ``storage`` is its ``UserUnit`` (``storage.writing()``): the
    unit holds the new answers for the rest of the update, and an update that fails after this
    stores none of it (the import stays waiting). ``False`` and no change when the import is no
    longer waiting (tapped twice, in any process).
    """
    async with storage.writing() as connection:
        closed = await connection.execute(_closing(user_id, import_id, nonce, ("found",), "applied"))
        if closed.first() is None:
            return False
        await storage.store_answers(connection, user_id, store, drop)
        return True


def _closing(
    user_id: int, import_id: int, nonce: str, waiting: tuple[str, ...], status: str
) -> ReturningUpdate[tuple[int]]:
    """Move the import from a ``waiting`` status to ``status``; the id comes back only if it did (once)."""
    return (
        update(BillImport)
        .where(
            BillImport.id == import_id,
            BillImport.user_id == user_id,
            BillImport.nonce == nonce,
            BillImport.status.in_(waiting),
        )
        .values(status=status, updated_at=utcnow())
        .returning(BillImport.id)
    )


async def exported(storage: Storage, user_id: int) -> list[dict[str, Any]]:
    """The user's import rows for ``/export``: when, how far, and the answers shown."""
    async with storage.sessions() as session:
        rows = await session.scalars(select(BillImport).where(BillImport.user_id == user_id).order_by(BillImport.id))
        return [{"status": r.status, "answers": r.answers, "created_at": iso(r.created_at)} for r in rows]

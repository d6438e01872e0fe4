"""Reads and writes of user data, one short transaction each.

Every answer is committed in its own transaction together with the step of the dialog it
completes, so a crash can lose neither, and a stale or duplicated button press (guarded by
the question's nonce in the ``UPDATE``) cannot store anything twice, even across processes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import CursorResult, Result, delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

from bot.storage.database import migrate
from bot.storage.tables import USER_TABLES, Base, DialogState, Reminder, ScoreSnapshot, StoredAnswer, User, utcnow
from scoring.questions import Answer


@dataclass(frozen=True)
class Dialog:
    """A user's dialog state, detached from any session."""

    path: str | None
    queue: tuple[str, ...]
    position: int
    nonce: str
    message_id: int | None

    @property
    def question_id(self) -> str | None:
        """The question being asked, or ``None`` when no questionnaire is running."""
        if self.path is None or not 0 <= self.position < len(self.queue):
            return None
        return self.queue[self.position]


@dataclass(frozen=True)
class Snapshot:
    """A score as it was shown to the user."""

    score: int
    band: str
    low: int
    high: int
    dimensions: dict[str, int | None]
    model_version: str
    created_at: datetime


@dataclass(frozen=True)
class NewAnswer:
    """An answer to store: which question, the parsed value, and where it came from."""

    question_id: str
    value: Answer
    source: str


@dataclass(frozen=True)
class PendingReminder:
    """A reminder not sent yet: which action, and when it falls due."""

    action_id: str
    due_at: datetime


@dataclass(frozen=True)
class DueReminder:
    """A reminder whose time has come, as the delivery needs it."""

    id: int
    user_id: int
    action_id: str
    due_at: datetime


DUE_BATCH = 100
"""Reminders read per delivery round; the rest wait for the next round."""


def _utc(moment: datetime) -> datetime:
    if moment.tzinfo is None:  # SQLite hands back naive datetimes; they were written as UTC
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def _iso(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    return _utc(moment).isoformat()


class Storage:
    """The bot's database: users, answers, dialog states, score snapshots and reminders."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self.sessions = async_sessionmaker(engine, expire_on_commit=False)

    async def migrate(self) -> None:
        """Apply the Alembic migrations (done on every start)."""
        await migrate(self.engine)

    async def close(self) -> None:
        """Release the connection pool."""
        await self.engine.dispose()

    # ---- users ---------------------------------------------------------------------
    async def ensure_user(self, user_id: int, language: str) -> str:
        """Create the user on first contact; returns the language the user talks in."""
        async with self.sessions() as session:
            user = await session.get(User, user_id)
            if user is not None:
                return user.language
            session.add(User(id=user_id, language=language))
            try:
                await session.commit()
            except IntegrityError:  # created meanwhile by another update or process
                await session.rollback()
                user = await session.get(User, user_id)
                return user.language if user else language
            return language

    async def user_language(self, user_id: int) -> str | None:
        """The language of a known user; ``None`` (and nothing created) for anyone else."""
        async with self.sessions() as session:
            user = await session.get(User, user_id)
            return None if user is None else user.language

    async def set_language(self, user_id: int, language: str) -> None:
        """Remember the language the user picked."""
        async with self.sessions.begin() as session:
            await session.execute(update(User).where(User.id == user_id).values(language=language, updated_at=utcnow()))

    # ---- answers -------------------------------------------------------------------
    async def answers(self, user_id: int) -> dict[str, Answer]:
        """Every stored answer of a user, question id -> value."""
        async with self.sessions() as session:
            rows = await session.execute(
                select(StoredAnswer.question_id, StoredAnswer.value).where(StoredAnswer.user_id == user_id)
            )
            return {question_id: value for question_id, value in rows}

    # ---- dialog --------------------------------------------------------------------
    async def dialog(self, user_id: int) -> Dialog | None:
        """The user's dialog state, if one was ever started."""
        async with self.sessions() as session:
            row = await session.get(DialogState, user_id)
            if row is None:
                return None
            return Dialog(row.path, tuple(row.queue), row.position, row.nonce, row.message_id)

    async def start_dialog(self, user_id: int, path: str, queue: tuple[str, ...], nonce: str) -> None:
        """Begin a path at its first question, replacing any earlier state."""
        async with self.sessions.begin() as session:
            row = await session.get(DialogState, user_id)
            if row is None:
                row = DialogState(user_id=user_id)
                session.add(row)
            row.path, row.queue, row.position, row.nonce, row.message_id = path, list(queue), 0, nonce, None
            row.updated_at = utcnow()

    async def step(
        self,
        user_id: int,
        expected_nonce: str,
        *,
        path: str | None,
        position: int,
        nonce: str,
        answer: NewAnswer | None = None,
    ) -> bool:
        """Move the dialog (and store an answer) only if it still shows ``expected_nonce``.

        Returns ``False`` and changes nothing when another update got there first.
        """
        async with self.sessions.begin() as session:
            moved = await session.execute(
                update(DialogState)
                .where(DialogState.user_id == user_id, DialogState.nonce == expected_nonce)
                .values(path=path, position=position, nonce=nonce, message_id=None, updated_at=utcnow())
            )
            if _changed(moved) != 1:
                return False
            if answer is not None:
                await session.merge(
                    StoredAnswer(
                        user_id=user_id,
                        question_id=answer.question_id,
                        value=answer.value,
                        source=answer.source,
                        answered_at=utcnow(),
                    )
                )
            return True

    async def question_shown(self, user_id: int, nonce: str, message_id: int) -> None:
        """Remember where the question with ``nonce`` was shown (if it is still current)."""
        async with self.sessions.begin() as session:
            await session.execute(
                update(DialogState)
                .where(DialogState.user_id == user_id, DialogState.nonce == nonce)
                .values(message_id=message_id)
            )

    # ---- snapshots -----------------------------------------------------------------
    async def snapshots(self, user_id: int, limit: int = 2) -> list[Snapshot]:
        """The newest snapshots first."""
        async with self.sessions() as session:
            rows = await session.scalars(
                select(ScoreSnapshot)
                .where(ScoreSnapshot.user_id == user_id)
                .order_by(ScoreSnapshot.id.desc())
                .limit(limit)
            )
            return [
                Snapshot(r.score, r.band, r.low, r.high, dict(r.dimensions), r.model_version, r.created_at)
                for r in rows
            ]

    async def add_snapshot(self, user_id: int, snapshot: Snapshot) -> None:
        """Keep a score that was shown."""
        async with self.sessions.begin() as session:
            session.add(
                ScoreSnapshot(
                    user_id=user_id,
                    score=snapshot.score,
                    band=snapshot.band,
                    low=snapshot.low,
                    high=snapshot.high,
                    dimensions=snapshot.dimensions,
                    model_version=snapshot.model_version,
                    created_at=snapshot.created_at,
                )
            )

    # ---- reminders -----------------------------------------------------------------
    async def set_reminder(self, user_id: int, action_id: str, due_at: datetime) -> bool:
        """Add a pending reminder; ``False`` (and no change) when one for this action is pending."""
        async with self.sessions() as session:
            session.add(Reminder(user_id=user_id, action_id=action_id, due_at=_utc(due_at), created_at=utcnow()))
            try:
                await session.commit()
            except IntegrityError:  # the partial unique index: already pending (maybe set by another process)
                await session.rollback()
                return False
            return True

    async def cancel_reminder(self, user_id: int, action_id: str) -> bool:
        """Delete the user's pending reminder for the action; ``False`` when there was none."""
        async with self.sessions.begin() as session:
            result = await session.execute(
                delete(Reminder).where(
                    Reminder.user_id == user_id, Reminder.action_id == action_id, Reminder.sent_at.is_(None)
                )
            )
            return _changed(result) > 0

    async def pending_reminders(self, user_id: int) -> list[PendingReminder]:
        """The user's reminders not sent yet, soonest first."""
        async with self.sessions() as session:
            rows = await session.execute(
                select(Reminder.action_id, Reminder.due_at)
                .where(Reminder.user_id == user_id, Reminder.sent_at.is_(None))
                .order_by(Reminder.due_at, Reminder.id)
            )
            return [PendingReminder(action_id, _utc(due_at)) for action_id, due_at in rows]

    async def due_reminders(
        self, now: datetime, *, user_id: int | None = None, limit: int = DUE_BATCH
    ) -> list[DueReminder]:
        """Unsent reminders due by ``now``, oldest first: of one user, or of every Telegram user.

        Telegram ids are positive; id 0 is the terminal chat's local user, whose reminders the
        chat prints itself when it starts (it may share the SQLite file with the bot).
        """
        query = select(Reminder.id, Reminder.user_id, Reminder.action_id, Reminder.due_at).where(
            Reminder.sent_at.is_(None), Reminder.due_at <= _utc(now)
        )
        query = query.where(Reminder.user_id == user_id if user_id is not None else Reminder.user_id > 0)
        async with self.sessions() as session:
            rows = await session.execute(query.order_by(Reminder.due_at, Reminder.id).limit(limit))
            return [DueReminder(id_, owner, action_id, _utc(due_at)) for id_, owner, action_id, due_at in rows]

    async def claim_reminder(self, reminder_id: int, now: datetime) -> bool:
        """Mark a reminder sent, only if no one did yet: ``True`` for the one caller that may send it."""
        async with self.sessions.begin() as session:
            result = await session.execute(
                update(Reminder).where(Reminder.id == reminder_id, Reminder.sent_at.is_(None)).values(sent_at=_utc(now))
            )
            return _changed(result) == 1

    async def release_reminder(self, reminder_id: int, claimed_at: datetime) -> None:
        """Undo a claim whose sending failed for a passing reason, so a later round tries again."""
        async with self.sessions.begin() as session:
            await session.execute(
                update(Reminder)
                .where(Reminder.id == reminder_id, Reminder.sent_at == _utc(claimed_at))
                .values(sent_at=None)
            )

    async def prune_reminders(self, sent_before: datetime) -> int:
        """Delete reminders sent before ``sent_before``: once sent, they serve nothing for long."""
        async with self.sessions.begin() as session:
            result = await session.execute(delete(Reminder).where(Reminder.sent_at < _utc(sent_before)))
            return _changed(result)

    # ---- the user's rights: see everything, delete everything ----------------------
    async def export(self, user_id: int) -> dict[str, Any]:
        """Every row stored about the user, as one JSON-ready document."""
        async with self.sessions() as session:
            user = await session.get(User, user_id)
            dialog = await session.get(DialogState, user_id)
            answers = await session.scalars(
                select(StoredAnswer).where(StoredAnswer.user_id == user_id).order_by(StoredAnswer.question_id)
            )
            snapshots = await session.scalars(
                select(ScoreSnapshot).where(ScoreSnapshot.user_id == user_id).order_by(ScoreSnapshot.id)
            )
            reminders = await session.scalars(select(Reminder).where(Reminder.user_id == user_id).order_by(Reminder.id))
            return {
                "user": None
                if user is None
                else {
                    "telegram_id": user.id,
                    "language": user.language,
                    "created_at": _iso(user.created_at),
                    "updated_at": _iso(user.updated_at),
                },
                "answers": [
                    {
                        "question_id": a.question_id,
                        "value": a.value,
                        "source": a.source,
                        "answered_at": _iso(a.answered_at),
                    }
                    for a in answers
                ],
                "dialog": None
                if dialog is None
                else {
                    "path": dialog.path,
                    "questions": list(dialog.queue),
                    "position": dialog.position,
                    "updated_at": _iso(dialog.updated_at),
                },
                "score_snapshots": [
                    {
                        "score": s.score,
                        "band": s.band,
                        "range": [s.low, s.high],
                        "dimensions": s.dimensions,
                        "model_version": s.model_version,
                        "created_at": _iso(s.created_at),
                    }
                    for s in snapshots
                ],
                "reminders": [
                    {
                        "action_id": r.action_id,
                        "due_at": _iso(r.due_at),
                        "created_at": _iso(r.created_at),
                        "sent_at": _iso(r.sent_at),
                    }
                    for r in reminders
                ],
            }

    async def forget(self, user_id: int) -> int:
        """Delete every row about the user from every table; returns how many went."""
        deleted = 0
        async with self.sessions.begin() as session:
            for table in USER_TABLES:
                column = table.id if table is User else table.user_id  # type: ignore[attr-defined]
                result = await session.execute(delete(table).where(column == user_id))
                deleted += _changed(result)
        return deleted

    async def count_rows(self, user_id: int | None = None) -> dict[str, int]:
        """Rows per table (for one user, or all): what ``/forget`` must bring to zero.

        Every table of the metadata is counted, not only ``USER_TABLES``, so a new table that
        ``/forget`` does not know about shows up as rows left behind.
        """
        counts: dict[str, int] = {}
        async with self.sessions() as session:
            for table in Base.metadata.sorted_tables:
                column = table.c.user_id if "user_id" in table.c else table.c.id
                query = select(func.count()).select_from(table)
                if user_id is not None:
                    query = query.where(column == user_id)
                counts[table.name] = int(await session.scalar(query) or 0)
        return counts


def _changed(result: Result[Any]) -> int:
    """The rows an UPDATE or DELETE changed.

    ``AsyncSession.execute`` is typed to return a plain ``Result``; for a DML statement it is a
    ``CursorResult``, the one that knows its ``rowcount``. Checked, not assumed.
    """
    if not isinstance(result, CursorResult):  # pragma: no cover - SQLAlchemy returns one for UPDATE/DELETE
        raise TypeError(f"expected a CursorResult, got {type(result).__name__}")
    return result.rowcount or 0

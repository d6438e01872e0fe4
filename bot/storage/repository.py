"""Reads and writes of user data, one short transaction each.

Every answer is committed in its own transaction together with the step of the dialog it
completes, so a crash can lose neither, and a stale or duplicated button press (guarded by
the question's nonce in the ``UPDATE``) cannot store anything twice, even across processes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import CursorResult, Result, bindparam, delete, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.storage.database import migrate
from bot.storage.tables import (
    SERVICE_TABLES,
    USER_TABLES,
    Base,
    DialogState,
    ProcessedUpdate,
    Reminder,
    ScoreSnapshot,
    StoredAnswer,
    User,
    utcnow,
)
from scoring.questions import Answer


@dataclass(frozen=True)
class Dialog:
    """A user's dialog state, detached from any session."""

    path: str | None
    queue: tuple[str, ...]
    position: int
    nonce: str
    message_id: int | None
    # When the dialog last moved (not part of what it *is*: two views of one state compare equal).
    updated_at: datetime | None = field(default=None, compare=False)

    @property
    def question_id(self) -> str | None:
        """The question being asked, or ``None`` when no questionnaire is running."""
        if self.path is None or not 0 <= self.position < len(self.queue):
            return None
        return self.queue[self.position]


@dataclass(frozen=True)
class UserRows:
    """What most updates need of one user, read in one round trip: language, dialog, answers."""

    language: str
    dialog: Dialog | None
    answers: dict[str, Answer]


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


# The statements of every tap, built once: building one and working out its cache key costs more
# Python time than a round trip to a local database. Values are bound per call.
_LOAD_USER = (
    select(
        User.language,
        User.blocked_at,
        DialogState.path,
        DialogState.queue,
        DialogState.position,
        DialogState.nonce,
        DialogState.message_id,
        DialogState.updated_at,
        StoredAnswer.question_id,
        StoredAnswer.value,
    )
    .select_from(User)
    .outerjoin(DialogState, DialogState.user_id == User.id)
    .outerjoin(StoredAnswer, StoredAnswer.user_id == User.id)
    .where(User.id == bindparam("user_id"))
)
_STEP = (
    update(DialogState)
    .where(DialogState.user_id == bindparam("step_user"), DialogState.nonce == bindparam("step_expected"))
    .values(
        path=bindparam("step_path"),
        position=bindparam("step_position"),
        nonce=bindparam("step_nonce"),
        message_id=None,
        updated_at=bindparam("step_at"),
    )
)
"""Move the dialog only if it still shows the expected nonce: the guard against stale and repeated taps."""


def _upsert_answer(insert: postgresql.Insert | sqlite.Insert) -> postgresql.Insert | sqlite.Insert:
    """Store an answer, replacing an earlier one to the same question."""
    new = insert.excluded
    return insert.on_conflict_do_update(
        index_elements=["user_id", "question_id"],
        set_={"value": new.value, "source": new.source, "answered_at": new.answered_at},
    )


_UPSERT_ANSWER = {
    "postgresql": _upsert_answer(postgresql.insert(StoredAnswer)),
    "sqlite": _upsert_answer(sqlite.insert(StoredAnswer)),
}

DUE_BATCH = 100
"""Reminders read per delivery round; the rest wait for the next round."""
CLAIM_LEASE = timedelta(minutes=10)
"""A reminder claimed longer ago than this belonged to a process that died before sending it.

Far longer than one send may take (the rate limiter's waits included), so a live sender is
never overtaken; short enough that a crash delays a reminder by minutes, not a month.
"""
UPDATE_LEASE = timedelta(minutes=2)
"""An update taken longer ago than this, and not done, was being handled by a process that died."""

SENT, MAYBE_SENT, UNREACHABLE, DROPPED = "sent", "maybe_sent", "unreachable", "dropped"
"""How a reminder's delivery ended (``reminders.outcome``)."""


async def _insert_ignore(session: AsyncSession, table: type[Base], values: dict[str, Any]) -> bool:
    """``INSERT ... ON CONFLICT DO NOTHING``: ``True`` when this call inserted the row.

    The race-free way to create a row two processes may create at once; reading first and
    inserting after leaves a window in which both read "absent" and one fails.
    """
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    result = await session.execute(dialect.insert(table).values(**values).on_conflict_do_nothing())
    return _changed(result) == 1


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
        # One-statement reads need no transaction: on PostgreSQL that saves the BEGIN and the
        # ROLLBACK round trips around every read.
        self.reads = async_sessionmaker(engine.execution_options(isolation_level="AUTOCOMMIT"))

    def _insert(self, table: type[Base]) -> postgresql.Insert | sqlite.Insert:
        """An ``INSERT`` that can say what to do on a conflict (both databases speak ``ON CONFLICT``)."""
        if self.engine.dialect.name == "postgresql":
            return postgresql.insert(table)
        return sqlite.insert(table)

    async def migrate(self) -> None:
        """Apply the Alembic migrations (done on every start)."""
        await migrate(self.engine)

    async def close(self) -> None:
        """Release the connection pool."""
        await self.engine.dispose()

    # ---- users ---------------------------------------------------------------------
    async def load_user(self, user_id: int, language: str) -> UserRows:
        """The user's rows, creating a first-time user (see ``find_user``)."""
        rows = await self.find_user(user_id)
        return rows if rows is not None else UserRows(await self._create_user(user_id, language), None, {})

    async def find_user(self, user_id: int) -> UserRows | None:
        """The user's language, dialog and answers in one statement; ``None`` for a user not known.

        One row per answer (at least one row for a known user), the user's and the dialog's
        columns repeated on each: a join is the one round trip both databases allow.
        """
        async with self.reads() as session:
            rows = (await session.execute(_LOAD_USER, {"user_id": user_id})).all()
        if not rows:
            return None
        first = rows[0]
        if first.blocked_at is not None:
            await self._unblock(user_id)
        dialog = None
        if first.nonce is not None:
            updated = None if first.updated_at is None else _utc(first.updated_at)
            dialog = Dialog(first.path, tuple(first.queue), first.position, first.nonce, first.message_id, updated)
        answers = {row.question_id: row.value for row in rows if row.question_id is not None}
        return UserRows(first.language, dialog, answers)

    async def ensure_user(self, user_id: int, language: str) -> str:
        """Create the user on first contact; returns the language the user talks in."""
        async with self.reads() as session:
            known = (await session.execute(select(User.language, User.blocked_at).where(User.id == user_id))).first()
        if known is not None:
            if known.blocked_at is not None:
                await self._unblock(user_id)
            return str(known.language)
        return await self._create_user(user_id, language)

    async def _unblock(self, user_id: int) -> None:
        """They wrote again, so they unblocked the bot (rare: only then is anything written)."""
        async with self.sessions.begin() as session:
            await session.execute(update(User).where(User.id == user_id).values(blocked_at=None))

    async def _create_user(self, user_id: int, language: str) -> str:
        """Insert the user unless another update or process just did; the language that holds."""
        create = self._insert(User).values(id=user_id, language=language).on_conflict_do_nothing(index_elements=["id"])
        async with self.sessions.begin() as session:
            created = await session.execute(create)
        if _changed(created) == 1:
            return language
        return await self._language_of(user_id) or language

    async def _language_of(self, user_id: int) -> str | None:
        async with self.reads() as session:
            return await session.scalar(select(User.language).where(User.id == user_id))

    async def user_language(self, user_id: int) -> str | None:
        """The language of a known user; ``None`` (and nothing created) for anyone else."""
        return await self._language_of(user_id)

    async def set_language(self, user_id: int, language: str) -> None:
        """Remember the language the user picked."""
        async with self.sessions.begin() as session:
            await session.execute(update(User).where(User.id == user_id).values(language=language, updated_at=utcnow()))

    # ---- answers -------------------------------------------------------------------
    async def answers(self, user_id: int) -> dict[str, Answer]:
        """Every stored answer of a user, question id -> value."""
        async with self.reads() as session:
            rows = await session.execute(
                select(StoredAnswer.question_id, StoredAnswer.value).where(StoredAnswer.user_id == user_id)
            )
            return {question_id: value for question_id, value in rows}

    # ---- dialog --------------------------------------------------------------------
    async def dialog(self, user_id: int) -> Dialog | None:
        """The user's dialog state, if one was ever started."""
        async with self.reads() as session:
            row = await session.get(DialogState, user_id)
            if row is None:
                return None
            return Dialog(row.path, tuple(row.queue), row.position, row.nonce, row.message_id, _utc(row.updated_at))

    async def start_dialog(
        self, user_id: int, path: str, queue: tuple[str, ...], nonce: str, *, expected_nonce: str | None
    ) -> bool:
        """Begin a path at its first question, replacing the state that showed ``expected_nonce``.

        ``expected_nonce=None`` means "the user had no dialog yet": the row is inserted unless it
        exists. Like ``step``, returns ``False`` and changes nothing when another update (of this
        or another process) started or moved the dialog first, so two ``/start`` at once create
        one dialog and ask one first question.
        """
        values = {"path": path, "queue": list(queue), "position": 0, "nonce": nonce, "message_id": None}
        async with self.sessions.begin() as session:
            if expected_nonce is None:
                row = {"user_id": user_id, "updated_at": utcnow(), **values}
                return await _insert_ignore(session, DialogState, row)
            moved = await session.execute(
                update(DialogState)
                .where(DialogState.user_id == user_id, DialogState.nonce == expected_nonce)
                .values(**values, updated_at=utcnow())
            )
            return _changed(moved) == 1

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
        now = utcnow()
        async with self.sessions.begin() as session:
            moved = await session.execute(
                _STEP,
                {
                    "step_user": user_id,
                    "step_expected": expected_nonce,
                    "step_path": path,
                    "step_position": position,
                    "step_nonce": nonce,
                    "step_at": now,
                },
            )
            if _changed(moved) != 1:
                return False
            if answer is not None:
                await session.execute(
                    _UPSERT_ANSWER[self.engine.dialect.name],
                    {
                        "user_id": user_id,
                        "question_id": answer.question_id,
                        "value": answer.value,
                        "source": answer.source,
                        "answered_at": now,
                    },
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
        self, now: datetime, *, user_id: int | None = None, limit: int = DUE_BATCH, lease: timedelta = CLAIM_LEASE
    ) -> list[DueReminder]:
        """Unsent, unclaimed reminders due by ``now``, oldest first: of one user, or of every Telegram user.

        A claim older than ``lease`` does not count (its process died). Telegram ids are positive;
        id 0 is the terminal chat's local user, whose reminders the chat prints itself when it
        starts (it may share the SQLite file with the bot).
        """
        query = select(Reminder.id, Reminder.user_id, Reminder.action_id, Reminder.due_at).where(
            Reminder.sent_at.is_(None),
            Reminder.due_at <= _utc(now),
            or_(Reminder.claimed_at.is_(None), Reminder.claimed_at < _utc(now - lease)),
        )
        query = query.where(Reminder.user_id == user_id if user_id is not None else Reminder.user_id > 0)
        async with self.sessions() as session:
            rows = await session.execute(query.order_by(Reminder.due_at, Reminder.id).limit(limit))
            return [DueReminder(id_, owner, action_id, _utc(due_at)) for id_, owner, action_id, due_at in rows]

    async def claim_reminder(self, reminder_id: int, now: datetime, *, lease: timedelta = CLAIM_LEASE) -> bool:
        """Take a reminder for sending: ``True`` for the one caller that may send it.

        Only an unsent reminder that nobody holds (or whose holder's lease ran out) is taken.
        """
        async with self.sessions.begin() as session:
            result = await session.execute(
                update(Reminder)
                .where(
                    Reminder.id == reminder_id,
                    Reminder.sent_at.is_(None),
                    or_(Reminder.claimed_at.is_(None), Reminder.claimed_at < _utc(now - lease)),
                )
                .values(claimed_at=_utc(now))
            )
            return _changed(result) == 1

    async def finish_reminder(self, reminder_id: int, claimed_at: datetime, outcome: str, now: datetime) -> bool:
        """Record how the send of a claimed reminder ended; it is never sent again after this."""
        async with self.sessions.begin() as session:
            result = await session.execute(
                update(Reminder)
                .where(Reminder.id == reminder_id, Reminder.claimed_at == _utc(claimed_at))
                .values(sent_at=_utc(now), outcome=outcome, claimed_at=None)
            )
            return _changed(result) == 1

    async def release_reminder(self, reminder_id: int, claimed_at: datetime) -> None:
        """Give a claim back: nothing reached Telegram, so a later round may send it."""
        async with self.sessions.begin() as session:
            await session.execute(
                update(Reminder)
                .where(Reminder.id == reminder_id, Reminder.claimed_at == _utc(claimed_at), Reminder.sent_at.is_(None))
                .values(claimed_at=None)
            )

    async def mark_blocked(self, user_id: int, now: datetime) -> int:
        """The user blocked the bot: remember it and stop their pending reminders (returns how many)."""
        async with self.sessions.begin() as session:
            await session.execute(update(User).where(User.id == user_id).values(blocked_at=_utc(now)))
            result = await session.execute(
                update(Reminder)
                .where(Reminder.user_id == user_id, Reminder.sent_at.is_(None))
                .values(sent_at=_utc(now), outcome=UNREACHABLE, claimed_at=None)
            )
            return _changed(result)

    async def blocked_at(self, user_id: int) -> datetime | None:
        """When the user blocked the bot, if they did (and have not written since)."""
        async with self.sessions() as session:
            moment = await session.scalar(select(User.blocked_at).where(User.id == user_id))
            return None if moment is None else _utc(moment)

    async def prune_reminders(self, sent_before: datetime) -> int:
        """Delete reminders sent before ``sent_before``: once sent, they serve nothing for long."""
        async with self.sessions.begin() as session:
            result = await session.execute(delete(Reminder).where(Reminder.sent_at < _utc(sent_before)))
            return _changed(result)

    # ---- update ids: each update handled once ----------------------------------------
    async def take_update(self, update_id: int, now: datetime, *, lease: timedelta = UPDATE_LEASE) -> bool:
        """``True`` for the one caller that may handle this update now.

        A new id is inserted (insert-or-ignore, so two processes cannot both win); a known id is
        taken again only if it was never finished and its taker's lease ran out (a crash).
        """
        async with self.sessions.begin() as session:
            if await _insert_ignore(session, ProcessedUpdate, {"update_id": update_id, "taken_at": _utc(now)}):
                return True
            retaken = await session.execute(
                update(ProcessedUpdate)
                .where(
                    ProcessedUpdate.update_id == update_id,
                    ProcessedUpdate.done_at.is_(None),
                    ProcessedUpdate.taken_at < _utc(now - lease),
                )
                .values(taken_at=_utc(now))
            )
            return _changed(retaken) == 1

    async def update_done(self, update_id: int, now: datetime) -> bool:
        """Mark an update handled; ``False`` for an update id this storage never took."""
        async with self.sessions.begin() as session:
            result = await session.execute(
                update(ProcessedUpdate).where(ProcessedUpdate.update_id == update_id).values(done_at=_utc(now))
            )
            return _changed(result) == 1

    async def update_state(self, update_id: int) -> str | None:
        """``None`` (never seen), ``"taken"`` (being handled) or ``"done"``."""
        async with self.sessions() as session:
            row = await session.get(ProcessedUpdate, update_id)
            if row is None:
                return None
            return "taken" if row.done_at is None else "done"

    async def release_update(self, update_id: int) -> None:
        """Forget a taken update whose handling failed before it changed anything (a retry may run)."""
        async with self.sessions.begin() as session:
            await session.execute(
                delete(ProcessedUpdate).where(ProcessedUpdate.update_id == update_id, ProcessedUpdate.done_at.is_(None))
            )

    async def prune_updates(self, taken_before: datetime) -> int:
        """Delete update ids older than ``taken_before`` (Telegram never resends them that late)."""
        async with self.sessions.begin() as session:
            result = await session.execute(delete(ProcessedUpdate).where(ProcessedUpdate.taken_at < _utc(taken_before)))
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
                    "blocked_at": _iso(user.blocked_at),
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
                        "outcome": r.outcome,
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
        ``/forget`` does not know about shows up as rows left behind; only ``SERVICE_TABLES``
        (no user data in them) are left out.
        """
        counts: dict[str, int] = {}
        service = {t.__tablename__ for t in SERVICE_TABLES}
        async with self.sessions() as session:
            for table in Base.metadata.sorted_tables:
                if table.name in service:
                    continue
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

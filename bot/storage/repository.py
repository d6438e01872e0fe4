"""Reads and writes of user data, one short transaction each.

Every answer is committed in its own transaction together with the step of the dialog it
completes, so a crash can lose neither, and a stale or duplicated button press (guarded by
the question's nonce in the ``UPDATE``) cannot store anything twice, even across processes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import CursorResult, Result, Row, bindparam, delete, exists, func, insert, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession

from bot.storage.database import migrate
from bot.storage.progress import DEFAULT_TIMEZONE, ProgressStore, checkin_values
from bot.storage.tables import (
    SERVICE_TABLES,
    USER_TABLES,
    Base,
    DialogState,
    Goal,
    ProcessedUpdate,
    Reminder,
    Schedule,
    ScoreReport,
    ScoreSnapshot,
    StoredAnswer,
    User,
    iso,
    utc,
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
    #: A change of answers from /profile waiting for the questions it asks again (``DialogEngine._working``).
    draft: dict[str, Answer] | None = None

    @property
    def question_id(self) -> str | None:
        """The question being asked, or ``None`` when no questionnaire is running."""
        if self.path is None or not 0 <= self.position < len(self.queue):
            return None
        return self.queue[self.position]


@dataclass(frozen=True)
class UserRows:
    """What most updates need of one user, read in one round trip.

    Besides the language, dialog and answers: the user's time zone (``None``: China's), and
    whether any score was shown (a snapshot kept) or any real score reported, so an update for
    which there is none asks the database nothing about them.
    """

    language: str
    dialog: Dialog | None
    answers: dict[str, Answer]
    timezone: str | None = None
    seen_estimate: bool = False
    reported: bool = False


@dataclass(frozen=True)
class Snapshot:
    """A score as it was shown to the user.

    The last five fields came with the history (``None`` on rows stored before it): the range's
    coverage, the answers the score came from, why it moved from the one before (a
    ``scoring.changes.ScoreChange`` as a dict) and the calibrated estimate shown beside it.
    """

    score: int
    band: str
    low: int
    high: int
    dimensions: dict[str, int | None]
    model_version: str
    created_at: datetime
    coverage: float | None = None
    answers: dict[str, Answer] | None = None
    explanation: dict[str, Any] | None = None
    calibrated: tuple[int, int, int] | None = None
    """The calibrated score, low and high, when reports calibrated it."""


@dataclass(frozen=True)
class Move:
    """Where a step takes the dialog, and what it stores on the way (see ``Storage.step``)."""

    path: str | None
    position: int
    nonce: str
    answer: NewAnswer | None = None
    dropped: tuple[str, ...] = ()
    queue: tuple[str, ...] | None = None
    also: tuple[NewAnswer, ...] = ()
    draft: dict[str, Answer] | None = None


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
_DIALOG_COLUMNS = (
    DialogState.path,
    DialogState.queue,
    DialogState.position,
    DialogState.nonce,
    DialogState.message_id,
    DialogState.updated_at,
    DialogState.draft,
)
_LOAD_USER = (
    select(
        User.language,
        User.blocked_at,
        User.timezone,
        # Uncorrelated (bound to the id, not to the joined row): each is one index probe per statement.
        exists().where(ScoreSnapshot.user_id == bindparam("user_id")).label("seen_estimate"),
        exists().where(ScoreReport.user_id == bindparam("user_id")).label("reported"),
        *_DIALOG_COLUMNS,
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
        draft=bindparam("step_draft", type_=DialogState.draft.type),
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


def _step_with_answer() -> postgresql.Insert | sqlite.Insert:
    """PostgreSQL's answer tap in one statement: the guarded step, and the answer only if the step matched.

    ``WITH moved AS (UPDATE dialog_states ... RETURNING user_id) INSERT INTO answers SELECT ... FROM moved
    ON CONFLICT ...``: one statement is one transaction, so the tap needs no BEGIN and COMMIT round
    trips, and it changed a row (``rowcount`` 1) exactly when the nonce still matched.
    """
    moved = _STEP.returning(DialogState.user_id).cte("moved")
    answer = select(
        moved.c.user_id,
        bindparam("question_id", type_=StoredAnswer.question_id.type),
        bindparam("value", type_=StoredAnswer.value.type),
        bindparam("source", type_=StoredAnswer.source.type),
        bindparam("step_at", type_=StoredAnswer.answered_at.type),
    )
    columns = ["user_id", "question_id", "value", "source", "answered_at"]
    return _upsert_answer(postgresql.insert(StoredAnswer).from_select(columns, answer).add_cte(moved))


_STEP_WITH_ANSWER = _step_with_answer()

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


async def _insert_ignore(database: AsyncSession | AsyncConnection, table: type[Base], values: dict[str, Any]) -> bool:
    """``INSERT ... ON CONFLICT DO NOTHING`` (on any unique constraint): ``True`` when this call inserted the row.

    The race-free way to create a row two processes may create at once; reading first and
    inserting after leaves a window in which both read "absent" and one fails.
    """
    bind = database.get_bind() if isinstance(database, AsyncSession) else database
    dialect = postgresql if bind.dialect.name == "postgresql" else sqlite
    result = await database.execute(dialect.insert(table).values(**values).on_conflict_do_nothing())
    return _changed(result) == 1


def _dialog(row: Row[*tuple[Any, ...]]) -> Dialog:
    """A dialog from a row holding ``_DIALOG_COLUMNS``."""
    updated = None if row.updated_at is None else utc(row.updated_at)
    return Dialog(row.path, tuple(row.queue), row.position, row.nonce, row.message_id, updated, row.draft)


def _snapshot(row: Row[*tuple[Any, ...]]) -> Snapshot:
    calibrated = None
    if row.calibrated_score is not None and row.calibrated_low is not None and row.calibrated_high is not None:
        calibrated = (row.calibrated_score, row.calibrated_low, row.calibrated_high)
    return Snapshot(
        row.score,
        row.band,
        row.low,
        row.high,
        dict(row.dimensions),
        row.model_version,
        utc(row.created_at),
        row.coverage,
        None if row.answers is None else dict(row.answers),
        None if row.explanation is None else dict(row.explanation),
        calibrated,
    )


class Storage(ProgressStore):
    """The bot's database: users, answers, dialog states, score snapshots and reminders.

    The follow-up over months (time zone, reports, goal, schedules) is ``ProgressStore``'s.
    """

    def __init__(self, engine: AsyncEngine) -> None:
        super().__init__(engine)

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
        """The user's language, zone, dialog and answers in one statement; ``None`` for a user not known.

        One row per answer (at least one row for a known user), the user's and the dialog's
        columns repeated on each: a join is the one round trip both databases allow.
        """
        async with self._reading() as connection:
            rows = (await connection.execute(_LOAD_USER, {"user_id": user_id})).all()
        if not rows:
            return None
        first = rows[0]
        if first.blocked_at is not None:
            await self._unblock(user_id)
        dialog = None if first.nonce is None else _dialog(first)
        answers = {row.question_id: row.value for row in rows if row.question_id is not None}
        return UserRows(
            first.language, dialog, answers, first.timezone, bool(first.seen_estimate), bool(first.reported)
        )

    async def ensure_user(self, user_id: int, language: str) -> str:
        """Create the user on first contact; returns the language the user talks in."""
        async with self._reading() as connection:
            known = (await connection.execute(select(User.language, User.blocked_at).where(User.id == user_id))).first()
        if known is not None:
            if known.blocked_at is not None:
                await self._unblock(user_id)
            return str(known.language)
        return await self._create_user(user_id, language)

    async def _unblock(self, user_id: int) -> None:
        """They wrote again, so they unblocked the bot (rare: only then is anything written)."""
        async with self._writing() as connection:
            await connection.execute(update(User).where(User.id == user_id).values(blocked_at=None))

    async def _create_user(self, user_id: int, language: str) -> str:
        """Insert the user unless another update or process just did; the language that holds."""
        async with self._writing() as connection:
            if await _insert_ignore(connection, User, {"id": user_id, "language": language}):
                return language
            return await connection.scalar(select(User.language).where(User.id == user_id)) or language

    async def user_language(self, user_id: int) -> str | None:
        """The language of a known user; ``None`` (and nothing created) for anyone else."""
        async with self._reading() as connection:
            return await connection.scalar(select(User.language).where(User.id == user_id))

    async def set_language(self, user_id: int, language: str) -> None:
        """Remember the language the user picked."""
        async with self.sessions.begin() as session:
            await session.execute(update(User).where(User.id == user_id).values(language=language, updated_at=utcnow()))

    # ---- answers -------------------------------------------------------------------
    async def answers(self, user_id: int) -> dict[str, Answer]:
        """Every stored answer of a user, question id -> value."""
        async with self._reading() as connection:
            rows = await connection.execute(
                select(StoredAnswer.question_id, StoredAnswer.value).where(StoredAnswer.user_id == user_id)
            )
            return {question_id: value for question_id, value in rows}

    async def store_answers(
        self, connection: AsyncConnection, user_id: int, store: list[NewAnswer], drop: list[str]
    ) -> None:
        """Store ``store`` (replacing earlier answers to the same questions) and delete ``drop``.

        On ``connection``, a transaction the caller holds (``writing()``), so the answers commit
        with the caller's own writes (a bill import's close), or not at all. A ``UserUnit`` holds
        the new answers from then on.
        """
        if drop:
            await connection.execute(
                delete(StoredAnswer).where(StoredAnswer.user_id == user_id, StoredAnswer.question_id.in_(drop))
            )
        if store:
            now = utcnow()
            rows = [
                {
                    "user_id": user_id,
                    "question_id": a.question_id,
                    "value": a.value,
                    "source": a.source,
                    "answered_at": now,
                }
                for a in store
            ]
            await connection.execute(_UPSERT_ANSWER[self.engine.dialect.name], rows)

    # ---- dialog --------------------------------------------------------------------
    async def dialog(self, user_id: int) -> Dialog | None:
        """The user's dialog state, if one was ever started."""
        async with self._reading() as connection:
            row = (await connection.execute(select(*_DIALOG_COLUMNS).where(DialogState.user_id == user_id))).first()
        return None if row is None else _dialog(row)

    async def start_dialog(
        self, user_id: int, path: str, queue: tuple[str, ...], nonce: str, *, expected_nonce: str | None
    ) -> bool:
        """Begin a path at its first question, replacing the state that showed ``expected_nonce``.

        ``expected_nonce=None`` means "the user had no dialog yet": the row is inserted unless it
        exists. Like ``step``, returns ``False`` and changes nothing when another update (of this
        or another process) started or moved the dialog first, so two ``/start`` at once create
        one dialog and ask one first question.
        """
        now = utcnow()
        values = {"path": path, "queue": list(queue), "position": 0, "nonce": nonce, "message_id": None, "draft": None}
        async with self._writing() as connection:
            if expected_nonce is None:
                started = await _insert_ignore(
                    connection, DialogState, {"user_id": user_id, "updated_at": now, **values}
                )
            else:
                moved = await connection.execute(
                    update(DialogState)
                    .where(DialogState.user_id == user_id, DialogState.nonce == expected_nonce)
                    .values(**values, updated_at=now)
                )
                started = _changed(moved) == 1
        self._dialog_started(user_id, Dialog(path, tuple(queue), 0, nonce, None, now) if started else None)
        return started

    async def step(
        self,
        user_id: int,
        expected_nonce: str,
        *,
        path: str | None,
        position: int,
        nonce: str,
        answer: NewAnswer | None = None,
        dropped: tuple[str, ...] = (),
        queue: tuple[str, ...] | None = None,
        also: tuple[NewAnswer, ...] = (),
        draft: dict[str, Answer] | None = None,
    ) -> bool:
        """Move the dialog (and store an answer) only if it still shows ``expected_nonce``.

        ``dropped`` answers (ones the new answer contradicts or no longer settles) are deleted,
        ``also`` answers (the rest of a change stored whole) are written, ``queue`` (questions
        the answer opened) replaces the path's and ``draft`` the dialog's (``None`` clears it) in
        the same transaction, so the profile is never seen half changed. Returns ``False`` and
        changes nothing when another update got there first.
        """
        move = Move(path, position, nonce, answer, dropped, queue, also, draft)
        if self._one_statement(move):
            async with self._reading() as connection:
                moved = await self._write_step(connection, user_id, expected_nonce, move)
        else:
            async with self._writing() as connection:
                moved = await self._write_step(connection, user_id, expected_nonce, move)
        self._dialog_moved(user_id, move if moved else None)
        return moved

    def _one_statement(self, move: Move) -> bool:
        """Whether the step is one statement (PostgreSQL: an answer and the next question), a transaction by itself.

        A step that ends the path is not: the score it leads to keeps its snapshot (and the first
        one starts the check-in) in the same transaction.
        """
        plain = (
            move.answer is not None
            and move.path is not None
            and not move.dropped
            and move.queue is None
            and not move.also
            and move.draft is None
        )
        return plain and self.engine.dialect.name == "postgresql"

    async def _write_step(self, connection: AsyncConnection, user_id: int, expected_nonce: str, move: Move) -> bool:
        now = utcnow()
        values: dict[str, Any] = {
            "step_user": user_id,
            "step_expected": expected_nonce,
            "step_path": move.path,
            "step_position": move.position,
            "step_nonce": move.nonce,
            "step_at": now,
            "step_draft": move.draft,
        }
        if self._one_statement(move):
            assert move.answer is not None
            answer = {"question_id": move.answer.question_id, "value": move.answer.value, "source": move.answer.source}
            return _changed(await connection.execute(_STEP_WITH_ANSWER, {**values, **answer})) == 1
        moved = await connection.execute(_STEP, values)
        if _changed(moved) != 1:
            return False
        if move.queue is not None:
            await connection.execute(
                update(DialogState).where(DialogState.user_id == user_id).values(queue=list(move.queue))
            )
        if move.dropped:
            await connection.execute(
                delete(StoredAnswer).where(StoredAnswer.user_id == user_id, StoredAnswer.question_id.in_(move.dropped))
            )
        for answer in (*move.also, *(() if move.answer is None else (move.answer,))):
            await connection.execute(
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

    def _dialog_started(self, user_id: int, dialog: Dialog | None) -> None:
        """A path began (``dialog``), or another update got there first (``None``).

        Nothing to do here: the unit of one update (``bot.storage.unit``) keeps what it holds in step.
        """

    def _dialog_moved(self, user_id: int, move: Move | None) -> None:
        """A step moved the dialog (``move``), or another update got there first (``None``); see ``_dialog_started``."""

    async def question_shown(self, user_id: int, nonce: str, message_id: int) -> None:
        """Remember where the question with ``nonce`` was shown (if it is still current)."""
        async with self._writing() as connection:
            await connection.execute(
                update(DialogState)
                .where(DialogState.user_id == user_id, DialogState.nonce == nonce)
                .values(message_id=message_id)
            )

    # ---- snapshots -----------------------------------------------------------------
    async def snapshots(self, user_id: int, limit: int | None = 2) -> list[Snapshot]:
        """The newest snapshots first (every one with ``limit=None``)."""
        async with self._reading() as connection:
            rows = await connection.execute(
                select(ScoreSnapshot.__table__)
                .where(ScoreSnapshot.user_id == user_id)
                .order_by(ScoreSnapshot.id.desc())
                .limit(limit)
            )
            return [_snapshot(r) for r in rows]

    async def has_snapshot(self, user_id: int) -> bool:
        """Whether a score was ever shown to the user (a snapshot is kept)."""
        async with self._reading() as connection:
            return bool(await connection.scalar(select(exists().where(ScoreSnapshot.user_id == user_id))))

    async def add_snapshot(self, user_id: int, snapshot: Snapshot, *, checkin: tuple[int, int] | None = None) -> None:
        """Keep a score that was shown.

        ``checkin`` (day, minute): also start the monthly check-in, in the same transaction (the
        first estimate does), unless the user already has one (set with ``/remind`` before the
        first estimate: the schedule's unique constraint keeps that one, and its occurrence).
        """
        async with self._writing() as connection:
            await connection.execute(insert(ScoreSnapshot), self._snapshot_row(user_id, snapshot))
            if checkin is None:
                return
            zone = await self._timezone_in(connection, user_id)
            schedule, reminder = checkin_values(user_id, *checkin, snapshot.created_at, zone)
            if await _insert_ignore(connection, Schedule, schedule):
                await _insert_ignore(connection, Reminder, reminder)

    async def _timezone_in(self, connection: AsyncConnection, user_id: int) -> str:
        """The user's zone, read on the connection of the transaction that needs it."""
        return await connection.scalar(select(User.timezone).where(User.id == user_id)) or DEFAULT_TIMEZONE

    @staticmethod
    def _snapshot_row(user_id: int, snapshot: Snapshot) -> dict[str, Any]:
        return {
            "user_id": user_id,
            "score": snapshot.score,
            "band": snapshot.band,
            "low": snapshot.low,
            "high": snapshot.high,
            "dimensions": snapshot.dimensions,
            "model_version": snapshot.model_version,
            "created_at": snapshot.created_at,
            "coverage": snapshot.coverage,
            "answers": snapshot.answers,
            "explanation": snapshot.explanation,
            "calibrated_score": None if snapshot.calibrated is None else snapshot.calibrated[0],
            "calibrated_low": None if snapshot.calibrated is None else snapshot.calibrated[1],
            "calibrated_high": None if snapshot.calibrated is None else snapshot.calibrated[2],
        }

    # ---- reminders -----------------------------------------------------------------
    async def set_reminder(self, user_id: int, action_id: str, due_at: datetime) -> bool:
        """Add a pending reminder; ``False`` (and no change) when one for this action is pending."""
        async with self.sessions() as session:
            session.add(Reminder(user_id=user_id, action_id=action_id, due_at=utc(due_at), created_at=utcnow()))
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
            return [PendingReminder(action_id, utc(due_at)) for action_id, due_at in rows]

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
            Reminder.due_at <= utc(now),
            or_(Reminder.claimed_at.is_(None), Reminder.claimed_at < utc(now - lease)),
        )
        query = query.where(Reminder.user_id == user_id if user_id is not None else Reminder.user_id > 0)
        async with self.sessions() as session:
            rows = await session.execute(query.order_by(Reminder.due_at, Reminder.id).limit(limit))
            return [DueReminder(id_, owner, action_id, utc(due_at)) for id_, owner, action_id, due_at in rows]

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
                    or_(Reminder.claimed_at.is_(None), Reminder.claimed_at < utc(now - lease)),
                )
                .values(claimed_at=utc(now))
            )
            return _changed(result) == 1

    async def finish_reminder(self, reminder_id: int, claimed_at: datetime, outcome: str, now: datetime) -> bool:
        """Record how the send of a claimed reminder ended; it is never sent again after this."""
        async with self.sessions.begin() as session:
            result = await session.execute(
                update(Reminder)
                .where(Reminder.id == reminder_id, Reminder.claimed_at == utc(claimed_at))
                .values(sent_at=utc(now), outcome=outcome, claimed_at=None)
            )
            return _changed(result) == 1

    async def release_reminder(self, reminder_id: int, claimed_at: datetime) -> None:
        """Give a claim back: nothing reached Telegram, so a later round may send it."""
        async with self.sessions.begin() as session:
            await session.execute(
                update(Reminder)
                .where(Reminder.id == reminder_id, Reminder.claimed_at == utc(claimed_at), Reminder.sent_at.is_(None))
                .values(claimed_at=None)
            )

    async def mark_blocked(self, user_id: int, now: datetime) -> int:
        """The user blocked the bot: remember it and stop their pending reminders (returns how many)."""
        async with self.sessions.begin() as session:
            await session.execute(update(User).where(User.id == user_id).values(blocked_at=utc(now)))
            result = await session.execute(
                update(Reminder)
                .where(Reminder.user_id == user_id, Reminder.sent_at.is_(None))
                .values(sent_at=utc(now), outcome=UNREACHABLE, claimed_at=None)
            )
            return _changed(result)

    async def blocked_at(self, user_id: int) -> datetime | None:
        """When the user blocked the bot, if they did (and have not written since)."""
        async with self.sessions() as session:
            moment = await session.scalar(select(User.blocked_at).where(User.id == user_id))
            return None if moment is None else utc(moment)

    async def prune_reminders(self, sent_before: datetime) -> int:
        """Delete reminders sent before ``sent_before``: once sent, they serve nothing for long."""
        async with self.sessions.begin() as session:
            result = await session.execute(delete(Reminder).where(Reminder.sent_at < utc(sent_before)))
            return _changed(result)

    # ---- update ids: each update handled once ----------------------------------------
    async def take_update(self, update_id: int, now: datetime, *, lease: timedelta = UPDATE_LEASE) -> bool:
        """``True`` for the one caller that may handle this update now.

        A new id is inserted (insert-or-ignore, so two processes cannot both win); a known id is
        taken again only if it was never finished and its taker's lease ran out (a crash).
        """
        async with self.sessions.begin() as session:
            if await _insert_ignore(session, ProcessedUpdate, {"update_id": update_id, "taken_at": utc(now)}):
                return True
            retaken = await session.execute(
                update(ProcessedUpdate)
                .where(
                    ProcessedUpdate.update_id == update_id,
                    ProcessedUpdate.done_at.is_(None),
                    ProcessedUpdate.taken_at < utc(now - lease),
                )
                .values(taken_at=utc(now))
            )
            return _changed(retaken) == 1

    async def update_done(self, update_id: int, now: datetime) -> bool:
        """Mark an update handled; ``False`` for an update id this storage never took."""
        async with self.sessions.begin() as session:
            result = await session.execute(
                update(ProcessedUpdate).where(ProcessedUpdate.update_id == update_id).values(done_at=utc(now))
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
            result = await session.execute(delete(ProcessedUpdate).where(ProcessedUpdate.taken_at < utc(taken_before)))
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
            reports = await session.scalars(
                select(ScoreReport).where(ScoreReport.user_id == user_id).order_by(ScoreReport.id)
            )
            goal = await session.get(Goal, user_id)
            schedules = await session.scalars(select(Schedule).where(Schedule.user_id == user_id).order_by(Schedule.id))
            return {
                "user": None
                if user is None
                else {
                    "telegram_id": user.id,
                    "language": user.language,
                    "blocked_at": iso(user.blocked_at),
                    "timezone": user.timezone,
                    "created_at": iso(user.created_at),
                    "updated_at": iso(user.updated_at),
                },
                "answers": [
                    {
                        "question_id": a.question_id,
                        "value": a.value,
                        "source": a.source,
                        "answered_at": iso(a.answered_at),
                    }
                    for a in answers
                ],
                "dialog": None
                if dialog is None
                else {
                    "path": dialog.path,
                    "questions": list(dialog.queue),
                    "position": dialog.position,
                    "answers_not_stored_yet": dialog.draft,
                    "updated_at": iso(dialog.updated_at),
                },
                "score_snapshots": [
                    {
                        "score": s.score,
                        "band": s.band,
                        "range": [s.low, s.high],
                        "dimensions": s.dimensions,
                        "model_version": s.model_version,
                        "created_at": iso(s.created_at),
                        "coverage": s.coverage,
                        "answers": s.answers,
                        "explanation": s.explanation,
                        "calibrated": None
                        if s.calibrated_score is None
                        else {"score": s.calibrated_score, "range": [s.calibrated_low, s.calibrated_high]},
                    }
                    for s in snapshots
                ],
                "reminders": [
                    {
                        "action_id": r.action_id,
                        "due_at": iso(r.due_at),
                        "created_at": iso(r.created_at),
                        "sent_at": iso(r.sent_at),
                        "outcome": r.outcome,
                    }
                    for r in reminders
                ],
                "score_reports": [
                    {
                        "score": r.score,
                        "estimate": r.estimate,
                        "range": [r.low, r.high],
                        "coverage": r.coverage,
                        "source": r.source,
                        "reported_at": iso(r.reported_at),
                    }
                    for r in reports
                ],
                "goal": None
                if goal is None
                else {
                    "target": goal.target,
                    "start_score": goal.start_score,
                    "reachable": goal.reachable,
                    "actions": list(goal.actions),
                    "done": list(goal.done),
                    "months": goal.months,
                    "created_at": iso(goal.created_at),
                },
                "schedules": [
                    {
                        "kind": s.kind,
                        "number": s.number,
                        "day": s.day,
                        "time": f"{s.minute // 60:02d}:{s.minute % 60:02d}",
                        "paused": s.paused,
                        "created_at": iso(s.created_at),
                    }
                    for s in schedules
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

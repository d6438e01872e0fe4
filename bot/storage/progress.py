"""Storage of the follow-up over months: time zone, real-score reports, the goal, the schedules.

Kept apart from ``repository.py`` (which it extends as a mixin of ``Storage``) so the queries
of one feature read together. Each method is one short transaction, like the rest of storage.
The next occurrence of a schedule is an ordinary row of ``reminders`` (action id
``kind:number``), so check-ins and repayment reminders are claimed and sent by the same
delivery as every other reminder; stopping or pausing a schedule takes that row away too.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time
from typing import Any

from sqlalchemy import String, and_, cast, delete, func, select, update
from sqlalchemy.engine import CursorResult
from sqlalchemy.exc import IntegrityError

from bot.scheduling import Monthly
from bot.storage.connections import Connections
from bot.storage.tables import Goal, Reminder, Schedule, ScoreReport, StoredAnswer, User, utc, utcnow

DEFAULT_TIMEZONE = "Asia/Shanghai"
SCHEDULE_KINDS = ("checkin", "goal", "huabei", "card")
DELIVERED = ("sent", "maybe_sent")
"""The outcomes of a reminder that (may have) reached the user (``repository.SENT``, ``MAYBE_SENT``)."""


@dataclass(frozen=True)
class StoredReport:
    """A real score a user reported, with our estimate and its range at that moment."""

    score: int
    estimate: float
    low: int
    high: int
    coverage: float
    source: str
    reported_at: datetime


@dataclass(frozen=True)
class StoredGoal:
    """A goal: the target, where the user started, the planned actions (in order) and those done."""

    target: int
    start_score: int
    reachable: bool
    actions: tuple[str, ...]
    done: tuple[str, ...]
    months: int | None
    created_at: datetime


@dataclass(frozen=True)
class StoredSchedule:
    """A recurring reminder or check-in, as the user set it."""

    kind: str
    number: int
    day: int | None
    minute: int
    paused: bool
    created_at: datetime

    @property
    def key(self) -> str:
        """The action id its pending occurrence carries in ``reminders``."""
        return schedule_key(self.kind, self.number)

    @property
    def at(self) -> time:
        """The time of day it falls at."""
        return time(self.minute // 60, self.minute % 60)


@dataclass(frozen=True)
class ScheduleDue:
    """An active schedule with no occurrence waiting: the delivery schedules its next one."""

    user_id: int
    timezone: str
    schedule: StoredSchedule


def schedule_key(kind: str, number: int = 0) -> str:
    """``kind:number``, the reminder action id of a schedule's occurrences."""
    return f"{kind}:{number}"


def parse_schedule_key(action_id: str) -> tuple[str, int] | None:
    """The (kind, number) of a schedule's reminder, ``None`` for an action reminder."""
    kind, _, number = action_id.partition(":")
    if kind not in SCHEDULE_KINDS or not number.isdigit():
        return None
    return kind, int(number)


def _schedule(row: Schedule) -> StoredSchedule:
    return StoredSchedule(row.kind, row.number, row.day, row.minute, row.paused, utc(row.created_at))


def checkin_values(
    user_id: int, day: int, minute: int, now: datetime, zone: str
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The monthly check-in's schedule and its first occurrence, as rows to insert in the caller's transaction."""
    due = Monthly(day, time(minute // 60, minute % 60), zone).next_after(now)
    schedule = {
        "user_id": user_id,
        "kind": "checkin",
        "number": 0,
        "day": day,
        "minute": minute,
        "paused": False,
        "created_at": now,
    }
    return schedule, {"user_id": user_id, "action_id": schedule_key("checkin"), "due_at": due, "created_at": now}


class ProgressStore(Connections):
    """The progress queries; ``Storage`` inherits them."""

    # ---- time zone -----------------------------------------------------------------
    async def timezone(self, user_id: int) -> str:
        """The user's IANA zone (China's unless they set another)."""
        async with self.sessions() as session:
            value = await session.scalar(select(User.timezone).where(User.id == user_id))
            return value or DEFAULT_TIMEZONE

    async def set_timezone(self, user_id: int, name: str) -> None:
        """Keep the user's zone (validated by the caller, ``bot.scheduling.zone``)."""
        async with self.sessions.begin() as session:
            await session.execute(update(User).where(User.id == user_id).values(timezone=name, updated_at=utcnow()))

    # ---- answers changed by recording progress --------------------------------------
    async def replace_answers(self, user_id: int, answers: dict[str, Any], source: str) -> None:
        """Make the stored answers exactly ``answers`` (one transaction): changed rows rewritten, dropped ones deleted.

        Used when a planned action is recorded as done: the caller passes the whole profile, kept
        consistent by ``scoring.structure.consistent_after_change``.
        """
        async with self.sessions.begin() as session:
            rows = {
                row.question_id: row
                for row in await session.scalars(
                    select(StoredAnswer).where(StoredAnswer.user_id == user_id).with_for_update()
                )
            }
            for question_id, row in rows.items():
                if question_id not in answers:
                    await session.delete(row)
            for question_id, value in answers.items():
                held = rows.get(question_id)
                if held is not None and held.value == value and type(held.value) is type(value):
                    continue
                await session.merge(
                    StoredAnswer(
                        user_id=user_id, question_id=question_id, value=value, source=source, answered_at=utcnow()
                    )
                )

    # ---- real-score reports --------------------------------------------------------
    async def add_report(self, user_id: int, report: StoredReport) -> None:
        """Keep a real score the user reported (validated by ``scoring.calibration.check_report``)."""
        async with self.sessions.begin() as session:
            session.add(
                ScoreReport(
                    user_id=user_id,
                    score=report.score,
                    estimate=report.estimate,
                    low=report.low,
                    high=report.high,
                    coverage=report.coverage,
                    source=report.source,
                    reported_at=utc(report.reported_at),
                )
            )

    async def reports(self, user_id: int) -> list[StoredReport]:
        """The user's reports, oldest first."""
        async with self._reading() as connection:
            rows = await connection.execute(
                select(ScoreReport.__table__)
                .where(ScoreReport.user_id == user_id)
                .order_by(ScoreReport.reported_at, ScoreReport.id)
            )
            return [
                StoredReport(r.score, r.estimate, r.low, r.high, r.coverage, r.source, utc(r.reported_at)) for r in rows
            ]

    async def checkin_sent_at(self, user_id: int) -> datetime | None:
        """When the latest monthly check-in reached the user (asked for the real score); ``None`` if none did.

        Sent reminders are pruned after a month (``bot.reminder_delivery.KEEP_SENT``), which is
        longer than anyone waits for an answer to one.
        """
        async with self.sessions() as session:
            sent = await session.scalar(
                select(func.max(Reminder.sent_at)).where(
                    Reminder.user_id == user_id,
                    Reminder.action_id == schedule_key("checkin"),
                    Reminder.outcome.in_(DELIVERED),
                )
            )
            return None if sent is None else utc(sent)

    # ---- the goal ------------------------------------------------------------------
    async def set_goal(self, user_id: int, goal: StoredGoal) -> None:
        """Set the user's goal, replacing any earlier one."""
        async with self.sessions.begin() as session:
            await session.execute(delete(Goal).where(Goal.user_id == user_id))
            session.add(
                Goal(
                    user_id=user_id,
                    target=goal.target,
                    start_score=goal.start_score,
                    reachable=goal.reachable,
                    actions=list(goal.actions),
                    done=list(goal.done),
                    months=goal.months,
                    created_at=utc(goal.created_at),
                )
            )

    async def goal(self, user_id: int) -> StoredGoal | None:
        """The user's goal, if one is set (one Core read on the update's connection: no ORM savepoint around it)."""
        async with self._reading() as connection:
            row = (await connection.execute(select(Goal.__table__).where(Goal.user_id == user_id))).first()
            if row is None:
                return None
            return StoredGoal(
                row.target,
                row.start_score,
                row.reachable,
                tuple(row.actions),
                tuple(row.done),
                row.months,
                utc(row.created_at),
            )

    async def goal_done(self, user_id: int, action_id: str) -> bool:
        """Mark a planned action done; ``False`` when it is not planned or already done."""
        async with self.sessions.begin() as session:
            row = await session.get(Goal, user_id, with_for_update=True)
            if row is None or action_id not in row.actions or action_id in row.done:
                return False
            row.done = [*row.done, action_id]
            return True

    async def drop_goal(self, user_id: int) -> bool:
        """Remove the user's goal; ``False`` when there was none."""
        async with self.sessions.begin() as session:
            result = await session.execute(delete(Goal).where(Goal.user_id == user_id))
            return _changed(result) > 0

    # ---- schedules -----------------------------------------------------------------
    async def set_schedule(
        self, user_id: int, kind: str, number: int, day: int | None, minute: int, *, start: datetime | None = None
    ) -> StoredSchedule:
        """Create or change a schedule (running, not paused); its waiting occurrence is taken away.

        The delivery's next round schedules the occurrence from the new settings. ``start``
        (default: now) is where an every-two-weeks schedule counts from; kept when changed without it.
        """
        if kind not in SCHEDULE_KINDS:
            raise ValueError(f"unknown schedule kind {kind!r}")
        for _ in range(2):  # a second try when another process created it meanwhile
            async with self.sessions() as session:
                row = await session.scalar(
                    select(Schedule).where(
                        Schedule.user_id == user_id, Schedule.kind == kind, Schedule.number == number
                    )
                )
                if row is None:
                    row = Schedule(user_id=user_id, kind=kind, number=number, created_at=utcnow())
                    session.add(row)
                if start is not None:
                    row.created_at = utc(start)
                row.day, row.minute, row.paused = day, minute, False
                await session.execute(_pending(user_id, schedule_key(kind, number)))
                try:
                    await session.commit()
                except IntegrityError:
                    await session.rollback()
                    continue
                return _schedule(row)
        raise RuntimeError("schedule could not be saved")  # pragma: no cover - two races in a row

    async def schedules(self, user_id: int) -> list[StoredSchedule]:
        """The user's schedules, in a stable order (check-in, goal, Huabei, cards by number)."""
        async with self.sessions() as session:
            rows = await session.scalars(select(Schedule).where(Schedule.user_id == user_id))
            found = [_schedule(r) for r in rows]
        return sorted(found, key=lambda s: (SCHEDULE_KINDS.index(s.kind), s.number))

    async def pause_schedule(self, user_id: int, kind: str, number: int, paused: bool) -> bool:
        """Pause or resume a schedule; pausing takes its waiting occurrence away. ``False`` if none."""
        async with self.sessions.begin() as session:
            result = await session.execute(
                update(Schedule)
                .where(Schedule.user_id == user_id, Schedule.kind == kind, Schedule.number == number)
                .values(paused=paused)
            )
            if paused:
                await session.execute(_pending(user_id, schedule_key(kind, number)))
            return _changed(result) > 0

    async def stop_schedule(self, user_id: int, kind: str, number: int) -> bool:
        """Delete a schedule and its waiting occurrence; ``False`` when there was none."""
        async with self.sessions.begin() as session:
            result = await session.execute(
                delete(Schedule).where(Schedule.user_id == user_id, Schedule.kind == kind, Schedule.number == number)
            )
            await session.execute(_pending(user_id, schedule_key(kind, number)))
            return _changed(result) > 0

    async def schedules_to_plan(self, *, user_id: int | None = None, limit: int = 100) -> list[ScheduleDue]:
        """Running schedules with no occurrence waiting (of one user, or of every Telegram user)."""
        waiting = (
            select(Reminder.id)
            .where(
                Reminder.user_id == Schedule.user_id,
                Reminder.sent_at.is_(None),
                Reminder.action_id == _key_expression(),
            )
            .exists()
        )
        query = (
            select(Schedule, User.timezone)
            .join(User, User.id == Schedule.user_id)
            .where(Schedule.paused.is_(False), ~waiting)
            .where(Schedule.user_id == user_id if user_id is not None else Schedule.user_id > 0)
            .order_by(Schedule.id)
            .limit(limit)
        )
        async with self.sessions() as session:
            rows = await session.execute(query)
            return [ScheduleDue(row.user_id, zone or DEFAULT_TIMEZONE, _schedule(row)) for row, zone in rows]


def _changed(result: Any) -> int:
    """The rows an UPDATE or DELETE changed (a ``CursorResult``'s ``rowcount``)."""
    if not isinstance(result, CursorResult):  # pragma: no cover - SQLAlchemy returns one for UPDATE/DELETE
        raise TypeError(f"expected a CursorResult, got {type(result).__name__}")
    return result.rowcount or 0


def _key_expression() -> Any:
    """``kind || ':' || number`` in SQL, the action id of a schedule's occurrences."""
    return Schedule.kind + ":" + cast(Schedule.number, String)


def _pending(user_id: int, action_id: str) -> Any:
    """The statement deleting a schedule's waiting (unsent) occurrence."""
    return delete(Reminder).where(
        and_(Reminder.user_id == user_id, Reminder.action_id == action_id, Reminder.sent_at.is_(None))
    )

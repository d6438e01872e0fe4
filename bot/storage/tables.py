"""The tables, and nothing about a user beyond what the score, the advice and the follow-up need.

No names, usernames, phone numbers or message texts: a Telegram id to find the user again,
a language and a time zone to talk in, the answers, where the dialog stands, the scores shown
so far (with why they moved), the real scores the user reported, a goal, the reminders
and check-ins asked for, and which record-if-true items (a vehicle, a property) the user has.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


def utcnow() -> datetime:
    """Timestamps are UTC everywhere, so SQLite and PostgreSQL rows compare alike."""
    return datetime.now(UTC)


def utc(moment: datetime) -> datetime:
    """A stored timestamp, aware and in UTC: SQLite hands back naive datetimes, written as UTC."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def iso(moment: datetime | None) -> str | None:
    """A stored timestamp as ISO 8601 in UTC (``/export``)."""
    return None if moment is None else utc(moment).isoformat()


class Base(DeclarativeBase):
    """Declarative base; the Alembic migrations are the schema's source of truth."""


class User(Base):
    """A Telegram user (or the terminal chat's local user, id 0)."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    language: Mapped[str] = mapped_column(String(8))
    # Set when Telegram said the user blocked the bot (403 Forbidden); cleared by their next update.
    blocked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    #: An IANA zone for reminders and check-ins; ``None`` means China's (the default).
    timezone: Mapped[str | None] = mapped_column(String(64), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)


class StoredAnswer(Base):
    """One answer per user and question; ``source`` says how it arrived (button, typed, ...)."""

    __tablename__ = "answers"

    user_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    question_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[Any] = mapped_column(JSON)
    source: Mapped[str] = mapped_column(String(16))
    answered_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class DialogState(Base):
    """Where a user's questionnaire stands, so any process can carry on the conversation.

    ``queue`` is the list of question ids of the current path and ``position`` the index
    being asked; ``/back`` is ``position - 1``. ``nonce`` changes with every question asked,
    which makes buttons of older messages detectably stale; ``message_id`` is where the
    current question was shown, so its buttons can be taken away once it is answered.
    ``draft`` holds a change of an answer that waits for the questions it asks again.
    """

    __tablename__ = "dialog_states"

    user_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    path: Mapped[str | None] = mapped_column(String(8), nullable=True)
    queue: Mapped[list[str]] = mapped_column(JSON, default=list)
    position: Mapped[int] = mapped_column(Integer, default=0)
    nonce: Mapped[str] = mapped_column(String(16), default="")
    message_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)
    #: A change from /profile not stored yet (question id -> value, the whole profile as it would be):
    #: it waits for the questions it asks again, so the change is stored whole or not at all.
    draft: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True), nullable=True)


class ScoreSnapshot(Base):
    """A score as it was shown, kept to tell the user how it moved since last time."""

    __tablename__ = "score_snapshots"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("users.id", ondelete="CASCADE"), index=True)
    score: Mapped[int] = mapped_column(Integer)
    band: Mapped[str] = mapped_column(String(16))
    low: Mapped[int] = mapped_column(Integer)
    high: Mapped[int] = mapped_column(Integer)
    dimensions: Mapped[dict[str, int | None]] = mapped_column(JSON)
    model_version: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # Added with the progress features (empty on older rows): what the range covers, the answers
    # it was computed from (to explain the next move), why it moved from the one before (a
    # ``scoring.changes.ScoreChange`` as a dict) and the calibrated estimate shown beside it.
    coverage: Mapped[float | None] = mapped_column(Float, nullable=True)
    answers: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    explanation: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    calibrated_score: Mapped[int | None] = mapped_column(Integer, nullable=True)
    calibrated_low: Mapped[int | None] = mapped_column(Integer, nullable=True)
    calibrated_high: Mapped[int | None] = mapped_column(Integer, nullable=True)


class ScoreReport(Base):
    """A real Sesame score the user reported, next to our estimate (and its range) at that moment."""

    __tablename__ = "score_reports"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("users.id", ondelete="CASCADE"), index=True)
    score: Mapped[int] = mapped_column(Integer)
    estimate: Mapped[float] = mapped_column(Float)
    low: Mapped[int] = mapped_column(Integer)
    high: Mapped[int] = mapped_column(Integer)
    coverage: Mapped[float] = mapped_column(Float)
    source: Mapped[str] = mapped_column(String(16))
    reported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Goal(Base):
    """The user's score goal (one at a time) and the plan made for it; ``done`` lists actions done."""

    __tablename__ = "goals"

    user_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    target: Mapped[int] = mapped_column(Integer)
    start_score: Mapped[int] = mapped_column(Integer)
    reachable: Mapped[bool] = mapped_column(Boolean)
    actions: Mapped[list[str]] = mapped_column(JSON, default=list)
    done: Mapped[list[str]] = mapped_column(JSON, default=list)
    months: Mapped[int | None] = mapped_column(Integer, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Schedule(Base):
    """A recurring reminder or check-in the user asked for: what, which day, what time, paused or not.

    ``kind`` is ``checkin`` (the monthly real-score check-in), ``goal`` (the goal's check-in
    every two weeks), ``huabei`` or ``card`` (a repayment day; ``number`` tells cards apart).
    ``day`` is the day of the month (``None`` for ``goal``), ``minute`` the time of day in
    minutes after midnight, in the user's time zone. The next occurrence waits as a row of
    ``reminders`` (action id ``kind:number``), so it is claimed and sent like any reminder.
    """

    __tablename__ = "schedules"
    __table_args__ = (UniqueConstraint("user_id", "kind", "number", name="uq_schedules_user_kind_number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    number: Mapped[int] = mapped_column(Integer, default=0)
    day: Mapped[int | None] = mapped_column(Integer, nullable=True)
    minute: Mapped[int] = mapped_column(Integer)
    paused: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Reminder(Base):
    """A reminder to look at an action's effect once Sesame has recomputed the score.

    Only the action id and the times: the words are rendered when it is sent. A process that
    is about to send it *claims* it (``claimed_at``, a lease: a claim older than
    ``CLAIM_LEASE`` belonged to a process that died and may be taken again). Once the send is
    over, ``sent_at`` and ``outcome`` say how it ended: ``sent``, ``maybe_sent`` (the request
    may have reached Telegram, say a timeout after it went out: never sent again),
    ``unreachable`` (the user blocked the bot) or ``dropped``. At most one reminder per user and
    action is pending (``sent_at`` empty), which the partial unique index enforces.
    """

    __tablename__ = "reminders"
    __table_args__ = (
        Index(
            "uq_reminders_pending",
            "user_id",
            "action_id",
            unique=True,
            sqlite_where=text("sent_at IS NULL"),
            postgresql_where=text("sent_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("users.id", ondelete="CASCADE"), index=True)
    action_id: Mapped[str] = mapped_column(String(40))
    due_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    claimed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    outcome: Mapped[str | None] = mapped_column(String(16), nullable=True)


class RecordItem(Base):
    """Whether a user has a record-if-true item (a vehicle, a property...) not added to Sesame yet.

    Not an answer: the questionnaire asks whether the item is *added* (that answer scores); this
    says whether the person *has* it, which only the advice reads (``advice.feasibility``'s
    ``owned``). ``owned`` true counts the item in the advice; false retires it for good (until
    changed in ``/profile``). One row per user and record question.
    """

    __tablename__ = "record_items"

    user_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    question_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    owned: Mapped[bool] = mapped_column(Boolean)
    answered_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class BillImport(Base):
    """One Alipay bill a user sent: when, how far it got, and the answers it showed (never the file).

    A row is written for every file offered, so the per-user limit (``bot.flows.bill``) counts
    them in the database and holds across processes. ``status`` is ``reading``, ``password`` (a
    ZIP waits for its password; the bytes are only in the memory of the process that downloaded
    them), ``found`` (the answers were shown; ``nonce`` binds the confirm button), ``applied``,
    ``cancelled``, ``unchanged`` (the bill agreed with every answer), ``replaced`` (a newer file came
    while a ZIP waited for its password) or ``refused``. ``answers``
    holds only the derived answers (question id -> value); rows older than a day are deleted
    when the user sends the next file.
    """

    __tablename__ = "bill_imports"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("users.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(16))
    nonce: Mapped[str] = mapped_column(String(16), default="")
    answers: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)


class ProcessedUpdate(Base):
    """A Telegram update id taken by one process, so a retried or duplicated update runs once.

    No user data: the update id and two times. ``done_at`` is set once the update was handled;
    a row without it older than the lease belonged to a process that died mid-update, and the
    update may be taken again. Rows are pruned after a day (Telegram keeps updates no longer).
    """

    __tablename__ = "processed_updates"

    update_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    taken_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    done_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


SERVICE_TABLES: tuple[type[Base], ...] = (ProcessedUpdate,)
"""Tables that hold no user data (nothing for ``/forget`` or ``/export``)."""

USER_TABLES: tuple[type[Base], ...] = (
    StoredAnswer,
    DialogState,
    ScoreSnapshot,
    Reminder,
    ScoreReport,
    Goal,
    Schedule,
    RecordItem,
    BillImport,
    User,
)
"""Every table holding user data, children first (the order ``/forget`` deletes in)."""


def user_data_table_names() -> list[str]:
    """Every table of the schema except ``SERVICE_TABLES``: what ``count_rows`` reports on."""
    service = {t.__tablename__ for t in SERVICE_TABLES}
    return [name for name in Base.metadata.tables if name not in service]

"""The six tables, and nothing about a user beyond what the score and the advice need.

No names, usernames, phone numbers or message texts: a Telegram id to find the user again,
a language to talk in, the answers, where the dialog stands, the scores shown so far and the
reminders asked for.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, DateTime, ForeignKey, Index, Integer, String, text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


def utcnow() -> datetime:
    """Timestamps are UTC everywhere, so SQLite and PostgreSQL rows compare alike."""
    return datetime.now(UTC)


class Base(DeclarativeBase):
    """Declarative base; the Alembic migrations are the schema's source of truth."""


class User(Base):
    """A Telegram user (or the terminal chat's local user, id 0)."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    language: Mapped[str] = mapped_column(String(8))
    # Set when Telegram said the user blocked the bot (403 Forbidden); cleared by their next update.
    blocked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
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
    """

    __tablename__ = "dialog_states"

    user_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    path: Mapped[str | None] = mapped_column(String(8), nullable=True)
    queue: Mapped[list[str]] = mapped_column(JSON, default=list)
    position: Mapped[int] = mapped_column(Integer, default=0)
    nonce: Mapped[str] = mapped_column(String(16), default="")
    message_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)


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

USER_TABLES: tuple[type[Base], ...] = (StoredAnswer, DialogState, ScoreSnapshot, Reminder, BillImport, User)
"""Every table holding user data, children first (the order ``/forget`` deletes in)."""


def user_data_table_names() -> list[str]:
    """Every table of the schema except ``SERVICE_TABLES``: what ``count_rows`` reports on."""
    service = {t.__tablename__ for t in SERVICE_TABLES}
    return [name for name in Base.metadata.tables if name not in service]

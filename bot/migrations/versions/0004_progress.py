"""Progress over months: explained score history, real-score reports, goals, schedules, time zones.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SNAPSHOT_COLUMNS = (
    ("coverage", sa.Float),
    ("answers", sa.JSON),
    ("explanation", sa.JSON),
    ("calibrated_score", sa.Integer),
    ("calibrated_low", sa.Integer),
    ("calibrated_high", sa.Integer),
)


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("timezone", sa.String(length=64), nullable=True))
    with op.batch_alter_table("score_snapshots") as batch:
        for name, type_ in SNAPSHOT_COLUMNS:
            batch.add_column(sa.Column(name, type_(), nullable=True))
    op.create_table(
        "score_reports",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("estimate", sa.Float(), nullable=False),
        sa.Column("low", sa.Integer(), nullable=False),
        sa.Column("high", sa.Integer(), nullable=False),
        sa.Column("coverage", sa.Float(), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("reported_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_score_reports_user_id", "score_reports", ["user_id"])
    op.create_table(
        "goals",
        sa.Column("user_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("target", sa.Integer(), nullable=False),
        sa.Column("start_score", sa.Integer(), nullable=False),
        sa.Column("reachable", sa.Boolean(), nullable=False),
        sa.Column("actions", sa.JSON(), nullable=False),
        sa.Column("done", sa.JSON(), nullable=False),
        sa.Column("months", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("user_id"),
    )
    op.create_table(
        "schedules",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("day", sa.Integer(), nullable=True),
        sa.Column("minute", sa.Integer(), nullable=False),
        sa.Column("paused", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("user_id", "kind", "number", name="uq_schedules_user_kind_number"),
    )
    op.create_index("ix_schedules_user_id", "schedules", ["user_id"])


def downgrade() -> None:
    op.drop_index("ix_schedules_user_id", table_name="schedules")
    op.drop_table("schedules")
    op.drop_table("goals")
    op.drop_index("ix_score_reports_user_id", table_name="score_reports")
    op.drop_table("score_reports")
    with op.batch_alter_table("score_snapshots") as batch:
        for name, _ in reversed(SNAPSHOT_COLUMNS):
            batch.drop_column(name)
    with op.batch_alter_table("users") as batch:
        batch.drop_column("timezone")

"""Reliability: reminder claims with a lease and an outcome, blocked users, processed update ids.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27

Reminders sent before this revision keep ``sent_at`` and get the outcome ``sent``.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("blocked_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("reminders") as batch:
        batch.add_column(sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("outcome", sa.String(length=16), nullable=True))
    op.execute("UPDATE reminders SET outcome = 'sent' WHERE sent_at IS NOT NULL")
    op.create_table(
        "processed_updates",
        sa.Column("update_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("taken_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("update_id"),
    )
    op.create_index("ix_processed_updates_taken_at", "processed_updates", ["taken_at"])


def downgrade() -> None:
    op.drop_index("ix_processed_updates_taken_at", table_name="processed_updates")
    op.drop_table("processed_updates")
    with op.batch_alter_table("reminders") as batch:
        batch.drop_column("outcome")
        batch.drop_column("claimed_at")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("blocked_at")

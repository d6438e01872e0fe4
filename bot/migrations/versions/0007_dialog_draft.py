"""A change of answers from /profile waits in the dialog until the questions it asks again are answered.

Self-contained (adds and drops only its own column), so it can be chained after any other
revision when branches are merged.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-27
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("dialog_states") as batch:
        batch.add_column(sa.Column("draft", sa.JSON(none_as_null=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("dialog_states") as batch:
        batch.drop_column("draft")

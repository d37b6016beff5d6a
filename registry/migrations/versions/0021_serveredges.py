"""shared rate-limit counters and single-use one-time passwords

`rate_limit_count` holds the log-in and sign-up limits' counters when they are kept in the
site's own database (RATELIMIT_STORAGE_URI=database://, the default), so that every worker
counts the same attempts; `user_account.one_time_password` marks a password given by
`registry demo-login`, which the first log-in with it uses up.

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-07 17:50:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "rate_limit_count",
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
        sa.Column("hits", sa.Integer(), nullable=False),
        sa.Column("expires_at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("key", name="pk_rate_limit_count"),
    )
    with op.batch_alter_table("rate_limit_count") as batch:
        batch.create_index(
            batch.f("ix_rate_limit_count_expires_at"), ["expires_at"], unique=False
        )
    with op.batch_alter_table("user_account") as batch:
        batch.add_column(
            sa.Column("one_time_password", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    with op.batch_alter_table("user_account") as batch:
        batch.drop_column("one_time_password")
    with op.batch_alter_table("rate_limit_count") as batch:
        batch.drop_index(batch.f("ix_rate_limit_count_expires_at"))
    op.drop_table("rate_limit_count")

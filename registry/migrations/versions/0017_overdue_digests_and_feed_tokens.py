"""overdue digests and feed tokens

`digest_notice` records each (request, flag, member) that `registry notify-overdue` e-mailed,
so that no digest tells a member the same thing twice; `user_account.digests` is the
member's choice to receive them; `user_account.feed_token_hash` the SHA-256 of the token of
their Atom feed (/feeds/overdue.atom).

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-01 21:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("user_account") as batch:
        batch.add_column(
            sa.Column("digests", sa.Boolean(), nullable=False, server_default=sa.true())
        )
        batch.add_column(
            sa.Column("feed_token_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True)
        )
        batch.create_index(
            batch.f("ix_user_account_feed_token_hash"), ["feed_token_hash"], unique=True
        )
    op.create_table(
        "digest_notice",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("flag", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("sent_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["transfer_request.id"],
            name="fk_digest_notice_request_id_transfer_request",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user_account.id"], name="fk_digest_notice_user_id_user_account"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_digest_notice"),
        sa.UniqueConstraint("request_id", "flag", "user_id", name="uq_digest_notice"),
    )
    with op.batch_alter_table("digest_notice") as batch:
        batch.create_index(batch.f("ix_digest_notice_user_id"), ["user_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("digest_notice") as batch:
        batch.drop_index(batch.f("ix_digest_notice_user_id"))
    op.drop_table("digest_notice")
    with op.batch_alter_table("user_account") as batch:
        batch.drop_index(batch.f("ix_user_account_feed_token_hash"))
        batch.drop_column("feed_token_hash")
        batch.drop_column("digests")

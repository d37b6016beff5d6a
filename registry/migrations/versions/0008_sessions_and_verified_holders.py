"""session versions; holders a fan recorded, unverified until staff confirm them

`user_account.session_version` is raised by logging out and by a password change: a session
or remember cookie made before stops working. Existing members start at 1 (their current
sessions, which name no version, end once: they log in again).

`handle.holder_verified` and `custody_record.holder_verified` are false while the holder is
what a fan said of themselves; staff confirm it with the page they checked
(`verified_url`, `verified_by_id`, `verified_at`). Every row recorded before this revision
counts as verified: nothing said otherwise then.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 13:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("session_version", sa.Integer(), nullable=False, server_default="1")
        )
    with op.batch_alter_table("handle", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("holder_verified", sa.Boolean(), nullable=False, server_default=sa.true())
        )
    with op.batch_alter_table("custody_record", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("holder_verified", sa.Boolean(), nullable=False, server_default=sa.true())
        )
        batch_op.add_column(
            sa.Column(
                "verified_url",
                sqlmodel.sql.sqltypes.AutoString(length=500),
                nullable=False,
                server_default="",
            )
        )
        batch_op.add_column(sa.Column("verified_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("verified_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True)
        )
        batch_op.create_foreign_key(
            "fk_custody_record_verified_by_id_user_account",
            "user_account",
            ["verified_by_id"],
            ["id"],
        )


def downgrade() -> None:
    with op.batch_alter_table("custody_record", schema=None) as batch_op:
        batch_op.drop_constraint("fk_custody_record_verified_by_id_user_account", type_="foreignkey")
        for column in ("verified_at", "verified_by_id", "verified_url", "holder_verified"):
            batch_op.drop_column(column)
    with op.batch_alter_table("handle", schema=None) as batch_op:
        batch_op.drop_column("holder_verified")
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.drop_column("session_version")

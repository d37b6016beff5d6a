"""the lookalike index

`lookalike_key` holds, for each handle, the keys its lookalikes are found by (its core, its
words' cores and its core's one-deletion neighbours: registry.domain.lookalikes.index_keys),
so that a lookalike search is one indexed `IN` query. The upgrade builds it for the handles
already there, with the same code as `registry reindex-lookalikes`.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-01 21:40:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

from registry.services import lookalike_index

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "lookalike_key",
        sa.Column("handle_id", sa.Integer(), nullable=False),
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(length=260), nullable=False),
        sa.Column("platform_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["handle_id"], ["handle.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["platform_id"], ["platform.id"]),
        sa.PrimaryKeyConstraint("handle_id", "key"),
    )
    op.create_index("ix_lookalike_key_key", "lookalike_key", ["key", "platform_id"])
    lookalike_index.rebuild_index(op.get_bind())


def downgrade() -> None:
    op.drop_index("ix_lookalike_key_key", table_name="lookalike_key")
    op.drop_table("lookalike_key")

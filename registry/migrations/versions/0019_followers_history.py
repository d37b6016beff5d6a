"""followers history

`follower_count` keeps every follower count given for a handle with the day it was seen
(DESIGN.md "Evidence": `followers_history`), one entry per (count, day). Each handle that
has a count today starts its history with it, on the day it was seen (or, when nobody said,
the day the handle was last changed).

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-07 17:45:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "follower_count",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("handle_id", sa.Integer(), nullable=False),
        sa.Column("followers", sa.Integer(), nullable=False),
        sa.Column("seen_on", sa.Date(), nullable=False),
        sa.Column("recorded_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["handle_id"],
            ["handle.id"],
            name="fk_follower_count_handle_id_handle",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_follower_count"),
        sa.UniqueConstraint("handle_id", "seen_on", "followers", name="uq_follower_count"),
    )
    # SQLite keeps a date-time as text ("2011-03-01 09:30:00..."): its DATE() reads the day.
    day_changed = (
        "DATE(updated_at)"
        if op.get_bind().dialect.name == "sqlite"
        else "CAST(updated_at AS DATE)"
    )
    op.execute(
        "INSERT INTO follower_count (handle_id, followers, seen_on, recorded_at)"
        f" SELECT id, followers, COALESCE(followers_seen_on, {day_changed}), updated_at"
        " FROM handle WHERE followers IS NOT NULL"
    )


def downgrade() -> None:
    op.drop_table("follower_count")

"""handover methods: an ownership change needs no window

A platform whose accounts change owners without freeing the name (a YouTube channel under a
Brand Account, a Facebook Page, a LinkedIn Page, a Telegram channel) is planned without a
swap window: `handover_plan.window_start` may be empty. Plans already there keep theirs.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-07 17:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlmodel
from alembic import op

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("handover_plan") as batch:
        batch.alter_column(
            "window_start",
            existing_type=sqlmodel.sql.sqltypes.UTCDateTime(),
            nullable=True,
        )


def downgrade() -> None:
    # A plan without a window gets its planning moment as the window's start: the column
    # cannot be empty before this revision.
    op.execute(
        "UPDATE handover_plan SET window_start = created_at WHERE window_start IS NULL"
    )
    with op.batch_alter_table("handover_plan") as batch:
        batch.alter_column(
            "window_start",
            existing_type=sqlmodel.sql.sqltypes.UTCDateTime(),
            nullable=False,
        )

"""the reminder sent before a handover window

`handover_plan.reminded_at` is when `registry remind-handovers` e-mailed the plan's parties
(the proposing fan of an offer, the brand's legal accounts, staff) that its window starts
within the next business day: set once, so a plan's reminder is never sent twice.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-01 19:40:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("handover_plan") as batch:
        batch.add_column(
            sa.Column("reminded_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("handover_plan") as batch:
        batch.drop_column("reminded_at")

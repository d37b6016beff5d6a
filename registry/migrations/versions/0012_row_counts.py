"""row counts kept by triggers

`row_count` holds the number of rows of the large tables (the handles), added to and
subtracted from by triggers in the same transaction as each insert and delete
(registry.counts): the registry list's total is one read instead of a scan.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01 17:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    from registry.adapters import counts

    op.create_table(
        "row_count",
        sa.Column("table_name", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("table_name"),
    )
    counts.install(op.get_bind())


def downgrade() -> None:
    from registry.adapters import counts

    counts.uninstall(op.get_bind())
    op.drop_table("row_count")

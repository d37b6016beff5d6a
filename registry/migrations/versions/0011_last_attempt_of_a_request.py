"""the moment of a request's latest attempt, stored with its clock

`transfer_request.last_attempt_at` (indexed, like `closed_at` now) lets the flag queries find
the few requests changed after a past day without reading every request's attempts;
`ix_transfer_request_flags` replaces the two due-date indexes, so that flagged requests are
counted off one index; the brands' calendar and time zone are indexed for the same queries.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01 16:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("transfer_request") as batch:
        batch.add_column(
            sa.Column("last_attempt_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True)
        )
    op.execute(
        "UPDATE transfer_request SET last_attempt_at = (SELECT max(happened_at)"
        " FROM contact_attempt WHERE contact_attempt.request_id = transfer_request.id)"
    )
    op.create_index("ix_transfer_request_last_attempt_at", "transfer_request", ["last_attempt_at"])
    op.create_index("ix_transfer_request_closed_at", "transfer_request", ["closed_at"])
    op.drop_index("ix_transfer_request_reply_due_on", table_name="transfer_request")
    op.drop_index("ix_transfer_request_first_contact_due_on", table_name="transfer_request")
    op.create_index(
        "ix_transfer_request_flags",
        "transfer_request",
        ["reply_due_on", "first_contact_due_on", "state", "opened_on"],
    )
    op.create_index("ix_brand_calendar", "brand", ["country", "subdivision"])
    op.create_index("ix_brand_timezone", "brand", ["timezone"])


def downgrade() -> None:
    op.drop_index("ix_brand_timezone", table_name="brand")
    op.drop_index("ix_brand_calendar", table_name="brand")
    op.drop_index("ix_transfer_request_flags", table_name="transfer_request")
    op.create_index(
        "ix_transfer_request_first_contact_due_on", "transfer_request", ["first_contact_due_on"]
    )
    op.create_index("ix_transfer_request_reply_due_on", "transfer_request", ["reply_due_on"])
    op.drop_index("ix_transfer_request_closed_at", table_name="transfer_request")
    op.drop_index("ix_transfer_request_last_attempt_at", table_name="transfer_request")
    with op.batch_alter_table("transfer_request") as batch:
        batch.drop_column("last_attempt_at")

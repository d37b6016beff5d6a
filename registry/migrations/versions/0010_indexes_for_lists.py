"""indexes for the lists at registry scale

`ix_handle_listing` (normalized, platform_id, id) is the registry list's order, so a deep
page is read off the index; `ix_transfer_request_updated_at` the requests list's order.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01 15:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_handle_listing", "handle", ["normalized", "platform_id", "id"])
    op.create_index("ix_transfer_request_updated_at", "transfer_request", ["updated_at"])


def downgrade() -> None:
    op.drop_index("ix_transfer_request_updated_at", table_name="transfer_request")
    op.drop_index("ix_handle_listing", table_name="handle")

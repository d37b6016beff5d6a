"""a brand's handles indexed in the registry list's order

`ix_handle_brand_listing` (brand_id, normalized, platform_id, id) replaces `ix_handle_brand_id`:
a brand's page and the list filtered by brand read their page off it instead of sorting
all the brand's handles (thousands for an agency's largest client).

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-01 17:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_handle_brand_listing", "handle", ["brand_id", "normalized", "platform_id", "id"]
    )
    op.drop_index("ix_handle_brand_id", table_name="handle")


def downgrade() -> None:
    op.create_index("ix_handle_brand_id", "handle", ["brand_id"])
    op.drop_index("ix_handle_brand_listing", table_name="handle")

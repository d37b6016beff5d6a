"""handover plans: a window, each side's confirmation, the outcome

`handover_plan` holds, per transfer request, the window in which the holder frees the name
and the brand claims it, who confirmed for each side and when (or by which channel staff
received it), the deadlines for confirmations and for the outcome, and the outcome itself.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-01 19:10:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    utc = sqlmodel.sql.sqltypes.UTCDateTime
    text = sqlmodel.sql.sqltypes.AutoString
    op.create_table(
        "handover_plan",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("window_start", utc(), nullable=False),
        sa.Column("window_minutes", sa.Integer(), nullable=False),
        sa.Column("timezone", text(length=64), nullable=False),
        sa.Column("notes", sa.Text(), server_default="", nullable=False),
        sa.Column("scheduled_on", sa.Date(), nullable=False),
        sa.Column("confirm_by", sa.Date(), nullable=False),
        sa.Column("outcome_by", sa.Date(), nullable=False),
        sa.Column("holder_confirmed_at", utc(), nullable=True),
        sa.Column("holder_confirmed_by_id", sa.Integer(), nullable=True),
        sa.Column("holder_channel", text(length=16), nullable=False),
        sa.Column("brand_confirmed_at", utc(), nullable=True),
        sa.Column("brand_confirmed_by_id", sa.Integer(), nullable=True),
        sa.Column("brand_channel", text(length=16), nullable=False),
        sa.Column("outcome", text(length=8), nullable=False),
        sa.Column("outcome_reason", text(length=16), nullable=False),
        sa.Column("outcome_note", sa.Text(), server_default="", nullable=False),
        sa.Column("outcome_at", utc(), nullable=True),
        sa.Column("outcome_by_id", sa.Integer(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", utc(), nullable=False),
        sa.ForeignKeyConstraint(["request_id"], ["transfer_request.id"]),
        sa.ForeignKeyConstraint(["holder_confirmed_by_id"], ["user_account.id"]),
        sa.ForeignKeyConstraint(["brand_confirmed_by_id"], ["user_account.id"]),
        sa.ForeignKeyConstraint(["outcome_by_id"], ["user_account.id"]),
        sa.ForeignKeyConstraint(["created_by_id"], ["user_account.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_handover_plan_request_id", "handover_plan", ["request_id"])
    op.create_index("ix_handover_plan_confirm_by", "handover_plan", ["confirm_by"])
    op.create_index("ix_handover_plan_outcome_by", "handover_plan", ["outcome_by"])
    op.create_index("ix_handover_plan_outcome", "handover_plan", ["outcome"])


def downgrade() -> None:
    op.drop_table("handover_plan")

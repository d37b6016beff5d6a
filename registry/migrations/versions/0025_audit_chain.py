"""audit chain: each audit entry's hash and the one before it, and the chain's head

DESIGN.md "Evidence" (tamper evidence): `audit_entry.hash` and `prev_hash` (registry.domain.
chain), the head in `audit_chain`. The entries already written are chained here, in id order,
as the registry would have chained them.

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-08 03:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

from registry.domain import chain

revision: str = "0025"
down_revision: str | None = "0024"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 2000


def upgrade() -> None:
    op.create_table(
        "audit_chain",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("head", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_audit_chain"),
    )
    with op.batch_alter_table("audit_entry", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "hash",
                sqlmodel.sql.sqltypes.AutoString(length=64),
                server_default="",
                nullable=False,
            )
        )
        batch_op.add_column(
            sa.Column(
                "prev_hash",
                sqlmodel.sql.sqltypes.AutoString(length=64),
                server_default="",
                nullable=False,
            )
        )
        batch_op.create_index(batch_op.f("ix_audit_entry_hash"), ["hash"], unique=False)
    connection = op.get_bind()
    entries = sa.table(
        "audit_entry",
        *(sa.column(name) for name in ("id", *chain.FIELDS, "hash", "prev_hash")),
    )
    entries.c.at.type = sqlmodel.sql.sqltypes.UTCDateTime()
    previous, after = chain.GENESIS, 0
    while True:
        rows = (
            connection.execute(
                sa.select(entries).where(entries.c.id > after).order_by(entries.c.id).limit(BATCH)
            )
            .mappings()
            .all()
        )
        for row in rows:
            values = dict(row)
            digest = chain.link(values, previous)
            connection.execute(
                sa.update(entries)
                .where(entries.c.id == row["id"])
                .values(prev_hash=previous, hash=digest)
            )
            previous = digest
        if len(rows) < BATCH:
            break
        after = rows[-1]["id"]
    connection.execute(
        sa.text("INSERT INTO audit_chain (id, head) VALUES (1, :head)"), {"head": previous}
    )


def downgrade() -> None:
    with op.batch_alter_table("audit_entry", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_entry_hash"))
        batch_op.drop_column("prev_hash")
        batch_op.drop_column("hash")
    op.drop_table("audit_chain")

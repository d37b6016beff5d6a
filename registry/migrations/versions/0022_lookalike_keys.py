"""lookalike keys rebuilt for the new folds

The lookalike rule (registry.domain.lookalikes) now reads names in their NFKC form without
default-ignorable characters, "rn", "vv" and "cl" as one letter, counts the edit floor on the
letters as written and keys each handle by more than one core: the keys stored by 0016 are
not the ones lookups now ask for. The upgrade rebuilds the index with the same code as
`registry reindex-lookalikes`; the downgrade leaves the new keys (the old rule finds fewer
lookalikes with them, never wrong ones: `compare` decides) and says to reindex.

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-07 17:40:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

from registry.services import lookalike_index

revision: str = "0022"
down_revision: str | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    lookalike_index.rebuild_index(op.get_bind())


def downgrade() -> None:
    """Nothing to undo in the schema; run `registry reindex-lookalikes` with the older code
    for its keys."""

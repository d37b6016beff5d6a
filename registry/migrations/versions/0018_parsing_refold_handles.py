"""stored handles refolded: NFKC, without default-ignorable code points

Until issue 25 a handle written with an invisible character ("Galli\\u034fmard" on YouTube,
whose letter class took U+034F and the variation selectors as marks) or in fullwidth letters
("Ｇａｌｌｉｍａｒｄ") could be recorded under an identity key of its own. parse_handle now
folds both away (registry.domain.handles.folded) before a platform's rules, so such a row
would no longer be found by its name. This revision gives each of those rows the display and
key parse_handle gives it today, and its lookalike keys with them.

A row whose folded key another handle of its platform already has is the same account
recorded twice: the registry never merges two histories by itself, so the row is left as it
is and named in the log (a warning per pair) for staff to merge by hand.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-07 17:30:00
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from registry.domain.handles import InvalidHandle, folded, parse_handle
from registry.domain.platforms import PLATFORMS_BY_SLUG
from registry.services import lookalike_index

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

log = logging.getLogger("alembic.runtime.migration")


def upgrade() -> None:
    bind = op.get_bind()
    platforms = {
        platform_id: (slug, kind)
        for platform_id, slug, kind in bind.execute(sa.text("SELECT id, slug, kind FROM platform"))
    }
    rows = list(bind.execute(sa.text("SELECT id, platform_id, handle, normalized FROM handle")))
    taken = {(platform_id, normalized): id_ for id_, platform_id, _, normalized in rows}
    refolded = []
    for id_, platform_id, handle, normalized in rows:
        slug, kind = platforms[platform_id]
        rules = PLATFORMS_BY_SLUG.get(slug)
        if rules is None or folded(handle) == handle:
            continue  # a platform added as data, or nothing to fold
        try:
            parsed = parse_handle(rules, handle)
        except InvalidHandle as refusal:
            log.warning("Handle %s (%s @%s) is not a valid handle: %s", id_, slug, handle, refusal)
            continue
        other = taken.get((platform_id, parsed.normalized))
        if other is not None and other != id_:
            log.warning(
                "Handle %s (%s @%s) is handle %s written another way: merge them by hand.",
                id_,
                slug,
                handle,
                other,
            )
            continue
        bind.execute(
            sa.text("UPDATE handle SET handle = :handle, normalized = :key WHERE id = :id"),
            {"handle": parsed.display, "key": parsed.normalized, "id": id_},
        )
        del taken[(platform_id, normalized)]
        taken[(platform_id, parsed.normalized)] = id_
        refolded.append((id_, platform_id, parsed.normalized, kind))
    if refolded:
        bind.execute(
            sa.text("DELETE FROM lookalike_key WHERE handle_id IN :ids").bindparams(
                sa.bindparam("ids", expanding=True)
            ),
            {"ids": [id_ for id_, *_ in refolded]},
        )
        lookalike_index.index_handles(bind, refolded)


def downgrade() -> None:
    """Nothing to undo: the folded spelling names the same account."""

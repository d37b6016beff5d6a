"""Lookalikes of a handle, and the suspected lookalikes of a brand's handles.

What looks alike is registry.domain.lookalikes' rule; this module finds the candidates without
reading every handle: the `lookalike_key` index holds each handle's keys (its cores, its
words' cores and its cores' one-deletion neighbours), one indexed `IN` query returns the
handles that share one with the query, and the domain's `compare` keeps those that look alike
and says why.

Every write of a handle keeps the index right: `add_handles` (the site, the API, the CSV
import, the demo) calls `index_handles` in its transaction, and the synthetic generator writes
the keys with its rows. Handles are never renamed or deleted (erasing a member blanks the
holder's name, not the handle), so nothing else changes a key. `registry reindex-lookalikes`
rebuilds the whole index (after a change of the folds, or of confusables.txt); migration 0016
builds it for the handles already there, and 0018 rebuilds it for the folds of December 2026
(NFKC, default-ignorables, letters read together, several cores per handle).

Scope: lookalikes on the handle's own platform by default, the one an impersonator uses to
pass for the brand; `all_platforms` widens it (the brand's suspects always look at every
platform). The same name on another platform is not a lookalike: it is the name itself, which
the registry's requests are about.

What is shown is public: the lookalike's platform, handle, brand, holder kind and status,
all on the handle's public page already; never the holder's name or contact. A brand's list of
suspects is for staff, admins and the brand's own legal accounts.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, or_
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import Select

from registry.adapters.models import Handle, LookalikeKey, Platform
from registry.domain import lookalikes as rule
from registry.domain import permissions
from registry.domain.messages import N_
from registry.services import Forbidden, Page, brands, handles
from registry.services.context import Context

# Candidates read per query: a real lookalike shares a key, and no name has this many.
MAX_CANDIDATES = 1000
LIST_LIMIT = 50  # lookalikes shown on a handle's page and in the lookup


@dataclass
class Lookalike:
    """A handle that looks like another (`resembles`), and why."""

    row: handles.HandleRow
    reasons: tuple[str, ...]
    resembles: str  # the normalised handle it looks like
    related: bool  # of the same brand: one of the brand's own, not a suspect

    @property
    def handle(self) -> Handle:
        return self.row.handle


@dataclass
class Lookalikes:
    """The lookalikes of one handle (which may not be in the registry itself)."""

    suspects: list[Lookalike]
    related: list[Lookalike]


def _candidates(
    session: Session, keys: set[str], platform_id: int | None, exclude: set[int]
) -> list[handles.HandleRow]:
    if not keys:
        return []
    query = select(LookalikeKey.handle_id).where(col(LookalikeKey.key).in_(sorted(keys)))
    if platform_id is not None:
        query = query.where(LookalikeKey.platform_id == platform_id)
    ids = [i for i in session.exec(query.distinct().limit(MAX_CANDIDATES)) if i not in exclude]
    if not ids:
        return []
    found = session.exec(handles.row_query().where(col(Handle.id).in_(ids)))
    return [handles.HandleRow(*row) for row in found]


def _same_name(a: tuple[int | None, str, str], b: tuple[int | None, str, str]) -> bool:
    """The same name on two platforms (each given as platform id, kind, normalised handle):
    the name itself, not a lookalike of it."""
    (platform_a, kind_a, normalized_a), (platform_b, kind_b, normalized_b) = a, b
    return platform_a != platform_b and rule.name_part(normalized_a, kind_a) == rule.name_part(
        normalized_b, kind_b
    )


def _found(
    session: Session,
    platform: Platform,
    normalized: str,
    own: Handle | None,
    *,
    all_platforms: bool,
    limit: int,
) -> Lookalikes:
    keys = rule.index_keys(normalized, platform.kind)
    exclude = {own.id} if own is not None and own.id is not None else set()
    brand_id = own.brand_id if own is not None else None
    matches = []
    for row in _candidates(session, keys, None if all_platforms else platform.id, exclude):
        reasons = rule.compare(normalized, row.handle.normalized, platform.kind, row.platform.kind)
        if reasons and not _same_name(
            (platform.id, platform.kind, normalized),
            (row.platform.id, row.platform.kind, row.handle.normalized),
        ):
            related = brand_id is not None and row.handle.brand_id == brand_id
            matches.append(Lookalike(row, reasons, normalized, related))
    ordered = sorted(
        matches,
        key=lambda f: (
            f.row.platform.id != platform.id,
            len(f.reasons),
            f.handle.normalized,
            f.row.platform.slug,
        ),
    )
    return Lookalikes(
        suspects=[m for m in ordered if not m.related][:limit],
        related=[m for m in ordered if m.related][:limit],
    )


def lookalikes_of(
    session: Session,
    platform_slug: str | None,
    raw: str | None,
    *,
    all_platforms: bool = False,
    limit: int = LIST_LIMIT,
) -> tuple[handles.Lookup, Lookalikes]:
    """The handle as looked up (in any spelling; in the registry or not) and the handles that
    look like it, the ones of its own brand apart as related. Refuses an unknown platform or
    an invalid handle (Invalid, as the lookup does)."""
    found = handles.lookup(session, platform_slug, raw)
    own = found.row.handle if found.row else None
    return found, _found(
        session, found.platform, found.normalized, own, all_platforms=all_platforms, limit=limit
    )


def lookalikes_of_handle(
    session: Session,
    row: handles.HandleRow,
    *,
    all_platforms: bool = False,
    limit: int = LIST_LIMIT,
) -> Lookalikes:
    """The lookalikes of a handle of the registry (its page)."""
    return _found(
        session,
        row.platform,
        row.handle.normalized,
        row.handle,
        all_platforms=all_platforms,
        limit=limit,
    )


# Pairs (brand's handle, other handle) read for a brand's suspects: a brand's every handle and
# its lookalikes, with room to spare.
MAX_PAIRS = 20_000


def _pairs_sharing_a_key(brand_id: int):
    """(the brand's handle, another brand's or nobody's handle) sharing an index key: one
    self-join of the index, so that a brand with thousands of handles needs no list of
    their keys in the statement."""
    ours, theirs = aliased(LookalikeKey), aliased(LookalikeKey)
    mine, other = aliased(Handle), aliased(Handle)
    my_platform, their_platform = aliased(Platform), aliased(Platform)
    # sqlmodel's `select` is typed for up to four columns; for more it builds this Select.
    return (
        Select(
            col(mine.id),
            col(mine.platform_id),
            col(my_platform.kind),
            col(mine.normalized),
            col(other.id),
            col(other.platform_id),
            col(their_platform.kind),
            col(other.normalized),
            col(their_platform.slug),
        )
        .distinct()
        .select_from(ours)
        .join(theirs, col(theirs.key) == ours.key)
        .join(mine, col(mine.id) == ours.handle_id)
        .join(other, col(other.id) == theirs.handle_id)
        .join(my_platform, col(my_platform.id) == mine.platform_id)
        .join(their_platform, col(their_platform.id) == other.platform_id)
        .where(
            col(mine.brand_id) == brand_id,
            or_(col(other.brand_id).is_(None), col(other.brand_id) != brand_id),
            or_(
                col(ours.kind) == rule.CORE_KEY,
                col(theirs.kind) == rule.CORE_KEY,
                and_(col(ours.kind) == rule.DELETION_KEY, col(theirs.kind) == rule.DELETION_KEY),
            ),
        )
        .limit(MAX_PAIRS)
    )


def brand_suspects(ctx: Context, slug: str, *, page: int, page_size: int) -> Page[Lookalike]:
    """The handles, on any platform, that look like one of the brand's and are not its own:
    one entry per suspect, with the brand handle it resembles most (its own platform first,
    then the fewest reasons). For staff, and the brand's own legal team."""
    session = ctx.session
    brand = brands.get_brand(session, slug)
    if not permissions.may_see_suspects(ctx.actor, brand):
        raise Forbidden(
            N_("Only staff and the brand's own legal team see its suspected lookalikes.")
        )
    # Compared on the index's columns alone; only the page's suspects are loaded whole.
    best: dict[int, tuple[tuple, tuple[str, ...], str, tuple]] = {}
    assert brand.id is not None  # a stored brand has its id
    for pair in session.exec(_pairs_sharing_a_key(brand.id)):
        _mine_id, mine_platform, mine_kind, mine_name, *theirs = pair
        their_id, their_platform, their_kind, their_name, their_slug = theirs
        reasons = rule.compare(mine_name, their_name, mine_kind, their_kind)
        if not reasons or _same_name(
            (mine_platform, mine_kind, mine_name), (their_platform, their_kind, their_name)
        ):
            continue
        rank = (mine_platform != their_platform, len(reasons), mine_name)
        if their_id not in best or rank < best[their_id][0]:
            best[their_id] = (rank, reasons, mine_name, (mine_name, their_name, their_slug))
    ordered = sorted(best, key=lambda their_id: best[their_id][3])
    start = (page - 1) * page_size
    shown = ordered[start : start + page_size]
    rows = {}
    if shown:
        query = handles.row_query().where(col(Handle.id).in_(shown))
        rows = {row[0].id: handles.HandleRow(*row) for row in session.exec(query)}
    found = [
        Lookalike(rows[their_id], best[their_id][1], best[their_id][2], False) for their_id in shown
    ]
    return Page(found, page, page_size, len(ordered))

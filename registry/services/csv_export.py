"""The registry as a CSV file, a chunk of rows at a time, with each handle's open requests and
its most urgent flag as of a day (the dashboard's own). Private fields are never exported;
a legal account exports its own brand's handles only."""

from __future__ import annotations

import csv
import dataclasses
import io
from collections.abc import Iterable, Iterator
from datetime import date
from typing import TextIO

from registry.adapters.models import (
    Brand,
    Handle,
    Platform,
)
from registry.domain.permissions import LEGAL
from registry.services import (
    handles,
    listings,
    platforms,
    require_acts_for,
)
from registry.services.context import Context
from registry.services.csv_format import EXPORT_COLUMNS, escape_cell


def export_scope(ctx: Context, filters: handles.HandleFilters) -> handles.HandleFilters:
    """What this reader may export: a legal account its own brand's handles only (a filter
    naming another brand is refused); everyone else what the filters select."""
    actor = ctx.actor
    if actor is None or actor.role != LEGAL:
        return filters
    own = ctx.session.get(Brand, actor.brand_id) if actor.brand_id else None
    if own is None or (filters.brand and filters.brand != own.slug):
        require_acts_for(actor, None)
    assert own is not None  # refused above: a legal account with no brand acts for none
    return dataclasses.replace(filters, brand=own.slug)


def export_handles(
    ctx: Context,
    filters: handles.HandleFilters | None = None,
    out: TextIO | None = None,
    *,
    as_of: date,
) -> str:
    """The registry (or the part the registry list's filters select) as CSV text: the lines
    of `export_lines` written to `out` when given (and "" returned), else returned."""
    if out is None:
        return "".join(export_lines(ctx, filters, as_of=as_of))
    for chunk in export_lines(ctx, filters, as_of=as_of):
        out.write(chunk)
    return ""


EXPORT_CHUNK = 1000  # rows read from the database and written out at a time


def export_lines(
    ctx: Context, filters: handles.HandleFilters | None = None, *, as_of: date
) -> Iterator[str]:
    """The export as CSV text, a chunk of rows at a time: the database rows of one chunk
    are in memory at once, never the whole registry's.

    One query for the handles, ordered by platform then normalised handle so two exports
    compare line by line (read `EXPORT_CHUNK` rows at a time), one for their open requests,
    and the dashboard's own query for the flags as of ``as_of``. Private fields (holder
    contact, private notes) are never exported. ``open_requests`` lists the open requests'
    numbers; ``flag`` is the most urgent flag among them (overdue, due_soon, not_contacted),
    as the dashboard shows it that day. The export is scoped to what the context's actor may
    export (`export_scope`; the operator, no actor, exports everything); the scope is checked
    before the first line."""
    filters = export_scope(ctx, filters or handles.HandleFilters())
    open_ids = listings.open_request_ids(ctx.session, as_of)
    flags = listings.flag_by_handle(ctx, as_of=as_of)
    return _lines(ctx.session, filters, open_ids, flags)


def _lines(session, filters, open_ids, flags) -> Iterator[str]:
    """The header, then the rows, `EXPORT_CHUNK` at a time, platform by platform in the
    order of their slugs. Each platform's order is read first (ids only, off the index
    (platform_id, normalized): no sort); each chunk is then a query of its own, fetched
    whole, so no database cursor stays open between chunks and only one platform's ids and
    one chunk's rows are in memory at once."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(EXPORT_COLUMNS)
    query = handles.filtered_query(filters)
    for platform in sorted(platforms.all_platforms(session), key=lambda p: p.slug):
        if filters.platform and filters.platform != platform.slug:
            continue
        ids = list(
            session.exec(
                handles.matching(filters, Handle.id)
                .where(Handle.platform_id == platform.id)
                .order_by(Handle.normalized, Handle.id)
            )
        )
        for start in range(0, len(ids), EXPORT_CHUNK):
            for row in handles.rows_in_order(session, query, ids[start : start + EXPORT_CHUNK]):
                record, platform_row, brand = row
                writer.writerow(
                    _export_row(
                        record,
                        platform_row,
                        brand,
                        open_ids.get(record.id, []),
                        flags.get(record.id, ""),
                    )
                )
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def _export_row(
    record: Handle, platform: Platform, brand: Brand | None, open_requests: list[int], flag: str
) -> Iterable[str]:
    cells = (
        platform.slug,
        record.handle,
        brand.slug if brand else "",
        record.holder_kind,
        record.holder_name,
        record.status,
        "" if record.followers is None else str(record.followers),
        record.notes,
    )
    return [*(escape_cell(cell) for cell in cells), ";".join(map(str, open_requests)), flag]

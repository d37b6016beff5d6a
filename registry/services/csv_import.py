"""Importing a spreadsheet of handles (the export: registry.services.csv_export).

An import is all-or-nothing: every row is checked with the platforms' rules first, and one bad
row means nothing is written. Rows that match the registry change nothing, so the same file can
be imported twice. Every write goes through the handle services, so each leaves an audit entry.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import BinaryIO, TextIO

from sqlmodel import Session, col, select

from registry.adapters.models import (
    HANDLE_STATUSES,
    HOLDER_KINDS,
    Brand,
    CustodyRecord,
    Handle,
    Platform,
)
from registry.domain import limits
from registry.domain.handles import ParsedHandle
from registry.domain.messages import N_, Explained, Message, as_message
from registry.domain.permissions import IMPORT, role_can
from registry.services import (
    Forbidden,
    ServiceError,
    custody,
    handles,
    platforms,
)
from registry.services.context import Context
from registry.services.csv_format import (
    COLUMNS,
    EXPORT_ONLY_COLUMNS,
    OPTIONAL_COLUMNS,
    unescape_cell,
)
from registry.services.unit import use_case

MAX_HOLDER_NAME = limits.NAME_MAX  # Handle.holder_name
MAX_NOTES = limits.NOTE_MAX  # the same limit as the handle form and the API
# Bytes that are not UTF-8 are decoded as these lone surrogates (errors="surrogateescape").
_UNDECODED_BYTE = re.compile("[\udc80-\udcff]")


@dataclass
class ImportProblem:
    """What is wrong with one line: one or more sentences, kept as Messages so the import
    page can show them in the reader's language (the CLI prints them in English)."""

    line: int  # the header is line 1
    parts: tuple[Message, ...]

    @property
    def message(self) -> str:
        return " ".join(str(part) for part in self.parts)

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


def _problem(line: int, /, *parts: Message | str, **params) -> ImportProblem:
    """A problem of one sentence with parameters, or of several Messages."""
    if params:
        (msgid,) = parts
        return ImportProblem(line, (Message(str(msgid), **params),))
    return ImportProblem(line, tuple(as_message(part) for part in parts))


class _RowProblems(ValueError):
    def __init__(self, parts: list[Message]):
        super().__init__(" ".join(str(part) for part in parts))
        self.parts = tuple(parts)


@dataclass
class ImportChange:
    """A handle the import updates, and which of its fields change."""

    line: int
    label: str  # "X @Gallimard"
    fields: list[str]


@dataclass
class ImportReport:
    dry_run: bool = False
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    problems: list[ImportProblem] = field(default_factory=list)
    changes: list[ImportChange] = field(default_factory=list)

    @property
    def refused(self) -> bool:
        return bool(self.problems)

    @property
    def rows(self) -> int:
        return self.created + self.updated + self.unchanged

    def summary(self) -> str:
        """One line in English, for the command line."""
        if self.refused:
            lines = "line" if len(self.problems) == 1 else "lines"
            return f"Nothing imported: {len(self.problems)} bad {lines}."
        return str(self.summary_message())

    def summary_message(self) -> Message:
        """What an import that was not refused did, to translate where it is shown."""
        counts = {"created": self.created, "updated": self.updated, "unchanged": self.unchanged}
        if self.dry_run:
            return Message(
                N_(
                    "Dry run, nothing saved: %(created)s created, %(updated)s updated,"
                    " %(unchanged)s unchanged."
                ),
                **counts,
            )
        return Message(
            N_("Import done: %(created)s created, %(updated)s updated, %(unchanged)s unchanged."),
            **counts,
        )


@dataclass
class _Row:
    """One valid line of the file, resolved against the registry."""

    line: int
    platform: Platform
    parsed: ParsedHandle
    brand: Brand | None
    holder_kind: str
    holder_name: str
    status: str
    followers: int | None
    notes: str
    evidence_url: str = ""

    @property
    def key(self) -> tuple[int, str]:
        """(platform id, normalised handle): how the registry knows a handle."""
        assert self.platform.id is not None  # a known platform is a stored row
        return (self.platform.id, self.parsed.normalized)


class _Registry:
    """What the import compares rows with, loaded in a few queries rather than one per row."""

    def __init__(self, session: Session):
        self.platforms = {p.slug: p for p in session.exec(select(Platform))}
        brands = list(session.exec(select(Brand)))
        # A brand is named by its slug, else by its exact name (any case).
        self.brands_by_name = {b.name.strip().lower(): b for b in brands}
        self.brands_by_slug = {b.slug: b for b in brands}
        self.brands_by_id = {b.id: b for b in brands}
        self.handles = {(h.platform_id, h.normalized): h for h in session.exec(select(Handle))}
        self.holder_since: dict[int, date] = dict(
            session.exec(
                select(col(CustodyRecord.handle_id), col(CustodyRecord.started_on))
                .where(col(CustodyRecord.ended_on).is_(None))
                # the latest open record wins, as in current_custody
                .order_by(col(CustodyRecord.id))
            ).all()
        )

    def brand(self, value: str) -> Brand | None:
        value = value.strip()
        if not value:
            return None
        brand = self.brands_by_slug.get(value.lower()) or self.brands_by_name.get(value.lower())
        if brand is None:
            raise Explained(N_('Unknown brand "%(value)s".'), value=value)
        return brand


@use_case
def import_handles(
    ctx: Context,
    source: bytes | str | BinaryIO | TextIO,
    *,
    dry_run: bool = False,
    progress: Callable[[int, int, int], None] | None = None,
) -> ImportReport:
    """Check every row of a CSV file, then create or update its handles, or write nothing.

    `progress(checked, written, problems)`, when given, hears how far it is (a background
    job shows it), every `PROGRESS_EVERY` lines checked and after each batch written.

    Nothing is written when the report has problems, nor on a dry run, which reports what the
    import would do. One transaction: a ServiceError raised while writing (a rule the checks
    did not foresee) names its line, and nothing is kept. New handles are first recorded,
    and changes of holder dated, on the context's day.
    """
    session, actor, today = ctx.session, ctx.actor, ctx.today
    if actor is not None and not role_can(actor.role, IMPORT):
        raise Forbidden(N_("Only staff can import handles."))
    report = ImportReport(dry_run=dry_run)
    lines = _decode(source, report)
    if report.refused:
        return report
    rows = _read_rows(lines, _Registry(session), today, report, progress)
    if progress is not None:
        progress(len(rows) + len(report.problems), 0, len(report.problems))
    if report.refused or dry_run:
        return report
    batch: list[handles.NewHandle] = []
    for written, (row, existing) in enumerate(rows, start=1):
        try:
            if existing is None:
                batch.append(_new(row, today=today))
            else:
                _update(ctx, row, existing)
        except ServiceError as exc:
            raise type(exc)(
                N_("line %(line)s: %(problem)s"),
                fields=exc.field_messages,
                line=row.line,
                problem=Message(exc.msgid, **exc.params),
            ) from exc
        if len(batch) == WRITE_BATCH:
            handles.add_handles(session, batch, actor=actor)
            batch = []
            if progress is not None:
                progress(len(rows), written, 0)
    if batch:
        handles.add_handles(session, batch, actor=actor)
    if progress is not None:
        progress(len(rows), len(rows), 0)
    return report


def _decode(source: bytes | str | BinaryIO | TextIO, report: ImportReport) -> list[str]:
    """The file's lines as text, keeping their endings (quoted cells may span lines)."""
    if hasattr(source, "read"):
        source = source.read()
    if isinstance(source, bytes):
        source = source.decode("utf-8", errors="surrogateescape")
    text = source.removeprefix("\ufeff")  # the byte-order mark Excel writes in "CSV UTF-8"
    lines = io.StringIO(text, newline="").readlines()
    if not any(line.strip() for line in lines):
        report.problems.append(_problem(1, N_("The file is empty."), _header_help()))
    return lines


def _undecodable(line: str, number: int) -> Message | None:
    match = _UNDECODED_BYTE.search(line)
    if match is None:
        return None
    byte = ord(match.group()) - 0xDC00
    return Message(
        N_("The file is not UTF-8 text (byte %(byte)s on line %(line)s); save it as CSV UTF-8."),
        byte=f"0x{byte:02x}",
        line=number,
    )


PROGRESS_EVERY = 1000  # lines checked between two reports of progress


def _read_rows(
    lines: list[str], registry: _Registry, today: date, report: ImportReport, progress=None
) -> list[tuple[_Row, Handle | None]]:
    """Every line checked, its problems in the report; the good rows with the handle each
    one updates (None: a new handle)."""
    # Strict: without it, a quote left open silently swallows the rest of the file into a cell.
    reader = csv.reader(lines, strict=True)
    header = _header(reader, lines, report)
    if header is None:
        return []
    positions, width = header
    rows: list[tuple[_Row, Handle | None]] = []
    first_seen: dict[tuple[int, str], int] = {}
    for start, end, values in _records(reader, report):
        problem = _shape_problem(lines, start, end, values, width)
        row = None
        if problem is None:
            problem, row = _row_of(start, values, positions, registry, first_seen)
        if problem is not None or row is None:
            assert problem is not None  # a record gives a row or a problem
            report.problems.append(problem)
            continue
        existing = registry.handles.get(row.key)
        _classify(row, existing, registry, today, report)
        rows.append((row, existing))
        if progress is not None and len(rows) % PROGRESS_EVERY == 0:
            progress(len(rows) + len(report.problems), 0, len(report.problems))
    return rows


def _header(reader, lines: list[str], report: ImportReport) -> tuple[dict[str, int], int] | None:
    """Where each known column is, and how many columns there are; None (and the problem in
    the report) when the header cannot be used."""
    try:
        header = next(reader)
    except csv.Error as exc:
        report.problems.append(_problem(1, _malformed(exc)))
        return None
    undecodable = _undecodable(lines[0], 1)
    problems = [undecodable] if undecodable else _check_header(header)
    if problems:
        report.problems.append(_problem(1, *problems))
        return None
    columns = [name.strip().lower() for name in header]
    known = (*COLUMNS, *OPTIONAL_COLUMNS)
    return {name: columns.index(name) for name in known if name in columns}, len(columns)


def _records(reader, report: ImportReport) -> Iterator[tuple[int, int, list[str]]]:
    """(first line, last line, values) of each record after the header that holds a value;
    a record the csv module cannot read is reported and skipped."""
    end = reader.line_num
    while True:
        start = end + 1
        try:
            values = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            report.problems.append(_problem(start, _malformed(exc)))
            end = reader.line_num
            continue
        end = reader.line_num
        if any(value.strip() for value in values):  # not blank, nor a spreadsheet's empty row
            yield start, end, values


TOO_MANY_VALUES = N_(
    "%(values)s values for %(columns)s columns; put quotes around values that contain commas."
)
TOO_FEW_VALUES = N_(
    "%(values)s values for %(columns)s columns;"
    " every line needs a value, even an empty one, for each column."
)


def _shape_problem(
    lines: list[str], start: int, end: int, values: list[str], width: int
) -> ImportProblem | None:
    """Why a record cannot be read as a row at all: bytes that are not UTF-8, or not one
    value per column."""
    undecodable = [_undecodable(lines[n - 1], n) for n in range(start, end + 1)]
    found = next((part for part in undecodable if part), None)
    if found is not None:
        return _problem(start, found)
    if len(values) == width:
        return None
    message = TOO_MANY_VALUES if len(values) > width else TOO_FEW_VALUES
    return _problem(start, message, values=len(values), columns=width)


def _row_of(
    start: int,
    values: list[str],
    positions: dict[str, int],
    registry: _Registry,
    first_seen: dict[tuple[int, str], int],
) -> tuple[ImportProblem | None, _Row | None]:
    """The record's row, checked, and not a handle an earlier line already names (noted in
    `first_seen`); else its problem."""
    cells = {name: unescape_cell(values[i]) for name, i in positions.items()}
    try:
        row = _check_row(start, cells, registry)
    except _RowProblems as exc:
        return _problem(start, *exc.parts), None
    key = row.key
    if key in first_seen:
        repeated = _problem(
            start,
            N_("repeats line %(line)s (%(platform)s @%(handle)s)."),
            line=first_seen[key],
            platform=row.platform.name,
            handle=row.parsed.display,
        )
        return repeated, None
    first_seen[key] = start
    return None, row


def _malformed(error: csv.Error) -> Message:
    if "unexpected end of data" in str(error):
        return Message(N_('A quoted value opened here is never closed (a missing ").'))
    return Message(
        N_("The line is not valid CSV (%(error)s); double any quote inside a quoted value."),
        error=str(error),
    )


def _columns_message(one: str, several: str, names: list[str]) -> Message:
    return Message(one if len(names) == 1 else several, columns=", ".join(names))


def _check_header(header: list[str]) -> list[Message]:
    """What is wrong with the header line, followed by the help; empty when it is right."""
    columns = [name.strip().lower() for name in header]
    known = set(COLUMNS) | set(OPTIONAL_COLUMNS) | set(EXPORT_ONLY_COLUMNS)
    problems = []
    missing = [name for name in COLUMNS if name not in columns]
    if missing:
        problems.append(
            _columns_message(
                N_("Missing column: %(columns)s."), N_("Missing columns: %(columns)s."), missing
            )
        )
    unknown = [name or "(blank)" for name in columns if name not in known]
    if unknown:
        problems.append(
            _columns_message(
                N_("Unknown column: %(columns)s."), N_("Unknown columns: %(columns)s."), unknown
            )
        )
    repeated = sorted({name for name in columns if name and columns.count(name) > 1})
    if repeated:
        problems.append(
            _columns_message(
                N_("Repeated column: %(columns)s."), N_("Repeated columns: %(columns)s."), repeated
            )
        )
    if problems:
        return [*problems, _header_help()]
    return []


def _header_help() -> Message:
    return Message(
        N_("The first line must name the columns: %(columns)s."), columns=",".join(COLUMNS)
    )


def _check_row(line: int, cells: dict[str, str], registry: _Registry) -> _Row:
    """The row, resolved; or _RowProblems naming everything wrong with it."""
    problems: list[Message] = [  # a NUL character or a lone surrogate, in any column
        Message(N_("%(field)s: %(problem)s"), field=name, problem=Message(problem))
        for name, value in cells.items()
        if (problem := limits.unstorable_text(value))
    ]
    slug = cells["platform"].strip().lower()
    platform = registry.platforms.get(slug)
    parsed = None
    if not slug:
        problems.append(Message(N_("The platform is empty.")))
    elif platform is None:
        problems.append(Message(N_('Unknown platform "%(slug)s".'), slug=slug))
    elif not cells["handle"].strip():
        problems.append(Message(N_("The handle is empty.")))
    else:
        parsed = _collect(problems, platforms.parse, platform, cells["handle"])
    brand = _collect(problems, registry.brand, cells["brand"])
    holder_kind = _collect(
        problems, _choice, cells["holder_kind"], HOLDER_KINDS, "holder_kind", "unknown"
    )
    status = _collect(problems, _choice, cells["status"], HANDLE_STATUSES, "status", "active")
    followers = _collect(problems, handles.check_followers, cells["followers"].strip())
    holder_name = cells["holder_name"].strip()
    if len(holder_name) > MAX_HOLDER_NAME:
        problems.append(
            Message(N_("The holder's name is longer than %(max)s characters."), max=MAX_HOLDER_NAME)
        )
    notes = cells["notes"].strip()
    if len(notes) > MAX_NOTES:
        problems.append(Message(N_("The notes are longer than %(max)s characters."), max=MAX_NOTES))
    evidence_url = _collect(problems, limits.check_web_url, cells.get("evidence_url", ""))
    if problems or platform is None or parsed is None:
        raise _RowProblems(problems)
    return _Row(
        line=line,
        platform=platform,
        parsed=parsed,
        brand=brand,
        holder_kind=holder_kind,
        holder_name=holder_name,
        status=status,
        followers=followers,
        notes=notes,
        evidence_url=evidence_url or "",
    )


def _collect(problems: list[Message], check, *args):
    try:
        return check(*args)
    except ServiceError as exc:
        problems.append(Message(exc.msgid, **exc.params))
    except Explained as exc:
        problems.append(exc.message)
    except ValueError as exc:
        problems.append(Message(str(exc)))
    return None


def _choice(value: str, choices: tuple[str, ...], column: str, default: str) -> str:
    # A blank cell means the form's default; "For sale" reads as for_sale.
    value = value.strip().lower().replace(" ", "_") or default
    return handles.check_choice(value, choices, column, column.replace("_", " "))


def _changed_fields(row: _Row, record: Handle) -> list[str]:
    wanted = {
        "brand": row.brand.id if row.brand else None,
        "holder_kind": row.holder_kind,
        "holder_name": row.holder_name,
        "status": row.status,
        "followers": row.followers,
        "notes": row.notes,
    }
    current = {
        "brand": record.brand_id,
        "holder_kind": record.holder_kind,
        "holder_name": record.holder_name,
        "status": record.status,
        "followers": record.followers,
        "notes": record.notes,
    }
    return [name for name in wanted if wanted[name] != current[name]]


def _classify(
    row: _Row, existing: Handle | None, registry: _Registry, today: date, report: ImportReport
) -> None:
    if existing is None:
        report.created += 1
        return
    changed = _changed_fields(row, existing)
    if not changed:
        report.unchanged += 1
        return
    assert existing.id is not None  # a handle in the registry is a stored row
    since = registry.holder_since.get(existing.id)
    holder_changes = {"holder_kind", "holder_name"} & set(changed)
    if holder_changes and since is not None and since > today:
        # custody.change_holder would refuse it; say so now rather than halfway through.
        report.problems.append(
            _problem(
                row.line,
                N_(
                    "The current holder has held it since %(since)s;"
                    " the change cannot be dated before that."
                ),
                since=since,
            )
        )
        return
    report.updated += 1
    report.changes.append(
        ImportChange(row.line, f"{row.platform.name} @{existing.handle}", changed)
    )


# New handles are written this many at a time: a few batched statements, not one per row.
WRITE_BATCH = 1000


def _new(row: _Row, *, today: date) -> handles.NewHandle:
    """A new line's handle, checked by the same rules as one added by hand."""
    return handles.new_handle(
        row.platform,
        row.parsed,
        today=today,
        brand_id=row.brand.id if row.brand else None,
        holder_kind=row.holder_kind,
        holder_name=row.holder_name,
        status=row.status,
        followers=row.followers,
        notes=row.notes,
        evidence_url=row.evidence_url,
    )


def _update(ctx: Context, row: _Row, existing: Handle) -> None:
    today = ctx.today
    changed = set(_changed_fields(row, existing))
    if changed & {"brand", "status", "followers", "notes"}:
        values: dict = {
            "brand_id": row.brand.id if row.brand else None,
            "status": row.status,
            "notes": row.notes,
        }
        if "followers" in changed:
            values["followers"] = row.followers
            values["followers_seen_on"] = today if row.followers is not None else None
        handles.edit_handle(ctx, existing, **values)
    if changed & {"holder_kind", "holder_name"}:
        custody.move_custody(
            ctx,
            existing,
            holder_kind=row.holder_kind,
            holder_name=row.holder_name,
            started_on=today,
            evidence_url=row.evidence_url,
            note_code=custody.IMPORTED,
        )

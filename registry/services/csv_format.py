"""The registry's CSV file, as the import reads it and the export writes it: its columns, the
cells a spreadsheet would run as formulas, and a short example for the import page."""

from __future__ import annotations

import csv
import io

COLUMNS = (
    "platform",
    "handle",
    "brand",
    "holder_kind",
    "holder_name",
    "status",
    "followers",
    "notes",
)
# May be left out of a file: the link that proves who holds the handle, kept on its new
# custody record (an http or https URL, as everywhere in the registry).
OPTIONAL_COLUMNS = ("evidence_url",)
# Computed from transfer requests on export; accepted and ignored on import.
EXPORT_ONLY_COLUMNS = ("open_requests", "flag")
EXPORT_COLUMNS = (*COLUMNS, *EXPORT_ONLY_COLUMNS)

EXAMPLE_ROWS = (
    ("x", "@Gallimard", "gallimard", "fan", "Julien", "active", "1500", "Registered in 2009"),
    ("facebook", "nespresso", "Nespresso", "brand", "", "active", "1200000", ""),
)

# Spreadsheets run a cell that starts with one of these as a formula (CSV injection), so the
# export puts an apostrophe in front of it, as spreadsheets do themselves, and the import
# takes it off again.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def escape_cell(value: str) -> str:
    """A text cell as exported: an apostrophe before what a spreadsheet would run."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def unescape_cell(value: str) -> str:
    if value.startswith("'") and value[1:].startswith(FORMULA_STARTS):
        return value[1:]
    return value


def example_csv() -> str:
    """A short file in the import format, for the help on the import page."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerows(EXAMPLE_ROWS)
    return buffer.getvalue()

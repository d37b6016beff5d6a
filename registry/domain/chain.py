"""The audit trail as a hash chain (DESIGN.md "Evidence": tamper evidence): each entry carries
the SHA-256 of its content and of the entry before it, so changing an entry, removing one or
changing their order breaks the chain at that place, and `registry verify` names it.

Pure: an entry's content comes in as plain values, its hash goes out. The content is written
as canonical JSON (sorted keys, no spaces, UTF-8), its moment in ISO 8601 UTC with
microseconds, so that SQLite and PostgreSQL give back the very bytes that were hashed.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

GENESIS = "0" * 64  # the hash "before" the first entry
FIELDS = (
    "at",
    "actor_id",
    "actor_label",
    "action",
    "entity_type",
    "entity_id",
    "summary",
    "params",
    "before",
    "after",
)


def _moment(value: datetime) -> str:
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def content(entry: Mapping[str, Any]) -> bytes:
    """An entry's content as the bytes its hash is taken of."""
    values = {name: entry.get(name) for name in FIELDS}
    at = values["at"]
    values["at"] = _moment(at) if isinstance(at, datetime) else at
    return json.dumps(values, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def link(entry: Mapping[str, Any], prev_hash: str) -> str:
    """The hash of an entry chained after `prev_hash`."""
    return hashlib.sha256(prev_hash.encode() + b"\n" + content(entry)).hexdigest()


@dataclass(frozen=True)
class Break:
    """Where the chain first breaks, in words the operator reads."""

    entry_id: int | None
    reason: str

    def __str__(self) -> str:
        where = f"entry #{self.entry_id}" if self.entry_id is not None else "the end of the trail"
        return f"{where}: {self.reason}"


CHANGED = "its content was changed since it was written"
UNLINKED = "the entry before it was removed, or entries were reordered"
TAIL_REMOVED = "the last entries were removed (the chain's head names a later one)"


def check(entry: Mapping[str, Any], expected_prev: str) -> Break | None:
    """Whether one entry (with its stored `id`, `hash` and `prev_hash`) holds in the chain
    after an entry whose hash is `expected_prev`."""
    if link(entry, entry.get("prev_hash") or "") != entry.get("hash"):
        return Break(entry.get("id"), CHANGED)
    if entry.get("prev_hash") != expected_prev:
        return Break(entry.get("id"), UNLINKED)
    return None

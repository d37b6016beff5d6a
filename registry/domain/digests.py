"""Who is told what in the overdue digest (`registry notify-overdue`) and the Atom feed.

Staff and admins hear of every request, a brand's legal accounts of their brand's only. A
digest lists the requests that are overdue or due soon as of its day and that the member was
not yet told about with that flag: a request that moves from due soon to overdue is told
again, for its new flag, and never twice for the same one.

Pure: no Flask, no database.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from registry.domain.clock import DUE_SOON, OVERDUE
from registry.domain.permissions import ADMIN, LEGAL, STAFF

# The flags a digest tells of, most urgent first; `not_contacted` is the team's own to-do.
NOTIFIED_FLAGS: tuple[str, ...] = (OVERDUE, DUE_SOON)
RECIPIENT_ROLES: frozenset[str] = frozenset({STAFF, LEGAL, ADMIN})


def receives_digests(role: str | None) -> bool:
    """Whether a member of this role may receive the digest and hold a feed token."""
    return role in RECIPIENT_ROLES


@dataclass(frozen=True)
class Flagged:
    """A request with a flag as of the digest's day, and the brand its handle names."""

    request_id: int
    flag: str
    brand_id: int | None


@dataclass(frozen=True)
class Recipient:
    user_id: int
    role: str
    brand_id: int | None  # the brand a legal account acts for


def sees(recipient: Recipient, item: Flagged) -> bool:
    """Staff and admins see every request; legal only those of the brand it acts for."""
    if recipient.role in (STAFF, ADMIN):
        return True
    return (
        recipient.role == LEGAL
        and recipient.brand_id is not None
        and item.brand_id == recipient.brand_id
    )


def notified(items: Iterable[Flagged]) -> list[Flagged]:
    """The items a digest or the feed tells of, most urgent flag first (stable otherwise)."""
    rank = {flag: n for n, flag in enumerate(NOTIFIED_FLAGS)}
    return sorted((i for i in items if i.flag in rank), key=lambda i: rank[i.flag])


def digests(
    items: Iterable[Flagged],
    recipients: Iterable[Recipient],
    sent: set[tuple[int, str, int]],
) -> dict[int, list[Flagged]]:
    """For each recipient (by user id) with something new, what their digest lists.

    `sent` holds the (request id, flag, user id) notices already sent; a recipient with
    nothing new is left out (no empty digest)."""
    told = notified(items)
    found: dict[int, list[Flagged]] = {}
    for recipient in recipients:
        if not receives_digests(recipient.role):
            continue
        new = [
            item
            for item in told
            if sees(recipient, item) and (item.request_id, item.flag, recipient.user_id) not in sent
        ]
        if new:
            found[recipient.user_id] = new
    return found

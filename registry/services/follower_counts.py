"""A handle's follower counts over time (DESIGN.md "Evidence": `followers_history`).

Every new count given for a handle (added, edited on the site or through the API, imported)
is kept with the day it was seen, in the same transaction as the handle's change; the same
count seen on the same day is one entry. Followers are the account's, not a member's: there
is nothing in them to erase."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlmodel import Session, col, select

from registry.adapters.bulk import insert_rows
from registry.adapters.models import FollowerCount, utcnow


def record_counts(session: Session, counts: Iterable[tuple[int, int, date]]) -> None:
    """Start the history of new handles: (handle id, followers, seen on), in one INSERT."""
    now = utcnow()
    insert_rows(
        session,
        FollowerCount,
        [
            {"handle_id": handle_id, "followers": followers, "seen_on": seen_on, "recorded_at": now}
            for handle_id, followers, seen_on in counts
        ],
    )


def record_count(session: Session, handle_id: int, followers: int, seen_on: date) -> bool:
    """Keep a count given for a handle, unless the same count was already seen that day.
    Whether it was kept."""
    known = session.exec(
        select(FollowerCount.id).where(
            FollowerCount.handle_id == handle_id,
            FollowerCount.seen_on == seen_on,
            FollowerCount.followers == followers,
        )
    ).first()
    if known is not None:
        return False
    session.add(FollowerCount(handle_id=handle_id, followers=followers, seen_on=seen_on))
    session.flush()
    return True


def history(session: Session, handle_id: int) -> list[FollowerCount]:
    """A handle's counts, oldest first (by the day seen, then in the order given)."""
    return list(
        session.exec(
            select(FollowerCount)
            .where(FollowerCount.handle_id == handle_id)
            .order_by(col(FollowerCount.seen_on), col(FollowerCount.id))
        )
    )

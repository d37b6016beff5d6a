"""The overdue digest (`registry notify-overdue`) and the Atom feed of a member's flagged
requests: who gets which requests (registry.domain.digests), the notices already sent, and
the feed tokens.

The flags are the dashboard's own (registry.services.listings.flagged), as of the digest's
day. A notice is recorded per member once their e-mail went out (`mark_sent`): a failure to
reach one member records nothing for them, and they get it at the next run. Two runs at once
record each notice once (the table's unique constraint); both may send, which a daily
scheduler never does.

A feed token is 256 random bits shown once, when it is made; only its SHA-256 is stored, as
for API tokens, so a copy of the database gives nobody a working feed address. It is a token
of its own, not an API token: a feed reader's URL is kept in places a bearer token must not
be (the reader's settings, its server's logs), and it can only read this feed."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import CursorResult
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, select

from registry.adapters.models import DigestNotice, User
from registry.domain import clock, digests
from registry.domain.messages import N_
from registry.services import Forbidden, audit, listings
from registry.services.context import Context
from registry.services.flags import FlagCutoffs
from registry.services.listings import ListedRequest
from registry.services.unit import use_case

FEED_TOKEN_BYTES = 32


@dataclass(frozen=True)
class Digest:
    """One member's digest: the requests they were not told of yet with this flag."""

    recipient: User
    items: tuple[ListedRequest, ...]

    @property
    def notices(self) -> list[tuple[int, str]]:
        return [(_request_id(row), row.flag or "") for row in self.items]


def _reachable(user: User) -> bool:
    return user.active and user.deleted_at is None and bool(user.email)


def recipients(session: Session) -> list[User]:
    """Staff, admins and legal accounts that are active, not erased and want the digest."""
    found = session.exec(
        select(User)
        .where(col(User.role).in_(sorted(digests.RECIPIENT_ROLES)), col(User.digests))
        .order_by(col(User.id))
    )
    return [user for user in found if _reachable(user)]


def _request_id(row: ListedRequest) -> int:
    assert row.request.id is not None  # a listed request is a stored row
    return row.request.id


def _facts(row: ListedRequest) -> digests.Flagged:
    return digests.Flagged(_request_id(row), row.flag or "", row.brand.id if row.brand else None)


def _recipient(user: User) -> digests.Recipient:
    assert user.id is not None  # a stored account has its id
    return digests.Recipient(user.id, user.role, user.brand_id)


def notified_rows(ctx: Context, *, as_of: date) -> list[ListedRequest]:
    """The open requests overdue or due soon as of `as_of`, as the dashboard lists them."""
    rows = listings.flagged(ctx, as_of=as_of)
    return [row for row in rows if row.flag in digests.NOTIFIED_FLAGS]


def _sent(session: Session, request_ids: list[int]) -> set[tuple[int, str, int]]:
    sent: set[tuple[int, str, int]] = set()
    for start in range(0, len(request_ids), 500):
        chunk = request_ids[start : start + 500]
        sent.update(
            session.exec(
                select(DigestNotice.request_id, DigestNotice.flag, DigestNotice.user_id).where(
                    DigestNotice.request_id.in_(chunk)  # type: ignore[attr-defined]
                )
            )
        )
    return sent


def digests_due(ctx: Context, *, as_of: date) -> list[Digest]:
    """Each member's digest as of `as_of`, members with nothing new left out."""
    session = ctx.session
    rows = notified_rows(ctx, as_of=as_of)
    if not rows:
        return []
    members = recipients(session)
    by_key = {(row.request.id, row.flag): row for row in rows}
    chosen = digests.digests(
        [_facts(row) for row in rows],
        [_recipient(user) for user in members],
        _sent(session, [_request_id(row) for row in rows]),
    )
    return [
        Digest(user, tuple(by_key[(item.request_id, item.flag)] for item in chosen[user.id]))
        for user in members
        if user.id in chosen
    ]


@use_case
def mark_sent(ctx: Context, user_id: int, notices: list[tuple[int, str]]) -> int:
    """Record that the member was told of these (request, flag) notices, now; a notice
    already recorded (by a run at the same time) stays as it is. Returns how many are new."""
    if not notices:
        return 0
    session = ctx.session
    rows = [
        {"request_id": request_id, "flag": flag, "user_id": user_id, "sent_at": ctx.now}
        for request_id, flag in notices
    ]
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    statement = dialect.insert(DigestNotice).values(rows).on_conflict_do_nothing()
    result = session.execute(statement)
    assert isinstance(result, CursorResult)  # an INSERT's result counts its rows
    return max(result.rowcount or 0, 0)


# --- the feed -------------------------------------------------------------------------------


def hash_feed_token(plaintext: str) -> str:
    return hashlib.sha256(plaintext.encode()).hexdigest()


def may_hold_feed(user: User | None) -> bool:
    return user is not None and _reachable(user) and digests.receives_digests(user.role)


@use_case
def make_feed_token(ctx: Context, user: User) -> str:
    """A new feed token for the member (the old one stops working); returns the plaintext,
    which is never stored."""
    if not may_hold_feed(user):
        raise Forbidden(N_("Only staff, legal and admin accounts have an overdue feed."))
    plaintext = secrets.token_urlsafe(FEED_TOKEN_BYTES)
    _set_feed(ctx.session, user, hash_feed_token(plaintext), N_("New address for the overdue feed"))
    return plaintext


def _set_feed(session: Session, user: User, token_hash: str | None, summary: str) -> None:
    user.feed_token_hash = token_hash
    session.add(user)
    audit.record(session, actor=user, action="user.feed", entity=user, summary=summary)


@use_case
def revoke_feed_token(ctx: Context, user: User) -> User:
    """Turn the member's feed off: its address stops working."""
    if user.feed_token_hash is not None:
        _set_feed(ctx.session, user, None, N_("Overdue feed turned off"))
    return user


def feed_owner(session: Session, plaintext: str | None) -> User | None:
    """The member whose feed token this is, if they may still read a feed; else None."""
    if not plaintext or len(plaintext) > 200:
        return None
    owner = session.exec(
        select(User).where(User.feed_token_hash == hash_feed_token(plaintext))
    ).first()
    return owner if may_hold_feed(owner) else None


@dataclass(frozen=True)
class FeedEntry:
    row: ListedRequest
    since: date  # the first day the request had its flag


def flag_began(row: ListedRequest, calendar: clock.BusinessCalendar) -> date:
    """The first day the request had its flag: the day after its due date for `overdue`;
    for `due_soon`, the first day whose due-soon window (FlagCutoffs) reaches the due date."""
    due = row.due_date
    if due is None:
        return date.min
    if row.flag == clock.OVERDUE:
        return due + timedelta(days=1)
    day = due
    while FlagCutoffs.of(calendar, day - timedelta(days=1)).due_soon_until >= due:
        day -= timedelta(days=1)
    return day


def feed_entries(ctx: Context, owner: User, *, as_of: date) -> list[FeedEntry]:
    """The overdue and due-soon requests the feed's owner sees as of `as_of`, most urgent
    first (staff and admins: all of them; legal: their brand's)."""
    recipient, policy = _recipient(owner), ctx.policy
    rows = notified_rows(ctx, as_of=as_of)
    return [
        FeedEntry(row, flag_began(row, policy.calendar_for(row.brand)))
        for row in rows
        if digests.sees(recipient, _facts(row))
    ]

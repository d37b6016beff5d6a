"""A member's notifications (DESIGN.md "Notifications"): the list on /me/notifications, opening
one (marked read), the unread count in every page's header, the choices per topic and
channel, and the one-click unsubscribe of an e-mail's link; for the job that e-mails them
(registry.jobs.notification_mail), the claim that keeps one from being sent twice.

Who may read what is asked again when a notification is read, not only when it was made
(registry.services.dispatch): a member whose role changed, or who may no longer read the
request, is not shown it. The rule is permissions.can_view and the role's topics
(notifications.topics_for); `_readable` says the same in SQL, so that the page, its count
and the header's count agree, and each row is checked once more against can_view itself.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import and_, delete, func, or_, update
from sqlmodel import Session, col, select

from registry.adapters.models import (
    Brand,
    Event,
    Notification,
    NotificationPreference,
    Platform,
    TransferRequest,
    User,
)
from registry.domain import notifications, permissions
from registry.domain.messages import N_
from registry.domain.notifications import Channel, EventKind, Topic
from registry.services import NotFound, Page, clamp_page
from registry.services.context import Context
from registry.services.unit import use_case

# The header says "99+" beyond this: counting stops at 100 rows of the unread index.
UNREAD_CAP = 100
# A worker that claimed an e-mail and vanished: after this, another may send it.
CLAIM_TIMEOUT = timedelta(minutes=10)
UNSUBSCRIBE_SALT = "notification-unsubscribe"
NO_SUCH_NOTIFICATION = N_("No such notification.")
BAD_LINK = N_("This unsubscribe link is not valid. Change your e-mails in your settings.")

# Where a notification leads when it is opened.
TO_REQUEST, TO_UNMATCHED_MAIL = "request", "unmatched_mail"
TO_WEBHOOKS, TO_LIST = "webhooks", "list"


@dataclass(frozen=True)
class Item:
    """One notification as its reader sees it: the facts its sentence is made of
    (registry.presentation.notices says it), whether it was read, where it leads."""

    id: int
    topic: str
    kind: str  # the event's (EventKind)
    created_at: datetime
    read: bool
    target: str  # TO_REQUEST, TO_UNMATCHED_MAIL, TO_WEBHOOKS or TO_LIST (nowhere else)
    request_id: int | None = None
    request_kind: str = ""  # "offer" or "claim"
    handle: str = ""
    platform: str = ""  # the platform's name
    brand: str = ""  # the brand's name
    to_state: str = ""  # of a decision: agreed or declined
    sender: str = ""  # of unmatched mail
    subject: str = ""
    hook_url: str = ""  # of a disabled webhook


# --- who may read which notification -------------------------------------------------------------


def _readable(user: User):
    """The member's notifications they may read now (see the module's docstring): on the site
    or not, as the caller adds. Needs Event and TransferRequest joined (outer)."""
    clauses: list[Any] = [
        col(Notification.user_id) == user.id,
        col(Notification.topic).in_([str(t) for t in notifications.topics_for(user.role)]),
    ]
    if not permissions.role_can(user.role, permissions.READ_ALL):
        # permissions.can_view: the proposer reads their own requests, and nobody else's.
        clauses.append(
            or_(col(Event.request_id).is_(None), col(TransferRequest.proposer_id) == user.id)
        )
    return and_(*clauses)


def _joined(query):
    return query.join(Event, col(Event.id) == col(Notification.event_id)).outerjoin(
        TransferRequest, col(TransferRequest.id) == col(Event.request_id)
    )


def _on_site(user: User):
    return and_(col(Notification.on_site).is_(True), _readable(user))


def unread_count(session: Session, user: User | None) -> int:
    """How many notifications the member has not read, counted up to UNREAD_CAP: one query
    that walks the unread index (ix_notification_unread) and stops there."""
    if user is None or user.id is None:
        return 0
    unread = _joined(select(Notification.id)).where(
        _on_site(user), col(Notification.read_at).is_(None)
    )
    bounded = unread.limit(UNREAD_CAP).subquery()
    return int(session.exec(select(func.count()).select_from(bounded)).one())


def notifications_page(ctx: Context, page: int | str | None = 1) -> Page[Item]:
    """The signed-in member's notifications, newest first; `extra["unread"]` counts the
    unread ones (as the header does)."""
    user = _member(ctx)
    number = clamp_page(page)
    size = int(ctx.settings["PAGE_SIZE"])
    session = ctx.session
    total = session.exec(
        _joined(select(func.count()).select_from(Notification)).where(_on_site(user))
    ).one()
    rows = session.exec(
        _joined(select(Notification, Event, TransferRequest))
        .where(_on_site(user))
        .order_by(col(Notification.created_at).desc(), col(Notification.id).desc())
        .offset((number - 1) * size)
        .limit(size)
    ).all()
    items = _items(session, user, rows)
    return Page(items, number, size, int(total), extra={"unread": unread_count(session, user)})


def _member(ctx: Context) -> User:
    if ctx.actor is None or ctx.actor.id is None:
        raise NotFound(NO_SUCH_NOTIFICATION)
    return ctx.actor


def _items(session: Session, user: User, rows) -> list[Item]:
    brand_ids = {event.brand_id for _n, event, _r in rows if event.brand_id is not None}
    brands = (
        dict(session.exec(select(Brand.id, Brand.name).where(col(Brand.id).in_(brand_ids))).all())
        if brand_ids
        else {}
    )
    datas = {event.id: json.loads(event.data or "{}") for _n, event, _r in rows}
    slugs = {(datas[e.id].get("handle") or {}).get("platform") for _n, e, _r in rows} - {None}
    platforms = (
        dict(
            session.exec(
                select(Platform.slug, Platform.name).where(col(Platform.slug).in_(slugs))
            ).all()
        )
        if slugs
        else {}
    )
    items = []
    for row, event, request in rows:
        if request is not None and not permissions.can_view(user, request):
            continue  # the SQL said the same; the rule itself has the last word
        items.append(_item(row, event, request, datas[event.id], brands, platforms))
    return items


def _item(row, event, request, data: dict, brands: Mapping, platforms: Mapping) -> Item:
    handle = data.get("handle") or {}
    mail = data.get("mail") or {}
    slug = handle.get("platform") or ""
    if event.kind == EventKind.MAIL_UNMATCHED:
        target = TO_UNMATCHED_MAIL
    elif event.kind == EventKind.WEBHOOK_DISABLED:
        target = TO_WEBHOOKS
    else:
        target = TO_REQUEST if request is not None else TO_LIST
    return Item(
        id=row.id,
        topic=row.topic,
        kind=event.kind,
        created_at=row.created_at,
        read=row.read_at is not None,
        target=target,
        request_id=request.id if request is not None else None,
        request_kind=request.kind if request is not None else "",
        handle=handle.get("handle") or "",
        platform=platforms.get(slug, slug),
        brand=brands.get(event.brand_id, data.get("brand") or ""),
        to_state=(data.get("transition") or {}).get("to", ""),
        sender=mail.get("sender") or "",
        subject=mail.get("subject") or "",
        hook_url=(data.get("webhook") or {}).get("url") or data.get("url") or "",
    )


def item_of(session: Session, user: User, notification_id: int) -> Item | None:
    """One of the member's notifications, as the list shows it, if they may read it now
    (on the site or not: an e-mail is composed from it too)."""
    row = session.exec(
        _joined(select(Notification, Event, TransferRequest)).where(
            col(Notification.id) == notification_id, _readable(user)
        )
    ).first()
    if row is None:
        return None
    items = _items(session, user, [row])
    return items[0] if items else None


# --- reading -------------------------------------------------------------------------------------


@use_case
def open_notification(ctx: Context, notification_id: int) -> Item:
    """The member opens one of their notifications: it is read from now on, and it says
    where it leads. Another member's, or one they may no longer read: NotFound."""
    user = _member(ctx)
    item = item_of(ctx.session, user, notification_id)
    if item is None:
        raise NotFound(NO_SUCH_NOTIFICATION)
    ctx.session.exec(
        update(Notification)
        .where(col(Notification.id) == notification_id, col(Notification.read_at).is_(None))
        .values(read_at=ctx.now)
    )
    return item


@use_case
def mark_all_read(ctx: Context) -> int:
    """Every unread notification of the member read now; how many there were."""
    user = _member(ctx)
    result = ctx.session.exec(
        update(Notification)
        .where(col(Notification.user_id) == user.id, col(Notification.read_at).is_(None))
        .values(read_at=ctx.now)
    )
    return int(result.rowcount or 0)


# --- choices -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Choice:
    """One topic's channels, on or off, as the settings page shows them."""

    topic: str
    site: bool
    email: bool


CHANNELS = (Channel.SITE, Channel.EMAIL)


def _choices(session: Session, user_id: int) -> dict[tuple[str, str], bool]:
    rows = session.exec(
        select(NotificationPreference).where(NotificationPreference.user_id == user_id)
    )
    return {(p.topic, p.channel): p.enabled for p in rows}


def preferences(ctx: Context) -> list[Choice]:
    """The member's choices for each topic of their role (without a row: on)."""
    user = _member(ctx)
    assert user.id is not None
    chosen = _choices(ctx.session, user.id)
    return [
        Choice(
            topic=str(topic),
            site=chosen.get((topic, Channel.SITE), True),
            email=chosen.get((topic, Channel.EMAIL), True),
        )
        for topic in notifications.topics_for(user.role)
    ]


@use_case
def save_preferences(ctx: Context, enabled: Iterable[tuple[str, str]]) -> list[Choice]:
    """The member's choices: each (topic, channel) named is on, every other channel of their
    role's topics off. Topics their role does not hear of are left alone."""
    user = _member(ctx)
    assert user.id is not None
    on = {(str(topic), str(channel)) for topic, channel in enabled}
    for topic in notifications.topics_for(user.role):
        for channel in CHANNELS:
            _set(ctx.session, user.id, topic, channel, (topic, channel) in on)
    return preferences(ctx)


def _set(session: Session, user_id: int, topic: str, channel: str, enabled: bool) -> None:
    row = session.get(NotificationPreference, (user_id, str(topic), str(channel)))
    if row is None:
        if enabled:
            return  # no row is on
        row = NotificationPreference(user_id=user_id, topic=topic, channel=channel)
    row.enabled = enabled
    session.add(row)
    session.flush()


# --- unsubscribing from an e-mail's link (RFC 8058) ----------------------------------------------


@dataclass(frozen=True)
class Unsubscription:
    user_id: int
    topic: str
    already_off: bool


def _serializer(settings: Mapping[str, Any]) -> URLSafeSerializer:
    return URLSafeSerializer(settings["SECRET_KEY"], salt=UNSUBSCRIBE_SALT)


def unsubscribe_token(settings: Mapping[str, Any], user_id: int, topic: str) -> str:
    """The secret of an e-mail's unsubscribe link: this member, this topic, by e-mail. It
    does not expire: a link in an old message still works, and does nothing else."""
    return _serializer(settings).dumps([user_id, str(topic)])


def unsubscription(ctx: Context, token: str) -> Unsubscription:
    """What a link would turn off (its confirmation page); NotFound for a forged or broken
    link, or a member who left."""
    try:
        user_id, topic = _serializer(ctx.settings).loads(token)
    except (BadSignature, ValueError, TypeError):
        raise NotFound(BAD_LINK) from None
    user = ctx.session.get(User, user_id) if isinstance(user_id, int) else None
    if user is None or user.deleted_at is not None or topic not in set(Topic):
        raise NotFound(BAD_LINK)
    chosen = _choices(ctx.session, user_id)
    return Unsubscription(user_id, topic, not chosen.get((topic, Channel.EMAIL), True))


@use_case
def unsubscribe(ctx: Context, token: str) -> Unsubscription:
    """One click in an e-mail: no more e-mails of this topic to this member. The signed
    token is the credential (a mail client posts it without a session)."""
    found = unsubscription(ctx, token)
    _set(ctx.session, found.user_id, found.topic, Channel.EMAIL, False)
    return found


# --- the e-mails (for registry.jobs.notification_mail) -------------------------------------------


def emails_due(ctx: Context, ids: Iterable[int] | None = None, *, limit: int = 500) -> list[int]:
    """Notifications to e-mail, not sent and not being sent (a claim older than
    CLAIM_TIMEOUT is given up); among `ids` when given."""
    conditions = [
        col(Notification.by_email).is_(True),
        col(Notification.emailed_at).is_(None),
        or_(
            col(Notification.email_claimed_at).is_(None),
            col(Notification.email_claimed_at) < ctx.now - CLAIM_TIMEOUT,
        ),
    ]
    if ids is not None:
        conditions.append(col(Notification.id).in_(list(ids)))
    found = ctx.session.exec(
        select(Notification.id).where(*conditions).order_by(col(Notification.id)).limit(limit)
    )
    return [each for each in found if each is not None]


@dataclass(frozen=True)
class EmailDue:
    user: User
    item: Item


@use_case
def claim_email(ctx: Context, notification_id: int) -> EmailDue | None:
    """Take one notification's e-mail to send it: None when another worker has it, it was
    sent, or it should no longer go (the member left, turned the e-mails off since, or may
    no longer read it: then it is marked not to be e-mailed)."""
    session, now = ctx.session, ctx.now
    claimed = session.exec(
        update(Notification)
        .where(
            col(Notification.id) == notification_id,
            col(Notification.by_email).is_(True),
            col(Notification.emailed_at).is_(None),
            or_(
                col(Notification.email_claimed_at).is_(None),
                col(Notification.email_claimed_at) < now - CLAIM_TIMEOUT,
            ),
        )
        .values(email_claimed_at=now)
    )
    if claimed.rowcount != 1:
        return None
    row = session.get(Notification, notification_id)
    assert row is not None
    user = session.get(User, row.user_id)
    item = None
    if user is not None and user.active and user.deleted_at is None and user.email:
        wanted = _choices(session, row.user_id).get((row.topic, Channel.EMAIL), True)
        item = item_of(session, user, notification_id) if wanted else None
    if user is None or item is None:
        row.by_email, row.email_claimed_at = False, None
        session.add(row)
        return None
    return EmailDue(user, item)


@use_case
def email_sent(ctx: Context, notification_id: int) -> None:
    ctx.session.exec(
        update(Notification)
        .where(col(Notification.id) == notification_id)
        .values(emailed_at=ctx.now)
    )


@use_case
def email_failed(ctx: Context, notification_id: int) -> None:
    """The mail server refused or was out of reach: the claim is given back, and the next
    round (registry.jobs.notifications.drain) tries again."""
    ctx.session.exec(
        update(Notification)
        .where(col(Notification.id) == notification_id, col(Notification.emailed_at).is_(None))
        .values(email_claimed_at=None)
    )


# --- a member's data -----------------------------------------------------------------------------


def member_preferences(session: Session, user_id: int | None) -> list[dict]:
    """The member's stored choices, for their data export."""
    rows = session.exec(
        select(NotificationPreference)
        .where(NotificationPreference.user_id == user_id)
        .order_by(col(NotificationPreference.topic), col(NotificationPreference.channel))
    )
    return [{"topic": p.topic, "channel": p.channel, "enabled": p.enabled} for p in rows]


def erase_member(session: Session, user_id: int | None) -> None:
    """A member who leaves: their notifications and choices go (registry.services.privacy)."""
    session.exec(delete(Notification).where(col(Notification.user_id) == user_id))
    session.exec(
        delete(NotificationPreference).where(col(NotificationPreference.user_id) == user_id)
    )

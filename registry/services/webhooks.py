"""Webhooks (DESIGN.md "Notifications"): register, list and delete them, read their
deliveries; and the job queue's side of a delivery: claim those due (`due`), then write down
what each try gave (`record`) — the sending itself happens between the two, outside any
transaction (registry.jobs.webhooks).

An admin registers a hook for every brand's events (or one brand's); a brand's legal team for
its own brand's only. The secret is made here, shown once, kept encrypted
(registry.adapters.secrets). A delivery failed is tried again with backoff for a day, then
failed; a hook whose deliveries all failed for a day is disabled and its owner notified
(the rules: registry.domain.webhooks).
"""

from __future__ import annotations

import json
import secrets as random_secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlmodel import col, func, select

from registry.adapters import secrets, webhook_http
from registry.adapters.models import Brand, Event, Webhook, WebhookAttempt, WebhookDelivery
from registry.adapters.webhook_http import Sent
from registry.domain import permissions, recorded, webhooks
from registry.domain.messages import N_, Refusal
from registry.domain.notifications import EventKind
from registry.domain.webhooks import DELIVERED, FAILED, PENDING
from registry.services import Forbidden, Invalid, NotFound, Page, audit, outbox
from registry.services.context import Context, aware
from registry.services.unit import locked, use_case

SECRET_BYTES = 32
# A claimed delivery is not claimed again for this long: enough for a batch to be sent
# (each try at most 10 s, several at once); a worker that died meanwhile loses nothing,
# its deliveries are due again after it.
LEASE = timedelta(minutes=5)
AUDITED_FIELDS = ("owner_id", "brand_id", "url", "events", "disabled_at")

NOT_ALLOWED = N_("Only admins and a brand's legal team can register webhooks.")
NO_SUCH_HOOK = N_("No such webhook.")
UNKNOWN_BRAND = N_('No brand "%(slug)s" in the registry.')


def allow_private(ctx: Context) -> bool:
    return bool(ctx.settings.get("WEBHOOK_ALLOW_PRIVATE"))


# --- registering -------------------------------------------------------------------------------


def _require_may_register(ctx: Context) -> None:
    actor = ctx.actor
    if actor is None or not permissions.role_can(actor.role, permissions.WEBHOOKS):
        raise Forbidden(NOT_ALLOWED)
    if actor.role == permissions.LEGAL and actor.brand_id is None:
        raise Forbidden(permissions.NOT_ATTACHED, field="brand")


def _checked(check, *args, **kwargs):
    """A rule of registry.domain.webhooks applied; its refusal is the use case's Invalid."""
    try:
        return check(*args, **kwargs)
    except Refusal as refused:
        raise Invalid.explaining(refused, field=refused.field) from None


def register(
    ctx: Context, *, url: str, events: Sequence[str], brand: str | None = None
) -> tuple[Webhook, str]:
    """A new hook of the acting member; returns it and its secret, in plain text this once.
    The address's name is resolved and each address checked first, outside the transaction
    (a slow resolver holds no lock); `_register` writes it."""
    _require_may_register(ctx)
    chosen = _checked(webhooks.check_events, events)
    target = _checked(webhooks.target, url.strip())
    _checked(webhook_http.checked_addresses, target, allow_private=allow_private(ctx))
    return _register(ctx, url=url.strip(), events=chosen, brand=brand)


@use_case
def _register(
    ctx: Context, *, url: str, events: tuple[str, ...], brand: str | None
) -> tuple[Webhook, str]:
    session, actor = ctx.session, ctx.actor
    _require_may_register(ctx)
    assert actor is not None and actor.id is not None
    brand_id = actor.brand_id if actor.role == permissions.LEGAL else None
    if brand:
        found = session.exec(select(Brand).where(Brand.slug == brand)).first()
        if found is None:
            raise Invalid(UNKNOWN_BRAND, field="brand", slug=brand)
        refused = permissions.acts_for_refusal(actor, found)
        if refused is not None:
            raise Forbidden(refused, field="brand")
        brand_id = found.id
    plaintext = random_secrets.token_urlsafe(SECRET_BYTES)
    hook = Webhook(
        owner_id=actor.id,
        brand_id=brand_id,
        url=url,
        events=json.dumps(list(events)),
        secret=secrets.encrypt(ctx.settings["SECRET_KEY"], plaintext),
        created_at=ctx.now,
    )
    session.add(hook)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="webhook.create",
        entity=hook,
        summary=N_("Webhook to %(url)s registered"),
        params={"url": url},
        after=audit.snapshot(hook, AUDITED_FIELDS),
    )
    return hook, plaintext


def events_of(hook: Webhook) -> list[str]:
    return list(json.loads(hook.events or "[]"))


# --- reading and deleting ----------------------------------------------------------------------


def list_hooks(ctx: Context) -> list[Webhook]:
    """The acting member's hooks, oldest first; an admin's list has everyone's."""
    actor = ctx.actor
    if actor is None or not permissions.role_can(actor.role, permissions.WEBHOOKS):
        raise Forbidden(NOT_ALLOWED)
    query = select(Webhook).order_by(col(Webhook.id))
    if actor.role != permissions.ADMIN:
        query = query.where(Webhook.owner_id == actor.id)
    return list(ctx.session.exec(query))


def get_hook(ctx: Context, webhook_id: int) -> Webhook:
    """A hook its owner or an admin may see; another member learns nothing of it (404)."""
    actor = ctx.actor
    hook = ctx.session.get(Webhook, webhook_id)
    if actor is None or hook is None:
        raise NotFound(NO_SUCH_HOOK)
    if hook.owner_id != actor.id and actor.role != permissions.ADMIN:
        raise NotFound(NO_SUCH_HOOK)
    return hook


@use_case
def delete_hook(ctx: Context, webhook_id: int) -> None:
    """Delete a hook with its deliveries and their tries (its owner or an admin)."""
    session = ctx.session
    hook = get_hook(ctx, webhook_id)
    before = audit.snapshot(hook, AUDITED_FIELDS)
    deliveries = select(WebhookDelivery.id).where(WebhookDelivery.webhook_id == webhook_id)
    session.execute(delete(WebhookAttempt).where(col(WebhookAttempt.delivery_id).in_(deliveries)))
    session.execute(delete(WebhookDelivery).where(col(WebhookDelivery.webhook_id) == webhook_id))
    audit.record(
        session,
        actor=ctx.actor,
        action="webhook.delete",
        entity=hook,
        summary=N_("Webhook to %(url)s deleted"),
        params={"url": hook.url},
        before=before,
    )
    session.delete(hook)
    session.flush()


@dataclass(frozen=True)
class DeliveryView:
    """A delivery as its hook's owner reads it: the event it carries and each try."""

    delivery: WebhookDelivery
    event: str
    occurred_at: datetime
    tries: list[WebhookAttempt] = field(default_factory=list)


def deliveries(ctx: Context, webhook_id: int, *, page: int, per_page: int) -> Page[DeliveryView]:
    """A hook's deliveries, newest first, each with its tries (oldest first)."""
    session = ctx.session
    get_hook(ctx, webhook_id)
    total = session.exec(
        select(func.count())
        .select_from(WebhookDelivery)
        .where(WebhookDelivery.webhook_id == webhook_id)
    ).one()
    rows = list(
        session.exec(
            select(WebhookDelivery, Event)
            .join(Event, col(Event.id) == WebhookDelivery.event_id)
            .where(WebhookDelivery.webhook_id == webhook_id)
            .order_by(col(WebhookDelivery.id).desc())
            .offset((page - 1) * per_page)
            .limit(per_page)
        )
    )
    tries: dict[int, list[WebhookAttempt]] = {}
    ids = [delivery.id for delivery, _ in rows]
    for attempt in session.exec(
        select(WebhookAttempt)
        .where(col(WebhookAttempt.delivery_id).in_(ids))
        .order_by(col(WebhookAttempt.id))
    ):
        tries.setdefault(attempt.delivery_id, []).append(attempt)
    items = [
        DeliveryView(
            delivery=delivery,
            event=event.kind,
            occurred_at=aware(event.occurred_at),
            tries=tries.get(delivery.id or 0, []),
        )
        for delivery, event in rows
    ]
    return Page(items=items, page=page, page_size=per_page, total=total)


# --- delivering --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Outgoing:
    """A claimed delivery, ready to be sent outside any transaction: where, what, and the
    hook's secret to sign it with when it leaves (never stored in plain text)."""

    delivery_id: int
    url: str
    body: bytes
    secret: str


@dataclass(frozen=True)
class Tried:
    """One try of a delivery: when it was sent, what came back."""

    delivery_id: int
    at: datetime
    sent: Sent


@use_case
def due(ctx: Context, *, limit: int, ids: Sequence[int] | None = None) -> list[Outgoing]:
    """Claim up to `limit` pending deliveries whose time has come (among `ids` when given),
    oldest first: each is leased (`LEASE`) so that no other worker takes it meanwhile.
    PostgreSQL skips the rows another worker is claiming; SQLite's write transaction makes
    the claims one after the other."""
    session, now = ctx.session, ctx.now
    query = (
        select(WebhookDelivery)
        .where(
            WebhookDelivery.status == PENDING,
            col(WebhookDelivery.next_attempt_at) <= now,
            col(WebhookDelivery.webhook_id).in_(
                select(Webhook.id).where(col(Webhook.disabled_at).is_(None))
            ),
        )
        .order_by(col(WebhookDelivery.next_attempt_at), col(WebhookDelivery.id))
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    if ids is not None:
        query = query.where(col(WebhookDelivery.id).in_(list(ids)))
    claimed = list(session.exec(query))
    if not claimed:
        return []
    hooks = {
        hook.id: hook
        for hook in session.exec(
            select(Webhook).where(col(Webhook.id).in_({d.webhook_id for d in claimed}))
        )
    }
    events = {
        event.id: event
        for event in session.exec(
            select(Event).where(col(Event.id).in_({d.event_id for d in claimed}))
        )
    }
    key = ctx.settings["SECRET_KEY"]
    plain: dict[int, str] = {}
    out = []
    for delivery in claimed:
        assert delivery.id is not None
        hook, event = hooks[delivery.webhook_id], events[delivery.event_id]
        assert hook.id is not None and event.id is not None
        if hook.id not in plain:
            plain[hook.id] = secrets.decrypt(key, hook.secret)
        delivery.next_attempt_at = now + LEASE
        session.add(delivery)
        body = webhooks.body(
            event_id=event.id,
            kind=event.kind,
            occurred_at=aware(event.occurred_at),
            data=json.loads(event.data or "{}"),
        )
        out.append(Outgoing(delivery.id, hook.url, body, plain[hook.id]))
    session.flush()
    return out


@use_case
def record(ctx: Context, results: Sequence[Tried]) -> None:
    """Write each try down, then: delivered; or tried again later (backoff); or, its day
    over, failed. A hook failing for a day is disabled and its owner told."""
    session, now = ctx.session, ctx.now
    for tried in sorted(results, key=lambda t: t.at):
        delivery = session.get(WebhookDelivery, tried.delivery_id)
        if delivery is None or delivery.status != PENDING:
            continue  # its hook was deleted meanwhile; or recorded already
        hook = locked(session, Webhook, col(Webhook.id) == delivery.webhook_id)
        if hook is None:
            continue
        sent = tried.sent
        session.add(
            WebhookAttempt(
                delivery_id=tried.delivery_id,
                at=tried.at,
                status_code=sent.status_code,
                error=sent.error,
                duration_ms=sent.duration_ms,
            )
        )
        delivery.attempts += 1
        delivery.last_status_code = sent.status_code
        delivery.last_error = sent.error
        if sent.delivered:
            delivery.status, delivery.delivered_at, delivery.next_attempt_at = (
                DELIVERED,
                tried.at,
                None,
            )
            hook.failing_since = None
        else:
            delivery.next_attempt_at = webhooks.next_try(
                created_at=aware(delivery.created_at), failures=delivery.attempts, now=now
            )
            if delivery.next_attempt_at is None:
                delivery.status = FAILED
            hook.failing_since = hook.failing_since or tried.at
        session.add(delivery)
        session.add(hook)
        session.flush()
        if hook.disabled_at is None and webhooks.disabled_by_failures(
            aware(hook.failing_since) if hook.failing_since else None,
            now=now,
            gave_up_on_first_tried=_first_try(ctx, delivery) if delivery.status == FAILED else None,
        ):
            _disable(ctx, hook)
    session.flush()


def _first_try(ctx: Context, delivery: WebhookDelivery) -> datetime | None:
    first = ctx.session.exec(
        select(func.min(WebhookAttempt.at)).where(WebhookAttempt.delivery_id == delivery.id)
    ).one()
    return aware(first) if first is not None else None


def _disable(ctx: Context, hook: Webhook) -> None:
    """Disable a hook that failed for a day: its pending deliveries fail, its owner is told
    (EventKind.WEBHOOK_DISABLED, in this transaction)."""
    session, now = ctx.session, ctx.now
    before = audit.snapshot(hook, AUDITED_FIELDS)
    hook.disabled_at = now
    session.add(hook)
    session.flush()
    for pending in session.exec(
        select(WebhookDelivery).where(
            WebhookDelivery.webhook_id == hook.id, WebhookDelivery.status == PENDING
        )
    ):
        pending.status, pending.next_attempt_at = FAILED, None
        session.add(pending)
    audit.record(
        session,
        actor=None,
        action="webhook.disable",
        entity=hook,
        summary=N_("Webhook to %(url)s disabled: its deliveries failed for a day"),
        params={"url": hook.url, "owner": recorded.member(hook.owner_id)},
        before=before,
        after=audit.snapshot(hook, AUDITED_FIELDS),
    )
    outbox.emit(
        session,
        EventKind.WEBHOOK_DISABLED,
        data={"owner_id": hook.owner_id, "webhook": {"id": hook.id, "url": hook.url}},
    )

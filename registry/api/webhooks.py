"""Webhooks: register one (its secret shown once), list them, read one and its deliveries,
delete one. The rules are the use cases' (registry.services.webhooks); these views read the
body and answer JSON."""

from __future__ import annotations

from flask import Response, jsonify

from registry.adapters.models import Brand, Webhook
from registry.api import bp
from registry.api.auth import context
from registry.api.inputs import body_as, check_known_parameters, page_body, paging, run_use_case
from registry.api.requests import created
from registry.api.schemas import (
    WebhookCreate,
    WebhookCreated,
    WebhookDeliveryOut,
    WebhookList,
    WebhookOut,
)
from registry.domain import limits
from registry.domain.permissions import WEBHOOKS
from registry.presentation.access import requires
from registry.services import NotFound, webhooks


def _webhook_id(raw: str) -> int:
    """The id in /webhooks/<id>, read by the view (a number beyond the ids' range, or no
    number, names no hook: 404 rather than an error from the database)."""
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 10) or not limits.is_id(int(raw)):
        raise NotFound(webhooks.NO_SUCH_HOOK)
    return int(raw)


def _fields(hook: Webhook) -> dict:
    brand = context().session.get(Brand, hook.brand_id) if hook.brand_id else None
    return {
        **hook.model_dump(exclude={"secret", "events", "owner_id", "brand_id"}),
        "events": webhooks.events_of(hook),
        "brand": brand.slug if brand else None,
    }


def _out(hook: Webhook) -> dict:
    return WebhookOut.model_validate(_fields(hook)).model_dump(mode="json")


@bp.post("/webhooks")
@requires(WEBHOOKS)
def webhook_create():
    body = body_as(WebhookCreate)
    hook, secret = run_use_case(
        webhooks.register, url=body.url, events=body.events, brand=body.brand
    )
    shown = WebhookCreated.model_validate({**_fields(hook), "secret": secret})
    return created(shown.model_dump(mode="json"), f"/api/v1/webhooks/{hook.id}")


@bp.get("/webhooks")
@requires(WEBHOOKS)
def webhooks_index():
    check_known_parameters(())
    hooks = webhooks.list_hooks(context())
    return jsonify(
        WebhookList.model_validate({"items": [_out(h) for h in hooks]}).model_dump(mode="json")
    )


@bp.get("/webhooks/<webhook_id>")
@requires(WEBHOOKS)
def webhook_detail(webhook_id: str):
    check_known_parameters(())
    return jsonify(_out(webhooks.get_hook(context(), _webhook_id(webhook_id))))


@bp.delete("/webhooks/<webhook_id>")
@requires(WEBHOOKS)
def webhook_delete(webhook_id: str):
    run_use_case(webhooks.delete_hook, _webhook_id(webhook_id))
    return Response(status=204)


@bp.get("/webhooks/<webhook_id>/deliveries")
@requires(WEBHOOKS)
def webhook_deliveries(webhook_id: str):
    check_known_parameters(("page", "per_page"))
    page, per_page = paging()
    found = webhooks.deliveries(context(), _webhook_id(webhook_id), page=page, per_page=per_page)
    items = [
        WebhookDeliveryOut.model_validate(
            {
                **view.delivery.model_dump(exclude={"webhook_id"}),
                "event": view.event,
                "occurred_at": view.occurred_at,
                "tries": [attempt.model_dump() for attempt in view.tries],
            }
        ).model_dump(mode="json")
        for view in found.items
    ]
    return jsonify(page_body(items, page=page, per_page=per_page, total=found.total))

"""Webhook deliveries, sent by the job queue: `deliver(ids)` right after the dispatch that
made them (registry.jobs.notifications), `deliver_due()` each minute for the tries due again.

One round (`run`): claim what is due in one short transaction (registry.services.webhooks.due),
send it all at once from a pool of threads with no transaction open (a receiver that takes
10 s holds no lock), then write every try down in one transaction (`record`). Each delivery
is signed as it leaves, and its address resolved and checked again then
(registry.adapters.webhook_http): a name that pointed to a public address at registration
and to the registry's own network now is refused, unless WEBHOOK_ALLOW_PRIVATE.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from registry.adapters import webhook_http
from registry.domain import webhooks as rules
from registry.jobs import huey, in_app, job_context
from registry.services import webhooks
from registry.services.context import Context

BATCH = 200  # deliveries claimed at once
SENDERS = 16  # sent at once


def _send(ctx: Context, outgoing: webhooks.Outgoing, started: float) -> webhooks.Tried:
    at = ctx.now + timedelta(seconds=time.monotonic() - started)
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "HandleRegistry-Webhook/1",
        rules.SIGNATURE_HEADER: rules.signature(
            outgoing.secret, outgoing.body, timestamp=int(at.timestamp())
        ),
    }
    sent = webhook_http.post(
        outgoing.url, outgoing.body, headers, allow_private=webhooks.allow_private(ctx)
    )
    return webhooks.Tried(delivery_id=outgoing.delivery_id, at=at, sent=sent)


def run(ctx: Context, *, ids: Sequence[int] | None = None, limit: int = BATCH) -> int:
    """One round as of `ctx.now`: claim, send, record. Returns how many were tried."""
    claimed = webhooks.due(ctx, limit=limit, ids=ids)
    if not claimed:
        return 0
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=min(SENDERS, len(claimed))) as pool:
        tried = list(pool.map(lambda each: _send(ctx, each, started), claimed))
    webhooks.record(ctx, tried)
    return len(tried)


def _rounds(ids: Sequence[int] | None) -> None:
    while True:
        ctx = job_context()
        try:
            done = run(ctx, ids=ids)
        finally:
            ctx.session.close()
        if done < BATCH:
            return


@huey.task()
def deliver(delivery_ids: list[int]) -> None:
    """Send these deliveries (those due among them), batch after batch."""
    in_app(lambda: _rounds(delivery_ids))


def deliver_due() -> None:
    """Send every delivery whose next try is due (the periodic drain calls it in the app)."""
    _rounds(None)

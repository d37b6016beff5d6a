"""Webhook deliveries (filled in by the webhooks' work)."""

from __future__ import annotations

from registry.jobs import huey


@huey.task()
def deliver(delivery_ids: list[int]) -> None:
    """Send these deliveries."""


def deliver_due() -> None:
    """Send the deliveries whose next try is due."""

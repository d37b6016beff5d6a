"""The e-mails of members' notifications (filled in by the notifications' e-mail work)."""

from __future__ import annotations

from registry.jobs import huey


@huey.task()
def send_notification_mails(notification_ids: list[int]) -> None:
    """Send these notifications by e-mail, each once."""


def send_due() -> None:
    """Send the notifications whose e-mail is still due."""

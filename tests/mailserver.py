"""A real SMTP server on 127.0.0.1 (aiosmtpd), started by the test that receives its mail."""

from __future__ import annotations

import socket
from email import message_from_bytes, policy

from aiosmtpd.controller import Controller


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        message = message_from_bytes(envelope.content, policy=policy.default)
        self.messages.append((tuple(envelope.rcpt_tos), message))
        return "250 OK"

    def by_recipient(self) -> dict[str, object]:
        return {to: message for tos, message in self.messages for to in tos}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_inbox(app) -> tuple[Inbox, Controller]:
    """A server on a free port, the app's SMTP_URL pointing at it."""
    box = Inbox()
    controller = Controller(box, hostname="127.0.0.1", port=free_port())
    controller.start()
    app.config["SMTP_URL"] = f"smtp://127.0.0.1:{controller.port}"
    return box, controller

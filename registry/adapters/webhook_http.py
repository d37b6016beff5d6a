"""Sending a webhook delivery over HTTP(S), with urllib3.

The host's name is resolved here, every address it resolves to is checked against the rule
(registry.domain.webhooks.check_addresses), and the connection is made to the address that
was checked, never to the name again: a name that resolved to a public address for the check
and to 127.0.0.1 a moment later (DNS rebinding) cannot make the registry call its own
network. The name still goes in the Host header, and for HTTPS in the TLS server name (SNI)
and the certificate's check. Redirects are not followed (a 3xx is a failure: a hook is one
address); a delivery that has not answered within `TIMEOUT_SECONDS` fails.
"""

from __future__ import annotations

import socket
import time
from collections.abc import Mapping
from dataclasses import dataclass

import urllib3
from urllib3.exceptions import HTTPError

from registry.domain import webhooks
from registry.domain.messages import Refusal
from registry.domain.webhooks import IPAddress, Target

TIMEOUT_SECONDS = 10.0  # connecting and answering together (DESIGN.md: "times out after 10 s")
ERROR_MAX = 500  # WebhookAttempt.error


@dataclass(frozen=True)
class Sent:
    """What one try gave: the receiver's status code (None when none came back), why it
    failed in a few words ("" on a 2xx), and how long it took."""

    status_code: int | None
    error: str
    duration_ms: int

    @property
    def delivered(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


def resolve(host: str, port: int) -> list[IPAddress]:
    """The addresses a host name (or an IP address literal) stands for, each once, in the
    resolver's order; [] when it resolves to nothing."""
    literal = Target(scheme="http", host=host, port=port, path="/").literal
    if literal is not None:
        return [literal]
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError, OSError):
        return []
    addresses: list[IPAddress] = []
    for *_, sockaddr in found:
        address = Target(scheme="http", host=str(sockaddr[0]), port=port, path="/").literal
        if address is not None and address not in addresses:
            addresses.append(address)
    return addresses


def checked_addresses(target: Target, *, allow_private: bool) -> list[IPAddress]:
    """The addresses of the target's host, each checked; a Refusal when one may not be
    called (or there is none)."""
    addresses = resolve(target.host, target.port)
    webhooks.check_addresses(addresses, host=target.host, allow_private=allow_private)
    return addresses


def post(
    url: str,
    body: bytes,
    headers: Mapping[str, str],
    *,
    allow_private: bool,
    timeout: float = TIMEOUT_SECONDS,
) -> Sent:
    """POST `body` to `url` once: resolve, check, connect to the checked address."""
    started = time.monotonic()

    def failed(error: str, status: int | None = None) -> Sent:
        elapsed = int((time.monotonic() - started) * 1000)
        return Sent(status_code=status, error=error[:ERROR_MAX], duration_ms=elapsed)

    try:
        target = webhooks.target(url)
        address = checked_addresses(target, allow_private=allow_private)[0]
    except Refusal as refused:
        return failed(f"refused: {refused}")
    pool = _pool(target, address, timeout)
    try:
        response = pool.urlopen(
            "POST",
            target.path,
            body=body,
            headers={**headers, "Host": target.host_header},
            redirect=False,
            retries=False,
            assert_same_host=False,
            preload_content=False,
        )
        status = response.status
        response.close()
    except (HTTPError, OSError) as exc:
        return failed(_reason(exc, timeout))
    finally:
        pool.close()
    if 200 <= status < 300:
        return failed("", status)
    if 300 <= status < 400:
        return failed(f"HTTP {status}: redirects are not followed", status)
    return failed(f"HTTP {status}", status)


def _pool(target: Target, address: IPAddress, timeout: float) -> urllib3.HTTPConnectionPool:
    limit = urllib3.Timeout(total=timeout)
    if target.scheme == "https":
        return urllib3.HTTPSConnectionPool(
            str(address),
            target.port,
            timeout=limit,
            maxsize=1,
            retries=False,
            cert_reqs="CERT_REQUIRED",
            server_hostname=target.host,
            assert_hostname=target.host,
        )
    return urllib3.HTTPConnectionPool(
        str(address), target.port, timeout=limit, maxsize=1, retries=False
    )


def _reason(error: BaseException, timeout: float) -> str:
    """A failure in a few words: urllib3 wraps the cause (a timeout, a refused connection, a
    certificate) in its own errors."""
    cause = getattr(error, "reason", None) or error
    name = type(cause).__name__
    if "Timeout" in name or isinstance(cause, TimeoutError):
        return f"no answer within {timeout:g} s"
    text = str(cause)
    if isinstance(cause, urllib3.exceptions.NewConnectionError) or "refused" in text.lower():
        return f"could not connect: {text}"
    return f"{name}: {text}"

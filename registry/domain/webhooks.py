"""Webhooks' rules (DESIGN.md "Notifications"): which addresses a hook may have, how a
delivery is signed, when a failed one is tried again, when it gives up and when a hook that
keeps failing is disabled. Pure Python: the registry's services and its job queue apply them,
a receiver's code can read the signature's rule here.

A delivery is a JSON POST signed `X-Registry-Signature: t=TIMESTAMP,v1=HEX`, HEX being
HMAC-SHA256 with the hook's secret over `TIMESTAMP.BODY` (the Unix time in seconds, a dot,
the body's bytes as sent). The timestamp keeps an old delivery from being replayed: a
receiver refuses one signed too long ago (`TOLERANCE`).

Addresses: a hook is called from the registry's own network, so an address there (loopback,
private, link-local with the clouds' metadata service, carrier-grade NAT, multicast, reserved)
would let whoever registers a hook reach what only the registry should. Every address a name
resolves to must be globally routable, checked when the hook is registered and again before
each delivery (the name may point elsewhere by then), unless the operator allows private
addresses (`WEBHOOK_ALLOW_PRIVATE`, a registry inside a company's own network).
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from registry.domain.messages import N_, Message, Refusal
from registry.domain.notifications import WEBHOOK_EVENTS

SIGNATURE_HEADER = "X-Registry-Signature"
SCHEME = "v1"
TOLERANCE = timedelta(minutes=5)  # a receiver refuses a signature older (or newer) than this

URL_MAX = 2048  # Webhook.url
SCHEMES = ("http", "https")

FIRST_RETRY = timedelta(seconds=30)  # after the first failure; doubled after each one
LONGEST_WAIT = timedelta(hours=2)  # between two tries, at most
RETRY_FOR = timedelta(days=1)  # a delivery is tried this long after it was made, then failed
DISABLE_AFTER = timedelta(days=1)  # a hook whose every delivery failed this long is disabled

PENDING, DELIVERED, FAILED = "pending", "delivered", "failed"
STATUSES = (PENDING, DELIVERED, FAILED)

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

# --- the signature ---------------------------------------------------------------------------


def signature(secret: str, body: bytes, *, timestamp: int) -> str:
    """The X-Registry-Signature header of `body` sent at `timestamp` (Unix seconds)."""
    return f"t={timestamp},{SCHEME}={_digest(secret, body, timestamp)}"


def _digest(secret: str, body: bytes, timestamp: int) -> str:
    signed = str(timestamp).encode() + b"." + body
    return hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()


def parse_signature(header: str) -> tuple[int, tuple[str, ...]] | None:
    """(timestamp, the v1 digests) of a header, or None when it is not one. Several v1 values
    may be given (a receiver rotating secrets accepts any)."""
    timestamp: int | None = None
    digests: list[str] = []
    for part in header.split(","):
        name, _, value = part.strip().partition("=")
        if name == "t" and value.isascii() and value.isdigit() and len(value) <= 12:
            timestamp = int(value)
        elif name == SCHEME and value:
            digests.append(value.lower())
    if timestamp is None or not digests:
        return None
    return timestamp, tuple(digests)


def verify(
    secret: str, body: bytes, header: str, *, now: int, tolerance: timedelta = TOLERANCE
) -> bool:
    """Whether `header` signs `body` with `secret`, at a time within `tolerance` of `now`."""
    parsed = parse_signature(header)
    if parsed is None:
        return False
    timestamp, digests = parsed
    if abs(now - timestamp) > tolerance.total_seconds():
        return False
    expected = _digest(secret, body, timestamp)
    return any(hmac.compare_digest(expected, digest) for digest in digests)


# --- the body ----------------------------------------------------------------------------------


def body(*, event_id: int, kind: str, occurred_at: datetime, data: dict[str, Any]) -> bytes:
    """What a delivery sends: `{id, event, occurred_at, data}`, `id` the event's, the same
    for every try (a receiver that saw it already ignores it)."""
    return json.dumps(
        {"id": event_id, "event": kind, "occurred_at": occurred_at.isoformat(), "data": data},
        sort_keys=True,
        separators=(",", ":"),
    ).encode()


# --- retries -----------------------------------------------------------------------------------


def wait_after(failures: int) -> timedelta:
    """How long after its `failures`-th failed try a delivery is tried again: 30 s, 1 min,
    2 min, … doubling up to two hours."""
    if failures < 1:
        return timedelta(0)
    exponent = min(failures - 1, 20)  # 30 s × 2**20 is far beyond the cap already
    wait: timedelta = FIRST_RETRY * (2**exponent)
    return min(wait, LONGEST_WAIT)


def next_try(*, created_at: datetime, failures: int, now: datetime) -> datetime | None:
    """When a delivery made at `created_at` that failed `failures` times (the last one at
    `now`) is tried next; None when its day is over: it failed. The last try is made at the
    end of the day rather than never."""
    give_up = created_at + RETRY_FOR
    if now >= give_up:
        return None
    return min(now + wait_after(failures), give_up)


def disabled_by_failures(
    failing_since: datetime | None,
    *,
    now: datetime,
    gave_up_on_first_tried: datetime | None = None,
) -> bool:
    """Whether a hook whose deliveries all failed since `failing_since` is to be disabled:
    a day of it; or a delivery that failed for good just now (first tried at
    `gave_up_on_first_tried`) and nothing delivered since its first try — its whole day of
    tries failed, even if the hook's first failure came a moment after it was made."""
    if failing_since is None:
        return False
    if now - failing_since >= DISABLE_AFTER:
        return True
    return gave_up_on_first_tried is not None and failing_since <= gave_up_on_first_tried


# --- addresses ---------------------------------------------------------------------------------

INVALID_URL = N_("Give the address as an http:// or https:// URL with a host name.")
URL_TOO_LONG = N_("The address is too long: at most %(max)s characters.")
URL_WITH_CREDENTIALS = N_(
    "The address may not carry a user name or password: the signature authenticates the registry."
)
NOT_PUBLIC = N_(
    "%(address)s is not a public Internet address (%(reason)s): the registry does not send "
    "webhooks there."
)
UNRESOLVED = N_("The host name %(host)s does not resolve to any address.")
NO_EVENTS = N_("Choose at least one event.")
UNKNOWN_EVENT = N_('Unknown event "%(event)s"; choose among %(choices)s.')

# Networks Python's ipaddress does not already name as non-global.
_CGNAT = ipaddress.ip_network("100.64.0.0/10")
_METADATA = (ipaddress.ip_address("169.254.169.254"), ipaddress.ip_address("fd00:ec2::254"))


@dataclass(frozen=True)
class Target:
    """Where a hook's URL points: its scheme, its host (a name or an IP address literal,
    without brackets), its port, and the path with the query, as sent."""

    scheme: str
    host: str
    port: int
    path: str

    @property
    def literal(self) -> IPAddress | None:
        """The host as an IP address, when the URL names one instead of a name."""
        try:
            return ipaddress.ip_address(self.host)
        except ValueError:
            return None

    @property
    def host_header(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        default = 443 if self.scheme == "https" else 80
        return host if self.port == default else f"{host}:{self.port}"


def target(url: str) -> Target:
    """The URL's target, or a Refusal (on field `url`) for one that is no http(s) URL with
    a host, too long, or carries credentials."""
    if len(url) > URL_MAX:
        raise Refusal(URL_TOO_LONG, field="url", max=URL_MAX)
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise Refusal(INVALID_URL, field="url") from None
    host = (parts.hostname or "").rstrip(".")
    if parts.scheme not in SCHEMES or not host or any(c.isspace() for c in url):
        raise Refusal(INVALID_URL, field="url")
    if parts.username is not None or parts.password is not None:
        raise Refusal(URL_WITH_CREDENTIALS, field="url")
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    return Target(
        scheme=parts.scheme,
        host=host.lower(),
        port=port or (443 if parts.scheme == "https" else 80),
        path=path,
    )


def not_public(address: IPAddress) -> str | None:
    """Why the registry may not call `address` (a msgid: the network's name), or
    None when it is globally routable. An IPv4 address written as IPv6 (::ffff:a.b.c.d, 6to4,
    Teredo) is judged as the IPv4 address it carries."""
    if isinstance(address, ipaddress.IPv6Address):
        carried = address.ipv4_mapped or address.sixtofour
        if carried is None and address.teredo is not None:
            carried = address.teredo[1]
        if carried is not None:
            return not_public(carried)
    checks = (
        (address in _METADATA, N_("a cloud metadata service")),
        (address.is_loopback, N_("loopback")),
        (address.is_unspecified, N_("unspecified")),
        (address.is_link_local, N_("link-local")),
        (address.is_multicast, N_("multicast")),
        (isinstance(address, ipaddress.IPv4Address) and address in _CGNAT, N_("shared NAT")),
        (address.is_private, N_("a private network")),
        (address.is_reserved, N_("reserved")),
        (not address.is_global, N_("not globally routable")),
    )
    return next((reason for failed, reason in checks if failed), None)


def check_addresses(addresses: Iterable[IPAddress], *, host: str, allow_private: bool) -> None:
    """Refuse (on field `url`) unless every address is public, or private ones are allowed;
    no address at all is refused too (a name that resolves to nothing)."""
    addresses = list(addresses)
    if not addresses:
        raise Refusal(UNRESOLVED, field="url", host=host)
    if allow_private:
        return
    for address in addresses:
        reason = not_public(address)
        if reason is not None:
            raise Refusal(NOT_PUBLIC, field="url", address=str(address), reason=Message(reason))


# --- events ------------------------------------------------------------------------------------


def check_events(events: Iterable[str]) -> tuple[str, ...]:
    """The events a hook asks for, each once, in the registry's order: a non-empty subset of
    WEBHOOK_EVENTS, else a Refusal on field `events`."""
    chosen = set()
    for event in events:
        if event not in WEBHOOK_EVENTS:
            raise Refusal(
                UNKNOWN_EVENT, field="events", event=event, choices=", ".join(WEBHOOK_EVENTS)
            )
        chosen.add(event)
    if not chosen:
        raise Refusal(NO_EVENTS, field="events")
    return tuple(event for event in WEBHOOK_EVENTS if event in chosen)

"""The webhooks' rules (registry.domain.webhooks): the signature against an independent HMAC,
its tolerance, the backoff, giving up after a day, disabling, addresses, events."""

from __future__ import annotations

import ipaddress
from datetime import UTC, datetime, timedelta

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives import hmac as crypto_hmac

from registry.domain import webhooks
from registry.domain.messages import Refusal

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def test_the_signature_is_hmac_sha256_over_timestamp_dot_body():
    body = b'{"event":"request.created","id":7}'
    header = webhooks.signature("s3cret", body, timestamp=1_770_000_000)
    t, v1 = header.split(",")
    assert t == "t=1770000000"
    mac = crypto_hmac.HMAC(b"s3cret", hashes.SHA256())
    mac.update(b"1770000000." + body)
    assert v1 == "v1=" + mac.finalize().hex()


def test_verify_accepts_its_own_signature_within_the_tolerance_only():
    body = b"{}"
    header = webhooks.signature("k", body, timestamp=1000)
    assert webhooks.verify("k", body, header, now=1000 + 299)
    assert not webhooks.verify("k", body, header, now=1000 + 301)  # replayed too late
    assert not webhooks.verify("k", b"{ }", header, now=1000)  # another body
    assert not webhooks.verify("other", body, header, now=1000)
    assert not webhooks.verify("k", body, "v1=abc", now=1000)
    rotated = header + ",v1=" + "0" * 64
    assert webhooks.verify("k", body, rotated, now=1000)


def test_the_wait_doubles_from_30_seconds_up_to_two_hours():
    waits = [webhooks.wait_after(n).total_seconds() for n in range(1, 12)]
    assert waits[:4] == [30, 60, 120, 240]
    assert max(waits) == 7200 and waits[-1] == 7200


def test_a_delivery_is_tried_for_a_day_then_given_up():
    assert webhooks.next_try(created_at=T0, failures=1, now=T0) == T0 + timedelta(seconds=30)
    late = T0 + timedelta(hours=23, minutes=30)
    assert webhooks.next_try(created_at=T0, failures=15, now=late) == T0 + timedelta(days=1)
    assert webhooks.next_try(created_at=T0, failures=16, now=T0 + timedelta(days=1)) is None


def test_a_hook_is_disabled_after_a_day_of_failures_or_a_whole_failed_delivery():
    assert not webhooks.disabled_by_failures(None, now=T0)
    assert not webhooks.disabled_by_failures(T0, now=T0 + timedelta(hours=23))
    assert webhooks.disabled_by_failures(T0, now=T0 + timedelta(days=1))
    since = T0 + timedelta(seconds=1)
    assert webhooks.disabled_by_failures(
        since, now=T0 + timedelta(days=1), gave_up_on_first_tried=since
    )
    # A delivery given up whose first try came before a later success: not a day of failures.
    assert not webhooks.disabled_by_failures(
        T0 + timedelta(hours=5), now=T0 + timedelta(days=1), gave_up_on_first_tried=T0
    )


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1", "10.0.0.1", "172.16.5.4", "192.168.0.1", "169.254.169.254", "169.254.1.1",
        "100.64.0.1", "100.127.255.254", "0.0.0.0", "224.0.0.1", "240.0.0.1", "255.255.255.255",
        "192.0.2.1", "::1", "::", "fe80::1", "fc00::1", "fd00:ec2::254", "ff02::1",
        "::ffff:127.0.0.1", "::ffff:10.0.0.1", "::ffff:169.254.169.254", "2002:7f00:1::",
    ],
)  # fmt: skip
def test_addresses_that_are_not_public_are_named_so(address):
    assert webhooks.not_public(ipaddress.ip_address(address)) is not None


@pytest.mark.parametrize(
    "address", ["93.184.216.34", "8.8.8.8", "2606:4700::1111", "::ffff:1.1.1.1"]
)
def test_public_addresses_are_allowed(address):
    assert webhooks.not_public(ipaddress.ip_address(address)) is None


def test_every_address_is_checked_unless_private_ones_are_allowed():
    public, private = ipaddress.ip_address("8.8.8.8"), ipaddress.ip_address("10.0.0.1")
    webhooks.check_addresses([public], host="h", allow_private=False)
    with pytest.raises(Refusal):
        webhooks.check_addresses([public, private], host="h", allow_private=False)
    webhooks.check_addresses([public, private], host="h", allow_private=True)
    with pytest.raises(Refusal):  # a name that resolves to nothing
        webhooks.check_addresses([], host="h", allow_private=True)


@pytest.mark.parametrize(
    "url",
    ["ftp://example.org/", "javascript:alert(1)", "http:///x", "https://u:p@example.org/",
     "http://example.org:99999/", "https://exa mple.org/", "http://" + "a" * 2050 + ".org/"],
)  # fmt: skip
def test_urls_refused(url):
    with pytest.raises(Refusal) as refused:
        webhooks.target(url)
    assert refused.value.field == "url"


def test_a_target_keeps_host_port_path_and_query():
    target = webhooks.target("https://Hooks.Example.org:8443/in?via=registry")
    assert (target.host, target.port, target.path) == (
        "hooks.example.org",
        8443,
        "/in?via=registry",
    )
    assert target.host_header == "hooks.example.org:8443"
    assert webhooks.target("http://[2606:4700::1111]/").literal is not None


def test_events_are_a_non_empty_subset_kept_in_order():
    assert webhooks.check_events(["suspect.found", "request.created", "suspect.found"]) == (
        "request.created",
        "suspect.found",
    )
    for wrong in ([], ["mail.unmatched"], ["webhook.disabled"], ["nope"]):
        with pytest.raises(Refusal):
            webhooks.check_events(wrong)

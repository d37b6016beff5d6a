"""The journeys' accessibility check (conftest.py) can fail: a page with a field nobody
labelled is reported, whether the browser reached it by `goto`, a link or a form."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from playwright.sync_api import expect

FIXTURE = "/a11y-fixture"
# A field with no label: axe-core's rule `label`, critical.
UNLABELLED = """<!doctype html><html lang="en"><head><title>Fixture</title></head>
<body><main><h1>Fixture</h1><input type="text" id="unlabelled-field"></main></body></html>"""
# Two main landmarks: axe-core's rule `landmark-no-duplicate-main`, only moderate.
MODERATE = """<!doctype html><html lang="en"><head><title>Fixture</title></head>
<body><main><h1>Fixture</h1></main><main>Again</main></body></html>"""
# Two forms whose fields share an id: the second label names the first field.
REPEATED_ID = """<!doctype html><html lang="en"><head><title>Fixture</title></head><body><main>
<h1>Fixture</h1>
<form><label for="summary">Summary</label><textarea id="summary"></textarea></form>
<form><label for="summary">Summary</label><textarea id="summary"></textarea></form>
</main></body></html>"""


def serve(page, html: str) -> None:
    """Answers FIXTURE (any method) with `html`, as if the site had such a page."""
    page.route(
        re.compile(re.escape(FIXTURE) + "$"),
        lambda route: route.fulfill(status=200, content_type="text/html", body=html),
    )


def reported(violations: list[str], url: str) -> list[str]:
    return [
        text
        for text in violations
        if text.startswith("label (critical") and "#unlabelled-field" in text and url in text
    ]


def test_a_page_reached_by_goto_is_checked(page, live_server, accessibility, a11y_violations):
    serve(page, UNLABELLED)
    page.goto(FIXTURE)
    page.goto("/")
    assert len(reported(a11y_violations, live_server.url + FIXTURE)) == 1, a11y_violations
    a11y_violations.clear()  # seen and expected: the fixture must not fail this test


def test_a_page_reached_by_a_link_is_checked(page, live_server, accessibility, a11y_violations):
    serve(page, UNLABELLED)
    page.goto("/")
    page.evaluate(
        f"""() => document.querySelector("main").insertAdjacentHTML(
            "beforeend", '<a id="to-fixture" href="{FIXTURE}">Fixture</a>')"""
    )
    page.locator("#to-fixture").click()
    expect(page.locator("#unlabelled-field")).to_be_attached()
    accessibility.settle(page)
    assert reported(a11y_violations, live_server.url + FIXTURE), a11y_violations
    a11y_violations.clear()


def test_a_page_answering_a_form_is_checked(page, live_server, accessibility, a11y_violations):
    serve(page, UNLABELLED)
    page.goto("/")
    page.evaluate(
        f"""() => document.querySelector("main").insertAdjacentHTML("beforeend",
            '<form method="post" action="{FIXTURE}"><button id="send">Send</button></form>')"""
    )
    page.locator("#send").click()
    expect(page.locator("#unlabelled-field")).to_be_attached()
    accessibility.settle(page)
    assert reported(a11y_violations, live_server.url + FIXTURE), a11y_violations
    a11y_violations.clear()


def test_the_page_a_test_ends_on_is_checked(page, live_server, accessibility):
    serve(page, UNLABELLED)
    page.goto(FIXTURE)
    accessibility.settle(page)  # what the fixture waits for when the test ends
    assert len(reported(accessibility.violations, live_server.url + FIXTURE)) == 1
    accessibility.violations.clear()


def test_a_moderate_finding_does_not_fail(page, accessibility):
    serve(page, MODERATE)
    page.goto(FIXTURE)
    page.goto("/")
    accessibility.settle(page)
    assert not accessibility.violations


def test_a_repeated_id_fails(page, live_server, accessibility):
    serve(page, REPEATED_ID)
    page.goto(FIXTURE)
    accessibility.settle(page)
    assert [text for text in accessibility.violations if text.startswith("duplicate-id (serious")]
    assert "#summary" in accessibility.violations[0]
    accessibility.violations.clear()


def test_the_vendored_axe_is_the_one_recorded():
    vendor = Path(__file__).parent / "vendor"
    recorded = re.search(r"axe-core (\d+\.\d+\.\d+)\*\*", (vendor / "README.md").read_text())
    digest = re.search(
        r"sha256\s+([0-9a-f]{64})\s+axe\.min\.js", (vendor / "README.md").read_text()
    )
    script = (vendor / "axe.min.js").read_bytes()
    assert script.startswith(f"/*! axe v{recorded.group(1)}\n".encode())
    assert hashlib.sha256(script).hexdigest() == digest.group(1)

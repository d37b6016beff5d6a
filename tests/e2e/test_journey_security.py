"""The browser enforces the site's Content-Security-Policy: what the templates never do (an
inline style, a script or an image from elsewhere, being framed) is refused and reported, and
the journeys' own check (`csp_violations`) sees it."""

from __future__ import annotations

from playwright.sync_api import expect


def test_the_browser_refuses_what_the_policy_forbids(page, live_server, csp_violations, t):
    response = page.goto("/")
    assert response is not None
    policy = response.headers["content-security-policy"]
    assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy
    assert response.headers["x-frame-options"] == "DENY"
    assert not csp_violations  # the page itself breaks no rule

    # What an injected fragment would try: an inline style and an image from another site.
    page.evaluate(
        """() => document.body.insertAdjacentHTML('beforeend',
            '<p id="injected" style="color: rgb(255, 0, 0)">x</p>'
            + '<img src="https://tracker.invalid/pixel.png">')"""
    )
    expect(page.locator("#injected")).to_have_count(1)
    page.wait_for_timeout(300)  # the console reports arrive asynchronously
    color = page.locator("#injected").evaluate("node => getComputedStyle(node).color")
    assert color != "rgb(255, 0, 0)"  # the inline style was not applied
    assert any("inline style" in text for text in csp_violations), csp_violations
    assert any("tracker.invalid" in text for text in csp_violations), csp_violations
    csp_violations.clear()  # seen and expected: the fixture must not fail this test


def test_no_page_can_frame_the_site(page, live_server, csp_violations):
    page.goto("/")
    page.set_content(f'<iframe id="frame" src="{live_server.url}/login"></iframe>')
    page.wait_for_timeout(500)
    frame = page.frame_locator("#frame")
    expect(frame.locator("form")).to_have_count(0)  # the log-in form never shows inside
    assert any("frame-ancestors" in text for text in csp_violations), csp_violations
    csp_violations.clear()

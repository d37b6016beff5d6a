"""Browser journeys: the real app, served over HTTP, driven by headless Chromium.

- `live_server`: the app on a fresh database (a SQLite file, or the PostgreSQL database of
  DATABASE_URL) holding the demo data of `registry seed-demo`, served by werkzeug on a free
  loopback port, CSRF protection on, as in production. A server-side exception fails the test.
- `language`: every journey runs twice, in English and in French (test ids `[en]`, `[fr]`):
  its browser sends that language (Accept-Language, from the context's locale) and nothing
  else chooses it (accounts follow the browser).
- `t`: the live app's own catalogue in the journey's language, for asserting on visible text:
  `t("Logged in as %(email)s.", email=...)`, `t.n(singular, plural, num, ...)`,
  `t.label("overdue", "flag")`, `t.date(day)`, `t.number(1500)` (the app's filters, run in
  that language). Outside English, a msgid the catalogue does not translate fails the test.
- `page`: a Playwright page in Debian's Chromium (/usr/bin/chromium, or $CHROMIUM); no
  `playwright install` needed. One Chromium runs per language, started in it (`browsers`), so
  its own controls speak it too: a French date input reads jj/mm/aaaa. A JavaScript error,
  a 5xx answer, a missing asset or anything the site's Content-Security-Policy refuses
  (`csp_violations`) fails the test.
- Every page a journey shows is checked by axe-core (tests/e2e/vendor/, a pinned copy) once
  it has loaded, however it came (`goto`, a link, a form sent, a reload); leaving a page
  waits for its check (`Accessibility`). A serious or critical violation, or an id used
  twice (`a11y_violations`), fails the test with its rule, targets and address.
  `accessibility.settle(page)` waits for the check of the page shown.
- `signup(page, email, password, name)`: signs up through the form and follows the link of
  the confirmation e-mail (the live app's outbox).
- `new_page()`: another such page in a fresh browser context (its own cookies), for a second
  person in the same journey.
- `screenshot(page, name)`: checks that the page is in the journey's language (`<html lang>`),
  then saves screenshots/LANG-NAME.png at the repository root (`fr-lookup-2-result.png`).
- `mail_inbox`: letters on in the live app (the request page's "Write to the brand" form): a
  real SMTP server on loopback receives what it sends (tests/mailserver.py, `.messages`),
  and replies go to tests.mailscene.REPLY_DOMAIN.
- `stray_mail`: mail that matched no request, waiting on /mail/unmatched.
- `make_user(role, brand=slug)`: an account in the live app's database (`brand`: a legal
  account's brand), with no profile language (it follows
  the browser); returns (email, password).

Every test here is marked `e2e`. Without Chromium they skip, except with CI=true, where they
fail (see tests/conftest.py). pytest-playwright is disabled (-p no:playwright): these fixtures
replace its own."""

from __future__ import annotations

import gc
import os
import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import flask_babel
import pytest
from flask import Flask, got_request_exception
from playwright.sync_api import BrowserContext, Page, Route, expect
from werkzeug.serving import make_server

from registry import ROOT, create_app
from registry.adapters import db
from registry.fixtures import demo
from registry.presentation import formats, labels
from registry.presentation.context import context_for
from registry.services import accounts
from tests.conftest import PASSWORD, database_url, reset_tables, signup_link

E2E_DIR = Path(__file__).resolve().parent
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
SCREENSHOTS = ROOT / "screenshots"
VIEWPORT = {"width": 1280, "height": 800}
TIMEOUT_MS = 10_000
# The journeys' languages, and the browser locale (hence Accept-Language) each one runs with.
BROWSER_LOCALES = {"en": "en-GB", "fr": "fr-FR"}
# axe-core, vendored from its npm package (see vendor/README.md); a test asset, never served.
AXE_SOURCE = (E2E_DIR / "vendor" / "axe.min.js").read_text(encoding="utf-8")
# What every document of a journey runs, after axe: it tells the journey it is there, then,
# once loaded (its stylesheet applies: colour contrast depends on it), its serious and critical
# violations. HTML from a server only (about:blank, a CSV or JSON shown by the browser are
# not the site's pages); frames neither (the site has none, and axe would wait a minute for
# an answer from a frame without axe).
AXE_RUNNER = """(() => {
  if (window.top !== window || !location.protocol.startsWith("http")) { return; }
  const report = window.__a11yReport;
  const id = Math.random().toString(36).slice(2);
  report({ id, state: "shown" });
  // axe leaves a repeated id to a person to review; here it fails: a label's `for` or an
  // aria-describedby naming it reaches only the first element.
  function repeatedIds() {
    const seen = new Map();
    for (const node of document.querySelectorAll("[id]")) {
      seen.set(node.id, (seen.get(node.id) || 0) + 1);
    }
    const repeated = [...seen].filter(([, count]) => count > 1).map(([id]) => "#" + id);
    return repeated.length ? [{ id: "duplicate-id", impact: "serious",
      help: "An id names one element only", targets: repeated }] : [];
  }
  async function check() {
    if (document.contentType !== "text/html") { return []; }
    const results = await axe.run(document, { iframes: false, resultTypes: ["violations"] });
    return results.violations
      .filter((rule) => rule.impact === "serious" || rule.impact === "critical")
      .map((rule) => ({
        id: rule.id,
        impact: rule.impact,
        help: rule.help,
        targets: rule.nodes.map((node) => node.target.join(" ")),
      }))
      .concat(repeatedIds());
  }
  const problem = (help) => [{ id: "not-checked", impact: "critical", help, targets: [] }];
  let loaded = false;
  let done = false;
  function finish(found) {
    if (!done) { done = true; report({ id, state: "checked", url: location.href, found }); }
  }
  window.addEventListener("load", () => {
    loaded = true;
    check().then(finish, (error) => finish(problem(`axe failed: ${error}`)));
  });
  // Never loaded: say so, rather than hold the next page for ever.
  setTimeout(() => loaded || finish(problem("the page did not load within 8 s")), 8000);
})();"""
# Any address but the stylesheet, the script and the icon: documents are among these.
NOT_STATIC = re.compile(r"^(?!.*/static/).*$")


# werkzeug's development server, which only these journeys use, sometimes leaves a static
# file (an aborted favicon or stylesheet load, when Chromium leaves the page) for the garbage
# collector to close; pytest reports that, during whichever test the collection happens in,
# as an error. It says nothing about the app: production serves static files through
# gunicorn and a proxy. Only that one warning is ignored, and only here.
UNCLOSED_STATIC_FILE = (
    "ignore:Exception ignored in. <_io.FileIO name='[^']*/static/"
    ":pytest.PytestUnraisableExceptionWarning"
)


def pytest_collection_modifyitems(items):
    for item in items:
        if E2E_DIR in item.path.parents:
            item.add_marker(pytest.mark.e2e)
            item.add_marker(pytest.mark.filterwarnings(UNCLOSED_STATIC_FILE))


@dataclass
class LiveServer:
    app: Flask
    url: str
    errors: list[BaseException] = field(default_factory=list)


@pytest.fixture
def live_app(tmp_path) -> Iterator[Flask]:
    app = create_app(
        {"DATABASE_URL": database_url(tmp_path), "SECRET_KEY": "e2e", "WTF_CSRF_ENABLED": True}
    )
    reset_tables(app)
    with app.app_context():
        demo.load(context_for(None))  # what `registry seed-demo` runs; a use case, it commits
    yield app
    engine = app.extensions["registry.engine"]
    # A request the browser left in flight may still hold a connection: wait for it to come
    # back before closing the pool, or it is dropped unclosed and the garbage collector
    # reports it (psycopg's BaseConnection.__del__) during some later test.
    settle_until = time.monotonic() + 5
    while getattr(engine.pool, "checkedout", lambda: 0)() and time.monotonic() < settle_until:
        time.sleep(0.02)
    engine.dispose()
    gc.collect()  # anything still left is reported here, in this test


@pytest.fixture
def live_server(live_app) -> Iterator[LiveServer]:
    server = make_server("127.0.0.1", 0, live_app, threaded=True)
    live = LiveServer(app=live_app, url=f"http://127.0.0.1:{server.server_port}")

    def record(_sender, exception, **_extra):
        live.errors.append(exception)

    got_request_exception.connect(record, live_app)
    # It looks for shutdown() every poll_interval: 0.05 s, not werkzeug's 0.5 s, which each
    # journey waited for, half a second at worst, at its end.
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, name="live-server", daemon=True
    )
    thread.start()
    try:
        yield live
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
        got_request_exception.disconnect(record, live_app)
        gc.collect()  # what the server left to the collector goes now, in this test (above)
    if live.errors:
        pytest.fail(f"the server raised: {live.errors[0]!r}", pytrace=False)


@pytest.fixture(params=sorted(BROWSER_LOCALES), ids=str)
def language(request) -> str:
    """The journey's language: every test using a page runs once per language."""
    return request.param


@dataclass(frozen=True)
class Catalogue:
    """What the live app shows in one language: its catalogue, labels and formats."""

    language: str
    app: Flask

    @contextmanager
    def _speaking(self):
        with self.app.test_request_context(), flask_babel.force_locale(self.language):
            yield

    def _known(self, *keys) -> None:
        if self.language == "en":
            return
        catalog = getattr(flask_babel.get_translations(), "_catalog", {})
        if not any(key in catalog for key in keys):
            raise AssertionError(f"the {self.language} catalogue does not translate {keys[0]!r}")

    def __call__(self, msgid: str, /, **params) -> str:
        """`_(msgid, **params)` as a template or a view says it."""
        with self._speaking():
            self._known(msgid)
            return flask_babel.gettext(msgid, **params)

    def n(self, singular: str, plural: str, count: int, /, **params) -> str:
        """`ngettext(singular, plural, count, **params)` as a template says it: `num` is the
        count unless given (templates pass it grouped, `num=total|thousands`)."""
        with self._speaking():
            self._known((singular, 0))
            text = flask_babel.get_translations().ungettext(singular, plural, count)
            return text % {"num": count, **params}

    def label(self, value: str, kind: str) -> str:
        """The name of a code, as `{{ value|label(kind) }}` shows it."""
        with self._speaking():
            if value in labels.LABELS[kind]:
                self._known(labels.LABELS[kind][value]._args[0])
            return labels.label(value, kind)

    def date(self, value: date) -> str:
        """`{{ value|long_date }}`: "13 mai 2026" / "May 13, 2026"."""
        with self._speaking():
            return formats.long_date(value)

    def number(self, value: int) -> str:
        """`{{ value|thousands }}`."""
        with self._speaking():
            return formats.thousands(value)

    def days_ago(self, days: int) -> str:
        """`{{ days|business_days_ago }}`."""
        with self._speaking():
            return formats.business_days_ago(days)


@pytest.fixture
def t(language, live_app) -> Catalogue:
    return Catalogue(language, live_app)


@pytest.fixture(scope="session")
def browsers() -> Iterator:
    """One Chromium per language, started when a journey first needs it. A context's locale
    sets the page's language (Accept-Language, navigator.language), but Chromium draws its
    own controls — a date input's jj/mm/aaaa, its time's 24-hour clock — in the language it
    was started in, which on Linux comes from LANGUAGE (with Debian's chromium-l10n)."""
    if not os.access(CHROMIUM, os.X_OK):
        pytest.skip(
            f"browser journeys need Chromium at {CHROMIUM}: apt-get install chromium "
            "(or set CHROMIUM=/path/to/chromium)"
        )
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    started: dict = {}

    def launch(language: str):
        if language not in started:
            ui = BROWSER_LOCALES[language].replace("-", "_")
            started[language] = playwright.chromium.launch(
                executable_path=CHROMIUM, args=CHROMIUM_ARGS, env={**os.environ, "LANGUAGE": ui}
            )
        return started[language]

    try:
        yield launch
    finally:
        for running in started.values():
            running.close()
        playwright.stop()


@pytest.fixture
def browser(browsers, language):
    """The journey's language's Chromium."""
    return browsers(language)


@pytest.fixture
def csp_violations() -> list[str]:
    """What the browser refused under the site's Content-Security-Policy, as it reported it
    on the console; any left at the end of a journey fail it."""
    return []


@dataclass
class Accessibility:
    """axe-core's serious and critical findings on the pages a test showed.

    axe runs inside each document, put there through the DevTools protocol as the browser's
    own scripts are: the site's Content-Security-Policy does not apply to it, nor is it
    relaxed. Each document checks itself once loaded and reports through a binding; a
    navigation away from a document still being checked is held until its report is in
    (the old document stays until then), so no page goes unchecked however it was left."""

    site: str
    violations: list[str] = field(default_factory=list)
    current: dict[Page, str] = field(default_factory=dict)  # the document being checked
    held: dict[Page, list[Route]] = field(default_factory=dict)

    def watch(self, context: BrowserContext) -> None:
        context.expose_binding("__a11yReport", self.reported)
        context.add_init_script(AXE_SOURCE + "\n;\n" + AXE_RUNNER)

        def leaving(route: Route):
            request = route.request
            page = request.frame.page if request.is_navigation_request() else None
            if page in self.current and request.frame.parent_frame is None:
                self.held.setdefault(page, []).append(route)
            else:
                route.fallback()

        context.route(NOT_STATIC, leaving)

    def reported(self, source, message) -> None:
        page = source["page"]
        if message["state"] == "shown":
            self.current[page] = message["id"]
            return
        if self.current.get(page) == message["id"]:
            del self.current[page]
            for route in self.held.pop(page, []):
                route.continue_()
        if not message["url"].startswith(self.site):
            return
        for rule in message["found"]:
            where = f" at {', '.join(rule['targets'])}" if rule["targets"] else ""
            self.violations.append(
                f"{rule['id']} ({rule['impact']}: {rule['help']}){where} on {message['url']}"
            )

    def settle(self, page: Page) -> None:
        """Waits for the check of the page's document to be over."""
        for _ in range(TIMEOUT_MS // 25):
            if page not in self.current or page.is_closed():
                return
            page.wait_for_timeout(25)
        self.violations.append(f"not-checked (no report from axe) on {page.url}")


@pytest.fixture
def a11y_violations() -> list[str]:
    """What axe-core found serious or critical on the test's pages; any left at the end of
    a journey fail it."""
    return []


@pytest.fixture
def accessibility(live_server, a11y_violations) -> Accessibility:
    return Accessibility(site=live_server.url, violations=a11y_violations)


@pytest.fixture
def new_page(browser, live_server, language, csp_violations, accessibility):
    """Opens a page in a fresh browser context: its own cookies, so another person's session.
    Every page gets the checks of `page`; the contexts close when the test ends."""
    contexts = []
    problems: list[str] = []

    def open_page():
        context = browser.new_context(
            base_url=live_server.url, viewport=VIEWPORT, locale=BROWSER_LOCALES[language]
        )
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        accessibility.watch(context)
        page = context.new_page()
        page.on("pageerror", lambda error: problems.append(f"JavaScript error: {error}"))

        def console(message):
            if "Content Security Policy" in message.text:
                csp_violations.append(message.text)

        page.on("console", console)

        def check(response):
            is_document = response.request.resource_type == "document"
            if response.status >= 500 or (response.status >= 400 and not is_document):
                problems.append(f"{response.status} for {response.url}")

        page.on("response", check)
        return page

    yield open_page
    for context in contexts:
        for each in context.pages:
            accessibility.settle(each)  # the last page of each person
        context.close()
    problems += [f"CSP violation: {text}" for text in csp_violations]
    problems += [f"accessibility: {text}" for text in accessibility.violations]
    if problems:
        pytest.fail("the browser saw: " + "; ".join(problems), pytrace=False)


@pytest.fixture
def page(new_page):
    return new_page()


@pytest.fixture
def screenshot(language):
    SCREENSHOTS.mkdir(exist_ok=True)

    def take(page, name: str) -> Path:
        expect(page.locator("html")).to_have_attribute("lang", language)
        path = SCREENSHOTS / f"{language}-{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture
def signup(live_server, t):
    def sign_up(page, email: str, password: str, name: str = "") -> None:
        page.locator("#email").fill(email)
        if name:
            page.locator("#display_name").fill(name)
        page.locator("#password").fill(password)
        page.locator("#confirm").fill(password)
        page.get_by_role("button", name=t("Create my account")).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(t("Check your inbox"))
        page.goto(signup_link(live_server.app))
        page.get_by_role("button", name=t("Create my account")).click()

    return sign_up


@pytest.fixture
def mail_inbox(live_app):
    from tests.mailscene import REPLY_DOMAIN
    from tests.mailserver import start_inbox

    live_app.config["MAIL_REPLY_DOMAIN"] = REPLY_DOMAIN
    box, controller = start_inbox(live_app)
    try:
        yield box
    finally:
        controller.stop()


@pytest.fixture
def stray_mail(live_app, mail_inbox) -> None:
    from registry.services import mail_intake
    from tests.mailscene import REPLY_DOMAIN, corpus_message, reply

    nobody = "press@registry.test"  # no request's reply address
    messages = [
        reply(
            nobody,
            "Bonjour, nous avons bien reçu votre courrier au sujet de plusieurs comptes.",
            From="Service juridique du groupe <direction.juridique.internationale@example.com>",
            Subject="Re: Votre nom sur Instagram : un_nom_de_compte_vraiment_tres_long_2026 "
            "est proposé à Voitures Lumière",
        ),
        corpus_message("discourse-hebrew_reply.eml", nobody),  # right to left
        # To a reply address no request has: the longest reason a message waits for.
        reply(f"reply+{'q' * 26}@{REPLY_DOMAIN}", "Une réponse égarée."),
    ]
    with live_app.app_context():
        for raw in messages:
            received = mail_intake.receive_mail(context_for(None), raw)  # a use case: it commits
            assert received.status == "unmatched", received


@pytest.fixture
def make_user(live_server):
    def create(role: str = "staff", email: str | None = None, brand: str = "") -> tuple[str, str]:
        email = email or f"e2e-{role}@example.org"
        with live_server.app.app_context():
            session = db.session()
            accounts.create_user(
                context_for(None), email=email, password=PASSWORD, role=role, brand_slug=brand
            )
            session.commit()
        return email, PASSWORD

    return create

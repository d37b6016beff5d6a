"""Languages and time zones: which the reader gets, and where sentences are translated.

Domain and service errors are written in English with named parameters
(``Invalid('Unknown platform "%(slug)s".', slug=slug)``); they are translated only where a
person reads them — a page, a flash, an API answer — by ``translate``.

The reader is the signed-in member on the site, the token's account on the API (never the
session cookie there), or nobody. Their profile's language wins, then the one chosen in the
footer (kept in the session), then the browser's Accept-Language; English by default. Times
are stored in UTC and shown in the reader's time zone (Europe/Paris by default). Outside a
request (the CLI, a test calling a filter) everything is English and Paris time.
"""

from __future__ import annotations

from contextlib import contextmanager
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import flask_babel
from babel import support
from flask import Flask, g, has_request_context, request, session
from flask_babel import Babel, get_locale, refresh
from flask_login import current_user

from registry.domain.messages import LANGUAGES
from registry.presentation.extensions import login_manager

DEFAULT_LOCALE = "en"
DEFAULT_TIMEZONE = "Europe/Paris"

babel = Babel()


def reader():
    """Whose preferences apply: the API's token account, else the signed-in member."""
    if not has_request_context() or g.get("database_unavailable"):
        return None  # (the database is out of reach: registry.presentation.outage)
    if request.blueprint == "api":
        return g.get("api_user")
    if current_user and current_user.is_authenticated:
        return current_user
    return None


def select_locale() -> str:
    """The profile's language, else the one chosen in the footer, else the browser's."""
    if not has_request_context():
        return DEFAULT_LOCALE
    user = reader()
    if user is not None and user.locale in LANGUAGES:
        return user.locale
    if request.blueprint != "api":
        chosen = session.get("locale")
        if chosen in LANGUAGES:
            return chosen
    return request.accept_languages.best_match(LANGUAGES) or DEFAULT_LOCALE


@lru_cache(maxsize=256)
def is_known_zone(name: str | None) -> bool:
    """Whether both zoneinfo and pytz (which Flask-Babel uses) know this time zone."""
    if not name:
        return False
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: too long a name for a file
        return False
    import pytz  # Flask-Babel's own dependency, for its date formatting

    return name in pytz.all_timezones_set


@lru_cache(maxsize=1)
def time_zone_names() -> tuple[str, ...]:
    """The usual time zone names (Europe/Paris, America/Montreal…), for a profile's choice."""
    import pytz

    return tuple(name for name in pytz.common_timezones if is_known_zone(name))


def select_timezone() -> str:
    user = reader()
    if user is not None and is_known_zone(user.timezone):
        return user.timezone
    return DEFAULT_TIMEZONE


def zone_city() -> str:
    """The reader's time zone as people name it: "Paris", "New York", "Tokyo"."""
    from babel.dates import get_timezone_location

    zone = ZoneInfo(select_timezone())
    return get_timezone_location(zone, current_locale(), return_city=True)


def reader_zone() -> ZoneInfo:
    """The reader's time zone, looked up once per request (a page shows many moments)."""
    if not has_request_context():
        return ZoneInfo(select_timezone())
    if "reader_zone" not in g:
        g.reader_zone = ZoneInfo(select_timezone())
    return g.reader_zone


def refresh_choices() -> None:
    """Forget the language and zone worked out so far: a choice or a profile changed, or
    a new request began on a shared `g` (tests and CLI calls share one)."""
    refresh()
    if has_request_context():
        for key in ("reader_zone", "reader_locale", "reader_translations"):
            g.pop(key, None)


@contextmanager
def in_language(code: str):
    """Say what is inside in the language `code` (a mail to a member in theirs), then go
    back to the reader's."""
    try:
        with flask_babel.force_locale(code):
            refresh_choices()
            yield
    finally:
        refresh_choices()


def translations() -> support.NullTranslations:
    """The reader's catalogue, found once per request: Flask-Babel looks it up again for
    every sentence, which is most of a page's translating time."""
    try:
        return g.reader_translations  # one look-up on the busiest path (a page's every sentence)
    except (AttributeError, RuntimeError):
        if not has_request_context():
            return support.NullTranslations()
        g.reader_translations = flask_babel.get_translations()
        return g.reader_translations


def gettext(msgid: str, **params) -> str:
    """flask_babel.gettext, on the request's catalogue (formats only when given params)."""
    text = translations().ugettext(msgid)
    return text % params if params else text


def ngettext(singular: str, plural: str, num: int, **params) -> str:
    params.setdefault("num", num)
    return translations().ungettext(singular, plural, num) % params


def remember_choice(locale: str) -> None:
    """Keep the language chosen in the footer for this browser, and use it at once."""
    session["locale"] = locale
    refresh_choices()


def forget_choice() -> None:
    """Let the profile (or the browser) decide again, from this request on."""
    session.pop("locale", None)
    refresh_choices()


def current_locale() -> str:
    """The language code of this request ("en" outside a request)."""
    try:
        return g.reader_locale
    except (AttributeError, RuntimeError):
        if not has_request_context():
            return DEFAULT_LOCALE
        locale = get_locale()
        g.reader_locale = locale.language if locale is not None else DEFAULT_LOCALE
        return g.reader_locale


def init_app(app: Flask) -> None:
    babel.init_app(
        app,
        default_locale=DEFAULT_LOCALE,
        default_timezone=DEFAULT_TIMEZONE,
        locale_selector=select_locale,
        timezone_selector=select_timezone,
    )
    # {% trans %} blocks are extracted and looked up with their whitespace collapsed, so the
    # templates can wrap long sentences (babel.cfg extracts them the same way).
    app.jinja_env.policies["ext.i18n.trimmed"] = True
    # Added to the environment by Jinja's i18n extension, which Flask-Babel loads: untyped.
    app.jinja_env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=lambda s: translations().ugettext(s),
        ngettext=lambda s, p, n: translations().ungettext(s, p, n),
        pgettext=lambda c, s: translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: translations().unpgettext(c, s, p, n),
        newstyle=True,
    )
    login_manager.localize_callback = gettext  # its "please log in" flash
    # The locale is cached on `g`, which tests (and CLI calls) may share across requests.
    app.before_request(refresh_choices)

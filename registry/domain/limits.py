"""The bounds of every value a client can send, one set for forms, the API, the CSV and the CLI.

A registry of record refuses what it cannot store faithfully instead of failing on it: a
number beyond its column, a date no one means (year 1, year 9999), a NUL byte (PostgreSQL
cannot store it in text), a lone UTF-16 surrogate (no encoding can write it), a text longer
than the column. Each check answers with a sentence the user can act on (an `Explained`
refusal, translated where it is shown). Pure Python: no Flask, no database.
"""

from __future__ import annotations

from datetime import date, datetime
from urllib.parse import urlsplit

from registry.domain.messages import N_, Explained, Param

# Dates: nothing in the registry's domain happened before 1900 or will after 2100.
MIN_DAY = date(1900, 1, 1)
MAX_DAY = date(2100, 12, 31)

# Integer columns are 32-bit on PostgreSQL (INTEGER): ids, follower counts, amounts in cents.
INT32_MAX = 2**31 - 1
MAX_ID = INT32_MAX
MAX_FOLLOWERS = INT32_MAX  # the largest accounts have under a billion followers
MAX_AMOUNT_CENTS = 1_000_000_000  # 10 million euros, well inside the column
MAX_AMOUNT_EUROS = MAX_AMOUNT_CENTS // 100
MAX_PAGE = 100_000  # deeper than any real list; larger page numbers are clamped

# Lists: rows a page of the site or of the API shows unless the PAGE_SIZE setting says
# otherwise (registry.config), and the most an API client may ask for (`per_page`).
PAGE_SIZE = 25
MAX_PER_PAGE = 100

# A brand's own reply deadline (Brand.reply_deadline_days), in business days. Without one,
# the site's (REPLY_DEADLINE_DAYS in registry.config, default clock.DEFAULT_DEADLINE_DAYS).
MIN_DEADLINE_DAYS = 1
MAX_DEADLINE_DAYS = 90

# Text lengths, shared by the models' columns, the forms, the API schemas and the CSV import.
NAME_MAX = 120
PHONE_MAX = 40  # User.phone
CONTACT_MAX = 255
URL_MAX = 500
WEBSITE_MAX = 255  # Brand.website
CONTACT_POINT_MAX = 255
NOTE_MAX = 5_000
SUMMARY_MAX = 5_000
MESSAGE_MAX = 5_000
SEARCH_MAX = 200
HANDLE_INPUT_MAX = 500  # a pasted profile URL, before it is reduced to the handle
QUERY_VALUE_MAX = 2_000  # any other query-string value (a return address, a filter)
TEXT_INPUT_MAX = 5_000  # a form's text field that declares no length of its own
PLATFORM_SLUG_MAX = 40
BRAND_SLUG_MAX = 64
EMAIL_MAX = 254  # User.email: the longest address SMTP carries (RFC 5321)
TIMEZONE_MAX = 64  # an IANA time zone's name (Brand.timezone, User.timezone)
COUNTRY_CODE_LENGTH = 2  # ISO 3166-1 alpha-2 (Brand.country)
SUBDIVISION_MAX = 8  # ISO 3166-2, such as GB-ENG (Brand.subdivision)
CODE_MAX = 16  # a code picked from a list: a channel, a failure reason
AMOUNT_INPUT_MAX = 20  # an amount as typed in a form ("1 500,50"), before it is read
# Two notes the site's forms keep shorter than NOTE_MAX, though the use cases accept NOTE_MAX:
CUSTODY_NOTE_MAX = 2_000  # the note of a change of holder (the holder form)
TRANSITION_NOTE_MAX = 500  # the note of a move between states (its form and the API)
CONTACT_POINTS_MAX = 50  # contact points given with a new brand in one API call

# Bodies: a JSON body of the API is a flat object of a few fields; a form of the site carries at
# most a CSV file of IMPORT_FILE_MAX_MB (MAX_CONTENT_LENGTH in registry.config allows for the
# form around it).
API_BODY_MAX = 1_000_000  # bytes
JSON_DEPTH_MAX = 32  # levels of nested arrays and objects
IMPORT_FILE_MAX_MB = 5
IMPORT_FILE_MAX_BYTES = IMPORT_FILE_MAX_MB * 1024 * 1024
FORM_BODY_MAX = IMPORT_FILE_MAX_BYTES + 1024 * 1024  # bytes: the largest file and its form


def query_value_max(name: str) -> int:
    """The longest value a query-string parameter may carry: searches are short."""
    return SEARCH_MAX if name == "q" else QUERY_VALUE_MAX


class OutOfRange(Explained):
    """A value the registry refuses to store; `field` names where it was given."""

    def __init__(self, msgid: str, /, *, field: str = "", **params: Param) -> None:
        super().__init__(msgid, **params)
        self.field = field  # after the base class, which may set a field of its own


def check_day(value: date, *, field: str = "") -> date:
    if isinstance(value, datetime):
        value = value.date()
    if not MIN_DAY <= value <= MAX_DAY:
        raise OutOfRange(
            N_("Give a date between %(min)s and %(max)s."),
            field=field,
            min=MIN_DAY,
            max=MAX_DAY,
        )
    return value


def check_moment(value: datetime, *, field: str = "") -> datetime:
    check_day(value.date(), field=field)
    return value


def parse_day(raw: str, *, field: str = "") -> date:
    """A YYYY-MM-DD date typed or sent by a client, inside the registry's range."""
    try:
        value = date.fromisoformat(raw.strip())
    except (ValueError, TypeError):
        raise OutOfRange(
            N_('"%(value)s" is not a date (YYYY-MM-DD).'), field=field, value=raw
        ) from None
    return check_day(value, field=field)


def check_int(value: int, *, field: str = "", minimum: int = 0, maximum: int = INT32_MAX) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not minimum <= value <= maximum:
        raise OutOfRange(
            N_("Give a whole number between %(min)s and %(max)s."),
            field=field,
            min=minimum,
            max=maximum,
        )
    return value


def is_id(value: object) -> bool:
    """Whether a value can name a row: a whole number between 1 and MAX_ID."""
    return isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= MAX_ID


def check_amount(euros: float, *, field: str = "amount") -> int:
    """An amount in euros as whole cents: finite, not negative, at most MAX_AMOUNT_EUROS."""
    if euros != euros or euros in (float("inf"), float("-inf")):  # NaN is not equal to itself
        raise OutOfRange(N_("Give an amount in euros, such as 150 or 99.50."), field=field)
    if euros < 0:
        raise OutOfRange(N_("An amount cannot be negative."), field=field)
    if euros > MAX_AMOUNT_EUROS:
        raise OutOfRange(
            N_("An amount can be at most %(max)s euros."), field=field, max=MAX_AMOUNT_EUROS
        )
    return round(euros * 100)


def clamp_page(page: object) -> int:
    """A page number from a query string: junk means 1, and no page lies beyond MAX_PAGE."""
    text = str(page or 1).strip()
    if len(text) > 12:  # more digits than any page: the last one
        return MAX_PAGE if text.isdigit() else 1
    try:
        number = int(text)
    except (TypeError, ValueError):
        return 1
    return min(max(1, number), MAX_PAGE)


def has_lone_surrogate(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def unstorable_text(text: str) -> str | None:
    """Why a text cannot be stored as it is (a msgid), or None when it can."""
    if "\x00" in text:
        return N_("The text contains a NUL character, which cannot be stored.")
    if has_lone_surrogate(text):
        return N_("The text contains an invalid character (a lone surrogate).")
    return None


def check_text(value: str | None, *, field: str = "", max_length: int, strip: bool = True) -> str:
    """A text ready to store: stripped, storable, and no longer than its column."""
    text = "" if value is None else str(value)
    if strip:
        text = text.strip()
    problem = unstorable_text(text)
    if problem:
        raise OutOfRange(problem, field=field)
    if len(text) > max_length:
        raise OutOfRange(
            N_("This text is too long: %(length)s characters, at most %(max)s."),
            field=field,
            length=len(text),
            max=max_length,
        )
    return text


# Links the registry stores and shows (evidence, a brand's website) are web pages: any other
# scheme (javascript:, data:, file:) would run or open something in a reader's browser.
WEB_SCHEMES = ("http", "https")
NOT_A_WEB_URL = N_("Enter a web address starting with https:// (or http://).")


def is_web_url(text: str | None) -> bool:
    """An absolute http(s) URL with a host, and no space or control character in it."""
    if not text or any(c.isspace() or ord(c) < 32 or ord(c) == 127 for c in text):
        return False
    try:
        parts = urlsplit(text)
        return parts.scheme.lower() in WEB_SCHEMES and bool(parts.hostname)
    except ValueError:  # e.g. a malformed IPv6 host
        return False


def check_web_url(value: str | None, *, field: str = "", max_length: int = URL_MAX) -> str:
    """A link ready to store: "" when none is given, else a storable http(s) URL. The one rule
    for every URL a client sends, through a form, the API or a CSV file."""
    text = check_text(value, field=field, max_length=max_length)
    if text and not is_web_url(text):
        raise OutOfRange(NOT_A_WEB_URL, field=field)
    return text


TOO_DEEP = N_("The body is nested too deeply: at most %(max)s levels.")


def unstorable_in(
    value: object, *, depth_max: int = JSON_DEPTH_MAX
) -> tuple[str, str, dict[str, Param]] | None:
    """The first problem in a decoded JSON value, as (where, msgid, params): a text or a key
    with a NUL or a lone surrogate, or nesting deeper than `depth_max`. `where` is the dotted
    path of the value ("summary", "items.0"), "body" for the body itself; None when the whole
    value can be stored. Walks without recursion, so any depth is safe."""
    stack: list[tuple[object, str, int]] = [(value, "", 0)]
    while stack:
        item, where, depth = stack.pop()
        if depth > depth_max:
            return "body", TOO_DEEP, {"max": depth_max}
        if isinstance(item, str):
            problem = unstorable_text(item)
            if problem:
                return where or "body", problem, {}
        elif isinstance(item, dict):
            for key, child in item.items():
                problem = unstorable_text(str(key))
                if problem:
                    return where or "body", problem, {}
                stack.append((child, f"{where}.{key}" if where else str(key), depth + 1))
        elif isinstance(item, list):
            for index, child in enumerate(item):
                stack.append((child, f"{where}.{index}" if where else str(index), depth + 1))
    return None

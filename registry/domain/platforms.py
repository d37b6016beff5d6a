"""The handle rules of each platform, kept as plain data.

Platforms change their rules; updating one means editing one entry below (and running the
platform sync, since the Platform table mirrors these fields). Sources are listed in
/work/shared/PLATFORMS.md: WhatsMyName, Sherlock and Maigret site data, and the platforms'
help pages.
"""

from __future__ import annotations

from dataclasses import dataclass

from registry.domain.messages import N_, Explained


class UnknownPlatform(Explained):
    """A platform slug that the registry has no rules for."""


@dataclass(frozen=True)
class PlatformRules:
    """What a handle on one platform may look like, and how to recognise its profile URLs.

    `pattern` is authoritative: a handle that fullmatches it (within the length bounds, and
    with a letter when `requires_letter`) is valid. The parser runs a few extra checks first
    only to explain a rejection in plain words. `allowed_description` and `length_note` are
    English phrases marked for the catalogue: messages translate them where they are shown.

    `hosts` are compared after dropping a "www.", "m." or "mobile." prefix; an entry
    "*.example.com" matches any one subdomain (LinkedIn's country sites, fr.linkedin.com).
    `path_prefixes` are path segments that come before the handle in a profile URL
    (linkedin.com/in/NAME).
    """

    slug: str
    name: str
    url_template: str
    hosts: tuple[str, ...]
    path_prefixes: tuple[str, ...]
    pattern: str
    allowed_description: str
    min_length: int
    max_length: int
    case_sensitive: bool = False
    ignored_characters: str = ""
    requires_letter: bool = False
    length_note: str = ""
    kind: str = "username"  # "username", "domain" (Bluesky) or "fediverse" (Mastodon)


# Instagram and Threads share one username: periods only between other characters.
_INSTAGRAM_PATTERN = r"[A-Za-z0-9_]+(?:\.[A-Za-z0-9_]+)*"

# Top-level domains the AT Protocol refuses as handles (atproto.com/specs/handle).
BLUESKY_DISALLOWED_TLDS = (
    "local",
    "arpa",
    "invalid",
    "localhost",
    "internal",
    "example",
    "alt",
    "onion",
)

# A DNS hostname of two labels or more whose last label starts with a letter; labels are
# 1-63 letters, digits and inner hyphens. The 253-character total is max_length.
_HOSTNAME_PATTERN = (
    r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+"
    r"[A-Za-z](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
)

# First path segments that are pages of the site rather than accounts, for platforms whose
# profile URLs put the handle right after the host (x.com/NAME): a pasted post link such as
# instagram.com/p/CODE must not be read as the account "p".
NON_PROFILE_PATHS: dict[str, frozenset[str]] = {
    "x": frozenset(
        {"i", "home", "search", "explore", "hashtag", "intent", "share", "settings", "messages"}
    ),
    "facebook": frozenset(
        {
            "profile.php",  # numeric profile IDs, not usernames
            "people",
            "pages",
            "groups",
            "events",
            "watch",
            "reel",
            "photo.php",
            "permalink.php",
            "story.php",
            "sharer.php",
            "share",
            "hashtag",
            "marketplace",
            "login",
        }
    ),
    "instagram": frozenset({"p", "reel", "reels", "tv", "explore", "stories", "accounts"}),
    "telegram": frozenset({"joinchat", "addstickers", "addemoji", "share", "proxy", "socks"}),
}

PLATFORMS: tuple[PlatformRules, ...] = (
    PlatformRules(
        slug="x",
        name="X",
        url_template="https://x.com/{handle}",
        hosts=("x.com", "twitter.com"),
        path_prefixes=(),
        pattern=r"[A-Za-z0-9_]+",
        allowed_description=N_("letters, digits and underscores"),
        # New accounts need 4-15 characters, but the registry records what exists.
        min_length=1,
        max_length=15,
        length_note=N_(
            "new X accounts need at least 4 characters, but shorter legacy handles exist"
        ),
    ),
    PlatformRules(
        slug="facebook",
        name="Facebook",
        url_template="https://www.facebook.com/{handle}",
        hosts=("facebook.com", "fb.com"),
        path_prefixes=("pg",),  # legacy Page URLs: facebook.com/pg/NAME/posts
        # No domain extension at the end (Facebook refuses "name.com" as a username).
        pattern=r"(?![A-Za-z0-9.]*\.(?i:com|net|org)\Z)[A-Za-z0-9.]+",
        allowed_description=N_("letters, digits and periods"),
        min_length=5,
        max_length=50,
        ignored_characters=".",  # john.smith55 and johnsmith55 are the same username
        requires_letter=True,
    ),
    PlatformRules(
        slug="instagram",
        name="Instagram",
        url_template="https://www.instagram.com/{handle}/",
        hosts=("instagram.com", "instagr.am"),
        path_prefixes=(),
        pattern=_INSTAGRAM_PATTERN,
        allowed_description=N_("letters, digits, periods and underscores"),
        min_length=1,
        max_length=30,
        requires_letter=True,
    ),
    PlatformRules(
        slug="tiktok",
        name="TikTok",
        url_template="https://www.tiktok.com/@{handle}",
        hosts=("tiktok.com",),
        path_prefixes=(),
        pattern=r"[A-Za-z0-9_.]*[A-Za-z0-9_]",  # may not end with a period
        allowed_description=N_("letters, digits, underscores and periods"),
        min_length=2,
        max_length=24,
    ),
    PlatformRules(
        slug="youtube",
        name="YouTube",
        url_template="https://www.youtube.com/@{handle}",
        hosts=("youtube.com",),
        path_prefixes=("c", "user"),  # legacy custom URLs still circulate
        # Since 2023 YouTube also accepts "·" and letters of 75 scripts; the registry keeps
        # to Latin letters until a brand needs more.
        pattern=r"[A-Za-z0-9_.-]+",
        allowed_description=N_("letters, digits, underscores, hyphens and periods"),
        min_length=3,
        max_length=30,
    ),
    PlatformRules(
        slug="linkedin",
        name="LinkedIn",
        url_template="https://www.linkedin.com/in/{handle}",
        hosts=("linkedin.com", "*.linkedin.com"),
        # Member profiles (/in/) and company pages (/company/) both reduce to their slug.
        path_prefixes=("in", "company"),
        pattern=r"[A-Za-z0-9-]+",
        allowed_description=N_("letters, digits and hyphens"),
        min_length=3,
        max_length=100,
    ),
    PlatformRules(
        slug="threads",
        name="Threads",
        url_template="https://www.threads.com/@{handle}",
        hosts=("threads.com", "threads.net"),
        path_prefixes=(),
        pattern=_INSTAGRAM_PATTERN,  # a Threads profile uses its Instagram username
        allowed_description=N_("letters, digits, periods and underscores"),
        min_length=1,
        max_length=30,
        requires_letter=True,
    ),
    PlatformRules(
        slug="bluesky",
        name="Bluesky",
        url_template="https://bsky.app/profile/{handle}",
        hosts=("bsky.app",),
        path_prefixes=("profile",),
        pattern=(
            rf"(?!.*\.(?i:{'|'.join(BLUESKY_DISALLOWED_TLDS)})\Z)"  # reserved TLDs
            + _HOSTNAME_PATTERN
        ),
        allowed_description=N_("letters, digits, hyphens and periods"),
        min_length=3,
        max_length=253,
        kind="domain",  # a domain name: name.bsky.social, or a brand's own domain
    ),
    PlatformRules(
        slug="mastodon",
        name="Mastodon",
        url_template="https://{instance}/@{user}",
        hosts=(),  # any instance
        path_prefixes=("users",),  # ActivityPub form: https://instance/users/NAME
        # Mastodon's USERNAME_RE (app/models/account.rb); it applies to the user part only.
        pattern=r"[A-Za-z0-9_]+(?:[.-]+[A-Za-z0-9_]+)*",
        allowed_description=N_(
            "letters, digits and underscores, with periods or hyphens only between them"
        ),
        min_length=1,
        max_length=30,
        length_note=N_("not counting the @instance part"),
        kind="fediverse",  # user@instance: the instance is part of the identity
    ),
    PlatformRules(
        slug="telegram",
        name="Telegram",
        url_template="https://t.me/{handle}",
        hosts=("t.me", "telegram.me", "telegram.dog"),
        path_prefixes=("s",),  # t.me/s/NAME is a channel's public preview
        pattern=r"[A-Za-z][A-Za-z0-9_]*",
        allowed_description=N_("letters, digits and underscores"),
        min_length=5,
        max_length=32,
    ),
    PlatformRules(
        slug="snapchat",
        name="Snapchat",
        url_template="https://www.snapchat.com/add/{handle}",
        hosts=("snapchat.com",),
        path_prefixes=("add",),
        # Snapchat shows usernames in lower case; typed capitals fold to the same account.
        pattern=r"[A-Za-z][A-Za-z0-9._-]*",
        allowed_description=N_("letters, digits, hyphens, underscores and periods"),
        min_length=3,
        max_length=15,
    ),
)

PLATFORMS_BY_SLUG: dict[str, PlatformRules] = {rules.slug: rules for rules in PLATFORMS}


def get_rules(slug: str) -> PlatformRules:
    """The rules of a platform, found by slug whatever its case or surrounding spaces."""
    key = slug.strip().lower()
    try:
        return PLATFORMS_BY_SLUG[key]
    except KeyError:
        raise UnknownPlatform(N_('Unknown platform "%(slug)s".'), slug=slug.strip()) from None

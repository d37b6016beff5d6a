"""The handle rules of each platform, kept as plain data.

Platforms change their rules; updating one means editing one entry below (and running the
platform sync, since the Platform table mirrors the PlatformRules fields). Sources are listed
in /work/shared/PLATFORMS.md (WhatsMyName, Sherlock and Maigret site data, and the platforms'
help pages); each rule below names the one it follows.

Two kinds of data live here:

- PlatformRules, one per platform, mirrored by the Platform table: the handle pattern, the
  length bounds, the profile-URL template, the hosts.
- SiteLinks, keyed by platform slug and read through ``PlatformRules.links``: what the
  platform's site does with its paths (pages that are not accounts, post and video links,
  short links, app links, the other namespace of the same site) and the rules a pattern
  cannot say (YouTube's one writing system). They are code-side data, not table columns: a
  Platform row rebuilt from the database finds them again by its slug.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from registry.domain.messages import N_, Explained


class UnknownPlatform(Explained):
    """A platform slug that the registry has no rules for."""


@dataclass(frozen=True)
class LinkForm:
    """One way a platform writes a link, recognised by its path.

    `path` is a regular expression fullmatched, ignoring case, against the decoded path of a
    pasted link without its leading "/" (for an app link such as tg://resolve?domain=NAME,
    against what follows the scheme: "resolve"). The form then gives exactly one outcome:

    - `refuse`: the link names no account, for a reason the parser explains (a key of
      registry.domain.handles.LINK_REFUSALS: "post", "video", "id", "short", "private",
      "legacy", "no_account");
    - `belongs_to`: the link is one of another platform's (its slug), on the same site;
    - `query`: the handle is the value of this query parameter (x.com/intent/user?
      screen_name=NAME); with `query_is_path`, that value is itself a path of the site
      (instagram.com/accounts/login/?next=/NAME/). A link without the parameter does not
      match the form;
    - otherwise the handle is the regular expression's group "handle".
    """

    path: str
    refuse: str = ""
    belongs_to: str = ""
    query: str = ""
    query_is_path: bool = False


@dataclass(frozen=True)
class SiteLinks:
    """What a platform's links and names look like beyond PlatformRules.

    - `subdomains`: a regular expression of one host label that shows the same profiles as
      the bare host (Facebook's web., mbasic., fr-fr.); "www.", "m." and "mobile." always do.
    - `other_hosts`: hosts of the platform whose links never name an account, with the
      reason (short links such as vm.tiktok.com, video links such as youtu.be).
    - `handle_subdomain_of`: profiles also served as NAME.<this host> (NAME.t.me).
    - `reserved`: names no account can have, refused when typed and as the first path
      segment of a pasted link (a page of the site: x.com/home). On platforms whose profile
      URLs put the handle right after the host, every page of the site is reserved.
    - `pages`: further first path segments that are pages of the site, refused only in links.
    - `forms`: LinkForms tried in order on a pasted link's path, before the generic reading
      (host/@NAME, host/PREFIX/NAME, host/NAME).
    - `app_links`: LinkForms by URI scheme (tg, at, acct, twitter, instagram, snapchat).
    - `bare_segment`: what host/NAME is when profile URLs do not put the handle there:
      "" (not an account), "handle" (threads.net/NAME, a redirect to /@NAME) or a reason.
    - `one_writing_system`: the handle's letters come from one writing system (YouTube).
    - `collectible_below`: names shorter than this (down to PlatformRules.min_length) exist
      only as collectible usernames, bought and sold outside the platform's rename rules
      (Telegram: ordinary usernames have 5 characters or more, collectibles may have 4);
      0 when the platform has none.
    """

    subdomains: str = ""
    other_hosts: Mapping[str, str] = field(default_factory=dict)
    handle_subdomain_of: str = ""
    reserved: frozenset[str] = frozenset()
    pages: frozenset[str] = frozenset()
    forms: tuple[LinkForm, ...] = ()
    app_links: Mapping[str, tuple[LinkForm, ...]] = field(default_factory=dict)
    bare_segment: str = ""
    one_writing_system: bool = False
    collectible_below: int = 0


NO_SITE_LINKS = SiteLinks()


@dataclass(frozen=True)
class PlatformRules:
    """What a handle on one platform may look like, and how to recognise its profile URLs.

    `pattern` is authoritative for the characters: a handle that fullmatches it (within the
    length bounds, and with a letter when `requires_letter`) is valid, unless the platform's
    SiteLinks reserve the name or ask for one writing system (rules no pattern can say). The
    parser runs a few extra checks first only to explain a rejection in plain words. Patterns
    use the syntax of the `regex` module (a superset of `re`: \\p{L} for any letter).
    `allowed_description` and `length_note` are English phrases marked for the catalogue:
    messages translate them where they are shown.

    `ignored_characters` do not tell two handles apart (Facebook's periods) and do not count
    toward `min_length`.

    `hosts` are compared after dropping a "www.", "m." or "mobile." prefix (and the
    platform's own `links.subdomains`); an entry "*.example.com" matches any one subdomain
    (LinkedIn's country sites, fr.linkedin.com). `path_prefixes` are path segments that come
    before the handle in a profile URL (linkedin.com/company/NAME).
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

    @property
    def links(self) -> SiteLinks:
        """The platform's site data (reserved names, link forms), found by slug."""
        return SITE_LINKS.get(self.slug, NO_SITE_LINKS)


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

# YouTube handles: letters and numbers of any script, "_", "-", "." and the Latin middle dot
# "·" (U+00B7), not starting with a combining mark. YouTube Help, "Handles overview"
# (support.google.com/youtube/answer/11585688; read in its Filipino version, paraphrased
# here): 3-30 characters (with exceptions per language); letters or numbers from one of the
# 75 supported languages; also underscores, hyphens, periods and the Latin middle dot; mixed
# scripts only in certain situations; left-to-right and right-to-left scripts not mixed
# unless numbers are added at the end. YouTube's announcement (blog.youtube, "Getting a
# handle on international Handles", 2024-09-12): "Latin cannot mix with Cyrillic". The rule
# is SiteLinks.one_writing_system (registry.domain.handles applies UTS #39's "highly
# restrictive" level: one script, or Latin with Han and Japanese kana, Han and Bopomofo, or
# Han and Hangul).
_YOUTUBE_PATTERN = r"(?!\p{M})[\p{L}\p{M}\p{Nd}_.\xb7-]+"

# Telegram usernames: a letter first, then letters, digits and single underscores, not
# ending with an underscore. tdlib td/telegram/misc.cpp, is_valid_username(): "if
# (username.back() == '_') return false; ... if (username[i - 1] == '_' && username[i] ==
# '_') return false"; is_allowed_username() adds the 5-character minimum for new names.
_TELEGRAM_PATTERN = r"[A-Za-z](?:_?[A-Za-z0-9])*"

# Telegram's shortest names are collectible usernames. Telegram FAQ (telegram.org/faq,
# "Usernames and t.me"): a basic username has at least 5 characters; "collectibles can be
# less than 5 characters long", are bought and sold on Fragment, and their purchase "gives
# permanent ownership" (also core.telegram.org/api/fragment). The shortest names Fragment
# lists have 4 characters (e.g. @meta; PLATFORMS.md, "Handover methods", Telegram: a
# secondary source). So 4 is the floor the registry accepts, and a name of 4 can only be a
# collectible, which its owner sells or assigns (an `ownership` handover); a name of 5 or
# more may be either, and is treated as ordinary.
TELEGRAM_ORDINARY_MIN_LENGTH = 5
TELEGRAM_COLLECTIBLE_MIN_LENGTH = 4

# LinkedIn custom URLs: letters, digits and hyphens, 3-100 characters (LinkedIn Help,
# "Customize your public profile URL"; Sherlock's regexCheck ^[a-zA-Z0-9]{3,100}$).
_LINKEDIN_PATTERN = r"[A-Za-z0-9-]+"

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
        # fb.me/NAME is Facebook's short address of a username.
        hosts=("facebook.com", "fb.com", "fb.me"),
        path_prefixes=("pg",),  # legacy Page URLs: facebook.com/pg/NAME/posts
        # Facebook Help Center, "Guidelines for creating a custom username" (help
        # 105399436216001): "Usernames can only contain alphanumeric characters (A–Z, 0–9)
        # and periods ("."). They can't contain generic terms or extensions (.com, .net).
        # Usernames must be at least 5 characters long. Periods (".") and capitalization
        # can't be used to differentiate usernames." Periods are ignored_characters, so they
        # neither tell usernames apart nor count toward the 5. The page says nothing of
        # periods at the start, the end or twice in a row, so those stay allowed.
        pattern=r"(?![A-Za-z0-9.]*\.(?i:com|net|org)\Z)[A-Za-z0-9.]+",
        allowed_description=N_("letters, digits and periods"),
        min_length=5,
        max_length=50,  # not on the help page: Maigret's regexCheck allows up to 50
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
        # Legacy /c/NAME and /user/NAME addresses are not handles: see SITE_LINKS.
        path_prefixes=(),
        pattern=_YOUTUBE_PATTERN,
        allowed_description=N_(
            "letters, digits, underscores, hyphens, periods and middle dots (·)"
        ),
        min_length=3,
        max_length=30,
    ),
    PlatformRules(
        slug="linkedin",
        name="LinkedIn",
        # A brand's LinkedIn presence is a Page: a company page, or one of its showcase
        # pages, or a school. They share one namespace of public URLs, apart from members'
        # /in/ profiles: LinkedIn's Organizations API returns "the organization (i.e.
        # Company, School and Showcase)" and finds any of them by one vanityName
        # (learn.microsoft.com/linkedin/dma/pages-data-portability/pages-profiles/
        # organizations). linkedin.com/company/NAME also opens a showcase or school page.
        url_template="https://www.linkedin.com/company/{handle}",
        hosts=("linkedin.com", "*.linkedin.com"),
        path_prefixes=("company", "showcase", "school"),
        pattern=_LINKEDIN_PATTERN,
        allowed_description=N_("letters, digits and hyphens"),
        # Pages' public URLs can be shorter than members' (linkedin.com/company/hp, /ge);
        # an all-digit one would be the page's numeric ID (linkedin.com/company/1035).
        min_length=2,
        max_length=100,
        requires_letter=True,
    ),
    PlatformRules(
        slug="linkedin_member",
        name="LinkedIn (member)",
        url_template="https://www.linkedin.com/in/{handle}",
        hosts=("linkedin.com", "*.linkedin.com"),
        path_prefixes=("in",),
        pattern=_LINKEDIN_PATTERN,
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
        pattern=_TELEGRAM_PATTERN,
        allowed_description=N_("letters, digits and underscores"),
        min_length=TELEGRAM_COLLECTIBLE_MIN_LENGTH,  # ordinary names: 5 (collectible_below)
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


# --- the platforms' sites: reserved names and the links users paste -----------------------
# A reserved name is a page of the site where an account's URL would be, so no account can
# have it; a link form is a way the site (or its app) writes a link. Each entry says where it
# comes from; "the site" means the platform's own URLs, as its pages and apps show them.

# X: its own pages at x.com/NAME (x.com/home, /explore, /search, /i/…, /settings…), so no
# handle can be one of them (PLATFORMS.md, "Checked 2026-12"). Web intents (X Developer
# Platform, "Web Intents": x.com/intent/user?screen_name=NAME, /intent/follow?screen_name=);
# the iOS/Android app scheme twitter://user?screen_name=NAME; t.co, X's link shortener.
_X_RESERVED = frozenset(
    {
        "i",
        "home",
        "explore",
        "search",
        "notifications",
        "messages",
        "settings",
        "compose",
        "hashtag",
        "intent",
        "share",
        "login",
        "logout",
        "signup",
        "account",
        "tos",
        "privacy",
    }
)

# Facebook: its own pages at facebook.com/NAME (PLATFORMS.md: groups, pages, watch…);
# profile.php?id= and /people/NAME/ID name an account by number; facebook.com/share/… and
# fb.watch are share links that hide the account. The same profiles are served on
# web., mbasic., touch., business., free., d. and language subdomains: a locale's language
# and region (fr-fr., de-de., es-la., pt-br.) or its language alone (fr., it., de.), as in
# the links users paste (issue 25: fr.facebook.com/NAME and it.facebook.com/NAME name the
# profile www.facebook.com/NAME names). Two letters but not lm.: lm.facebook.com/l.php is
# Facebook's link shim (a redirect to another site), like l.facebook.com.
_FACEBOOK_RESERVED = frozenset(
    {
        "profile.php",
        "people",
        "pages",
        "groups",
        "events",
        "watch",
        "reel",
        "reels",
        "videos",
        "video.php",
        "photo",
        "photo.php",
        "photos",
        "permalink.php",
        "story.php",
        "stories",
        "media",
        "sharer",
        "sharer.php",
        "share",
        "hashtag",
        "marketplace",
        "gaming",
        "login",
        "login.php",
        "home.php",
        "search",
        "settings",
        "notifications",
        "messages",
        "friends",
        "help",
        "privacy",
        "policies",
        "business",
        "ads",
    }
)

# Instagram: its own pages at instagram.com/NAME (PLATFORMS.md: explore, accounts, p, reel…);
# the app's links instagram.com/_u/NAME and story links /stories/NAME/ID name NAME (PLATFORMS.md,
# "Checked 2026-12"); the app scheme instagram://user?username=NAME (Instagram's iPhone
# hooks). A Threads username is an Instagram username, so these names are Threads' too.
_INSTAGRAM_RESERVED = frozenset(
    {
        "p",
        "reel",
        "reels",
        "tv",
        "explore",
        "accounts",
        "direct",
        "stories",
        "_u",
        "about",
        "developer",
        "legal",
        "web",
        "emails",
        "challenge",
        "oauth",
    }
)

# Telegram: the t.me paths that are not usernames. Telegram API, "Deep links"
# (core.telegram.org/api/links): "<username>.t.me" is "treated exactly as a t.me/<username>/
# link" unless <username> is one of addemoji, addlist, addstickers, addstyle, addtheme,
# auction, auth, boost, call, confirmphone, contact, giftcode, invoice, joinchat, login, m,
# nft, proxy, setlanguage, share, socks, web, a, k, z; plus t.me/s/ (channel preview),
# t.me/c/ (private posts), /iv, /bg, /msg. tg://resolve?domain=NAME is the app's public
# username link; t.me/+CODE and t.me/joinchat/CODE are private invites, t.me/+PHONE a phone.
_TELEGRAM_RESERVED = frozenset(
    {
        "addemoji",
        "addlist",
        "addstickers",
        "addstyle",
        "addtheme",
        "auction",
        "auth",
        "boost",
        "call",
        "confirmphone",
        "contact",
        "giftcode",
        "invoice",
        "joinchat",
        "login",
        "m",
        "nft",
        "proxy",
        "setlanguage",
        "share",
        "socks",
        "web",
        "a",
        "k",
        "z",
        "s",
        "c",
        "iv",
        "bg",
        "msg",
    }
)

_POSTS = ("posts/.+", "feed/update/.+", "pulse/.+")  # LinkedIn posts and articles

SITE_LINKS: dict[str, SiteLinks] = {
    "x": SiteLinks(
        other_hosts={"t.co": "short"},
        reserved=_X_RESERVED,
        forms=(
            LinkForm(r"intent/(?:user|follow)/?", query="screen_name"),
            LinkForm(r"intent/(?:user|follow)/?", refuse="id"),  # ?user_id=NUMBER
            LinkForm(r"i/user/\d+(?:/.*)?", refuse="id"),
            LinkForm(r"i/(?:web/)?status/.+", refuse="post"),
        ),
        app_links={"twitter": (LinkForm("user", query="screen_name"),)},
    ),
    "facebook": SiteLinks(
        subdomains=r"web|mbasic|touch|business|free|d|(?!lm\Z)[a-z]{2}(?:-[a-z]{2})?",
        other_hosts={"fb.watch": "video"},
        reserved=_FACEBOOK_RESERVED,
        forms=(
            LinkForm(r"profile\.php", refuse="id"),
            LinkForm(r"people/.+", refuse="id"),
            LinkForm(r"pages/[^/]+/\d+(?:/.*)?", refuse="id"),
            LinkForm(r"share/.+", refuse="short"),
            LinkForm(r"(?:watch|reels?|videos)(?:/.*)?|video\.php", refuse="video"),
            LinkForm(
                r"(?:photos?|media|stories)(?:/.*)?|photo\.php|permalink\.php|story\.php",
                refuse="post",
            ),
        ),
    ),
    "instagram": SiteLinks(
        reserved=_INSTAGRAM_RESERVED,
        forms=(
            LinkForm(r"_u/(?P<handle>[^/]+)(?:/.*)?"),
            LinkForm(r"stories/highlights(?:/.*)?", refuse="post"),
            LinkForm(r"stories/(?P<handle>[^/]+)(?:/.*)?"),
            LinkForm(r"(?:p|reels?|tv)/.+", refuse="post"),
            LinkForm(r"accounts/login/?", query="next", query_is_path=True),
        ),
        app_links={"instagram": (LinkForm("user", query="username"),)},
    ),
    "tiktok": SiteLinks(
        # TikTok's share links vm.tiktok.com/CODE, vt.tiktok.com/CODE and tiktok.com/t/CODE
        # redirect to a video or a profile without naming it.
        other_hosts={"vm.tiktok.com": "short", "vt.tiktok.com": "short"},
        forms=(
            LinkForm(r"t/.+", refuse="short"),
            LinkForm(r"share/user/.+", refuse="id"),
            LinkForm(r"(?:v|video|embed)/.+", refuse="post"),
        ),
    ),
    "youtube": SiteLinks(
        # YouTube Help, "Understand your channel URLs" (support.google.com/youtube/answer/
        # 6180214): a channel has a handle URL youtube.com/@handle, a channel-ID URL
        # youtube.com/channel/UC…, and may keep a legacy custom URL youtube.com/c/NAME (or
        # youtube.com/NAME) or legacy username URL youtube.com/user/NAME. A legacy name need
        # not be the handle (from 2022 a custom URL usually, not always, became the handle,
        # and handles can change since), so a legacy address is refused, not read as @NAME.
        # music.youtube.com/@NAME is the same channel's handle; youtu.be links are videos.
        subdomains=r"music",
        other_hosts={"youtu.be": "video"},
        one_writing_system=True,
        pages=frozenset(
            {"results", "feed", "playlist", "hashtag", "premium", "account", "about", "upload"}
        ),
        forms=(
            LinkForm(r"(?:c|user|channel)/?", refuse="no_account"),
            LinkForm(r"(?:c|user)/.+", refuse="legacy"),
            LinkForm(r"channel/.+", refuse="id"),
            LinkForm(r"watch|(?:shorts|live|embed|v)/.+", refuse="video"),
        ),
        bare_segment="legacy",
    ),
    "linkedin": SiteLinks(
        # Member profiles /in/NAME (and the legacy /pub/NAME/…) are the other namespace.
        other_hosts={"lnkd.in": "short"},
        forms=(
            LinkForm(r"company/\d+(?:/.*)?", refuse="id"),
            LinkForm(r"(?:in|pub)(?:/.*)?", belongs_to="linkedin_member"),
            *(LinkForm(posts, refuse="post") for posts in _POSTS),
        ),
    ),
    "linkedin_member": SiteLinks(
        other_hosts={"lnkd.in": "short"},
        forms=(
            LinkForm(r"(?:company|showcase|school)(?:/.*)?", belongs_to="linkedin"),
            LinkForm(r"pub/.+", refuse="legacy"),
            *(LinkForm(posts, refuse="post") for posts in _POSTS),
        ),
    ),
    "threads": SiteLinks(
        reserved=_INSTAGRAM_RESERVED,
        # threads.net/NAME redirects to /@NAME; these first segments are the site's pages.
        pages=frozenset(
            {"search", "login", "logout", "settings", "activity", "intent", "liked", "saved"}
        ),
        forms=(LinkForm(r"t/.+", refuse="post"),),  # threads.net/t/CODE: a post
        bare_segment="handle",
    ),
    "bluesky": SiteLinks(
        # AT Protocol, "AT URI scheme" (atproto.com/specs/at-uri-scheme): at://AUTHORITY/…,
        # the authority being a handle or a DID. go.bsky.app hosts starter-pack short links.
        other_hosts={"go.bsky.app": "short"},
        app_links={"at": (LinkForm(r"(?P<handle>[^/]+)(?:/.*)?"),)},
    ),
    "mastodon": SiteLinks(
        # acct:user@host (RFC 7565, the WebFinger account URI); the web app's own paths
        # https://host/web/@user and /deck/@user; /web/accounts/ID names an account by ID.
        forms=(
            LinkForm(r"(?:web|deck)/@(?P<handle>[^/]+)(?:/.*)?"),
            LinkForm(r"(?:web|deck)/accounts/.+", refuse="id"),
        ),
        app_links={"acct": (LinkForm(r"@?(?P<handle>[^/@]+@[^/@]+)"),)},
    ),
    "telegram": SiteLinks(
        handle_subdomain_of="t.me",
        collectible_below=TELEGRAM_ORDINARY_MIN_LENGTH,
        reserved=_TELEGRAM_RESERVED,
        forms=(LinkForm(r"\+.*|joinchat/.+|c/.+", refuse="private"),),
        app_links={
            "tg": (LinkForm(r"resolve", query="domain"), LinkForm(r"join", refuse="private"))
        },
    ),
    "snapchat": SiteLinks(
        # story.snapchat.com/@NAME is the public profile's story page; t.snapchat.com/CODE
        # and snapchat.com/t/CODE are share links; snapchat://add/NAME is the app's.
        subdomains=r"story",
        other_hosts={"t.snapchat.com": "short"},
        forms=(
            LinkForm(r"t/.+", refuse="short"),
            LinkForm(r"spotlight/.+", refuse="post"),
        ),
        app_links={"snapchat": (LinkForm(r"add/(?P<handle>[^/]+)(?:/.*)?"),)},
    ),
}


def get_rules(slug: str) -> PlatformRules:
    """The rules of a platform, found by slug whatever its case or surrounding spaces."""
    key = slug.strip().lower()
    try:
        return PLATFORMS_BY_SLUG[key]
    except KeyError:
        raise UnknownPlatform(N_('Unknown platform "%(slug)s".'), slug=slug.strip()) from None


def is_collectible(slug: str, normalized: str) -> bool:
    """Whether a handle (its identity key, as parse_handle gives it) can only be a collectible
    username: owned outright and handed over by its owner (an `ownership` handover), never
    freed for a rename race. Telegram's names under 5 characters; False on other platforms."""
    below = SITE_LINKS.get(slug.strip().lower(), NO_SITE_LINKS).collectible_below
    return 0 < len(normalized) < below

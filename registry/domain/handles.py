"""Reading a handle the way users give it, and reducing it to the key a platform goes by.

Users type "@Gallimard", "gallimard" or paste "https://mobile.twitter.com/Gallimard?lang=fr";
on X all three name the same account. `parse_handle` accepts each of those forms, checks the
platform's rules and returns the handle as displayed and its normalised identity key, so the
registry stores one row per account whatever the spelling.

A pasted link is read with the platform's SiteLinks (registry.domain.platforms): it reduces
to the account it names, or is refused with the reason it names none (a post, a short link,
a page of the site, the other LinkedIn namespace…), so the user knows what to paste instead.
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import NoReturn
from urllib.parse import parse_qs, unquote, urlsplit

import regex

from registry.domain.messages import N_, Explained, Message
from registry.domain.platforms import (
    BLUESKY_DISALLOWED_TLDS,
    PLATFORMS,
    PLATFORMS_BY_SLUG,
    LinkForm,
    PlatformRules,
    is_collectible,
)
from registry.domain.spelling import folded


class InvalidHandle(Explained):
    """A handle the platform would not accept; the message is one sentence for the user,
    kept as a msgid and parameters so the page or the API can translate it."""


@dataclass(frozen=True)
class ParsedHandle:
    display: str  # as the user wrote it, minus "@" and URL, in its NFKC form
    normalized: str  # the identity key: two spellings of one account give the same key
    # A Telegram name of 4 characters exists only as a collectible username (is_collectible).
    collectible: bool = False


# Hosts of pasted URLs are compared without these mobile and "www" prefixes.
_HOST_PREFIXES = ("www", "m", "mobile")

# Code points that are invisible and "should be ignored in rendering" unless supported:
# Unicode's Default_Ignorable_Code_Point (UCD DerivedCoreProperties.txt; UAX #44), as the
# `regex` module's Unicode data has it: soft hyphen, U+034F, zero-width spaces and joiners,
# bidi marks, variation selectors U+FE00-FE0F and U+E0100-E01EF, tags, Hangul fillers…
# Copy-paste from apps brings them along (an emoji's U+FE0F), and some platforms' letter
# classes take them (variation selectors are marks, \p{M}): dropped, they cannot make
# "galli\u200bmard" a second account beside "gallimard". Unicode TS #39 drops them too.


# Same labels as the Bluesky handle pattern, for a Mastodon instance.
@lru_cache(maxsize=64)
def _compiled(pattern: str) -> regex.Pattern[str]:
    """A platform's pattern, compiled once (an import checks it on every line)."""
    return regex.compile(pattern)


_HOSTNAME_LABEL = regex.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?")
_SCHEME = regex.compile(r"([A-Za-z][A-Za-z0-9+.-]*):")
_WEB_SCHEMES = ("http", "https")
_MASTODON_EXAMPLE = "gallimard@mastodon.social"

EMPTY_MESSAGE = N_("Enter a handle.")

# Why a pasted link names no account, by the reason LinkForms and SiteLinks give.
LINK_REFUSALS = {
    "no_account": N_(
        "That link does not name an account on %(platform)s;"
        " paste the address of the profile itself."
    ),
    "post": N_(
        "That link is a post, not a profile; paste the address of the profile that published it."
    ),
    "video": N_(
        "That link is a video, not a channel; paste the address of the channel that published it."
    ),
    "id": N_(
        "That link names the account by an ID, not by its name;"
        " open the profile and copy the address that shows its name."
    ),
    "short": N_(
        "A short link hides the account; open it and paste the address of the profile it leads to."
    ),
    "private": N_(
        "That link leads to a private chat, group or channel, which has no public username."
    ),
    "legacy": N_(
        "That is an old %(platform)s address, which may not match the handle;"
        " open it and copy the handle shown on the profile."
    ),
}
PAGE_MESSAGE = N_('"%(page)s" is a page of %(platform)s, not an account.')
OTHER_PLATFORM_MESSAGE = N_("That address belongs to %(other)s; choose %(other)s as the platform.")
WRONG_SITE_MESSAGE = N_("That link is not a profile URL on %(platform)s.")


def parse_handle(rules: PlatformRules, raw: str) -> ParsedHandle:
    """Validate a handle typed or pasted by a user and work out its identity key.

    Raises InvalidHandle with a sentence that says what to fix.
    """
    text = folded(raw or "").strip()
    if not text:
        raise InvalidHandle(EMPTY_MESSAGE)
    # "@Gallimard", "@name.bsky.social" and "@user@instance" all drop their leading "@".
    if _looks_like_link(rules, text):
        # A link's path is percent-decoded: "%E2%80%8B" is an invisible U+200B again.
        text = folded(_handle_from_link(rules, text))
    else:
        text = text.removeprefix("@")
    if not text:
        raise InvalidHandle(EMPTY_MESSAGE)

    if rules.kind == "fediverse":
        return _parse_fediverse(rules, text)
    _check_local_part(rules, text)
    if rules.kind == "domain":
        # Domain names are case-insensitive and Bluesky shows them in lower case.
        canonical = text.lower()
        return ParsedHandle(display=canonical, normalized=canonical)
    key = _identity_key(rules, text)
    return ParsedHandle(display=text, normalized=key, collectible=is_collectible(rules.slug, key))


def profile_url(rules: PlatformRules, handle: str) -> str:
    """The public profile address of a handle, in any spelling parse_handle accepts."""
    parsed = parse_handle(rules, handle)
    user, _, instance = parsed.display.partition("@")
    return rules.url_template.format(handle=parsed.display, user=user, instance=instance)


def same_handle(rules: PlatformRules, a: str, b: str) -> bool:
    """Whether two spellings name the same account; an invalid handle names no account."""
    try:
        return parse_handle(rules, a).normalized == parse_handle(rules, b).normalized
    except InvalidHandle:
        return False


def _identity_key(rules: PlatformRules, handle: str) -> str:
    key = _without_ignored(rules, handle)
    return key if rules.case_sensitive else unicodedata.normalize("NFC", key.casefold())


def _without_ignored(rules: PlatformRules, handle: str) -> str:
    for character in rules.ignored_characters:
        handle = handle.replace(character, "")
    return handle


# --- pasted links --------------------------------------------------------------------------


def _looks_like_link(rules: PlatformRules, text: str) -> bool:
    # A handle never contains "/", and users often paste "twitter.com/Name" without a scheme.
    if "/" in text or _scheme(text) in (*_WEB_SCHEMES, *_APP_SCHEMES):
        return True
    # gallimard.t.me names t.me/gallimard.
    parent = rules.links.handle_subdomain_of
    return bool(parent) and text.lower().rstrip(".").endswith("." + parent)


def _scheme(text: str) -> str:
    match = _SCHEME.match(text)
    return match.group(1).lower() if match else ""


def _handle_from_link(rules: PlatformRules, text: str) -> str:
    """The handle named by a link to the platform (user@instance on Mastodon)."""
    scheme = _scheme(text)
    if scheme and scheme not in _WEB_SCHEMES:
        return _handle_from_app_link(rules, scheme, text)
    if not scheme:
        text = "https://" + text.lstrip("/")
    try:
        parts = urlsplit(text)
        host = (parts.hostname or "").rstrip(".")
    except ValueError:  # a malformed port or IPv6 literal
        _refuse(_wrong_site_message(rules))

    instance = ""
    if rules.kind == "fediverse":
        # Any instance will do, and its name is kept whole ("m." can be part of it: m.cmx.im),
        # but a "www." is the instance's web address, not its name.
        _refuse_other_platforms_host(rules, host)
        instance = _instance_name(host)
        if not _is_hostname(instance):
            _refuse(_wrong_site_message(rules))
    else:
        own = _own_host(rules, host)
        if own is None:
            _refuse_other_platforms_host(rules, host)
            _refuse(_wrong_site_message(rules))
        reason = rules.links.other_hosts.get(own)
        if reason:
            _refuse(_link_refusal(rules, reason))
        label = _handle_subdomain(rules, own)
        if label is not None:
            if _is_page(rules, label):
                _refuse(_page_message(rules, label))
            return label

    segments = _segments(parts.path)
    if not segments and parts.fragment.startswith("!/"):
        # Hashbang links from the 2010s: twitter.com/#!/NAME, facebook.com/#!/NAME.
        fragment = urlsplit(parts.fragment[1:])
        segments, query = _segments(fragment.path), fragment.query
    else:
        query = parts.query
    handle = _handle_in_path(rules, segments, parse_qs(query))
    if rules.kind == "fediverse" and "@" not in handle:
        # https://instance/@user is the local account user@instance; a remote account seen
        # from another instance shows as https://instance/@user@home and keeps its home.
        handle = f"{handle}@{instance}"
    return handle


def _segments(path: str) -> list[str]:
    return [unquote(segment) for segment in path.split("/") if segment]


def _handle_in_path(
    rules: PlatformRules, segments: list[str], query: Mapping[str, list[str]]
) -> str:
    """The handle a link's path names, without its "@"; refuses a path that names none."""
    handle = _match_forms(rules, rules.links.forms, "/".join(segments), query)
    if handle is not None:
        return handle
    if not segments:
        _refuse(_link_refusal(rules, "no_account"))
    first = segments[0]
    if first.startswith("@"):  # tiktok.com/@name, youtube.com/@name, threads.com/@name
        return first[1:] or _refuse(_link_refusal(rules, "no_account"))
    if first.lower() in rules.path_prefixes:  # linkedin.com/in/name, bsky.app/profile/name
        following = segments[1].removeprefix("@") if len(segments) > 1 else ""
        return following or _refuse(_link_refusal(rules, "no_account"))
    if _is_page(rules, first):  # x.com/home, instagram.com/explore/…
        _refuse(_page_message(rules, first))
    if _handle_follows_host(rules) or rules.links.bare_segment == "handle":
        return first
    # On bsky.app, linkedin.com or snapchat.com a bare first segment is a page of the
    # site (bsky.app/search), never an account; on YouTube, a legacy custom URL.
    _refuse(_link_refusal(rules, rules.links.bare_segment or "no_account"))


def _match_forms(
    rules: PlatformRules, forms: tuple[LinkForm, ...], path: str, query: Mapping[str, list[str]]
) -> str | None:
    """The handle the first matching form gives, None if no form matches; refuses a link
    that a form says names no account."""
    for form in forms:
        match = regex.fullmatch(form.path, path, flags=regex.IGNORECASE)
        if not match:
            continue
        if form.refuse:
            _refuse(_link_refusal(rules, form.refuse))
        if form.belongs_to:
            _refuse(_other_platform_message(PLATFORMS_BY_SLUG[form.belongs_to]))
        if form.query:
            value = (query.get(form.query) or [""])[0].strip()
            if not value:
                continue
            if form.query_is_path:  # ?next=/NAME/: a path of the same site
                inner = urlsplit(value)
                return _handle_in_path(rules, _segments(inner.path), parse_qs(inner.query))
            return value.removeprefix("@")
        # A form with no other outcome has the group "handle" (LinkForm): a str, never None.
        handle: str = match.group("handle")
        return handle.removeprefix("@")
    return None


def _handle_from_app_link(rules: PlatformRules, scheme: str, text: str) -> str:
    """The handle of an app link or URI: tg://resolve?domain=NAME, at://NAME/…, acct:u@host."""
    forms = rules.links.app_links.get(scheme)
    if forms is None:
        owner = _APP_SCHEMES.get(scheme)
        if owner is not None:
            _refuse(_other_platform_message(owner))
        _refuse(_wrong_site_message(rules))
    try:
        parts = urlsplit(text)
    except ValueError:
        _refuse(_wrong_site_message(rules))
    target = unquote((parts.netloc + parts.path).strip("/"))
    handle = _match_forms(rules, forms, target, parse_qs(parts.query))
    if handle is None:
        _refuse(_link_refusal(rules, "no_account"))
    return handle


def _handle_follows_host(rules: PlatformRules) -> bool:
    """Whether profile URLs put the handle right after the host, as x.com/NAME does."""
    path = urlsplit(rules.url_template.replace("{", "").replace("}", "")).path
    return path.strip("/") == "handle"


def _host_candidates(host: str, subdomains: str) -> Iterator[str]:
    """The host, then the host without each leading "www.", "m." or platform subdomain."""
    yield host
    while True:
        label, _, parent = host.partition(".")
        if "." not in parent:
            return
        if label not in _HOST_PREFIXES and not (subdomains and regex.fullmatch(subdomains, label)):
            return
        host = parent
        yield host


def _own_host(rules: PlatformRules, host: str) -> str | None:
    """The platform's host that a link's host names, None if the link is on another site."""
    links = rules.links
    for candidate in _host_candidates(host.lower(), links.subdomains):
        if (
            _host_matches(candidate, rules.hosts)
            or candidate in links.other_hosts
            or _handle_subdomain(rules, candidate) is not None
        ):
            return candidate
    return None


def _handle_subdomain(rules: PlatformRules, host: str) -> str | None:
    """NAME of a NAME.t.me host, None for any other host."""
    parent = rules.links.handle_subdomain_of
    if not parent or not host.endswith("." + parent):
        return None
    label = host[: -len(parent) - 1]
    # "Not a single letter AND not equal to www" (Telegram API, "Deep links").
    return label if len(label) > 1 and "." not in label and label != "www" else None


def _host_matches(host: str, allowed_hosts: tuple[str, ...]) -> bool:
    for allowed in allowed_hosts:
        if allowed.startswith("*."):
            subdomain, _, parent = host.partition(".")
            if subdomain and parent == allowed[2:]:
                return True
        elif host == allowed:
            return True
    return False


def _refuse_other_platforms_host(rules: PlatformRules, host: str) -> None:
    """Refuse a link to another platform of the registry, naming the platform to choose."""
    for other in PLATFORMS:
        mine = other.slug == rules.slug or other.kind == "fediverse"
        if not mine and _own_host(other, host) is not None:
            _refuse(_other_platform_message(other))


def _is_page(rules: PlatformRules, segment: str) -> bool:
    """Whether a link's first path segment is a page of the site rather than an account."""
    links = rules.links
    return _is_reserved(rules, segment, links.reserved | links.pages)


def _is_reserved(rules: PlatformRules, name: str, names: frozenset[str]) -> bool:
    # Compared as identity keys: on Facebook "g.r.o.u.p.s" is the username "groups".
    keys = _reserved_keys(rules.case_sensitive, rules.ignored_characters, names)
    return _identity_key(rules, name) in keys


@lru_cache(maxsize=256)
def _reserved_keys(case_sensitive: bool, ignored: str, names: frozenset[str]) -> frozenset[str]:
    """The identity keys of a platform's reserved names, worked out once per set."""
    keys: set[str] = set()
    for name in names:
        for character in ignored:
            name = name.replace(character, "")
        keys.add(name if case_sensitive else unicodedata.normalize("NFC", name.casefold()))
    return frozenset(keys)


def _is_hostname(host: str) -> bool:
    labels = host.lower().split(".")
    return (
        len(labels) >= 2
        and len(host) <= 253
        and all(_HOSTNAME_LABEL.fullmatch(label) for label in labels)
        and not labels[-1][0].isdigit()
    )


def _app_schemes() -> dict[str, PlatformRules]:
    owners: dict[str, PlatformRules] = {}
    for rules in PLATFORMS:
        for scheme in rules.links.app_links:
            owners.setdefault(scheme, rules)
    return owners


# URI schemes of the platforms' apps (tg, at, acct…), with the platform each belongs to.
_APP_SCHEMES = _app_schemes()


# --- Mastodon: user@instance ---------------------------------------------------------------


def _parse_fediverse(rules: PlatformRules, text: str) -> ParsedHandle:
    user, at, instance = text.partition("@")
    if not at or not user or not instance or "@" in instance:
        raise InvalidHandle(
            N_("%(platform)s handles are written user@instance, e.g. %(example)s."),
            platform=rules.name,
            example=_MASTODON_EXAMPLE,
        )
    _check_local_part(rules, user)
    instance = _instance_name(instance.lower().rstrip("."))
    if not _is_hostname(instance):
        raise InvalidHandle(
            N_(
                "On %(platform)s, the instance part of a handle must be a domain name,"
                " e.g. %(example)s."
            ),
            platform=rules.name,
            example="mastodon.social",
        )
    # gallimard@threads.net is the Threads account, whatever server relays it.
    _refuse_other_platforms_host(rules, instance)
    display = f"{user}@{instance}"
    return ParsedHandle(display=display, normalized=_identity_key(rules, display))


def _instance_name(host: str) -> str:
    """An instance's name: its host, less a "www." that only names its web address."""
    name = host.removeprefix("www.")
    return name if _is_hostname(name) else host


# --- the rules -----------------------------------------------------------------------------


def _check_local_part(rules: PlatformRules, handle: str) -> None:
    """Apply the platform's rules; the explanatory checks come first, the pattern decides,
    then the site's rules that no pattern can say (reserved names, one writing system)."""
    if _is_reserved(rules, handle, rules.links.reserved):
        _refuse(_page_message(rules, handle))
    for check in _explanatory_checks(rules):
        problem = check(rules, handle)
        if problem:
            _refuse(problem)
    note = Message(rules.length_note) if rules.length_note else None
    if len(handle) > rules.max_length:
        _refuse(_rule(rules, "max_note" if note else "max", max=rules.max_length, note=note))
    # Ignored characters (Facebook's periods) do not count toward the minimum.
    if len(_without_ignored(rules, handle)) < rules.min_length:
        if len(_without_ignored(rules, handle)) < len(handle) and "." in rules.ignored_characters:
            _refuse(_rule(rules, "min_periods", min=rules.min_length))
        which = "min_note" if note else "min"
        if rules.links.collectible_below:  # Telegram: shorter than ordinary only if collectible
            which = "min_collectible"
        ordinary = rules.links.collectible_below or None
        _refuse(_rule(rules, which, min=rules.min_length, note=note, ordinary=ordinary))
    if not _compiled(rules.pattern).fullmatch(handle):
        _refuse(_rule(rules, "allowed", allowed=Message(rules.allowed_description)))
    if rules.requires_letter and not any(character.isalpha() for character in handle):
        _refuse(_rule(rules, "letter"))
    if rules.links.one_writing_system:
        problem = _writing_system_problem(rules, handle)
        if problem:
            _refuse(problem)


Check = Callable[[PlatformRules, str], Message | None]


def _explanatory_checks(rules: PlatformRules) -> tuple[Check, ...]:
    if rules.kind == "domain":
        return (_domain_name_problem,)
    return _CHECKS_BY_SLUG.get(rules.slug, ())


def _edge_or_double_period_problem(rules: PlatformRules, handle: str) -> Message | None:
    # Instagram (and so Threads) refuse ".name", "name." and "na..me".
    if handle.startswith(".") or handle.endswith("."):
        return _rule(rules, "edge_period")
    if ".." in handle:
        return _rule(rules, "double_period")
    return None


def _trailing_period_problem(rules: PlatformRules, handle: str) -> Message | None:
    # TikTok accepts periods anywhere except at the end.
    if handle.endswith("."):
        return _rule(rules, "end_period")
    return None


def _first_character_problem(rules: PlatformRules, handle: str) -> Message | None:
    if not handle[0].isascii() or not handle[0].isalpha():
        return _rule(rules, "start_letter")
    return None


def _underscore_problem(rules: PlatformRules, handle: str) -> Message | None:
    # Telegram: no "_" at the end, never two in a row (tdlib's is_valid_username).
    if handle.endswith("_"):
        return _rule(rules, "end_underscore")
    if "__" in handle:
        return _rule(rules, "double_underscore")
    return None


def _domain_extension_problem(rules: PlatformRules, handle: str) -> Message | None:
    # Facebook refuses usernames that read like a web address.
    if regex.search(r"\.(?:com|net|org)\Z", handle, flags=regex.IGNORECASE):
        return _rule(rules, "domain_extension")
    return None


def _domain_name_problem(rules: PlatformRules, handle: str) -> Message | None:
    """Explain why a Bluesky handle is not a usable domain name (atproto handle spec)."""
    name = rules.name
    if handle.lower().startswith("did:"):
        return Message(
            N_("Enter the %(platform)s handle (such as name.bsky.social), not the account's DID."),
            platform=name,
        )
    if not regex.fullmatch(r"[A-Za-z0-9.-]+", handle):
        return _rule(rules, "allowed", allowed=Message(rules.allowed_description))
    if "." not in handle:
        return Message(
            N_("%(platform)s handles are domain names, such as %(example)s."),
            platform=name,
            example=f"{handle.lower()}.bsky.social",
        )
    labels = handle.lower().split(".")
    if any(not label for label in labels):
        return Message(
            N_(
                "%(platform)s handles cannot start or end with a period"
                " or contain two periods in a row."
            ),
            platform=name,
        )
    if any(len(label) > 63 for label in labels):
        return Message(
            N_("On %(platform)s, each part of a handle between periods is at most 63 characters."),
            platform=name,
        )
    if any(label.startswith("-") or label.endswith("-") for label in labels):
        return Message(
            N_("On %(platform)s, each part of a handle must start and end with a letter or digit."),
            platform=name,
        )
    if labels[-1][0].isdigit():
        return Message(
            N_("On %(platform)s, the last part of a handle cannot start with a digit."),
            platform=name,
        )
    if labels[-1] in BLUESKY_DISALLOWED_TLDS:
        return Message(
            N_('%(platform)s handles cannot end in ".%(tld)s".'), platform=name, tld=labels[-1]
        )
    return None


_CHECKS_BY_SLUG: dict[str, tuple[Check, ...]] = {
    "facebook": (_domain_extension_problem,),
    "instagram": (_edge_or_double_period_problem,),
    "threads": (_edge_or_double_period_problem,),
    "tiktok": (_trailing_period_problem,),
    "telegram": (_first_character_problem, _underscore_problem),
    "snapchat": (_first_character_problem,),
}


# --- one writing system (YouTube) ----------------------------------------------------------
# Unicode Script values (ISO 15924 codes) the `regex` module knows as \p{sc=…}; Zyyy (Common:
# digits, "_", "·") and Zinh (Inherited: combining accents) belong to every script.
_SCRIPT_CODE_LIST = (
    "Adlm Aghb Ahom Arab Armi Armn Avst Bali Bamu Bass Batk Beng Berf Bhks Bopo Brah Brai "
    "Bugi Buhd Cakm Cans Cari Cham Cher Chrs Copt Cpmn Cprt Cyrl Deva Diak Dogr Dsrt Dupl "
    "Egyp Elba Elym Ethi Gara Geor Glag Gong Gonm Goth Gran Grek Gujr Gukh Guru Hang Hani "
    "Hano Hatr Hebr Hira Hluw Hmng Hmnp Hung Ital Java Jurc Kali Kana Kawi Khar Khmr Khoj "
    "Kits Knda Krai Kthi Lana Laoo Latn Lepc Limb Lina Linb Lisu Lyci Lydi Mahj Maka Mand "
    "Mani Marc Medf Mend Merc Mero Miao Mlym Modi Mong Mroo Mtei Mult Mymr Nagm Nand Narb "
    "Nbat Newa Nkoo Nshu Ogam Olck Onao Orkh Orya Osge Osma Ougr Palm Pauc Pcun Perm Phag "
    "Phli Phlp Phnx Prti Rjng Rohg Runr Samr Sarb Saur Seal Sgnw Shaw Shrd Sidd Sidt Sind "
    "Sinh Sogd Sogo Sora Soyo Sund Sunu Sylo Syrc Tagb Takr Tale Talu Taml Tang Tavt Tayo "
    "Telu Tfng Tglg Thaa Thai Tibt Tirh Tnsa Todr Tols Toto Tutg Ugar Vaii Vith Wara Wcho "
    "Xpeo Xsux Yezi Yiii Zanb Zinh Zyyy"
)
_SCRIPT_CODES = _SCRIPT_CODE_LIST.split()
_ALL_SCRIPTS = frozenset({"Zyyy", "Zinh"})
# Unicode TS #39 (Security Mechanisms), 5.2 "Restriction-Level Detection", Highly
# Restrictive: one script, or one of these sets, which are one writing system (Japanese,
# Chinese with Bopomofo, Korean) and may add Latin.
_WRITING_SYSTEMS = (
    frozenset({"Latn", "Hani", "Hira", "Kana"}),
    frozenset({"Latn", "Hani", "Bopo"}),
    frozenset({"Latn", "Hani", "Hang"}),
)


@functools.cache
def _script_finder() -> regex.Pattern[str]:
    known: list[str] = []
    for code in _SCRIPT_CODES:
        try:
            regex.compile(rf"\p{{sc={code}}}")
        except regex.error:  # a script newer than the installed Unicode data
            continue
        known.append(code)
    return regex.compile("|".join(rf"(?P<{code}>\p{{sc={code}}})" for code in known))


def _scripts(handle: str) -> set[str]:
    """The scripts of a handle's letters, marks and digits, leaving out shared characters."""
    finder = _script_finder()
    scripts: set[str] = set()
    for character in handle:
        match = finder.fullmatch(character)
        # A match is one of the finder's named groups, so lastgroup is never None with one.
        script = (match.lastgroup if match else None) or "Zzzz"
        if script not in _ALL_SCRIPTS:
            scripts.add(script)
    return scripts


def _writing_system_problem(rules: PlatformRules, handle: str) -> Message | None:
    scripts = _scripts(handle)
    if len(scripts) > 1 and not any(scripts <= system for system in _WRITING_SYSTEMS):
        return Message(
            N_("%(platform)s handles cannot mix writing systems, such as Latin and Cyrillic."),
            platform=rules.name,
        )
    # Left-to-right and right-to-left scripts are not mixed unless numbers come at the end
    # (YouTube Help, handles overview): digits in a right-to-left handle come last.
    right_to_left = any(unicodedata.bidirectional(c) in ("R", "AL") for c in handle)
    if right_to_left and any(c in "0123456789" for c in handle.rstrip("0123456789")):
        return Message(
            N_("In a %(platform)s handle written right to left, digits can only come last."),
            platform=rules.name,
        )
    return None


# --- wording -------------------------------------------------------------------------------
# Whole sentences, one per rule and per noun, so that each translates as a whole: no "a"/"an"
# or plural noun is put together in code. Facebook calls them usernames, and so do its help
# pages users will compare with.

_HANDLE_RULES = {
    "max": N_("%(platform)s handles are at most %(max)s characters."),
    "max_note": N_("%(platform)s handles are at most %(max)s characters (%(note)s)."),
    "min": N_("%(platform)s handles are at least %(min)s characters."),
    "min_note": N_("%(platform)s handles are at least %(min)s characters (%(note)s)."),
    "min_periods": N_(
        "%(platform)s handles are at least %(min)s characters, not counting periods."
    ),
    "allowed": N_("%(platform)s handles may only contain %(allowed)s."),
    "letter": N_("%(platform)s handles must contain at least one letter."),
    "start_letter": N_("%(platform)s handles must start with a letter."),
    "edge_period": N_("%(platform)s handles cannot start or end with a period."),
    "double_period": N_("%(platform)s handles cannot contain two periods in a row."),
    "end_period": N_("%(platform)s handles cannot end with a period."),
    "end_underscore": N_("%(platform)s handles cannot end with an underscore."),
    "double_underscore": N_("%(platform)s handles cannot contain two underscores in a row."),
    "domain_extension": N_("%(platform)s handles cannot end with a domain extension such as .com."),
    "min_collectible": N_(
        "%(platform)s handles are at least %(ordinary)s characters,"
        " or %(min)s for a collectible username."
    ),
}
_USERNAME_RULES = {
    "max": N_("%(platform)s usernames are at most %(max)s characters."),
    "max_note": N_("%(platform)s usernames are at most %(max)s characters (%(note)s)."),
    "min": N_("%(platform)s usernames are at least %(min)s characters."),
    "min_note": N_("%(platform)s usernames are at least %(min)s characters (%(note)s)."),
    "min_periods": N_(
        "%(platform)s usernames are at least %(min)s characters, not counting periods."
    ),
    "allowed": N_("%(platform)s usernames may only contain %(allowed)s."),
    "letter": N_("%(platform)s usernames must contain at least one letter."),
    "start_letter": N_("%(platform)s usernames must start with a letter."),
    "edge_period": N_("%(platform)s usernames cannot start or end with a period."),
    "double_period": N_("%(platform)s usernames cannot contain two periods in a row."),
    "end_period": N_("%(platform)s usernames cannot end with a period."),
    "domain_extension": N_(
        "%(platform)s usernames cannot end with a domain extension such as .com."
    ),
}
_RULES_BY_SLUG = {"facebook": _USERNAME_RULES}


def _rule(rules: PlatformRules, which: str, **params: object) -> Message:
    sentences = _RULES_BY_SLUG.get(rules.slug, _HANDLE_RULES)
    params = {name: value for name, value in params.items() if value is not None}
    return Message(sentences.get(which) or _HANDLE_RULES[which], platform=rules.name, **params)


def _refuse(problem: Message) -> NoReturn:
    raise InvalidHandle(problem.msgid, **problem.params)


def _wrong_site_message(rules: PlatformRules) -> Message:
    return Message(WRONG_SITE_MESSAGE, platform=rules.name)


def _link_refusal(rules: PlatformRules, reason: str) -> Message:
    return Message(LINK_REFUSALS[reason], platform=rules.name)


def _page_message(rules: PlatformRules, page: str) -> Message:
    return Message(PAGE_MESSAGE, page=page, platform=rules.name)


def _other_platform_message(other: PlatformRules) -> Message:
    return Message(OTHER_PLATFORM_MESSAGE, other=other.name)

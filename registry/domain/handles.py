"""Reading a handle the way users give it, and reducing it to the key a platform goes by.

Users type "@Gallimard", "gallimard" or paste "https://mobile.twitter.com/Gallimard?lang=fr";
on X all three name the same account. `parse_handle` accepts each of those forms, checks the
platform's rules and returns the handle as displayed and its normalised identity key, so the
registry stores one row per account whatever the spelling.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import NoReturn
from urllib.parse import unquote, urlsplit

from registry.domain.messages import N_, Explained, Message
from registry.domain.platforms import BLUESKY_DISALLOWED_TLDS, NON_PROFILE_PATHS, PlatformRules


class InvalidHandle(Explained):
    """A handle the platform would not accept; the message is one sentence for the user,
    kept as a msgid and parameters so the page or the API can translate it."""


@dataclass(frozen=True)
class ParsedHandle:
    display: str  # as the user wrote it, minus "@" and URL
    normalized: str  # the identity key: two spellings of one account give the same key


# Hosts of pasted URLs are compared without these mobile and "www" prefixes.
_HOST_PREFIXES = ("www.", "m.", "mobile.")
# Copy-paste from apps often brings invisible marks along with the handle.
_INVISIBLE = "\u200b\u200c\u200d\u200e\u200f\u2060\ufeff"
# Same labels as the Bluesky handle pattern, for a Mastodon instance.
_HOSTNAME_LABEL = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?")
_MASTODON_EXAMPLE = "gallimard@mastodon.social"

EMPTY_MESSAGE = N_("Enter a handle.")


def parse_handle(rules: PlatformRules, raw: str) -> ParsedHandle:
    """Validate a handle typed or pasted by a user and work out its identity key.

    Raises InvalidHandle with a sentence that says what to fix.
    """
    text = (raw or "").strip().strip(_INVISIBLE).strip()
    if not text:
        raise InvalidHandle(EMPTY_MESSAGE)
    # "@Gallimard", "@name.bsky.social" and "@user@instance" all drop their leading "@".
    text = _handle_from_url(rules, text) if _looks_like_url(text) else text.removeprefix("@")
    if not text:
        raise InvalidHandle(EMPTY_MESSAGE)

    if rules.kind == "fediverse":
        return _parse_fediverse(rules, text)
    _check_local_part(rules, text)
    if rules.kind == "domain":
        # Domain names are case-insensitive and Bluesky shows them in lower case.
        canonical = text.lower()
        return ParsedHandle(display=canonical, normalized=canonical)
    return ParsedHandle(display=text, normalized=_identity_key(rules, text))


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
    key = handle
    for character in rules.ignored_characters:
        key = key.replace(character, "")
    return key if rules.case_sensitive else key.casefold()


# --- pasted profile URLs -------------------------------------------------------------------


def _looks_like_url(text: str) -> bool:
    # A handle never contains "/", and users often paste "twitter.com/Name" without a scheme.
    return "/" in text


def _handle_from_url(rules: PlatformRules, text: str) -> str:
    """The handle named by a profile URL of the platform (user@instance on Mastodon)."""
    if "://" not in text:
        text = "https://" + text.lstrip("/")
    try:
        parts = urlsplit(text)
        host = (parts.hostname or "").rstrip(".")
    except ValueError:  # a malformed port or IPv6 literal
        host = ""
    if rules.kind == "fediverse":
        # Any instance will do, and its name is kept whole: "m." can be part of it (m.cmx.im).
        if not _is_hostname(host):
            _refuse(_wrong_site_message(rules))
    elif not _host_matches(_strip_host_prefix(host), rules.hosts):
        _refuse(_wrong_site_message(rules))

    segments = [unquote(segment) for segment in parts.path.split("/") if segment]
    handle = _handle_segment(rules, segments)
    if handle is None:
        _refuse(_no_account_message(rules))
    if rules.kind == "fediverse" and "@" not in handle:
        # https://instance/@user is the local account user@instance; a remote account seen
        # from another instance shows as https://instance/@user@home and keeps its home.
        handle = f"{handle}@{host}"
    return handle


def _handle_segment(rules: PlatformRules, segments: list[str]) -> str | None:
    """The path segment that holds the handle, without its "@", or None if there is none."""
    if not segments:
        return None
    first = segments[0]
    if first.startswith("@"):  # tiktok.com/@name, youtube.com/@name, threads.com/@name
        return first[1:] or None
    if first.lower() in rules.path_prefixes:  # linkedin.com/in/name, bsky.app/profile/name
        following = segments[1].removeprefix("@") if len(segments) > 1 else ""
        return following or None
    if not _handle_follows_host(rules):
        # On bsky.app, linkedin.com or snapchat.com a bare first segment is a page of the
        # site (bsky.app/search), never an account.
        return None
    if first.lower() in NON_PROFILE_PATHS.get(rules.slug, frozenset()):
        return None
    return first


def _handle_follows_host(rules: PlatformRules) -> bool:
    """Whether profile URLs put the handle right after the host, as x.com/NAME does."""
    path = urlsplit(rules.url_template.replace("{", "").replace("}", "")).path
    return path.strip("/") == "handle"


def _strip_host_prefix(host: str) -> str:
    for prefix in _HOST_PREFIXES:
        if host.startswith(prefix):
            return host[len(prefix) :]
    return host


def _host_matches(host: str, allowed_hosts: tuple[str, ...]) -> bool:
    for allowed in allowed_hosts:
        if allowed.startswith("*."):
            subdomain, _, parent = host.partition(".")
            if subdomain and parent == allowed[2:]:
                return True
        elif host == allowed:
            return True
    return False


def _is_hostname(host: str) -> bool:
    labels = host.lower().split(".")
    return (
        len(labels) >= 2
        and len(host) <= 253
        and all(_HOSTNAME_LABEL.fullmatch(label) for label in labels)
        and not labels[-1][0].isdigit()
    )


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
    instance = instance.lower().rstrip(".")
    if not _is_hostname(instance):
        raise InvalidHandle(
            N_(
                "On %(platform)s, the instance part of a handle must be a domain name,"
                " e.g. %(example)s."
            ),
            platform=rules.name,
            example="mastodon.social",
        )
    display = f"{user}@{instance}"
    return ParsedHandle(display=display, normalized=_identity_key(rules, display))


# --- the rules -----------------------------------------------------------------------------


def _check_local_part(rules: PlatformRules, handle: str) -> None:
    """Apply the platform's rules; the explanatory checks come first, the pattern decides."""
    for check in _explanatory_checks(rules):
        problem = check(rules, handle)
        if problem:
            _refuse(problem)
    note = Message(rules.length_note) if rules.length_note else None
    if len(handle) > rules.max_length:
        _refuse(_rule(rules, "max_note" if note else "max", max=rules.max_length, note=note))
    if len(handle) < rules.min_length:
        _refuse(_rule(rules, "min_note" if note else "min", min=rules.min_length, note=note))
    if not re.fullmatch(rules.pattern, handle):
        _refuse(_rule(rules, "allowed", allowed=Message(rules.allowed_description)))
    if rules.requires_letter and not any(character.isalpha() for character in handle):
        _refuse(_rule(rules, "letter"))


Check = Callable[[PlatformRules, str], Message | None]


def _explanatory_checks(rules: PlatformRules) -> tuple[Check, ...]:
    if rules.kind == "domain":
        return (_domain_name_problem,)
    return _CHECKS_BY_SLUG.get(rules.slug, ())


def _edge_or_double_period_problem(rules: PlatformRules, handle: str) -> str | None:
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


def _domain_extension_problem(rules: PlatformRules, handle: str) -> Message | None:
    # Facebook refuses usernames that read like a web address.
    if re.search(r"\.(?:com|net|org)\Z", handle, flags=re.IGNORECASE):
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
    if not re.fullmatch(r"[A-Za-z0-9.-]+", handle):
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
    "telegram": (_first_character_problem,),
    "snapchat": (_first_character_problem,),
}


# --- wording -------------------------------------------------------------------------------
# Whole sentences, one per rule and per noun, so that each translates as a whole: no "a"/"an"
# or plural noun is put together in code. Facebook calls them usernames, and so do its help
# pages users will compare with.

_HANDLE_RULES = {
    "max": N_("%(platform)s handles are at most %(max)s characters."),
    "max_note": N_("%(platform)s handles are at most %(max)s characters (%(note)s)."),
    "min": N_("%(platform)s handles are at least %(min)s characters."),
    "min_note": N_("%(platform)s handles are at least %(min)s characters (%(note)s)."),
    "allowed": N_("%(platform)s handles may only contain %(allowed)s."),
    "letter": N_("%(platform)s handles must contain at least one letter."),
    "start_letter": N_("%(platform)s handles must start with a letter."),
    "edge_period": N_("%(platform)s handles cannot start or end with a period."),
    "double_period": N_("%(platform)s handles cannot contain two periods in a row."),
    "end_period": N_("%(platform)s handles cannot end with a period."),
    "domain_extension": N_("%(platform)s handles cannot end with a domain extension such as .com."),
}
_USERNAME_RULES = {
    "max": N_("%(platform)s usernames are at most %(max)s characters."),
    "max_note": N_("%(platform)s usernames are at most %(max)s characters (%(note)s)."),
    "min": N_("%(platform)s usernames are at least %(min)s characters."),
    "min_note": N_("%(platform)s usernames are at least %(min)s characters (%(note)s)."),
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


def _rule(rules: PlatformRules, which: str, **params) -> Message:
    sentences = _RULES_BY_SLUG.get(rules.slug, _HANDLE_RULES)
    params = {name: value for name, value in params.items() if value is not None}
    return Message(sentences[which], platform=rules.name, **params)


def _refuse(problem: Message) -> NoReturn:
    raise InvalidHandle(problem.msgid, **problem.params)


def _wrong_site_message(rules: PlatformRules) -> Message:
    return Message(N_("That link is not a profile URL on %(platform)s."), platform=rules.name)


def _no_account_message(rules: PlatformRules) -> Message:
    return Message(
        N_(
            "That link does not name an account on %(platform)s;"
            " paste the address of the profile itself."
        ),
        platform=rules.name,
    )

"""Handles as users type and paste them, checked against each platform's real rules."""

from dataclasses import fields, replace
from urllib.parse import urlsplit

import pytest
import regex

from registry.domain.handles import (
    LINK_REFUSALS,
    InvalidHandle,
    ParsedHandle,
    parse_handle,
    profile_url,
    same_handle,
)
from registry.domain.platforms import (
    PLATFORMS,
    PLATFORMS_BY_SLUG,
    PlatformRules,
    UnknownPlatform,
    get_rules,
    is_collectible,
)

SLUGS = [
    "x",
    "facebook",
    "instagram",
    "tiktok",
    "youtube",
    "linkedin",
    "linkedin_member",
    "threads",
    "bluesky",
    "mastodon",
    "telegram",
    "snapchat",
]


def parse(slug: str, raw: str) -> ParsedHandle:
    return parse_handle(get_rules(slug), raw)


def rejection(slug: str, raw: str) -> str:
    with pytest.raises(InvalidHandle) as caught:
        parse(slug, raw)
    return str(caught.value)


# --- the platform table --------------------------------------------------------------------


def test_the_twelve_platforms_are_listed_in_order():
    assert [rules.slug for rules in PLATFORMS] == SLUGS


def test_platforms_by_slug_indexes_every_platform():
    assert list(PLATFORMS_BY_SLUG) == SLUGS
    assert all(PLATFORMS_BY_SLUG[rules.slug] is rules for rules in PLATFORMS)


@pytest.mark.parametrize(
    ("slug", "name"),
    [
        ("x", "X"),
        ("facebook", "Facebook"),
        ("instagram", "Instagram"),
        ("tiktok", "TikTok"),
        ("youtube", "YouTube"),
        ("linkedin", "LinkedIn"),
        ("linkedin_member", "LinkedIn (member)"),
        ("threads", "Threads"),
        ("bluesky", "Bluesky"),
        ("mastodon", "Mastodon"),
        ("telegram", "Telegram"),
        ("snapchat", "Snapchat"),
    ],
)
def test_display_names(slug, name):
    assert get_rules(slug).name == name


@pytest.mark.parametrize(
    ("slug", "min_length", "max_length"),
    [
        ("x", 1, 15),
        ("facebook", 5, 50),
        ("instagram", 1, 30),
        ("tiktok", 2, 24),
        ("youtube", 3, 30),
        ("linkedin", 2, 100),
        ("linkedin_member", 3, 100),
        ("threads", 1, 30),
        ("bluesky", 3, 253),
        ("mastodon", 1, 30),
        ("telegram", 4, 32),  # 4 only for a collectible username
        ("snapchat", 3, 15),
    ],
)
def test_length_bounds(slug, min_length, max_length):
    rules = get_rules(slug)
    assert (rules.min_length, rules.max_length) == (min_length, max_length)


def test_kinds():
    kinds = {rules.slug: rules.kind for rules in PLATFORMS}
    assert kinds.pop("bluesky") == "domain"
    assert kinds.pop("mastodon") == "fediverse"
    assert set(kinds.values()) == {"username"}


def test_no_platform_is_case_sensitive():
    assert not any(rules.case_sensitive for rules in PLATFORMS)


def test_only_facebook_ignores_characters():
    ignoring = {
        rules.slug: rules.ignored_characters for rules in PLATFORMS if rules.ignored_characters
    }
    assert ignoring == {"facebook": "."}


def test_platforms_that_require_a_letter():
    assert {rules.slug for rules in PLATFORMS if rules.requires_letter} == {
        "facebook",
        "instagram",
        "linkedin",
        "threads",
    }


@pytest.mark.parametrize("rules", PLATFORMS, ids=SLUGS)
def test_rules_fit_the_platform_table(rules):
    # The Platform table stores hosts and prefixes comma-separated, patterns in 255 characters.
    assert len(rules.pattern) <= 255
    assert regex.compile(rules.pattern)
    assert all("," not in value for value in rules.hosts + rules.path_prefixes)
    assert len(",".join(rules.hosts)) <= 255
    assert len(rules.ignored_characters) <= 16
    assert not any(host.startswith(("www.", "m.", "mobile.")) for host in rules.hosts)


def test_rules_are_frozen():
    with pytest.raises(AttributeError):
        get_rules("x").max_length = 20  # type: ignore[misc]


def test_get_rules_forgives_case_and_spaces():
    assert get_rules(" X ") is get_rules("x")


def test_unknown_platform_names_the_slug():
    with pytest.raises(UnknownPlatform) as caught:
        get_rules("myspace")
    assert str(caught.value) == 'Unknown platform "myspace".'


def test_unknown_platform_is_a_value_error():
    with pytest.raises(ValueError):
        get_rules("orkut")


# --- valid handles, every platform ---------------------------------------------------------


@pytest.mark.parametrize(
    ("slug", "raw", "display", "normalized"),
    [
        # X: 1-15 letters, digits, underscores; legacy one-letter handles exist.
        ("x", "Gallimard", "Gallimard", "gallimard"),
        ("x", "a", "a", "a"),
        ("x", "Nespresso_FR", "Nespresso_FR", "nespresso_fr"),
        ("x", "123456789012345", "123456789012345", "123456789012345"),
        ("x", "_", "_", "_"),
        # Facebook: letters, digits, periods; at least 5; dots do not count.
        ("facebook", "John.Smith55", "John.Smith55", "johnsmith55"),
        ("facebook", "nespresso", "nespresso", "nespresso"),
        ("facebook", "a" * 50, "a" * 50, "a" * 50),
        ("facebook", "Cochonou.Officiel", "Cochonou.Officiel", "cochonouofficiel"),
        ("facebook", "gallimard.fr", "gallimard.fr", "gallimardfr"),
        # Instagram: letters, digits, periods, underscores; 1-30; needs a letter.
        ("instagram", "editions.gallimard", "editions.gallimard", "editions.gallimard"),
        ("instagram", "a", "a", "a"),
        ("instagram", "_x_", "_x_", "_x_"),
        ("instagram", "Cochonou_2024", "Cochonou_2024", "cochonou_2024"),
        ("instagram", "a" * 30, "a" * 30, "a" * 30),
        # TikTok: 2-24, periods anywhere but at the end.
        ("tiktok", "gallimard", "gallimard", "gallimard"),
        ("tiktok", ".Gallimard", ".Gallimard", ".gallimard"),
        ("tiktok", "g.a_l", "g.a_l", "g.a_l"),
        ("tiktok", "ab", "ab", "ab"),
        ("tiktok", "1" * 24, "1" * 24, "1" * 24),
        # YouTube: 3-30 letters, digits, underscores, hyphens, periods.
        ("youtube", "Gallimard", "Gallimard", "gallimard"),
        ("youtube", "editions-gallimard", "editions-gallimard", "editions-gallimard"),
        ("youtube", "ed.gal_li-mard", "ed.gal_li-mard", "ed.gal_li-mard"),
        ("youtube", "abc", "abc", "abc"),
        # LinkedIn: 3-100 letters, digits, hyphens.
        ("linkedin", "editions-gallimard", "editions-gallimard", "editions-gallimard"),
        ("linkedin", "Nespresso", "Nespresso", "nespresso"),
        ("linkedin", "a" * 100, "a" * 100, "a" * 100),
        # Threads: the Instagram username.
        ("threads", "editions.gallimard", "editions.gallimard", "editions.gallimard"),
        ("threads", "Zuck", "Zuck", "zuck"),
        # Bluesky: a domain name, shown in lower case.
        ("bluesky", "gallimard.bsky.social", "gallimard.bsky.social", "gallimard.bsky.social"),
        ("bluesky", "Gallimard.fr", "gallimard.fr", "gallimard.fr"),
        ("bluesky", "a.b", "a.b", "a.b"),
        (
            "bluesky",
            "x-1.example-brand.co.uk",
            "x-1.example-brand.co.uk",
            "x-1.example-brand.co.uk",
        ),
        ("bluesky", "1password.com", "1password.com", "1password.com"),
        # Mastodon: user@instance; the user part keeps its case for display.
        (
            "mastodon",
            "gallimard@mastodon.social",
            "gallimard@mastodon.social",
            "gallimard@mastodon.social",
        ),
        (
            "mastodon",
            "Gallimard@Mastodon.Social",
            "Gallimard@mastodon.social",
            "gallimard@mastodon.social",
        ),
        ("mastodon", "jean.dupont@piaille.fr", "jean.dupont@piaille.fr", "jean.dupont@piaille.fr"),
        ("mastodon", "a-b_c@m.cmx.im", "a-b_c@m.cmx.im", "a-b_c@m.cmx.im"),
        ("mastodon", "a..b@x.org", "a..b@x.org", "a..b@x.org"),
        # Telegram: 5-32, starts with a letter.
        ("telegram", "Gallimard", "Gallimard", "gallimard"),
        ("telegram", "a1234", "a1234", "a1234"),
        ("telegram", "durov_channel", "durov_channel", "durov_channel"),
        ("telegram", "a" * 32, "a" * 32, "a" * 32),
        # Snapchat: 3-15, starts with a letter; letters, digits, - _ .
        ("snapchat", "gallimard", "gallimard", "gallimard"),
        ("snapchat", "abc", "abc", "abc"),
        ("snapchat", "a.b-c_d", "a.b-c_d", "a.b-c_d"),
        ("snapchat", "DJSnake", "DJSnake", "djsnake"),
    ],
)
def test_valid_handles(slug, raw, display, normalized):
    assert parse(slug, raw) == ParsedHandle(display=display, normalized=normalized)


@pytest.mark.parametrize(
    ("slug", "raw"),
    [
        ("x", "@Gallimard"),
        ("facebook", "@nespresso"),
        ("instagram", "@editions.gallimard"),
        ("tiktok", "@gallimard"),
        ("youtube", "@Gallimard"),
        ("linkedin", "@gallimard"),
        ("threads", "@gallimard"),
        ("bluesky", "@gallimard.bsky.social"),
        ("mastodon", "@gallimard@mastodon.social"),
        ("telegram", "@gallimard"),
        ("snapchat", "@gallimard"),
    ],
)
def test_a_leading_at_sign_is_dropped_on_every_platform(slug, raw):
    assert parse(slug, raw).display == raw[1:]


@pytest.mark.parametrize("raw", ["  Gallimard  ", "\tGallimard\n", "\u200bGallimard\ufeff"])
def test_surrounding_spaces_and_invisible_marks_are_dropped(raw):
    assert parse("x", raw) == ParsedHandle("Gallimard", "gallimard")


# --- invalid handles, every platform and rule ----------------------------------------------


@pytest.mark.parametrize(
    ("slug", "raw", "message"),
    [
        # X
        (
            "x",
            "GallimardEditions",
            (
                "X handles are at most 15 characters (new X accounts need at least 4 characters,"
                " but shorter legacy handles exist)."
            ),
        ),
        ("x", "Galli-mard", "X handles may only contain letters, digits and underscores."),
        ("x", "Galli mard", "X handles may only contain letters, digits and underscores."),
        ("x", "gallimard.fr", "X handles may only contain letters, digits and underscores."),
        ("x", "Gallimárd", "X handles may only contain letters, digits and underscores."),
        ("x", "@@Gallimard", "X handles may only contain letters, digits and underscores."),
        ("x", "home", '"home" is a page of X, not an account.'),
        ("x", "Search", '"Search" is a page of X, not an account.'),
        # Facebook
        ("facebook", "nesp", "Facebook usernames are at least 5 characters."),
        ("facebook", "a" * 51, "Facebook usernames are at most 50 characters."),
        ("facebook", "12345", "Facebook usernames must contain at least one letter."),
        ("facebook", "1.2.3.4.5", "Facebook usernames must contain at least one letter."),
        (
            "facebook",
            "d.i.o.r",
            "Facebook usernames are at least 5 characters, not counting periods.",
        ),
        (
            "facebook",
            "dior.",
            "Facebook usernames are at least 5 characters, not counting periods.",
        ),
        (
            "facebook",
            "a....",
            "Facebook usernames are at least 5 characters, not counting periods.",
        ),
        ("facebook", "groups", '"groups" is a page of Facebook, not an account.'),
        (
            "facebook",
            "john_smith",
            "Facebook usernames may only contain letters, digits and periods.",
        ),
        (
            "facebook",
            "john-smith",
            "Facebook usernames may only contain letters, digits and periods.",
        ),
        (
            "facebook",
            "gallimard.com",
            "Facebook usernames cannot end with a domain extension such as .com.",
        ),
        (
            "facebook",
            "gallimard.NET",
            "Facebook usernames cannot end with a domain extension such as .com.",
        ),
        # Instagram
        ("instagram", "a" * 31, "Instagram handles are at most 30 characters."),
        (
            "instagram",
            "galli-mard",
            "Instagram handles may only contain letters, digits, periods and underscores.",
        ),
        ("instagram", ".gallimard", "Instagram handles cannot start or end with a period."),
        ("instagram", "gallimard.", "Instagram handles cannot start or end with a period."),
        ("instagram", "galli..mard", "Instagram handles cannot contain two periods in a row."),
        ("instagram", "1234", "Instagram handles must contain at least one letter."),
        ("instagram", "1_2.3", "Instagram handles must contain at least one letter."),
        ("instagram", "explore", '"explore" is a page of Instagram, not an account.'),
        ("instagram", "accounts", '"accounts" is a page of Instagram, not an account.'),
        # TikTok
        ("tiktok", "g", "TikTok handles are at least 2 characters."),
        ("tiktok", "a" * 25, "TikTok handles are at most 24 characters."),
        ("tiktok", "gallimard.", "TikTok handles cannot end with a period."),
        (
            "tiktok",
            "galli-mard",
            "TikTok handles may only contain letters, digits, underscores and periods.",
        ),
        # YouTube
        ("youtube", "ab", "YouTube handles are at least 3 characters."),
        ("youtube", "a" * 31, "YouTube handles are at most 30 characters."),
        (
            "youtube",
            "galli mard",
            (
                "YouTube handles may only contain letters, digits, underscores, hyphens, periods"
                " and middle dots (·)."
            ),
        ),
        (
            "youtube",
            "Gallimaрd",  # a Cyrillic "р"
            "YouTube handles cannot mix writing systems, such as Latin and Cyrillic.",
        ),
        (
            "youtube",
            "2024שלום",
            "In a YouTube handle written right to left, digits can only come last.",
        ),
        # LinkedIn
        ("linkedin", "a", "LinkedIn handles are at least 2 characters."),
        ("linkedin", "1035", "LinkedIn handles must contain at least one letter."),
        ("linkedin_member", "ab", "LinkedIn (member) handles are at least 3 characters."),
        ("linkedin", "a" * 101, "LinkedIn handles are at most 100 characters."),
        (
            "linkedin",
            "editions_gallimard",
            "LinkedIn handles may only contain letters, digits and hyphens.",
        ),
        # Threads
        ("threads", "a" * 31, "Threads handles are at most 30 characters."),
        ("threads", "galli..mard", "Threads handles cannot contain two periods in a row."),
        ("threads", ".gallimard", "Threads handles cannot start or end with a period."),
        ("threads", "2024", "Threads handles must contain at least one letter."),
        (
            "threads",
            "galli+mard",
            "Threads handles may only contain letters, digits, periods and underscores.",
        ),
        # Telegram
        (
            "telegram",
            "abc",
            "Telegram handles are at least 5 characters, or 4 for a collectible username.",
        ),
        ("telegram", "a" * 33, "Telegram handles are at most 32 characters."),
        ("telegram", "1gallimard", "Telegram handles must start with a letter."),
        ("telegram", "_gallimard", "Telegram handles must start with a letter."),
        ("telegram", "gallimard_", "Telegram handles cannot end with an underscore."),
        ("telegram", "galli__mard", "Telegram handles cannot contain two underscores in a row."),
        ("telegram", "joinchat", '"joinchat" is a page of Telegram, not an account.'),
        (
            "telegram",
            "galli.mard",
            "Telegram handles may only contain letters, digits and underscores.",
        ),
        # Snapchat
        ("snapchat", "ab", "Snapchat handles are at least 3 characters."),
        ("snapchat", "a" * 16, "Snapchat handles are at most 15 characters."),
        ("snapchat", "1gallimard", "Snapchat handles must start with a letter."),
        ("snapchat", ".gallimard", "Snapchat handles must start with a letter."),
        (
            "snapchat",
            "galli+mard",
            "Snapchat handles may only contain letters, digits, hyphens, underscores and periods.",
        ),
    ],
)
def test_invalid_handles_say_why(slug, raw, message):
    assert rejection(slug, raw) == message


@pytest.mark.parametrize("slug", SLUGS)
@pytest.mark.parametrize("raw", ["", "   ", "@", "\u200b"])
def test_an_empty_handle_asks_for_one(slug, raw):
    assert rejection(slug, raw) == "Enter a handle."


def test_none_is_treated_as_empty():
    assert rejection("x", None) == "Enter a handle."  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("slug", "raw"),
    [
        ("facebook", "gallimard.com"),
        ("instagram", ".gallimard"),
        ("instagram", "galli..mard"),
        ("instagram", "gallimard."),
        ("tiktok", "gallimard."),
        ("telegram", "1gallimard"),
        ("telegram", "gallimard_"),
        ("telegram", "galli__mard"),
        ("snapchat", "_gallimard"),
        ("bluesky", "name.local"),
        ("bluesky", "name.1st"),
        ("bluesky", "-name.bsky.social"),
        ("bluesky", "name..bsky.social"),
        ("bluesky", "a" * 64 + ".com"),
    ],
)
def test_the_pattern_alone_rejects_what_the_explanations_reject(slug, raw):
    # The Platform table keeps only the pattern: a platform added there without an
    # explanatory check must still refuse these handles.
    assert regex.fullmatch(get_rules(slug).pattern, raw) is None


def test_invalid_handle_is_a_value_error():
    with pytest.raises(ValueError):
        parse("x", "way_too_long_for_x")


# --- X: every spelling of one account ------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        "@Gallimard",
        "gallimard",
        "GALLIMARD",
        "https://x.com/Gallimard",
        "x.com/Gallimard",
        "twitter.com/Gallimard/",
        "https://mobile.twitter.com/Gallimard?lang=fr",
        "http://www.twitter.com/Gallimard",
        "https://twitter.com/Gallimard/status/1234567890",
        "https://x.com/@Gallimard",
        "HTTPS://X.COM/Gallimard#top",
    ],
)
def test_x_spellings_normalise_to_one_key(raw):
    assert parse("x", raw).normalized == "gallimard"


def test_x_display_keeps_the_case_typed():
    assert parse("x", "https://mobile.twitter.com/Gallimard?lang=fr").display == "Gallimard"


def test_x_accepts_legacy_short_handles_but_says_new_ones_need_four():
    assert parse("x", "jk").normalized == "jk"
    assert "new X accounts need at least 4 characters" in rejection("x", "a" * 16)


def test_x_link_without_a_path_names_no_account():
    assert rejection("x", "https://x.com/") == (
        "That link does not name an account on X; paste the address of the profile itself."
    )


@pytest.mark.parametrize(
    ("raw", "page"),
    [("https://twitter.com/search?q=gallimard", "search"), ("x.com/home", "home")],
)
def test_x_links_to_pages_that_are_not_accounts(raw, page):
    assert rejection("x", raw) == f'"{page}" is a page of X, not an account.'


def test_x_link_to_a_post_without_its_author_says_so():
    assert rejection("x", "x.com/i/status/1") == (
        "That link is a post, not a profile; paste the address of the profile that published it."
    )


@pytest.mark.parametrize(
    ("raw", "other"),
    [("https://www.facebook.com/Gallimard", "Facebook"), ("instagram.com/gallimard", "Instagram")],
)
def test_x_names_the_platform_of_a_link_to_another_one(raw, other):
    assert (
        rejection("x", raw) == f"That address belongs to {other}; choose {other} as the platform."
    )


@pytest.mark.parametrize(
    "raw",
    [
        "https://x.com.evil.example/Gallimard",
        "https://evilx.com/Gallimard",
        "https://api.x.com/Gallimard",
        "https://example.org/x.com/Gallimard",
    ],
)
def test_x_refuses_links_to_other_sites(raw):
    assert rejection("x", raw) == "That link is not a profile URL on X."


@pytest.mark.parametrize(
    ("slug", "name"),
    [
        ("facebook", "Facebook"),
        ("instagram", "Instagram"),
        ("tiktok", "TikTok"),
        ("youtube", "YouTube"),
        ("linkedin", "LinkedIn"),
        ("threads", "Threads"),
        ("bluesky", "Bluesky"),
        ("telegram", "Telegram"),
        ("snapchat", "Snapchat"),
    ],
)
def test_links_from_another_site_name_the_platform(slug, name):
    # One sentence whatever the platform's name: no "a"/"an" to choose, so it translates.
    assert rejection(slug, "https://example.com/gallimard") == (
        f"That link is not a profile URL on {name}."
    )


# --- pasted profile URLs, platform by platform ---------------------------------------------


@pytest.mark.parametrize(
    ("slug", "raw", "display"),
    [
        ("facebook", "https://www.facebook.com/John.Smith55", "John.Smith55"),
        ("facebook", "https://m.facebook.com/nespresso/?ref=bookmarks", "nespresso"),
        ("facebook", "fb.com/nespresso", "nespresso"),
        ("facebook", "https://www.facebook.com/pg/cochonou/posts/", "cochonou"),
        ("instagram", "https://www.instagram.com/editions.gallimard/", "editions.gallimard"),
        ("instagram", "instagram.com/editions.gallimard?igsh=abc123", "editions.gallimard"),
        ("instagram", "https://instagr.am/cochonou", "cochonou"),
        ("tiktok", "https://www.tiktok.com/@gallimard", "gallimard"),
        ("tiktok", "tiktok.com/@gallimard/video/7301234567890", "gallimard"),
        ("tiktok", "https://m.tiktok.com/@Gallimard?lang=fr", "Gallimard"),
        ("youtube", "https://www.youtube.com/@Gallimard", "Gallimard"),
        ("youtube", "youtube.com/@Gallimard/videos", "Gallimard"),
        ("youtube", "https://music.youtube.com/@Gallimard", "Gallimard"),
        ("linkedin_member", "https://www.linkedin.com/in/jean-dupont/", "jean-dupont"),
        ("linkedin", "linkedin.com/company/editions-gallimard", "editions-gallimard"),
        ("linkedin", "https://www.linkedin.com/school/sorbonne/", "sorbonne"),
        ("linkedin", "linkedin.com/showcase/gallimard-jeunesse/", "gallimard-jeunesse"),
        (
            "linkedin",
            "https://fr.linkedin.com/company/editions-gallimard?trk=x",
            "editions-gallimard",
        ),
        ("threads", "https://www.threads.com/@editions.gallimard", "editions.gallimard"),
        ("threads", "threads.net/@editions.gallimard/post/C1", "editions.gallimard"),
        ("bluesky", "https://bsky.app/profile/gallimard.bsky.social", "gallimard.bsky.social"),
        ("bluesky", "bsky.app/profile/Gallimard.fr/post/3k", "gallimard.fr"),
        ("telegram", "https://t.me/gallimard", "gallimard"),
        ("telegram", "telegram.me/gallimard", "gallimard"),
        ("telegram", "https://t.me/s/gallimard", "gallimard"),
        ("snapchat", "https://www.snapchat.com/add/gallimard", "gallimard"),
        ("snapchat", "snapchat.com/add/gallimard?share_id=abc", "gallimard"),
        ("snapchat", "https://www.snapchat.com/@gallimard", "gallimard"),
    ],
)
def test_pasted_profile_urls_reduce_to_the_handle(slug, raw, display):
    assert parse(slug, raw).display == display


@pytest.mark.parametrize(
    ("slug", "raw"),
    [
        ("facebook", "https://www.facebook.com/"),
        ("tiktok", "https://www.tiktok.com/discover/gallimard"),
        ("tiktok", "https://www.tiktok.com/@"),
        ("youtube", "https://www.youtube.com/c/"),
        ("linkedin", "https://www.linkedin.com/feed/"),
        ("linkedin_member", "https://www.linkedin.com/in/"),
        ("bluesky", "https://bsky.app/search?q=gallimard"),
        ("bluesky", "https://bsky.app/profile/"),
        ("snapchat", "https://www.snapchat.com/discover"),
    ],
)
def test_links_to_pages_that_are_not_accounts(slug, raw):
    name = get_rules(slug).name
    assert rejection(slug, raw) == (
        f"That link does not name an account on {name}; paste the address of the profile itself."
    )


@pytest.mark.parametrize(
    ("slug", "raw", "message"),
    [
        ("facebook", "https://www.facebook.com/groups/lecteurs", '"groups" is a page of Facebook'),
        ("threads", "https://www.threads.com/search", '"search" is a page of Threads'),
        (
            "facebook",
            "https://www.facebook.com/profile.php?id=1000123",
            "names the account by an ID",
        ),
        ("youtube", "https://www.youtube.com/channel/UC1234567890", "names the account by an ID"),
        ("instagram", "https://www.instagram.com/p/C0dE123/", "That link is a post, not a profile"),
        ("instagram", "https://www.instagram.com/reel/C0dE123/", "That link is a post"),
        ("youtube", "https://www.youtube.com/watch?v=dQw4w9WgXcQ", "That link is a video"),
        ("youtube", "https://youtu.be/dQw4w9WgXcQ", "That link is a video"),
        ("youtube", "https://m.youtube.com/c/Gallimard", "That is an old YouTube address"),
        ("youtube", "https://www.youtube.com/user/Gallimard/", "That is an old YouTube address"),
        ("tiktok", "https://vm.tiktok.com/ZMabc123/", "A short link hides the account"),
        ("linkedin", "https://lnkd.in/abc", "A short link hides the account"),
        ("telegram", "https://t.me/joinchat/AbCdEf", "leads to a private chat, group or channel"),
        ("linkedin", "https://www.linkedin.com/in/jean", "belongs to LinkedIn (member)"),
        ("linkedin_member", "linkedin.com/company/gallimard", "belongs to LinkedIn;"),
        ("threads", "https://www.instagram.com/editions.gallimard/", "belongs to Instagram"),
    ],
)
def test_links_that_name_no_account_say_what_they_are(slug, raw, message):
    assert message in rejection(slug, raw)


@pytest.mark.parametrize(
    ("slug", "raw"),
    [
        ("linkedin", "https://a.b.linkedin.com/in/jean"),
        ("bluesky", "https://gallimard.fr/profile/gallimard.fr"),
    ],
)
def test_links_from_look_alike_or_short_hosts_are_refused(slug, raw):
    assert rejection(slug, raw).startswith("That link is not")


def test_a_url_handle_is_still_checked_against_the_rules():
    assert rejection("instagram", "https://www.instagram.com/galli..mard/") == (
        "Instagram handles cannot contain two periods in a row."
    )
    assert rejection("x", "https://x.com/GallimardEditions").startswith(
        "X handles are at most 15 characters"
    )


def test_percent_encoded_at_sign_in_a_url_is_understood():
    assert parse("tiktok", "https://www.tiktok.com/%40gallimard").display == "gallimard"


# --- Facebook: dots do not count -----------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        "john.smith55",
        "johnsmith55",
        "John.Smith.55",
        "J.O.H.N.S.M.I.T.H.5.5",
        "facebook.com/John.Smith55",
    ],
)
def test_facebook_dots_and_case_do_not_distinguish_usernames(raw):
    assert parse("facebook", raw).normalized == "johnsmith55"


def test_facebook_display_keeps_the_dots():
    assert parse("facebook", "John.Smith55").display == "John.Smith55"


def test_dots_count_on_instagram():
    assert not same_handle(get_rules("instagram"), "john.smith", "johnsmith")


# --- Mastodon: user@instance ---------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        "gallimard@mastodon.social",
        "@gallimard@mastodon.social",
        "@Gallimard@Mastodon.Social",
        "https://mastodon.social/@Gallimard",
        "mastodon.social/@gallimard",
        "https://mastodon.social/@gallimard/111222333444",
        "https://mastodon.social/users/gallimard",
        "https://MASTODON.SOCIAL/@gallimard?x=1",
        "https://piaille.fr/@gallimard@mastodon.social",  # seen from another instance
    ],
)
def test_mastodon_spellings_normalise_to_user_at_instance(raw):
    assert parse("mastodon", raw).normalized == "gallimard@mastodon.social"


def test_mastodon_display_keeps_the_user_case_and_lowers_the_instance():
    assert parse("mastodon", "https://Mastodon.Social/@Gallimard").display == (
        "Gallimard@mastodon.social"
    )


def test_mastodon_instance_is_part_of_the_identity():
    rules = get_rules("mastodon")
    assert not same_handle(rules, "gallimard@mastodon.social", "gallimard@piaille.fr")


def test_mastodon_keeps_an_m_subdomain_that_names_the_instance():
    assert parse("mastodon", "https://m.cmx.im/@bob").normalized == "bob@m.cmx.im"


@pytest.mark.parametrize(
    "raw",
    [
        "gallimard",
        "@gallimard",
        "gallimard@",
        "@mastodon.social",
        "a@b@c.social",
        "gallimard@@mastodon.social",
    ],
)
def test_mastodon_handles_need_user_and_instance(raw):
    assert rejection("mastodon", raw) == (
        "Mastodon handles are written user@instance, e.g. gallimard@mastodon.social."
    )


@pytest.mark.parametrize(
    "raw",
    [
        "gallimard@localhost",
        "gallimard@mastodon_social.fr",
        "gallimard@-x.social",
        "gallimard@x.123",
    ],
)
def test_mastodon_instance_must_be_a_domain_name(raw):
    assert rejection("mastodon", raw) == (
        "On Mastodon, the instance part of a handle must be a domain name, e.g. mastodon.social."
    )


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (
            "a" * 31 + "@mastodon.social",
            "Mastodon handles are at most 30 characters (not counting the @instance part).",
        ),
        (
            ".gallimard@mastodon.social",
            (
                "Mastodon handles may only contain letters, digits and underscores, with periods or"
                " hyphens only between them."
            ),
        ),
        (
            "gallimard-@mastodon.social",
            (
                "Mastodon handles may only contain letters, digits and underscores, with periods or"
                " hyphens only between them."
            ),
        ),
        (
            "galli mard@mastodon.social",
            (
                "Mastodon handles may only contain letters, digits and underscores, with periods or"
                " hyphens only between them."
            ),
        ),
    ],
)
def test_mastodon_user_part_rules(raw, message):
    assert rejection("mastodon", raw) == message


def test_mastodon_user_part_may_be_thirty_characters_on_a_long_instance():
    handle = "a" * 30 + "@" + "instance-with-a-long-name.example.org"
    assert parse("mastodon", handle).normalized == handle


@pytest.mark.parametrize(
    "raw",
    [
        "https://mastodon.social/about",
        "https://mastodon.social/",
        "https://mastodon.social/tags/livres",
    ],
)
def test_mastodon_links_without_an_account(raw):
    assert rejection("mastodon", raw) == (
        "That link does not name an account on Mastodon; paste the address of the profile itself."
    )


def test_mastodon_link_needs_a_real_host():
    assert rejection("mastodon", "https://localhost/@gallimard") == (
        "That link is not a profile URL on Mastodon."
    )


# --- Bluesky: domain names -----------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        "gallimard.bsky.social",
        "@gallimard.bsky.social",
        "@Gallimard.Bsky.Social",
        "https://bsky.app/profile/gallimard.bsky.social",
        "bsky.app/profile/@gallimard.bsky.social",
    ],
)
def test_bluesky_spellings_normalise_to_the_lower_case_domain(raw):
    assert parse("bluesky", raw) == ParsedHandle("gallimard.bsky.social", "gallimard.bsky.social")


@pytest.mark.parametrize(
    "tld", ["local", "arpa", "invalid", "localhost", "internal", "example", "alt", "onion"]
)
def test_bluesky_refuses_reserved_top_level_domains(tld):
    assert rejection("bluesky", f"gallimard.{tld}") == f'Bluesky handles cannot end in ".{tld}".'


def test_bluesky_reserved_tld_check_ignores_case():
    assert rejection("bluesky", "gallimard.LOCAL") == 'Bluesky handles cannot end in ".local".'


def test_bluesky_accepts_a_tld_that_only_starts_like_a_reserved_one():
    assert parse("bluesky", "gallimard.locals").normalized == "gallimard.locals"
    assert parse("bluesky", "example.com").normalized == "example.com"


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("gallimard", "Bluesky handles are domain names, such as gallimard.bsky.social."),
        ("ab", "Bluesky handles are domain names, such as ab.bsky.social."),
        (
            "galli_mard.bsky.social",
            "Bluesky handles may only contain letters, digits, hyphens and periods.",
        ),
        (
            "gallimard@bsky.social",
            "Bluesky handles may only contain letters, digits, hyphens and periods.",
        ),
        (
            ".gallimard.bsky.social",
            "Bluesky handles cannot start or end with a period or contain two periods in a row.",
        ),
        (
            "gallimard.bsky.social.",
            "Bluesky handles cannot start or end with a period or contain two periods in a row.",
        ),
        (
            "gallimard..social",
            "Bluesky handles cannot start or end with a period or contain two periods in a row.",
        ),
        (
            "a" * 64 + ".bsky.social",
            "On Bluesky, each part of a handle between periods is at most 63 characters.",
        ),
        (
            "-gallimard.bsky.social",
            "On Bluesky, each part of a handle must start and end with a letter or digit.",
        ),
        (
            "gallimard-.bsky.social",
            "On Bluesky, each part of a handle must start and end with a letter or digit.",
        ),
        ("gallimard.2024", "On Bluesky, the last part of a handle cannot start with a digit."),
        ("gallimard.1fr", "On Bluesky, the last part of a handle cannot start with a digit."),
        (
            "did:plc:z72i7hdynmk6r22z27h6tvur",
            "Enter the Bluesky handle (such as name.bsky.social), not the account's DID.",
        ),
        (
            "https://bsky.app/profile/did:plc:z72i7hdynmk6r22z27h6tvur",
            "Enter the Bluesky handle (such as name.bsky.social), not the account's DID.",
        ),
        (".".join(["a" * 63] * 4) + ".com", "Bluesky handles are at most 253 characters."),
    ],
)
def test_bluesky_domain_rules(raw, message):
    assert rejection("bluesky", raw) == message


def test_bluesky_label_of_sixty_three_characters_is_allowed():
    handle = "a" * 63 + ".bsky.social"
    assert parse("bluesky", handle).normalized == handle


def test_bluesky_accepts_exactly_253_characters():
    handle = ".".join(["a" * 63] * 3 + ["b" * 61])
    assert len(handle) == 253
    assert parse("bluesky", handle).normalized == handle


def test_bluesky_digits_in_the_tld_after_a_letter_are_fine():
    assert parse("bluesky", "gallimard.a1").normalized == "gallimard.a1"


# --- profile URLs --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("slug", "handle", "url"),
    [
        ("x", "Gallimard", "https://x.com/Gallimard"),
        ("facebook", "John.Smith55", "https://www.facebook.com/John.Smith55"),
        ("instagram", "editions.gallimard", "https://www.instagram.com/editions.gallimard/"),
        ("tiktok", "gallimard", "https://www.tiktok.com/@gallimard"),
        ("youtube", "Gallimard", "https://www.youtube.com/@Gallimard"),
        ("linkedin", "editions-gallimard", "https://www.linkedin.com/company/editions-gallimard"),
        ("linkedin_member", "jean-dupont", "https://www.linkedin.com/in/jean-dupont"),
        ("threads", "editions.gallimard", "https://www.threads.com/@editions.gallimard"),
        ("bluesky", "gallimard.bsky.social", "https://bsky.app/profile/gallimard.bsky.social"),
        ("mastodon", "gallimard@mastodon.social", "https://mastodon.social/@gallimard"),
        ("telegram", "gallimard", "https://t.me/gallimard"),
        ("snapchat", "gallimard", "https://www.snapchat.com/add/gallimard"),
    ],
)
def test_profile_url_for_every_platform(slug, handle, url):
    assert profile_url(get_rules(slug), handle) == url


@pytest.mark.parametrize(
    ("slug", "spelling", "url"),
    [
        ("x", "@Gallimard", "https://x.com/Gallimard"),
        ("x", "https://mobile.twitter.com/Gallimard?lang=fr", "https://x.com/Gallimard"),
        ("mastodon", "@Gallimard@Mastodon.Social", "https://mastodon.social/@Gallimard"),
        ("bluesky", "@Gallimard.bsky.social", "https://bsky.app/profile/gallimard.bsky.social"),
        (
            "youtube",
            "https://m.youtube.com/@Gallimard/videos",
            "https://www.youtube.com/@Gallimard",
        ),
    ],
)
def test_profile_url_accepts_any_spelling(slug, spelling, url):
    assert profile_url(get_rules(slug), spelling) == url


def test_profile_url_refuses_an_invalid_handle():
    with pytest.raises(InvalidHandle, match=r"Enter a handle\."):
        profile_url(get_rules("x"), "")


def test_profile_url_follows_a_changed_template():
    twitter = replace(get_rules("x"), url_template="https://twitter.com/{handle}")
    assert profile_url(twitter, "@Gallimard") == "https://twitter.com/Gallimard"


HANDLE_OF_KIND = {
    "username": "gallimard",
    "domain": "gallimard.bsky.social",
    "fediverse": "gallimard@mastodon.social",
}


@pytest.mark.parametrize("rules", PLATFORMS, ids=SLUGS)
def test_a_profile_url_parses_back_to_its_handle(rules):
    handle = HANDLE_OF_KIND[rules.kind]
    assert parse_handle(rules, profile_url(rules, handle)).normalized == handle


# --- same_handle ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("slug", "a", "b", "same"),
    [
        ("x", "@Gallimard", "https://twitter.com/gallimard", True),
        ("x", "Gallimard", "Gallimard_", False),
        ("facebook", "john.smith55", "JohnSmith55", True),
        ("mastodon", "@Gallimard@mastodon.social", "https://mastodon.social/@gallimard", True),
        ("bluesky", "Gallimard.fr", "bsky.app/profile/gallimard.fr", True),
        ("telegram", "Gallimard", "t.me/gallimard", True),
        ("x", "Gallimard", "way_too_long_for_x", False),
        ("x", "", "", False),
    ],
)
def test_same_handle(slug, a, b, same):
    assert same_handle(get_rules(slug), a, b) is same


# --- rules as data -------------------------------------------------------------------------


def test_updated_rules_take_effect_without_code_changes():
    # A platform that raised its limit: the parser follows the data.
    longer_x = replace(get_rules("x"), max_length=20, length_note="")
    assert parse_handle(longer_x, "GallimardEditions").normalized == "gallimardeditions"


def test_a_case_sensitive_platform_keeps_case_in_the_key():
    strict = replace(get_rules("x"), case_sensitive=True)
    assert parse_handle(strict, "Gallimard").normalized == "Gallimard"
    assert not same_handle(strict, "Gallimard", "gallimard")


def test_a_platform_added_as_data_uses_its_own_hosts_and_prefixes():
    rules = PlatformRules(
        slug="pixelfed",
        name="Pixelfed",
        url_template="https://pixelfed.social/{handle}",
        hosts=("pixelfed.social",),
        path_prefixes=("u",),
        pattern=r"[a-z0-9_]+",
        allowed_description="lower-case letters, digits and underscores",
        min_length=2,
        max_length=15,
    )
    assert parse_handle(rules, "https://pixelfed.social/u/gallimard").display == "gallimard"
    assert parse_handle(rules, "pixelfed.social/gallimard").display == "gallimard"
    with pytest.raises(InvalidHandle) as caught:
        parse_handle(rules, "Gallimard")
    assert str(caught.value) == (
        "Pixelfed handles may only contain lower-case letters, digits and underscores."
    )


# --- the platforms' sites (SiteLinks) ------------------------------------------------------


@pytest.mark.parametrize("rules", PLATFORMS, ids=SLUGS)
def test_site_links_name_known_reasons_and_platforms(rules):
    links = rules.links
    forms = [*links.forms, *(form for forms in links.app_links.values() for form in forms)]
    for form in forms:
        assert regex.compile(form.path)
        assert not form.refuse or form.refuse in LINK_REFUSALS
        assert not form.belongs_to or form.belongs_to in PLATFORMS_BY_SLUG
        outcomes = [bool(form.refuse), bool(form.belongs_to), bool(form.query)]
        assert sum(outcomes) <= 1
        assert any(outcomes) or "(?P<handle>" in form.path
    assert set(links.other_hosts.values()) <= set(LINK_REFUSALS)
    assert links.bare_segment in ("", "handle", *LINK_REFUSALS)
    assert all(name == name.lower() for name in links.reserved | links.pages)


@pytest.mark.parametrize("rules", PLATFORMS, ids=SLUGS)
def test_a_platform_row_rebuilt_from_its_columns_finds_its_site_links(rules):
    # The Platform table stores only PlatformRules' fields; the site data follows the slug.
    rebuilt = PlatformRules(**{field.name: getattr(rules, field.name) for field in fields(rules)})
    assert rebuilt.links is rules.links


def test_a_platform_added_as_data_has_no_site_links():
    rules = replace(get_rules("x"), slug="pixelfed")
    assert rules.links.reserved == frozenset() and rules.links.forms == ()


# --- issue 11, as reported -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("d.i.o.r", "Facebook usernames are at least 5 characters, not counting periods."),
        ("dior.", "Facebook usernames are at least 5 characters, not counting periods."),
        ("a....", "Facebook usernames are at least 5 characters, not counting periods."),
        ("dior", "Facebook usernames are at least 5 characters."),
    ],
)
def test_facebook_periods_do_not_count_toward_the_minimum(raw, message):
    assert rejection("facebook", raw) == message


@pytest.mark.parametrize(
    ("slug", "name"),
    [
        ("x", "home"),
        ("x", "search"),
        ("x", "explore"),
        ("instagram", "explore"),
        ("instagram", "accounts"),
        ("facebook", "groups"),
        ("telegram", "joinchat"),
    ],
)
def test_pages_of_the_site_are_not_accounts_typed_or_pasted(slug, name):
    page = f'"{name}" is a page of {get_rules(slug).name}, not an account.'
    assert rejection(slug, name) == page
    host = urlsplit(get_rules(slug).url_template).hostname
    assert rejection(slug, f"https://{host}/{name}/") == page


@pytest.mark.parametrize(
    ("raw", "key"),
    [
        ("Nestlé", "nestlé"),
        ("Nestle\u0301", "nestlé"),  # the same "é", typed as e + combining accent
        ("citroën", "citroën"),
        ("galli·mard", "galli·mard"),
        ("Галлимар", "галлимар"),
        ("ΕλληνικάΒιβλία", "ελληνικάβιβλία"),
        ("東京書店", "東京書店"),
        ("ひらがなカタカナ漢字", "ひらがなカタカナ漢字"),  # Japanese: one writing system
        ("שלום2024", "שלום2024"),
    ],
)
def test_youtube_accepts_letters_of_every_script(raw, key):
    assert parse("youtube", raw).normalized == key


def test_telegram_refuses_a_trailing_underscore():
    assert rejection("telegram", "gallimard_") == "Telegram handles cannot end with an underscore."


def test_linkedin_pages_and_members_are_two_namespaces():
    assert parse("linkedin", "linkedin.com/company/gallimard").normalized == "gallimard"
    assert parse("linkedin_member", "linkedin.com/in/gallimard").normalized == "gallimard"
    assert profile_url(get_rules("linkedin"), "gallimard") == (
        "https://www.linkedin.com/company/gallimard"
    )
    assert rejection("linkedin", "linkedin.com/in/gallimard") == (
        "That address belongs to LinkedIn (member); choose LinkedIn (member) as the platform."
    )
    assert rejection("linkedin_member", "linkedin.com/company/gallimard") == (
        "That address belongs to LinkedIn; choose LinkedIn as the platform."
    )


@pytest.mark.parametrize(
    ("slug", "raw", "key"),
    [
        ("instagram", "instagram.com/_u/gallimard", "gallimard"),
        ("instagram", "https://www.instagram.com/stories/gallimard/3141592653/", "gallimard"),
        ("mastodon", "www.mastodon.social/@x", "x@mastodon.social"),
        ("mastodon", "acct:gallimard@mastodon.social", "gallimard@mastodon.social"),
        ("facebook", "https://fr-fr.facebook.com/gallimard", "gallimard"),
        ("facebook", "https://web.facebook.com/gallimard", "gallimard"),
        ("facebook", "https://business.facebook.com/gallimard", "gallimard"),
        ("facebook", "https://mbasic.facebook.com/gallimard", "gallimard"),
        ("facebook", "https://touch.facebook.com/gallimard", "gallimard"),
        ("facebook", "fb.me/gallimard", "gallimard"),
        ("x", "x.com/intent/user?screen_name=Gallimard", "gallimard"),
        ("youtube", "https://music.youtube.com/@Gallimard", "gallimard"),
        ("telegram", "gallimard.t.me", "gallimard"),
        ("telegram", "tg://resolve?domain=gallimard", "gallimard"),
        ("bluesky", "at://gallimard.bsky.social", "gallimard.bsky.social"),
        ("snapchat", "https://story.snapchat.com/@gallimard", "gallimard"),
        ("threads", "https://www.threads.net/gallimard", "gallimard"),
        ("linkedin", "https://www.linkedin.com/showcase/gallimard-jeunesse/", "gallimard-jeunesse"),
    ],
)
def test_links_the_issue_found_refused_or_misread(slug, raw, key):
    assert parse(slug, raw).normalized == key


def test_a_fediverse_address_on_another_platform_of_the_registry_is_refused():
    assert rejection("mastodon", "gallimard@threads.net") == (
        "That address belongs to Threads; choose Threads as the platform."
    )


# --- one spelling per name: NFKC, without default-ignorable code points (issue 25) ---------

# Invisible code points users' copy-paste brings along (Default_Ignorable_Code_Point, UCD
# DerivedCoreProperties.txt): an emoji's variation selector U+FE0F, the combining grapheme
# joiner U+034F (a mark, \p{M}, which YouTube's letter class took), a zero-width space, a
# soft hyphen, a supplementary variation selector, a word joiner, a Hangul filler, a tag.
INVISIBLES = [
    "\ufe0f",
    "\u034f",
    "\u200b",
    "\u00ad",
    "\U000e0100",
    "\u2060",
    "\u3164",
    "\U000e0041",
]


@pytest.mark.parametrize("invisible", INVISIBLES)
@pytest.mark.parametrize("slug", ["youtube", "x", "instagram", "tiktok", "telegram", "facebook"])
def test_an_invisible_character_inside_a_handle_gives_the_same_key(slug, invisible):
    parsed = parse(slug, f"Galli{invisible}mard")
    assert parsed == ParsedHandle("Gallimard", "gallimard")


@pytest.mark.parametrize("slug", ["youtube", "x", "instagram", "tiktok", "telegram", "facebook"])
def test_a_handle_in_fullwidth_letters_is_the_same_handle(slug):
    assert parse(slug, "\uff27\uff41\uff4c\uff4c\uff49\uff4d\uff41\uff52\uff44") == (
        ParsedHandle("Gallimard", "gallimard")
    )
    assert parse(slug, "\uff20Gallimard").normalized == "gallimard"  # a fullwidth "@"


@pytest.mark.parametrize(
    ("slug", "raw", "key"),
    [
        ("youtube", "https://www.youtube.com/@Galli%E2%80%8Bmard", "gallimard"),
        ("youtube", "https://www.youtube.com/@Galli%EF%B8%8Fmard", "gallimard"),
        ("x", "https://x.com/Galli%C2%ADmard", "gallimard"),
        ("x", "\uff48\uff54\uff54\uff50\uff53\uff1a\uff0f\uff0fx.com\uff0fGallimard", "gallimard"),
        ("mastodon", "@galli\u200bmard@mastodon\u200b.social", "gallimard@mastodon.social"),
        (
            "bluesky",
            "\uff47\uff41\uff4c\uff4c\uff49\uff4d\uff41\uff52\uff44.bsky.social",
            "gallimard.bsky.social",
        ),
        ("youtube", "\ufb01lms", "films"),  # the "fi" ligature is the two letters it shows
    ],
)
def test_links_and_addresses_are_folded_the_same_way(slug, raw, key):
    assert parse(slug, raw).normalized == key


@pytest.mark.parametrize(
    ("slug", "raw", "message"),
    [
        ("youtube", "Gallimard\U0001f4da", "YouTube handles may only contain"),  # an emoji
        ("youtube", "Galli\u00a0mard", "YouTube handles may only contain"),  # NBSP is a space
        ("x", "Galli\u2002mard", "X handles may only contain"),
        (
            "instagram",
            "galli\u2025mard",
            "Instagram handles cannot contain two periods",
        ),  # TWO DOT LEADER: ".."
    ],
)
def test_what_folding_leaves_is_still_checked_by_the_platform(slug, raw, message):
    assert rejection(slug, raw).startswith(message)


@pytest.mark.parametrize("raw", ["\ufe0f", "\u034f\u200b", "@\U000e0100", " \u3164 "])
def test_a_handle_of_invisible_characters_only_asks_for_one(raw):
    assert rejection("youtube", raw) == "Enter a handle."


# --- Telegram collectible usernames (issue 25) ---------------------------------------------


@pytest.mark.parametrize(
    "raw", ["meta", "@Meta", "https://t.me/meta", "meta.t.me", "tg://resolve?domain=meta"]
)
def test_telegram_accepts_a_four_character_collectible_username(raw):
    parsed = parse("telegram", raw)
    assert (parsed.normalized, parsed.collectible) == ("meta", True)


@pytest.mark.parametrize("raw", ["metas", "gallimard", "a" * 32])
def test_telegram_names_of_five_or_more_are_ordinary(raw):
    assert parse("telegram", raw).collectible is False


def test_telegram_refuses_three_characters_naming_both_minimums():
    assert rejection("telegram", "abc") == (
        "Telegram handles are at least 5 characters, or 4 for a collectible username."
    )


def test_short_names_of_other_platforms_are_not_collectible():
    assert parse("x", "meta").collectible is False
    assert not is_collectible("x", "meta")
    assert not is_collectible("tiktok", "ab")


def test_is_collectible_reads_the_identity_key_of_any_platform_slug():
    assert is_collectible("telegram", "meta") and is_collectible(" Telegram ", "meta")
    assert not is_collectible("telegram", "metas")
    assert not is_collectible("unknown-platform", "meta")


# --- Facebook's locale hosts (issue 25) ----------------------------------------------------


@pytest.mark.parametrize(
    "host", ["fr", "it", "de", "es", "fr-fr", "de-de", "es-la", "pt-br", "FR", "www.fr"]
)
def test_facebook_profiles_on_locale_hosts_name_the_same_username(host):
    assert parse("facebook", f"https://{host}.facebook.com/Gallimard").normalized == "gallimard"


@pytest.mark.parametrize(
    "raw",
    [
        "https://lm.facebook.com/l.php?u=https%3A%2F%2Fexample.org",  # the link shim
        "https://l.facebook.com/l.php?u=https%3A%2F%2Fexample.org",
        "https://fra.facebook.com/gallimard",
        "https://fr-fra.facebook.com/gallimard",
        "https://fr.facebook.com.example.org/gallimard",
    ],
)
def test_facebook_other_subdomains_stay_refused(raw):
    assert rejection("facebook", raw) == "That link is not a profile URL on Facebook."


def test_a_facebook_locale_link_on_another_platform_names_facebook():
    assert rejection("x", "https://it.facebook.com/gallimard") == (
        "That address belongs to Facebook; choose Facebook as the platform."
    )


@pytest.mark.parametrize(
    ("slug", "raw"),
    [
        # These platforms serve no language subdomains (they take ?hl=, ?lang=): none is
        # accepted for them by the Facebook rule.
        ("instagram", "https://fr.instagram.com/gallimard"),
        ("tiktok", "https://fr.tiktok.com/@gallimard"),
        ("youtube", "https://fr.youtube.com/@gallimard"),
        ("x", "https://fr.x.com/gallimard"),
    ],
)
def test_other_platforms_do_not_take_language_subdomains(slug, raw):
    assert rejection(slug, raw).startswith("That link is not a profile URL on")

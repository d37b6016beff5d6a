"""Properties of every accepted handle, on generated input (hypothesis).

Whatever a platform accepts, its profile URL pasted back gives the same key on that platform,
and no other platform of the registry takes that URL for one of its own accounts (LinkedIn's
pages and members, Instagram and Threads, Mastodon and the rest are separate namespaces).
The same name written with an invisible character inserted, or in fullwidth letters, is the
same account or no account: never a second valid key (issue 25).
"""

import sys

import pytest
import regex
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from registry.domain.handles import InvalidHandle, parse_handle, profile_url
from registry.domain.platforms import PLATFORMS, get_rules

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

ASCII = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
# Each platform's alphabet, a few characters it refuses, and its reserved words, so that
# both sides of every rule come up.
NOISE = "._-·@ +/é"
WORDS = ["home", "explore", "groups", "joinchat", "accounts", "p", "_u", "search", "in", "c"]
SCRIPTS = "Галлимарéèçñß·αβγ東京ひらカタ한국אבגابت"


def handles(alphabet: str, max_size: int) -> st.SearchStrategy[str]:
    text = st.text(alphabet=alphabet + NOISE, min_size=1, max_size=max_size)
    return st.one_of(text, st.sampled_from(WORDS), st.builds("".join, st.lists(text, max_size=3)))


STRATEGIES = {
    "youtube": handles(ASCII + SCRIPTS, 34),
    "bluesky": st.builds(
        lambda labels, tld: ".".join([*labels, tld]),
        st.lists(st.text(alphabet=ASCII + "-", min_size=1, max_size=12), min_size=1, max_size=3),
        st.sampled_from(["social", "fr", "com", "local", "1fr", "co", "x-y"]),
    ),
    "mastodon": st.builds(
        lambda user, instance: f"{user}@{instance}",
        st.text(alphabet=ASCII + "_.-", min_size=1, max_size=32),
        st.sampled_from(
            ["mastodon.social", "www.piaille.fr", "m.cmx.im", "MAS.TO", "x.com", "threads.net"]
        ),
    ),
}


def strategy(slug: str) -> st.SearchStrategy[str]:
    if slug in STRATEGIES:
        return STRATEGIES[slug]
    return handles(ASCII + "_", get_rules(slug).max_length + 3)


def accepted_key(slug: str, raw: str) -> str | None:
    try:
        return parse_handle(get_rules(slug), raw).normalized
    except InvalidHandle:
        return None


def check_round_trip(slug: str, raw: str) -> None:
    rules = get_rules(slug)
    key = accepted_key(slug, raw)
    if key is None:
        return
    url = profile_url(rules, raw)
    assert parse_handle(rules, url).normalized == key, url
    # The key and the display name the same account.
    assert parse_handle(rules, parse_handle(rules, raw).display).normalized == key
    for other in PLATFORMS:
        if other.slug != slug:
            assert accepted_key(other.slug, url) is None, (other.slug, url)


@pytest.mark.parametrize("slug", [rules.slug for rules in PLATFORMS])
def test_a_profile_url_pasted_back_gives_the_same_key_and_platform(slug):
    @SETTINGS
    @given(strategy(slug))
    @example("gallimard")
    @example("Gallimard.fr")
    @example("gallimard@mastodon.social")
    def round_trip(raw):
        check_round_trip(slug, raw)

    round_trip()


# Every Default_Ignorable_Code_Point (UCD DerivedCoreProperties.txt, as the `regex` module's
# data has it): 4,000 and more, from U+00AD to the tags and variation selectors of plane 14.
IGNORABLES = regex.findall(
    r"\p{Default_Ignorable_Code_Point}",
    "".join(chr(c) for c in range(sys.maxunicode + 1) if not 0xD800 <= c <= 0xDFFF),
)


def fullwidth(text: str) -> str:
    """ASCII "!" to "~" as their fullwidth forms U+FF01 to U+FF5E ("Ｇａｌｌｉｍａｒｄ")."""
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


def check_one_key_per_name(slug: str, raw: str, invisible: str, position: int) -> None:
    key = accepted_key(slug, raw)
    if key is None:
        return
    at = position % (len(raw) + 1)
    for spelling in (raw[:at] + invisible + raw[at:], fullwidth(raw), invisible + fullwidth(raw)):
        assert accepted_key(slug, spelling) in (key, None), (raw, spelling)


@pytest.mark.parametrize("slug", [rules.slug for rules in PLATFORMS])
def test_an_invisible_character_or_fullwidth_letters_never_make_another_key(slug):
    @SETTINGS
    @given(strategy(slug), st.sampled_from(IGNORABLES), st.integers(min_value=0, max_value=40))
    @example("gallimard", "\ufe0f", 5)
    @example("gallimard", "\u034f", 5)
    @example("gallimard", "\U000e0100", 9)
    @example("gallimard.bsky.social", "\u034f", 3)
    @example("gallimard@mastodon.social", "\ufe0f", 3)
    def one_key(raw, invisible, position):
        check_one_key_per_name(slug, raw, invisible, position)

    one_key()


def test_the_ignorables_are_the_whole_property():
    assert len(IGNORABLES) > 4000
    assert {"\u00ad", "\u034f", "\u200b", "\ufe0f", "\U000e0100", "\U000e01ef"} <= set(IGNORABLES)

"""registry.domain.lookalikes: what passes for a brand's handle, and what does not."""

from __future__ import annotations

import pytest

from registry.domain import lookalikes as rule
from registry.domain.handles import parse_handle
from registry.domain.platforms import PLATFORMS_BY_SLUG


def normalized(platform: str, handle: str) -> str:
    """A handle as the registry stores it, so each case is one the platform accepts."""
    return parse_handle(PLATFORMS_BY_SLUG[platform], handle).normalized


def reasons(query: str, candidate: str, platform: str = "x") -> tuple[str, ...]:
    kind = PLATFORMS_BY_SLUG[platform].kind
    return rule.compare(normalized(platform, query), normalized(platform, candidate), kind)


def test_the_skeleton_is_unicode_s_tr39_one_from_the_shipped_data():
    # Cyrillic а, е, о and the Latin letters they pass for share a skeleton; so do "m" and
    # "rn", and "1" and "l" (confusables.txt maps each to the same prototype).
    assert rule.skeleton("nеspressо") == rule.skeleton("nespresso")
    assert rule.skeleton("аpple") == rule.skeleton("apple")
    assert rule.skeleton("m") == rule.skeleton("rn") == "rn"
    assert rule.skeleton("1") == rule.skeleton("l")
    assert rule.skeleton("a") != rule.skeleton("o")
    assert rule.CONFUSABLES_VERSION in rule.CONFUSABLES.parent.joinpath("README.md").read_text()


@pytest.mark.parametrize(
    ("query", "candidate", "platform", "expected"),
    [
        # Cyrillic letters, where the platform allows them: YouTube, one script per handle.
        ("pepsico", "рерѕісо", "youtube", ("confusable",)),
        ("cococo", "сососо", "youtube", ("confusable",)),
        ("Nespresso", "nespress0", "x", ("confusable",)),  # 0 for o
        ("Gallimard", "Ga11imard", "x", ("confusable",)),  # 1 for l
        ("Monoprix", "rnonoprix", "x", ("confusable",)),  # rn for m
        ("Nespresso", "n3spr3ss0", "x", ("confusable",)),  # 3 for e
        ("Disneyland", "D1sneyland", "x", ("confusable",)),  # 1 for i
        ("wendys", "vvendys", "x", ("confusable",)),  # vv for w
        ("Gallimard", "gallimard_officiel", "instagram", ("affix",)),
        ("Nespresso", "nespresso_fr", "x", ("affix",)),
        ("Nespresso", "nespressofr", "x", ("affix",)),
        ("Nespresso", "therealnespresso", "instagram", ("affix",)),
        ("Nespresso", "nespresso_deals", "x", ("affix",)),  # a word added to the whole name
        ("Nespresso", "nes_presso", "x", ("separator",)),
        ("Nespresso", "nes.presso", "instagram", ("separator",)),
        ("Nespresso", "nesrpesso", "x", ("edit",)),  # two neighbours swapped
        ("Nespresso", "nespreso", "x", ("edit",)),  # one deleted
        ("Nespresso", "nespressso", "x", ("edit",)),  # a doubled letter
        ("Nespresso", "nespresdo", "x", ("edit",)),  # one replaced
        ("Nespresso", "nespress0_fr", "x", ("confusable", "affix")),
        ("Cochonou", "cochonou.officiel", "facebook", ("affix",)),  # Facebook ignores dots
    ],
)
def test_it_catches_what_squatters_register(query, candidate, platform, expected):
    assert reasons(query, candidate, platform) == expected


@pytest.mark.parametrize(
    ("query", "candidate", "platform"),
    [
        ("Nespresso", "Nespresso", "x"),  # the handle itself
        ("Nespresso", "NESPRESSO", "instagram"),  # the same handle in another case
        ("nike", "nuke", "instagram"),  # short names: one edit makes another word
        ("lego", "logo", "instagram"),
        ("abc", "abd", "instagram"),
        ("ab", "a_b", "instagram"),  # too short to name anything
        ("campus", "camp", "instagram"),  # "us" is not taken off a word it ends
        (
            "Gallimard",
            "GallimardLivres",
            "instagram",
        ),  # glued words other than affixes are other names
        ("Nespresso", "Nescafe", "instagram"),
        ("Gallimard_Jeunesse", "Jeunesse_Club", "instagram"),  # a shared word is not the whole name
    ],
)
def test_it_does_not_flood_with_unrelated_handles(query, candidate, platform):
    assert reasons(query, candidate, platform) == ()


def test_a_brand_s_own_sub_account_is_found_so_that_it_can_be_listed_as_related():
    # gallimard_jeunesse is Gallimard's too: the service lists it as related, not a suspect.
    assert reasons("Gallimard", "gallimard_jeunesse", "instagram") == ("affix",)


def test_the_same_name_on_another_mastodon_instance_is_an_affix():
    query = normalized("mastodon", "nespresso@mastodon.social")
    candidate = normalized("mastodon", "nespresso@piaille.fr")
    assert rule.compare(query, candidate, "fediverse") == ("affix",)


def test_one_edit_apart_handles_always_share_an_index_key():
    """What makes the index complete: any two cores one edit apart share a key, so the
    lookup's IN query finds every candidate that `compare` would accept."""
    base = "nespresso"
    variants = {base[:i] + base[i + 1 :] for i in range(len(base))}
    variants |= {base[:i] + c + base[i:] for i in range(len(base) + 1) for c in "xz"}
    variants |= {base[:i] + "x" + base[i + 1 :] for i in range(len(base))}
    variants |= {base[:i] + base[i + 1] + base[i] + base[i + 2 :] for i in range(len(base) - 1)}
    for variant in variants:
        if rule.compare(base, variant):
            assert rule.index_keys(base) & rule.index_keys(variant), variant


@pytest.mark.parametrize(
    ("query", "candidate"),
    [
        ("gallimard", "gallimard_jeunesse"),  # a word added to a name with "m" and "ll"
        ("nespresso", "nespresso_deals"),
        ("gucci", "guci"),
        ("chanel", "ch-anel"),
        ("abercrombie", "abercrmbie"),
        ("alibaba", "alibbaa"),
        ("nespresso", "nes\u200bpresso"),
    ],
)
def test_what_compare_accepts_the_index_finds(query, candidate):
    """The brand's suspects pair keys of which one is a core, or two deletions
    (registry.services.lookalikes._pairs_sharing_a_key)."""
    assert rule.compare(query, candidate)
    mine, theirs = rule.keyed(query), rule.keyed(candidate)
    assert any(
        rule.CORE_KEY in (what, theirs[key]) or what == theirs[key] == rule.DELETION_KEY
        for key, what in mine.items()
        if key in theirs
    )


def test_short_cores_have_no_deletion_keys_and_tiny_ones_no_key():
    assert rule.index_keys("nike") == {"nlke"}
    assert rule.index_keys("ab") == set()
    # Its cores with all the folds ("nespreso") and with its doubled letters kept, and the
    # deletions of the latter, which edits are counted on.
    deletions = {"nespresso"[:i] + "nespresso"[i + 1 :] for i in range(len("nespresso"))}
    assert rule.index_keys("nespresso") == {"nespreso", "nespresso"} | deletions


def test_keys_fit_the_index_s_column_however_long_a_name_reads():
    # "ﷺ" reads as 18 letters, thirty as 540 (more than VARCHAR(260)). The handle parser now
    # refuses it on YouTube (its NFKC form is longer than 30), but the index must not rely
    # on every caller: a stored row from before the parser folded could still carry it.
    keys = rule.index_keys("ﷺ" * 30, "username")
    assert keys and max(map(len, keys)) == rule.KEY_LENGTH


def test_a_name_of_five_letters_counts_edits_however_short_its_folds_make_it():
    # "gucci" reads as "gucl" ("i" for "l", doubled letters once): four letters, but the name
    # has five.
    assert rule.letters("gucci") == 5 and rule.core("gucci") == "gucl"
    assert rule.index_keys("gucci") == {"gucl", "guccl", "uccl", "gccl", "gucc"}
    assert rule.compare("gucci", "guci") == ("edit",)  # an omission from a five-letter name
    assert rule.compare("prada", "prda") == ("edit",)
    assert rule.compare("adobe", "-dobe") == ("edit",)  # "-" is the key next to "a"


@pytest.mark.parametrize(
    ("query", "candidate", "expected"),
    [
        # Fullwidth letters are the letters they are (NFKC): not all are in confusables.txt.
        ("nespresso", "ｎｅｓｐｒｅｓｓｏ", ("confusable",)),
        ("abercrombie", "abercroｍbie", ("confusable",)),
        ("twitter", "ｔｗｉｔｔｅｒ_ｆｒ", ("confusable", "affix")),
        # Default-ignorables show nothing: a zero-width space, a soft hyphen, a joiner.
        ("nespresso", "nes\u200bpresso", ("confusable",)),
        ("apple", "a\u00adpple", ("confusable",)),
        ("alibaba", "al\u200cibaba", ("confusable",)),
        ("gallimard", "galli\u2060mard\ufe0f", ("confusable",)),
    ],
)
def test_what_only_changes_the_encoding_is_the_same_name(query, candidate, expected):
    assert rule.compare(query, candidate) == expected


@pytest.mark.parametrize(
    ("query", "candidate", "expected"),
    [
        # "m" is one letter, as read: an edit next to it is one edit.
        ("abercrombie", "abercrommbie", ("edit",)),
        ("abercrombie", "abercrmbie", ("edit",)),
        ("abercrombie", "abercrobie", ("edit",)),
        ("amazon", "ammazon", ("edit",)),
        ("adobe", "aclobe", ("confusable",)),  # "cl" for "d"
        # "ci" does not read as "cl", nor then as "d".
        ("activision", "acivision", ("edit",)),
        ("balenciaga", "balencjaga", ("edit",)),
        # An edit that makes or breaks doubled letters is still one edit.
        ("abercrombie", "aberrombie", ("edit",)),
        ("alibaba", "alibbaa", ("edit",)),
        ("airbnb", "airbbb", ("edit",)),
        ("franprix", "granprix", ("edit",)),  # "fr" glued before a name is its first letters
    ],
)
def test_letters_read_together_and_doubled_letters_leave_one_edit_one_edit(
    query, candidate, expected
):
    assert rule.compare(query, candidate) == expected


@pytest.mark.parametrize(
    ("query", "candidate", "expected"),
    [
        ("chanel", "ch-anel", ("separator",)),
        ("chanel", "ch_anel", ("separator",)),
        ("hermes", "herm.es", ("separator",)),
        ("airbnb", "airb.nb", ("separator",)),
        ("chanel", "chanel_fr", ("affix",)),  # a whole affix word after the name still is one
        ("nespresso", "nespresso_0ff1c1al", ("confusable", "affix")),  # "1" for "i" in an affix
        ("nespresso", "_nespresso_", ("separator",)),
    ],
)
def test_an_affix_word_that_is_a_piece_of_the_name_is_not_taken_off(query, candidate, expected):
    assert rule.compare(query, candidate) == expected


@pytest.mark.parametrize(
    ("query", "candidate"),
    [
        ("chanel", "steven_channel"),  # a word added keeps its doubled letters
        ("chanel", "cooking_channel"),
        ("garmin", "gaming"),
        ("franprix", "anprix"),
    ],
)
def test_unrelated_names_the_new_folds_could_bring_together_stay_apart(query, candidate):
    assert rule.compare(query, candidate) == ()


@pytest.mark.parametrize(
    ("a", "b", "edits"),
    [
        ("abcd", "abcd", 0),
        ("abcd", "abdc", 1),  # neighbours swapped
        ("abcd", "bacd", 1),
        ("abcd", "abxd", 1),  # replaced
        ("abcd", "abd", 1),  # deleted
        ("abcd", "xabcd", 1),  # inserted
        ("abcd", "abcdx", 1),
        ("abcd", "xbcy", 2),
        ("abcd", "acbx", 2),
        ("abcd", "badc", 2),  # two swaps
        ("abcd", "ab", 2),
        ("a", "abcdef", 2),
    ],
)
def test_one_edit_apart_counts_swaps_of_neighbours(a, b, edits):
    assert rule.edits_apart(a, b) == rule.edits_apart(b, a) == edits

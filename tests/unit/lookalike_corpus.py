"""A generated corpus of lookalikes of brand names, dnstwist-style, and of unrelated pairs.

Each kind of variant is what squatters register for a brand's name (dnstwist's fuzzers,
https://github.com/elceef/dnstwist, adapted to handles): a character omitted, repeated,
two neighbours transposed, a key replaced by its neighbour on a QWERTY or an AZERTY keyboard,
a homoglyph (Unicode's confusables, and the ones a reader falls for: "rn" for "m", "vv" for
"w", "cl" for "d", "0" for "o", "1" for "l"), a separator inserted, a vowel swapped for
another, an affix added ("official", "_fr"...), fullwidth letters (NFKC folds them), and a
default-ignorable character inserted (invisible: TR39 drops them from skeletons).

The unrelated pairs are brand names against each other and against common handles made of
everyday words and first names; a pair the plain spelling already puts one edit apart is not
unrelated and is left out. Everything comes from a seeded random.Random: the same corpus on
every run.
"""

from __future__ import annotations

import random
import unicodedata
from collections.abc import Iterator
from functools import cache

from registry.domain import lookalikes as rule

SEED = 25
PER_KIND = 12  # variants kept per brand and kind (all of them when fewer)


def _listed(text: str) -> list[str]:
    """The words of a text, one list: long lists read better as text."""
    return text.split()


# The demo's brands, and well-known brands of 5 to 15 letters (as their handles spell them).
BRANDS = _listed("""
gallimard cochonou nespresso voitureslumiere
adidas amazon apple google netflix spotify samsung toyota nissan peugeot renault citroen
michelin danone carrefour auchan leclerc decathlon sephora loreal lancome chanel hermes
cartier guerlain dior givenchy balenciaga celine chloe lacoste longchamp vuitton
louisvuitton gucci prada versace armani fendi valentino burberry moncler zalando zara
mango primark uniqlo levis converse reebok asics puma newbalance underarmour patagonia
northface timberland heineken carlsberg corona budweiser guinness ricard pernod
hennessy moethennessy cointreau nestle nescafe nutella ferrero kinder haribo lindt
milka oreo starbucks mcdonalds burgerking subway dominos kfcfrance pizzahut cocacola
pepsico redbull monster evian vittel perrier volvic badoit orangina schweppes
microsoft facebook instagram whatsapp twitter youtube tiktok snapchat pinterest linkedin
telegram discord twitch reddit mastodon bluesky paypal stripe revolut boursorama
airbnb booking expedia tripadvisor ryanair easyjet airfrance lufthansa emirates
qatarairways sncf ouigo blablacar uber deliveroo ubereats justeat leboncoin vinted
cdiscount fnac darty boulanger ikea leroymerlin castorama bricomarche intermarche
monoprix franprix lidl aldi casino orange bouygues freebox sfr vodafone telefonica
deutschetelekom siemens bosch philips sony nintendo playstation xbox ubisoft
activision electronicarts blizzard valve steampowered epicgames rockstar bandai
canon nikon olympus fujifilm garmin logitech lenovo huawei xiaomi oneplus motorola
nokia ericsson intel nvidia qualcomm oracle salesforce adobe autodesk dropbox
atlassian slack zoom shopify etsy ebay alibaba aliexpress rakuten walmart target
costco bestbuy homedepot lowes nordstrom macys gap hollister abercrombie tommyhilfiger
calvinklein ralphlauren hugoboss diesel benetton desigual kiabi jules celio kookai
sandro maje claudiepierlot zadig bash sezane rouje jacquemus balmain lanvin
""")
SHORT_BRANDS = sorted({b for b in BRANDS if len(b) < 5})  # for unrelated pairs only
BRANDS = sorted({b for b in BRANDS if 5 <= len(b) <= 15})

WORDS = _listed("""
coffee lover paris london photo music travel daily studio design garden kitchen
football tennis running cycling yoga fitness cooking bakery pastry wine beer books
reading writer poetry cinema movies series gaming player pixel art artist drawing
sketch painter crafts knitting fashion style beauty makeup skincare vintage retro
mountain ocean beach island forest river sunset sunrise winter summer autumn spring
city street urban village country farm horse puppy kitten dogs cats birds nature
science history maths physics chemistry school student teacher campus college news
weather radio podcast video channel stream live world planet earth space rocket
robot code coder python java linux cloud data pixels camera lens film analog
guitar piano drums violin singer band concert festival dance ballet theatre opera
chef recipe vegan salad bread cheese chocolate candy sugar honey lemon cherry berry
garage motor racing driver pilot sailor captain doctor nurse lawyer banker builder
modern modem corner burner turner learn barn darn morning evening return journal
clear dear clean dean cloud doud close dose clock dock class dass climb clip dip
window willow wonder wander swim swing vivid river silver clever flower shower
million billion village illegal collage college pillow yellow mellow hello follow
ocean dozen zero hero one two three five seven eight nine ten hundred
amour maison jardin cuisine voiture lumiere chocolat fromage boulangerie librairie
musique cinema peinture soleil nuages montagne campagne plage riviere chemin
mercredi dimanche printemps automne hiver cadeau bonjour merci madame monsieur
manager marketing commerce company corporate premium market mobile camera comic
dream drama media medical medicine midnight minute mirror mission model moment
money monkey monster month mother mountain mouse movie murder museum master
gardener candle cradle saddle middle riddle paddle needle noodle doodle poodle
castle cattle battle bottle little title rattle kettle settle nettle
""")
FIRST_NAMES = _listed("""
alice marie julien thomas camille lucas emma hugo chloe louis sarah pierre nicolas
manon antoine pauline mathieu claire olivier sophie laurent nathalie david isabelle
james mary robert linda michael susan william karen richard nancy joseph betty
charles helen daniel sandra matthew ashley anthony donna mark emily steven michelle
""")
SUFFIXES = ("", "", "_", ".", "", "_")

QWERTY = ("1234567890-", "qwertyuiop", "asdfghjkl", "zxcvbnm")
AZERTY = ("1234567890-", "azertyuiop", "qsdfghjklm", "wxcvbn")
VOWELS = "aeiouy"
READER_HOMOGLYPHS = {"m": "rn", "w": "vv", "d": "cl", "o": "0", "l": "1", "i": "1"}
PREFIXES = ("official", "real", "the", "thereal", "hq", "team", "officiel")
AFFIXES = ("official", "officiel", "real", "hq", "team", "support", "fr", "uk", "usa", "de")
# Any word added to the whole name with a separator ("nespresso_deals").
WORDS_ADDED = ("shop", "store", "deals", "jobs", "promo")
IGNORABLES = ("\u200b", "\u200c", "\u200d", "\u2060", "\u00ad", "\ufeff", "\u034f", "\u180e")


def _neighbours(layout: tuple[str, ...]) -> dict[str, str]:
    """The keys next to each key (same row and the rows above and below, as dnstwist)."""
    found: dict[str, str] = {}
    for row_index, row in enumerate(layout):
        for i, key in enumerate(row):
            near = {row[j] for j in (i - 1, i + 1) if 0 <= j < len(row)}
            for other in (row_index - 1, row_index + 1):
                if 0 <= other < len(layout):
                    near |= {layout[other][j] for j in (i - 1, i, i + 1) if j < len(layout[other])}
            found[key] = "".join(sorted(near - {key}))
    return found


@cache
def _confusable_letters() -> dict[str, tuple[str, ...]]:
    """Letters of other scripts (Cyrillic, Greek, Latin with marks...) that Unicode's
    confusables.txt maps to each ASCII letter."""
    found: dict[str, list[str]] = {}
    for code, prototype in sorted(rule._prototypes().items()):
        char = chr(code)
        ascii_letter = len(prototype) == 1 and prototype.isascii() and prototype.islower()
        if ascii_letter and unicodedata.category(char) == "Ll" and not char.isascii():
            found.setdefault(prototype, []).append(char)
    return {letter: tuple(chars[:6]) for letter, chars in found.items()}


def _omission(name: str) -> Iterator[str]:
    yield from (name[:i] + name[i + 1 :] for i in range(len(name)))


def _repetition(name: str) -> Iterator[str]:
    yield from (name[: i + 1] + name[i] + name[i + 1 :] for i in range(len(name)))


def _transposition(name: str) -> Iterator[str]:
    for i in range(len(name) - 1):
        if name[i] != name[i + 1]:
            yield name[:i] + name[i + 1] + name[i] + name[i + 2 :]


def _adjacent(name: str) -> Iterator[str]:
    for layout in (QWERTY, AZERTY):
        keys = _neighbours(layout)
        for i, char in enumerate(name):
            yield from (name[:i] + near + name[i + 1 :] for near in keys.get(char, ""))


def _homoglyph(name: str) -> Iterator[str]:
    letters = _confusable_letters()
    for i, char in enumerate(name):
        yield from (name[:i] + other + name[i + 1 :] for other in letters.get(char, ()))
        if char in READER_HOMOGLYPHS:
            yield name[:i] + READER_HOMOGLYPHS[char] + name[i + 1 :]
    for glyph, letter in (("rn", "m"), ("vv", "w"), ("cl", "d")):
        if glyph in name:
            yield name.replace(glyph, letter, 1)


def _separator(name: str) -> Iterator[str]:
    for i in range(1, len(name)):
        yield from (name[:i] + sep + name[i:] for sep in rule.SEPARATORS)


def _vowel_swap(name: str) -> Iterator[str]:
    for i, char in enumerate(name):
        if char in VOWELS:
            yield from (name[:i] + v + name[i + 1 :] for v in VOWELS if v != char)


def _affix(name: str) -> Iterator[str]:
    for word in AFFIXES:
        for sep in ("", "_", ".", "-"):
            yield name + sep + word
    for word in WORDS_ADDED:
        for sep in ("_", ".", "-"):
            yield name + sep + word
    for word in PREFIXES:
        for sep in ("", "_"):
            yield word + sep + name


def _fullwidth(name: str) -> Iterator[str]:
    wide = "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in name)
    yield wide
    for i in range(len(name)):
        yield name[:i] + wide[i] + name[i + 1 :]


def _ignorable(name: str) -> Iterator[str]:
    for i in range(1, len(name)):
        yield from (name[:i] + mark + name[i:] for mark in IGNORABLES)


KINDS = {
    "omission": _omission,
    "repetition": _repetition,
    "transposition": _transposition,
    "adjacent key": _adjacent,
    "homoglyph": _homoglyph,
    "separator": _separator,
    "vowel swap": _vowel_swap,
    "affix": _affix,
    "fullwidth": _fullwidth,
    "ignorable": _ignorable,
}


def variants(rng: random.Random | None = None) -> list[tuple[str, str, str]]:
    """(kind, brand, variant) for every brand: up to PER_KIND distinct variants per kind."""
    rng = rng or random.Random(SEED)
    found = []
    for brand in BRANDS:
        for kind, fuzz in KINDS.items():
            distinct = sorted({v for v in fuzz(brand) if v != brand and v not in BRANDS})
            rng.shuffle(distinct)
            found.extend((kind, brand, variant) for variant in distinct[:PER_KIND])
    return found


def common_handles(count: int = 520, rng: random.Random | None = None) -> list[str]:
    """Handles of people and hobbies: words, names and the two together."""
    rng = rng or random.Random(SEED + 1)
    found = set(WORDS)
    while len(found) < count:
        shape = rng.randrange(4)
        first, word = rng.choice(FIRST_NAMES), rng.choice(WORDS)
        if shape == 0:
            handle = first + rng.choice(SUFFIXES) + word
        elif shape == 1:
            handle = word + rng.choice(SUFFIXES) + rng.choice(WORDS)
        elif shape == 2:
            handle = first + rng.choice(SUFFIXES) + str(rng.randrange(1, 99))
        else:
            handle = rng.choice(WORDS) + rng.choice(SUFFIXES) + first
        found.add(handle.strip("_."))
    return sorted(found)


def unrelated_pairs() -> list[tuple[str, str]]:
    """(brand, other handle): brands against each other and against short brand names and
    common handles, but for those the plain spelling puts one edit apart or one inside the
    other (they are lookalikes, or the brand's name with a word added)."""
    others = SHORT_BRANDS + common_handles()
    pairs = [(a, b) for i, a in enumerate(BRANDS) for b in BRANDS[i + 1 :]]
    pairs += [(brand, other) for brand in BRANDS for other in others]
    return [(a, b) for a, b in pairs if rule.edits_apart(a, b) > 1 and a not in b and b not in a]

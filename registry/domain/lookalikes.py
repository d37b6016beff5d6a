"""Lookalike handles: the names an impersonator or a squatter registers to pass for a brand's.

Two handles look alike when their *cores* match: the same after each of these folds, or one
edit apart after them (`compare`).

- ``confusable``: Unicode's TR39 skeleton (UTS #39, section 4: default-ignorable characters
  dropped, NFD, each character replaced by its prototype from confusables.txt, NFD again) of
  the name's NFKC form, so fullwidth "ｎ" is "n", an invisible zero-width space or soft hyphen
  is nothing, Cyrillic "о" reads as Latin "o", "0" as "O", "1" and "I" as "l", "m" as "rn".
  The registry then case-folds (TR39 skeletons keep case: "0" becomes "O") and adds the few
  substitutions squatters use that TR39 leaves out, because they fool a reader rather than a
  font: "3" for "e", "5" for "s", "i" for "l" (so "1" also passes for "i"), "vv" for "w" and
  "cl" for "d"; and "rn" is written "m" again, one letter. They share the reason: the name
  *reads* the same.
- ``separator``: "_", "." and "-" added or removed ("nes_presso").
- ``affix``: a word put before or after the name, with or without a separator ("official",
  "officiel", "real", "hq", "team", "the", a country code: "nespresso_fr", "therealnespresso"),
  or any word added to the whole name with a separator ("nespresso_deals",
  "gallimard_jeunesse": the brand's own such handles are then *related*, not suspects).
  On Mastodon and Bluesky the instance or domain is one too: the same name on another
  instance is the same name with another suffix.
- ``edit``: one character inserted, deleted, replaced, or two neighbours swapped, doubled
  letters included ("nespreso", "nesrpesso", "nespressso"), counted on the cores with their
  doubled letters kept (BASES), so that an edit that makes or breaks doubled letters is one
  edit ("alibbaa").

Why vendor confusables.txt rather than use a package: the PyPI packages either ship it
symmetrised (confusable_homoglyphs' JSON maps each character to all its lookalikes, losing the
direction a skeleton needs) or an old copy with additions of their own (confusables 1.2.0:
Unicode 13, 2020), and neither computes the TR39 skeleton. The file itself is the maintained
source: one gzipped text file of Unicode's, named with its version in
registry/domain/data/README.md, that an update replaces whole. Twenty lines read it.

Short names: a core of fewer than MIN_CORE characters matches nothing (two-letter handles are
all one fold apart), and edits count only when one of the names has MIN_EDIT letters or more
as written, before the folds shorten it (`letters`: "gucci" reads as "gucd", yet "guci" is
one edit from a five-letter name; "nike" and "nuke" are different words). These two numbers
are what keeps unrelated short handles from flooding a list.

`index_keys` gives what the registry's index stores per handle — its cores (one per BASES)
and, for a name long enough for edits, every string with one character deleted from the core
edits are counted on (the "symmetric delete" of SymSpell): two cores one edit apart always
share one of these keys, so candidates come from an indexed lookup and `compare` then
decides. A change of the folds
changes the keys: a migration rebuilds the index (0018), as `registry reindex-lookalikes`
does.

Measured on a generated corpus of squatters' variants of brand names and of unrelated pairs
(tests/unit/test_lookalike_corpus.py, which prints the table per kind of variant).
"""

from __future__ import annotations

import gzip
import unicodedata
from dataclasses import dataclass, replace
from functools import cache, lru_cache
from pathlib import Path

import regex

from registry.domain.spelling import folded, without_ignorables

CONFUSABLES = Path(__file__).parent / "data" / "confusables.txt.gz"
CONFUSABLES_VERSION = "17.0.0"

MIN_CORE = 3
MIN_EDIT = 5

CONFUSABLE, EDIT, AFFIX, SEPARATOR = "confusable", "edit", "affix", "separator"
REASONS = (CONFUSABLE, EDIT, AFFIX, SEPARATOR)

SEPARATORS = "_.-"
# Words squatters add to a brand's name. Country codes: those of the markets the registry's
# brands address, and the large ones; "in", "it" and "me" stay out (they end many words).
AFFIX_WORDS = (
    "official",
    "officiel",
    "officielle",
    "oficial",
    "real",
    "the",
    "hq",
    "team",
    "support",
    "fr",
    "be",
    "ch",
    "ca",
    "us",
    "usa",
    "uk",
    "gb",
    "de",
    "at",
    "es",
    "nl",
    "pt",
    "br",
    "mx",
    "jp",
    "au",
)
# The ones also taken off when glued to the name ("nespressofr", "thenespresso"); the other
# country codes only with a separator: glued, they are word endings ("livres", "cafede").
GLUED_AFFIX_WORDS = (*AFFIX_WORDS[:9], "fr", "uk", "usa")
# Country codes glued before a name are its first letters ("franprix" is not "anprix").
GLUED_PREFIXES = AFFIX_WORDS[:9]
# A glued affix ("nespressofr") is taken off only when this much of the name is left (in
# letters as read: "m" reads as "rn"), so that "steam" does not read as "s" + "team".
GLUED_REMAINDER = 5
# Squatters' substitutions that TR39 does not make (it maps "0" to "O" and "1" to "l" itself).
_SQUATTER_LETTERS = str.maketrans({"3": "e", "5": "s"})
# ... and "i" for "l", last: "ci" does not read as "cl", nor then as "d".
_I_AS_L = str.maketrans({"i": "l"})
# Letters a reader takes for one ("vv" for "w", "cl" for "d"; "rn" is the skeleton's "m").
_READ_TOGETHER = (("rn", "m"), ("vv", "w"), ("cl", "d"))
_SEPARATOR_RUN = regex.compile(f"[{regex.escape(SEPARATORS)}]+")
_PIECE = regex.compile(f"[^{regex.escape(SEPARATORS)}]+")
_REPEATS = regex.compile(r"(.)\1+")


@cache
def _prototypes() -> dict[int, str]:
    """confusables.txt: "source ; prototype ; MA # comment", code points in hex; each source
    is one code point, so the table is one for str.translate."""
    table = {}
    with gzip.open(CONFUSABLES, "rt", encoding="utf-8-sig") as lines:
        for line in lines:
            fields = line.split("#", 1)[0].split(";")
            if len(fields) < 2:
                continue
            [source] = fields[0].split()
            table[int(source, 16)] = "".join(chr(int(cp, 16)) for cp in fields[1].split())
    return table


def skeleton(text: str) -> str:
    """The TR39 skeleton: two strings with the same skeleton are confusable. Default-ignorable
    characters (zero-width spaces and joiners, soft hyphens, variation selectors...) are
    dropped first, as TR39 does since Unicode 15.1: they show nothing."""
    decomposed = unicodedata.normalize("NFD", without_ignorables(text))
    return unicodedata.normalize("NFD", decomposed.translate(_prototypes()))


def plain(text: str) -> str:
    """The text as written, without what only changes its encoding: NFKC (fullwidth and
    compatibility letters become the letters they are: "ｎｅｓｐｒｅｓｓｏ" is "nespresso"),
    default-ignorables dropped, case-folded."""
    return unicodedata.normalize("NFKC", folded(text).casefold())


@lru_cache(maxsize=16384)
def reads_as(text: str) -> str:
    """What a reader takes the name for: its skeleton (of its `plain` text), case-folded, with
    the squatters' substitutions; marks left by decomposition are dropped ("é" reads as
    "e")."""
    folded = skeleton(skeleton(plain(text)).casefold())
    if not folded.isascii():
        folded = "".join(c for c in folded if not unicodedata.combining(c))
    return folded.translate(_SQUATTER_LETTERS)


def read_letters(folded: str, together: bool = True) -> str:
    """A name as read (`reads_as`, its affixes and separators off) letter by letter: "i" as
    "l" (so that "1" also passes for "i"), and when `together` the letters a reader takes for
    one written as that one: the skeleton's "rn" for "m" is "m" again (so that "m" counts as
    one letter: "abercrommbie" is one doubled letter, "abercrmbie" one omitted), "vv" is "w",
    "cl" is "d" (once the separators are off: "ac-lobe" reads as "adobe")."""
    if together:
        for glyphs, letter in _READ_TOGETHER:
            folded = folded.replace(glyphs, letter)
    return folded.translate(_I_AS_L)


@dataclass(frozen=True)
class Folds:
    """Which folds make a core; `compare` leaves each out in turn to find the reasons."""

    confusable: bool = True
    together: bool = True  # `read_letters`' together
    separator: bool = True
    affix: bool = True
    doubled: bool = True


ALL = Folds()


def name_part(normalized: str, kind: str = "username") -> str:
    """The part of a handle that carries the name: the user of user@instance, the first
    label of a Bluesky domain (the rest is an affix, see the module's docstring)."""
    if kind == "fediverse":
        return normalized.partition("@")[0]
    if kind == "domain":
        return normalized.partition(".")[0]
    return normalized


@lru_cache(maxsize=8)
def _affixes(
    confusable: bool, glued: bool = False, prefixes: bool = False
) -> tuple[frozenset[str], tuple[int, ...]]:
    """The affixes as read (or not), and their lengths, longest first."""
    listed: tuple[str, ...] = AFFIX_WORDS
    if glued:
        listed = GLUED_PREFIXES if prefixes else GLUED_AFFIX_WORDS
    found = frozenset(reads_as(w).translate(_I_AS_L) if confusable else w for w in listed)
    return found, tuple(sorted({len(w) for w in found}, reverse=True))


def _without_affixes(text: str, confusable: bool) -> str:
    """The text without its affixes, recognised with "i" read as "l" ("0ff1c1al") though the
    text keeps its "i" (`read_letters` comes later); both are the same length."""
    key = text.translate(_I_AS_L) if confusable else text
    pieces = [(m.start(), m.end()) for m in _PIECE.finditer(key)]
    affixes, _lengths = _affixes(confusable)
    start, end = 0, len(key)
    for _round in range(2):  # "the_real_nespresso", "nespresso_official_fr"
        if len(pieces) > 1 and key[slice(*pieces[0])] in affixes:
            pieces.pop(0)
            start = pieces[0][0]
        if len(pieces) > 1 and key[slice(*pieces[-1])] in affixes:
            pieces.pop()
            end = pieces[-1][1]
    glued, lengths = _affixes(confusable, glued=True)
    prefixes, _lengths = _affixes(confusable, glued=True, prefixes=True)
    for _round in range(2):  # "therealnespresso", "nespressofr"
        rest = key[start:end]
        letters = _letters(rest)
        for length in lengths:
            if letters - length < GLUED_REMAINDER:
                continue
            if rest[:length] in prefixes:
                start += length + len(rest[length:]) - len(rest[length:].lstrip(SEPARATORS))
                break
            if rest[-length:] in glued:
                end -= length + len(rest[:-length]) - len(rest[:-length].rstrip(SEPARATORS))
                break
    return text[start:end]


def _letters(text: str) -> int:
    return len(_SEPARATOR_RUN.sub("", text))


@lru_cache(maxsize=65536)  # a brand's handles are compared with many candidates
def core(normalized: str, kind: str = "username", folds: Folds = ALL) -> str:
    """A handle's name reduced by the folds: what lookalikes share."""
    text = name_part(normalized, kind)
    if folds.confusable:
        text = reads_as(text)
    if folds.affix:
        text = _without_affixes(text, folds.confusable)
    if folds.separator:
        text = _SEPARATOR_RUN.sub("", text)
    if folds.confusable:
        text = read_letters(text, folds.together)
    if folds.doubled:
        text = _REPEATS.sub(r"\1", text)
    return text


@lru_cache(maxsize=65536)
def letters(normalized: str, kind: str = "username") -> int:
    """The length of a handle's name as written (its `plain` text, without separators and
    affixes), which decides whether one edit makes a lookalike: folds shorten a name
    ("gucci" reads as "gucd"), not what it is."""
    return _letters(_without_affixes(plain(name_part(normalized, kind)), confusable=False))


@lru_cache(maxsize=65536)
def words(normalized: str, kind: str = "username", folds: Folds = ALL) -> frozenset[str]:
    """The cores of the words a separator sets apart in a handle, long enough to name
    something (MIN_EDIT): "gallimard_jeunesse" has "galmard" and "jeunese"."""
    text = name_part(normalized, kind)
    if folds.confusable:
        text = reads_as(text)
    parts = [part for part in _SEPARATOR_RUN.split(text) if part]
    if len(parts) < 2:
        return frozenset()
    if folds.confusable:
        parts = [read_letters(part, folds.together) for part in parts]
    cores = {_REPEATS.sub(r"\1", part) if folds.doubled else part for part in parts}
    return frozenset(part for part in cores if len(part) >= MIN_EDIT)


def _word_added(query: str, kind: str, candidate: str, candidate_kind: str, folds: Folds) -> bool:
    """One handle is the other's whole name with a word added after a separator; doubled
    letters count here (as in the index's keys of EDITED): "cooking_channel" is not
    "chanel" with a word added."""
    folds = replace(folds, doubled=False)
    return core(query, kind, folds) in words(candidate, candidate_kind, folds) or core(
        candidate, candidate_kind, folds
    ) in words(query, kind, folds)


def edits_apart(a: str, b: str) -> int:
    """0, 1 or 2: the same, one edit apart (a character inserted, deleted or replaced, or two
    neighbours swapped: optimal string alignment), or more. In one pass, not a table: only
    "one edit or not" matters, for thousands of candidates."""
    if a == b:
        return 0
    if len(a) > len(b):
        a, b = b, a
    if len(b) - len(a) > 1:
        return 2
    start = 0
    while start < len(a) and a[start] == b[start]:
        start += 1
    if len(a) < len(b):  # one inserted in b?
        return 1 if a[start:] == b[start + 1 :] else 2
    if a[start + 1 :] == b[start + 1 :]:  # one replaced
        return 1
    swapped = start + 1 < len(a) and a[start] == b[start + 1] and a[start + 1] == b[start]
    return 1 if swapped and a[start + 2 :] == b[start + 2 :] else 2


def _distance(a: str, b: str, long_enough: bool) -> int:
    """0 for the same core, 1 for one edit between names long enough (`letters`), else 2."""
    if a == b:
        return 0 if len(a) >= MIN_CORE else 2
    if not long_enough or min(len(a), len(b)) < MIN_CORE or max(len(a), len(b)) <= MIN_CORE:
        return 2
    return edits_apart(a, b)


# The folds a pair of cores is compared under, the first that brings them closest. The same
# core: with all the folds, or with an affix word kept when it is a piece of the name between
# separators ("ch-anel" is "chanel", not "anel" with the affix "ch"). One edit apart: with
# doubled letters kept, so that an edit that makes or breaks them is one edit ("alibbaa" has
# two neighbours swapped, not a letter less; "aberrombie" one letter less).
SAME = (ALL, Folds(affix=False))
EDITED = Folds(doubled=False)
BASES = (*SAME, EDITED)
_FOLD_OF = {CONFUSABLE: "confusable", SEPARATOR: "separator", AFFIX: "affix", EDIT: "doubled"}


def compare(
    query: str, candidate: str, kind: str = "username", candidate_kind: str | None = None
) -> tuple[str, ...]:
    """Why `candidate` looks like `query` (both normalised handles), in REASONS order; ()
    when it does not, or when it is the same handle."""
    candidate_kind = candidate_kind or kind
    if query == candidate and kind == candidate_kind:
        return ()
    long_enough = max(letters(query, kind), letters(candidate, candidate_kind)) >= MIN_EDIT

    def distance(folds: Folds) -> int:
        return _distance(
            core(query, kind, folds), core(candidate, candidate_kind, folds), long_enough
        )

    distance_of = {folds: 0 if distance(folds) == 0 else 2 for folds in SAME}
    distance_of[EDITED] = distance(EDITED)
    base = min(BASES, key=distance_of.__getitem__)
    if distance_of[base] > 1:
        if not _word_added(query, kind, candidate, candidate_kind, ALL):
            return ()
        if not _word_added(query, kind, candidate, candidate_kind, Folds(confusable=False)):
            return (CONFUSABLE, AFFIX)
        return (AFFIX,)
    reasons = {EDIT} if distance_of[base] == 1 else set()
    for reason, fold in _FOLD_OF.items():
        if getattr(base, fold) and distance(replace(base, **{fold: False})) > distance_of[base]:
            reasons.add(reason)
    if not reasons:  # the names are the same; the instance or the domain is not
        reasons.add(AFFIX)
    return tuple(reason for reason in REASONS if reason in reasons)


# What each key of a handle is, for the index (`keyed`): a brand's suspects pair only keys of
# which one is a core or both are deletions, since two words shared make no lookalike.
CORE_KEY, DELETION_KEY, WORD_KEY = 0, 1, 2
# The index's column holds this many characters (registry.adapters.models.LookalikeKey): a
# name's reading can be far longer than the name ("ﷺ" reads as 18 letters), and a longer key
# is cut, on the stored side and the looked-up side alike (`compare` decides anyway).
KEY_LENGTH = 260


def keyed(normalized: str, kind: str = "username") -> dict[str, int]:
    """`index_keys`, each with what it is (a key that is two things is the first of core,
    deletion, word)."""
    found = dict.fromkeys(words(normalized, kind, EDITED), WORD_KEY)
    edited = core(normalized, kind, EDITED)
    if letters(normalized, kind) >= MIN_EDIT and len(edited) > MIN_CORE:
        # (deletions of MIN_CORE letters at least)
        deleted = (edited[:i] + edited[i + 1 :] for i in range(len(edited)))
        found.update(dict.fromkeys(deleted, DELETION_KEY))
    cores = {core(normalized, kind, folds) for folds in BASES}
    found.update((name, CORE_KEY) for name in cores if len(name) >= MIN_CORE)
    return {key[:KEY_LENGTH]: what for key, what in found.items()}


def index_keys(normalized: str, kind: str = "username") -> set[str]:
    """The keys the index stores for a handle, and looks up for a query (see the module's
    docstring): its cores (under each of BASES' folds), the cores of its words, and the
    one-deletion neighbours of its EDITED core when edits count for it."""
    return set(keyed(normalized, kind))

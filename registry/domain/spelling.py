"""One spelling per character: what only changes how a name is encoded never tells two names
apart. Shared by the handle parser (one record per name) and the lookalike rule (one reading
per name), so that both fold a name the same way.

Sources: Unicode Standard Annex #15 (NFKC: fullwidth and compatibility letters become the
letters they are); DerivedCoreProperties.txt, Default_Ignorable_Code_Point (zero-width spaces
and joiners, soft hyphens, variation selectors U+FE00-FE0F and U+E0100-E01EF, U+034F...:
characters that show nothing), read through the `regex` module's Unicode tables; Unicode
Technical Standard #39 drops them before comparing skeletons (since Unicode 15.1)."""

from __future__ import annotations

import unicodedata

import regex

_DEFAULT_IGNORABLE = regex.compile(r"\p{Default_Ignorable_Code_Point}+")


def without_ignorables(text: str) -> str:
    """The text without its default-ignorable code points."""
    return _DEFAULT_IGNORABLE.sub("", text)


def folded(text: str) -> str:
    """NFKC without default-ignorables, until stable: "Ｇａｌｌｉｍａｒｄ", a ligature or "é"
    typed as e + a combining accent are the letters they show, and invisible marks are gone.
    (NFKC may reveal an ignorable: U+3164 becomes U+1160, hence the loop.)"""
    for _ in range(3):
        again = unicodedata.normalize("NFKC", without_ignorables(text))
        if again == text:
            break
        text = again
    return text

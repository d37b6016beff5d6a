"""What makes a password acceptable, after NIST SP 800-63B (section 5.1.1.2, "Memorized
Secret Verifiers"): long enough, not a known-common password, not the account's own e-mail,
not one character or a short pattern repeated, not a run such as 123456789012; and no
composition rules (no "one digit, one capital"), which only make passwords harder to
remember. Pure Python: no Flask, no database.
"""

from __future__ import annotations

import gzip
import itertools
from functools import cache
from pathlib import Path

from registry.domain.messages import N_, Explained

MIN_LENGTH = 12
# 800-63B asks verifiers to allow at least 64 characters; a bound keeps hashing cheap.
MAX_LENGTH = 256
COMMON_PASSWORDS = Path(__file__).parent / "data" / "common-passwords.txt.gz"

TOO_SHORT = N_("Passwords need at least %(min)s characters.")
TOO_LONG = N_("Passwords may have at most %(max)s characters.")
IS_EMAIL = N_("Your password cannot be your e-mail address or a part of it.")
REPEATED = N_("This password repeats one character or a short pattern; choose another.")
SEQUENCE = N_("This password is a run of consecutive characters; choose another.")
COMMON = N_("This password is one of the most common passwords; choose another.")
# Said beside the field, before anybody types: what the rules above ask.
HINT = N_(
    "At least %(min)s characters. A few unrelated words are easy to remember and hard to "
    "guess; common passwords and your e-mail address are refused."
)


class WeakPassword(Explained):
    """A password the registry refuses, with the sentence saying why."""


@cache
def common_passwords() -> frozenset[str]:
    with gzip.open(COMMON_PASSWORDS, "rt", encoding="utf-8") as lines:
        return frozenset(line.strip() for line in lines if line.strip())


def _repeats_a_pattern(text: str) -> bool:
    """ "aaaaaaaaaaaa", "abababababab", "abcdabcdabcd": a unit of at most 4 characters."""
    for size in range(1, 5):
        unit = text[:size]
        if len(text) >= 2 * size and (unit * (len(text) // size + 1))[: len(text)] == text:
            return True
    return False


def _is_a_run(text: str) -> bool:
    """Each character the next (or the previous) of the last: "123456789012" counts too,
    digits wrapping from 9 to 0 as on a keyboard row."""

    def step(a: str, b: str) -> int:
        if a.isdigit() and b.isdigit():
            return (int(b) - int(a)) % 10
        return ord(b) - ord(a)

    steps = {step(a, b) for a, b in itertools.pairwise(text)}
    return steps in ({1}, {-1}, {9})


def check_password(password: str, *, email: str = "") -> str:
    """The password unchanged when acceptable; else WeakPassword saying why."""
    password = password or ""
    if len(password) < MIN_LENGTH:
        raise WeakPassword(TOO_SHORT, min=MIN_LENGTH)
    if len(password) > MAX_LENGTH:
        raise WeakPassword(TOO_LONG, max=MAX_LENGTH)
    folded = password.casefold()
    email = (email or "").strip().casefold()
    local = email.split("@", 1)[0]
    if email and (
        folded in (email, local)
        or email in folded
        or (len(local) >= 4 and folded.startswith(local))
    ):
        raise WeakPassword(IS_EMAIL)
    if _repeats_a_pattern(folded):
        raise WeakPassword(REPEATED)
    if _is_a_run(folded):
        raise WeakPassword(SEQUENCE)
    if folded in common_passwords() or folded.strip() in common_passwords():
        raise WeakPassword(COMMON)
    return password

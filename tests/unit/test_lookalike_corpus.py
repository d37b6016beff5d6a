"""The lookalike rule measured on a generated corpus (tests/unit/lookalike_corpus.py): the
share of squatters' variants of brand names it finds, per kind, and the share of unrelated
pairs it takes for lookalikes. The table is printed to the terminal whatever pytest's
capture, so that CI's log shows it.

A variant counts as found when `compare` gives it reasons *and* it shares an index key with
the brand that the brand's suspects query pairs (registry.services.lookalikes
`_pairs_sharing_a_key`): what the SQL lookup would return, not only what `compare` accepts.
"""

from __future__ import annotations

from collections import Counter

import pytest

from registry.domain import lookalikes as rule
from tests.unit import lookalike_corpus as corpus

RECALL_OVERALL = 0.95
RECALL_PER_KIND = 0.90
FALSE_POSITIVES = 0.0001  # of the unrelated pairs
MIN_UNRELATED_PAIRS = 80_000


def shares_a_paired_key(a: str, b: str) -> bool:
    """A key both handles have in the index, one of them as a core or both as deletions."""
    keys_a, keys_b = rule.keyed(a), rule.keyed(b)
    return any(
        rule.CORE_KEY in (kind, keys_b[key]) or kind == keys_b[key] == rule.DELETION_KEY
        for key, kind in keys_a.items()
        if key in keys_b
    )


def found(brand: str, other: str) -> bool:
    return bool(rule.compare(brand, other)) and shares_a_paired_key(brand, other)


@pytest.fixture(scope="module")
def measured():
    seen, caught, missed = Counter(), Counter(), {}
    for kind, brand, variant in corpus.variants():
        seen[kind] += 1
        if found(brand, variant):
            caught[kind] += 1
        else:
            missed.setdefault(kind, []).append(f"{brand}→{variant}")
    pairs = corpus.unrelated_pairs()
    false = [f"{a}~{b}" for a, b in pairs if found(a, b)]
    return seen, caught, missed, pairs, false


def _table(measured) -> str:
    seen, caught, missed, pairs, false = measured
    lines = ["", "Lookalike corpus: recall per kind of variant (brand names of 5+ letters)"]
    lines += [f"  {'kind':<15}{'variants':>9}{'found':>8}{'recall':>9}   e.g. missed"]
    for kind in corpus.KINDS:
        share = caught[kind] / seen[kind]
        example = ", ".join(missed.get(kind, [])[:3])
        lines.append(f"  {kind:<15}{seen[kind]:>9}{caught[kind]:>8}{share:>9.1%}   {example}")
    total, hit = sum(seen.values()), sum(caught.values())
    lines.append(f"  {'overall':<15}{total:>9}{hit:>8}{hit / total:>9.1%}")
    lines.append(
        f"  false positives: {len(false)} of {len(pairs)} unrelated pairs "
        f"({len(false) / len(pairs):.4%}) {', '.join(false[:8])}"
    )
    return "\n".join(lines)


def test_the_rule_finds_squatters_variants_and_leaves_unrelated_names_alone(measured, capsys):
    with capsys.disabled():
        print(_table(measured))
    seen, caught, _missed, pairs, false = measured
    recall = {kind: round(caught[kind] / seen[kind], 3) for kind in seen}
    assert len(pairs) >= MIN_UNRELATED_PAIRS
    overall = round(sum(caught.values()) / sum(seen.values()), 3)
    assert overall >= RECALL_OVERALL
    assert {kind: share for kind, share in recall.items() if share < RECALL_PER_KIND} == {}
    assert len(false) <= FALSE_POSITIVES * len(pairs), false

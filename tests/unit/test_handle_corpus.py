"""Every platform's handle rule checked against a corpus built from the documented rule
(tests/unit/handle_corpus.py): a hundred accepted and a hundred refused handles at least,
each refusal for the reason it breaks, and the links users paste."""

import pytest

from registry.domain.handles import parse_handle
from registry.domain.platforms import get_rules
from tests.unit.handle_corpus import SLUGS, corpus, run


def parse(slug: str, raw: str) -> str:
    return parse_handle(get_rules(slug), raw).normalized


@pytest.mark.parametrize("slug", SLUGS)
def test_the_corpus_is_large_enough(slug):
    cases = corpus(slug)
    assert len(cases.accepted) >= 100
    assert len(cases.refused) >= 100
    assert len(cases.links) >= 10


@pytest.mark.parametrize("slug", SLUGS)
def test_every_handle_of_the_corpus_gets_the_documented_answer(slug):
    cases = corpus(slug)
    wrong = [
        (o.case.raw, o.case.key or o.case.expected_text(), o.key or o.message)
        for o in run(parse, cases.accepted + cases.refused)
        if not o.agrees
    ]
    assert wrong == []


@pytest.mark.parametrize("slug", SLUGS)
def test_every_pasted_link_reduces_to_its_key_or_says_why_not(slug):
    wrong = [
        (o.case.raw, o.case.key or o.case.expected_text(), o.key or o.message)
        for o in run(parse, corpus(slug).links)
        if not o.agrees
    ]
    assert wrong == []

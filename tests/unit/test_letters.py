"""The letters' own rules (registry.domain.letters): every template in both languages filled
with a request's facts, which template fits which request, wordings an admin may save, and
the reply address's token."""

from __future__ import annotations

import re
import string

import pytest

from registry.domain import letters
from registry.domain.letters import BUILT_IN, FACTS, LetterLanguage, LetterTemplate, Wording
from registry.domain.messages import Refusal

FACT_VALUES = {
    "brand": "Nespresso",
    "handle": "@nespresso_fan",
    "platform": "X",
    "link": "https://x.com/nespresso_fan",
    "holder": "Julien",
    "terms": "free of charge",
    "deadline": "20 May 2026",
    "sender": "Camille",
    "note": "",
    "reply_address": "reply+abc@replies.test",
    "reference": "#42",
}


@pytest.mark.parametrize("template", list(LetterTemplate))
@pytest.mark.parametrize("language", list(LetterLanguage))
def test_each_built_in_letter_is_filled_with_the_requests_facts(template, language):
    wording = BUILT_IN[(template, language)]
    assert letters.unknown_facts(wording) == []
    filled = letters.fill(wording, FACT_VALUES)
    assert "$" not in filled.subject + filled.body
    assert "@nespresso_fan" in filled.subject + filled.body
    assert "https://x.com/nespresso_fan" in filled.body
    assert "#42" in filled.body
    assert "\n\n\n" not in filled.body  # an empty note leaves no gap
    french_words = {"Bonjour", "cordialement"}
    said_in_french = any(word in filled.body for word in french_words)
    assert said_in_french == (language == LetterLanguage.FR)
    if template != LetterTemplate.DECISION_NOTICE:
        assert "20 May 2026" in filled.body  # the brand's deadline


def test_every_fact_is_named_by_some_built_in_letter():
    named = {
        match.group("braced") or match.group("named")
        for wording in BUILT_IN.values()
        for text in (wording.subject, wording.body)
        for match in string.Template.pattern.finditer(text)
    }
    assert named - {None} <= set(FACTS)
    assert {"handle", "platform", "link", "terms", "deadline"} <= named


def test_a_note_is_kept_in_its_place():
    filled = letters.fill(BUILT_IN[("offer", "en")], {**FACT_VALUES, "note": "He moderates it."})
    assert "He moderates it.\n\nKind regards" in filled.body


@pytest.mark.parametrize(
    ("template", "kind", "decided", "fits"),
    [
        ("offer", "offer", False, True),
        ("offer", "claim", False, False),
        ("claim", "claim", False, True),
        ("claim", "offer", False, False),
        ("follow_up", "offer", False, True),
        ("follow_up", "claim", False, True),
        ("decision_notice", "offer", False, False),
        ("decision_notice", "offer", True, True),
    ],
)
def test_which_letter_fits_which_request(template, kind, decided, fits):
    assert letters.template_fits(template, request_kind=kind, has_decision=decided) is fits


def test_a_wording_naming_an_unknown_fact_is_refused_when_saved():
    with pytest.raises(Refusal, match="Unknown fact in the wording: password"):
        letters.check_wording(Wording("Hello", "Your $password, $handle"))
    with pytest.raises(Refusal, match=r"Unknown fact in the wording: \$"):
        letters.check_wording(Wording("Hello", "It costs 5 $ only"))
    saved = letters.check_wording(Wording("  Hello\n  there ", "It costs 5 $$.\r\n"))
    assert saved == Wording("Hello there", "It costs 5 $$.")
    assert letters.fill(saved, FACT_VALUES).body == "It costs 5 $."


def test_a_wording_cannot_reach_beyond_its_facts():
    """string.Template has no attribute or index lookup: `${brand.__class__}` is not a fact."""
    assert letters.unknown_facts(Wording("x", "${brand.__class__}")) == ["$"]


@pytest.mark.parametrize(
    ("subject", "body", "field"),
    [("", "text", "subject"), ("s", "   ", "body"), ("s" * 256, "text", "subject")],
)
def test_a_wording_needs_a_subject_and_a_text(subject, body, field):
    with pytest.raises(Refusal) as refused:
        letters.check_wording(Wording(subject, body))
    assert refused.value.field == field


def test_reply_tokens_carry_128_random_bits_in_lower_case():
    tokens = {letters.new_reply_token() for _ in range(200)}
    assert len(tokens) == 200
    for token in tokens:
        assert re.fullmatch(r"[a-z2-7]{26}", token)  # 26 base32 letters: 130 bits of room
    assert letters.reply_address("abc", "replies.test") == "reply+abc@replies.test"

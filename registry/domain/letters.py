"""The letters the registry sends to a brand (DESIGN.md "Correspondence"): which templates
exist, which fits which request, their built-in wordings in French and English, and how a
wording is filled with a request's facts.

A wording names the facts as `$handle`, `${platform}` (Python's string.Template): an admin
can reword a letter but never reach anything but the facts listed here, and a wording that
names an unknown fact is refused when it is saved, not when a letter is sent.
"""

from __future__ import annotations

import base64
import re
import secrets
import string
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from registry.domain.messages import N_, Explained


class LetterTemplate(StrEnum):
    OFFER = "offer"  # a holder offers the handle to its brand
    FOLLOW_UP = "follow_up"  # a reminder of an earlier letter
    CLAIM = "claim"  # the brand asks for its name back
    DECISION_NOTICE = "decision_notice"  # the brand's decision, put in writing


class LetterLanguage(StrEnum):
    FR = "fr"
    EN = "en"


TEMPLATE_LABELS: dict[str, str] = {
    LetterTemplate.OFFER: N_("Offer"),
    LetterTemplate.FOLLOW_UP: N_("Follow-up"),
    LetterTemplate.CLAIM: N_("Claim"),
    LetterTemplate.DECISION_NOTICE: N_("Decision notice"),
}
LANGUAGE_LABELS: dict[str, str] = {LetterLanguage.FR: "Français", LetterLanguage.EN: "English"}

# The facts a wording may name, each with what it holds (shown to the admin who rewords).
FACTS: dict[str, str] = {
    "brand": N_("the brand's name"),
    "handle": N_("the handle, as the platform shows it"),
    "platform": N_("the platform's name"),
    "link": N_("the link to the handle's profile"),
    "holder": N_("who holds the handle now"),
    "terms": N_("the holder's terms (free, a donation, a price)"),
    "deadline": N_("the day a reply is expected by (the brand's business days)"),
    "sender": N_("the name of the member who sends the letter"),
    "note": N_("the note the sender adds to this letter"),
    "reply_address": N_("the request's own reply address"),
    "reference": N_("the request's number in the registry"),
}

SUBJECT_MAX = 255
BODY_MAX = 20_000


@dataclass(frozen=True)
class Wording:
    """The words of one template in one language, with `$fact` placeholders."""

    subject: str
    body: str


def template_fits(template: str, *, request_kind: str, has_decision: bool) -> bool:
    """Whether a template suits a request: an offer letter for an offer, a claim letter for
    a claim, a decision notice once the brand's decision is recorded; a follow-up always."""
    if template == LetterTemplate.OFFER:
        return request_kind == "offer"
    if template == LetterTemplate.CLAIM:
        return request_kind == "claim"
    if template == LetterTemplate.DECISION_NOTICE:
        return has_decision
    return template == LetterTemplate.FOLLOW_UP


def unknown_facts(wording: Wording) -> list[str]:
    """The placeholders of a wording that name no fact (or are malformed, like a lone `$`)."""
    unknown: list[str] = []
    for text in (wording.subject, wording.body):
        for match in string.Template.pattern.finditer(text):
            name = match.group("named") or match.group("braced")
            if match.group("invalid") is not None:
                unknown.append("$")
            elif name is not None and name not in FACTS:
                unknown.append(name)
    return sorted(set(unknown))


def check_wording(wording: Wording) -> Wording:
    """A wording an admin saves: a subject on one line, a body, only known facts."""
    subject = " ".join(wording.subject.split())
    body = wording.body.replace("\r\n", "\n").strip()
    if not subject:
        raise Explained(N_("Give the letter a subject."), field="subject")
    if len(subject) > SUBJECT_MAX:
        raise Explained(
            N_("The subject is too long (at most %(max)s characters)."),
            field="subject",
            max=SUBJECT_MAX,
        )
    if not body:
        raise Explained(N_("Write the letter's text."), field="body")
    if len(body) > BODY_MAX:
        raise Explained(
            N_("The letter is too long (at most %(max)s characters)."), field="body", max=BODY_MAX
        )
    unknown = unknown_facts(Wording(subject, body))
    if unknown:
        raise Explained(
            N_("Unknown fact in the wording: %(names)s. Use $$ for a dollar sign."),
            field="body",
            names=", ".join(unknown),
        )
    return Wording(subject, body)


def fill(wording: Wording, facts: Mapping[str, str]) -> Wording:
    """The letter as sent: each `$fact` replaced by its value (a subject stays one line)."""
    subject = string.Template(wording.subject).safe_substitute(facts)
    body = string.Template(wording.body).safe_substitute(facts)
    body = re.sub(r"\n[ \t]*\n(?:[ \t]*\n)+", "\n\n", body)  # an empty note leaves no gap
    return Wording(" ".join(subject.split())[:SUBJECT_MAX], body.strip())


def new_reply_token() -> str:
    """128 random bits in lower-case base32 (26 letters and digits): unguessable, and safe
    in an address's local part that a mail server may lower-case."""
    return base64.b32encode(secrets.token_bytes(16)).decode("ascii").rstrip("=").lower()


def reply_address(token: str, domain: str) -> str:
    return f"reply+{token}@{domain}"


# The built-in wordings (an admin's saved wording replaces one: registry.services.letters).
BUILT_IN: dict[tuple[str, str], Wording] = {
    (LetterTemplate.OFFER, LetterLanguage.EN): Wording(
        "Your name on ${platform}: ${handle} is offered to ${brand}",
        """Hello,

The ${platform} account ${handle} (${link}) carries the name of ${brand}. It is held today by \
${holder}, who offers to hand it over to ${brand}. Terms: ${terms}.

We would be grateful for an answer by ${deadline}: a simple reply to this e-mail reaches us and \
is added to the record of this request (reference ${reference}).

${note}

Kind regards,
${sender}
Handle Registry
""",
    ),
    (LetterTemplate.OFFER, LetterLanguage.FR): Wording(
        "Votre nom sur ${platform} : ${handle} est proposé à ${brand}",
        """Bonjour,

Le compte ${platform} ${handle} (${link}) porte le nom de ${brand}. Il est détenu \
aujourd'hui par ${holder}, qui propose de le remettre à ${brand}. Conditions : ${terms}.

Nous vous serions reconnaissants d'une réponse d'ici au ${deadline} : il suffit de répondre à \
ce courriel, votre réponse est jointe au dossier de cette demande (référence ${reference}).

${note}

Bien cordialement,
${sender}
Handle Registry
""",
    ),
    (LetterTemplate.FOLLOW_UP, LetterLanguage.EN): Wording(
        "Reminder: ${handle} on ${platform}",
        """Hello,

We wrote to you about the ${platform} account ${handle} (${link}), which carries the name of \
${brand}, and have had no answer yet. Terms: ${terms}.

Could you reply by ${deadline}? Answering this e-mail is enough (reference ${reference}).

${note}

Kind regards,
${sender}
Handle Registry
""",
    ),
    (LetterTemplate.FOLLOW_UP, LetterLanguage.FR): Wording(
        "Relance : ${handle} sur ${platform}",
        """Bonjour,

Nous vous avons écrit au sujet du compte ${platform} ${handle} (${link}), qui porte le nom de \
${brand}, et n'avons pas encore reçu de réponse. Conditions : ${terms}.

Pourriez-vous nous répondre d'ici au ${deadline} ? Il suffit de répondre à ce courriel \
(référence ${reference}).

${note}

Bien cordialement,
${sender}
Handle Registry
""",
    ),
    (LetterTemplate.CLAIM, LetterLanguage.EN): Wording(
        "${brand} asks for its name on ${platform}: ${handle}",
        """Hello,

${brand} would like to hold the ${platform} account ${handle} (${link}), held today by \
${holder}. We would be glad to agree with you on how it could be handed over.

Could you reply by ${deadline}? Answering this e-mail is enough (reference ${reference}).

${note}

Kind regards,
${sender}, for ${brand}
Handle Registry
""",
    ),
    (LetterTemplate.CLAIM, LetterLanguage.FR): Wording(
        "${brand} demande son nom sur ${platform} : ${handle}",
        """Bonjour,

${brand} souhaiterait détenir le compte ${platform} ${handle} (${link}), détenu aujourd'hui \
par ${holder}. Nous serions heureux de convenir avec vous de la façon de le transmettre.

Pourriez-vous nous répondre d'ici au ${deadline} ? Il suffit de répondre à ce courriel \
(référence ${reference}).

${note}

Bien cordialement,
${sender}, pour ${brand}
Handle Registry
""",
    ),
    (LetterTemplate.DECISION_NOTICE, LetterLanguage.EN): Wording(
        "Decision recorded: ${handle} on ${platform}",
        """Hello,

This confirms in writing the decision recorded for the ${platform} account ${handle} \
(${link}), held by ${holder} (reference ${reference}).

${note}

Kind regards,
${sender}
Handle Registry
""",
    ),
    (LetterTemplate.DECISION_NOTICE, LetterLanguage.FR): Wording(
        "Décision enregistrée : ${handle} sur ${platform}",
        """Bonjour,

Nous vous confirmons par écrit la décision enregistrée pour le compte ${platform} ${handle} \
(${link}), détenu par ${holder} (référence ${reference}).

${note}

Bien cordialement,
${sender}
Handle Registry
""",
    ),
}

"""What the codes stored in the registry are called on the site, in the reader's language.

One table per kind of code (holder kinds, statuses, states, flags, outcomes, channels,
departments, roles, terms, …). Templates say ``{{ handle.status|label("status") }}`` and
forms take their choices from here, so a code is named the same way everywhere. A code with
no entry (an audit field added later, say) is shown humanized, in English.
"""

from __future__ import annotations

import functools

from flask_babel import lazy_gettext as _l

# SelectChoice is WTForms 3.2's; types-WTForms does not know it yet.
from wtforms import SelectChoice  # type: ignore[attr-defined]

from registry.adapters.models import (
    CONTACT_POINT_KINDS,
    HANDLE_STATUSES,
    HOLDER_KINDS,
    REQUEST_KINDS,
    TERMS,
)
from registry.domain import lookalikes, workflow
from registry.domain.clock import CHANNELS, DIRECTIONS, FLAGS, OUTCOMES
from registry.domain.letters import LetterTemplate
from registry.domain.messages import LANGUAGES
from registry.domain.permissions import ROLES
from registry.presentation import i18n

LABELS: dict[str, dict[str, object]] = {
    # Why a handle looks like another (registry.domain.lookalikes.REASONS).
    "lookalike_reason": {
        lookalikes.CONFUSABLE: _l("Lookalike characters"),
        lookalikes.EDIT: _l("One character off"),
        lookalikes.AFFIX: _l("Word added"),
        lookalikes.SEPARATOR: _l("Separator added or removed"),
    },
    "holder_kind": {
        "brand": _l("Brand"),
        "fan": _l("Fan"),
        "agency": _l("Agency"),
        "squatter": _l("Squatter"),
        "unknown": _l("Unknown"),
    },
    "status": {
        "active": _l("Active"),
        "dormant": _l("Dormant"),
        "emptied": _l("Emptied"),
        "for_sale": _l("For sale"),
        "suspended": _l("Suspended"),
        "unregistered": _l("Unregistered"),
    },
    "state": {
        workflow.PROPOSED: _l("Proposed"),
        workflow.CONTACTING: _l("Contacting"),
        workflow.IN_DISCUSSION: _l("In discussion"),
        workflow.AGREED: _l("Agreed"),
        workflow.COMPLETED: _l("Completed"),
        workflow.DECLINED: _l("Declined"),
        workflow.WITHDRAWN: _l("Withdrawn"),
    },
    # What the button that moves a request to a state says: an action, not a state name.
    "move_to": {
        workflow.CONTACTING: _l("Start contacting"),
        workflow.IN_DISCUSSION: _l("Open the discussion"),
        workflow.AGREED: _l("Mark as agreed"),
        workflow.COMPLETED: _l("Complete the handover"),
        workflow.DECLINED: _l("Decline"),
        workflow.WITHDRAWN: _l("Withdraw"),
    },
    "direction": {
        "outbound": _l("Outbound"),
        "inbound": _l("Inbound"),
    },
    "request_kind": {
        "offer": _l("Offered by the holder"),
        "claim": _l("Claimed by the brand"),
    },
    "flag": {
        "overdue": _l("Overdue"),
        "due_soon": _l("Due soon"),
        "not_contacted": _l("Not contacted"),
    },
    "outcome": {
        "no_answer": _l("No answer"),
        "auto_reply": _l("Auto reply"),
        "voicemail": _l("Voicemail"),
        "redirected": _l("Redirected"),
        "bounced": _l("Bounced"),
        "replied": _l("Replied"),
        "meeting": _l("Meeting"),
        "refused": _l("Refused"),
    },
    "channel": {
        "web_form": _l("Web form"),
        "email": _l("Email"),
        "phone": _l("Phone"),
        "dm": _l("Direct message"),
        "mention": _l("Mention"),
        "letter": _l("Letter"),
        "in_person": _l("In person"),
        "marketplace": _l("Marketplace"),
    },
    # How an attempt went, after "→ Sent" or "← Received".
    "by_channel": {
        "web_form": _l("by web form"),
        "email": _l("by email"),
        "phone": _l("by phone"),
        "dm": _l("by direct message"),
        "mention": _l("by mention"),
        "letter": _l("by letter"),
        "in_person": _l("in person"),
        "marketplace": _l("on a marketplace"),
    },
    "department": {
        "web_form": _l("Web form"),
        "email": _l("Email"),
        "phone": _l("Phone"),
        "customer_service": _l("Customer service"),
        "community_manager": _l("Community manager"),
        "press_office": _l("Press office"),
        "marketing": _l("Marketing"),
        "legal": _l("Legal department"),
        "executive": _l("Executive"),
        "social": _l("Social media"),
    },
    "role": {
        "fan": _l("Fan"),
        "staff": _l("Staff"),
        "legal": _l("Legal"),
        "admin": _l("Admin"),
    },
    "terms": {
        "free": _l("Free"),
        "donation": _l("Donation"),
        "sale": _l("Sale"),
    },
    "entity": {
        "handle": _l("Handle"),
        "brand": _l("Brand"),
        "contact_point": _l("Contact point"),
        "custody_record": _l("Custody record"),
        "transfer_request": _l("Transfer request"),
        "contact_attempt": _l("Contact attempt"),
        "user_account": _l("User account"),
        "api_token": _l("API token"),
        "platform": _l("Platform"),
        "mail_message": _l("Message received"),
        "letter_wording": _l("Wording of a letter"),
    },
    # The two sides of a handover, its outcomes, why a window failed, where a plan stands.
    "party": {"holder": _l("the holder"), "brand": _l("the brand")},
    "handover_outcome": {"claimed": _l("claimed"), "failed": _l("failed")},
    # How a name changes hands on a platform (registry.domain.handover.HandoverMethod).
    "handover_method": {
        "rename": _l("by a rename in an agreed window"),
        "ownership": _l("by a change of the account's owner"),
        "impossible": _l("never: the name cannot pass to another account"),
        "domain": _l("by the brand's own domain"),
    },
    "failure_reason": {
        "sniped": _l("Someone else took the name in between"),
        "rename_blocked": _l("The platform refused a rename"),
        "no_show": _l("A side did not turn up"),
        "lapsed": _l("The confirmations came too late"),
        "other": _l("Something else"),
    },
    "standing": {
        "awaiting_confirmations": _l("Awaiting confirmations"),
        "ready": _l("Ready: both sides confirmed"),
        "awaiting_outcome": _l("Outcome to record"),  # the window is over, or no window (ownership)
        "outcome_overdue": _l("Outcome overdue"),
        "lapsed": _l("Lapsed"),
        "claimed": _l("Claimed by the brand"),
        "failed": _l("Failed"),
    },
    # The letters the registry sends to a brand (registry.domain.letters.LetterTemplate);
    # the audit names them in a sentence: "Wording of the offer letter (fr) changed".
    "letter": {
        "offer": _l("Offer"),
        "follow_up": _l("Follow-up"),
        "claim": _l("Claim"),
        "decision_notice": _l("Decision notice"),
    },
    # Why a message received waits for staff (registry.services.mail_intake.Problem).
    "mail_problem": {
        "too_large": _l("Too large to be read here"),
        "unknown_address": _l("Sent to a reply address no request has"),
        "closed": _l("Its request is closed"),
        "no_request": _l("Nothing in it names a request"),
    },
    # Why the reply clock does not count a reply (ContactAttempt.discounted), as a badge.
    "discounted": {
        "mass_reply": _l("Mass reply"),
        "unverified": _l("Unverified sender (DMARC failed)"),
    },
    # What an audit entry records (its `action` code).
    "action": {
        "handover.schedule": _l("Handover window planned"),
        "handover.confirm": _l("Handover window confirmed"),
        "handover.outcome": _l("Handover outcome recorded"),
        "attempt.create": _l("Contact attempt logged"),
        "attempt.update": _l("How a message was read corrected"),
        "letter_wording.create": _l("Wording of a letter changed"),
        "mail.assign": _l("Message assigned to a request"),
        "mail.discard": _l("Message discarded"),
        "brand.create": _l("Brand added"),
        "brand.update": _l("Brand edited"),
        "contact_point.create": _l("Contact point added"),
        "handle.create": _l("Handle added"),
        "handle.custody": _l("Change of holder"),
        "handle.update": _l("Handle edited"),
        "handle.verify": _l("Holder confirmed"),
        "request.create": _l("Request opened"),
        "request.transition": _l("Request state changed"),
        "request.update": _l("Request edited"),
        "token.create": _l("API token created"),
        "token.revoke": _l("API token revoked"),
        "user.create": _l("Account created"),
        "webhook.create": _l("Webhook registered"),
        "webhook.delete": _l("Webhook deleted"),
        "webhook.disable": _l("Webhook disabled"),
        "user.delete": _l("Account deleted"),
        "user.feed": _l("Overdue feed address changed"),
        "user.password": _l("Password changed"),
        "user.role": _l("Role or access changed"),
        "user.update": _l("Profile edited"),
    },
    # Fields of the audit trail and of the CSV import's report.
    "field": {
        "active": _l("Active"),
        "amount_cents": _l("Amount (cents)"),
        "brand": _l("Brand"),
        "brand_id": _l("Brand"),
        "channel": _l("Channel"),
        "contact_point": _l("Contact point"),
        "country": _l("Country"),
        "decision": _l("Decision"),
        "direction": _l("Direction"),
        "disabled_at": _l("Disabled on"),
        "digests": _l("Overdue digest"),
        "display_name": _l("Name"),
        "email": _l("E-mail"),
        "events": _l("Events"),
        "followers": _l("Followers"),
        "followers_seen_on": _l("Followers counted on"),
        "handle": _l("Handle"),
        "handle_id": _l("Handle"),
        "happened_at": _l("When"),
        "holder_contact": _l("Holder's contact"),
        "holder_kind": _l("Held by"),
        "holder_name": _l("Holder's name"),
        "holder_user_id": _l("Holder's account"),
        "kind": _l("Kind"),
        "label": _l("Label"),
        "locale": _l("Language"),
        "name": _l("Name"),
        "normalized": _l("Normalised handle"),
        "notes": _l("Notes"),
        "outcome": _l("Outcome"),
        "owner_id": _l("Owner"),
        "mass_reply": _l("Mass reply"),
        "unverified": _l("Unverified sender"),
        "note": _l("Note"),
        "phone": _l("Phone"),
        "platform_id": _l("Platform"),
        "prefix": _l("Starts with"),
        "private_notes": _l("Private notes"),
        "reply_deadline_days": _l("Reply deadline (business days)"),
        "request_id": _l("Request"),
        "revoked_at": _l("Revoked"),
        "role": _l("Role"),
        "slug": _l("Slug"),
        "state": _l("State"),
        "status": _l("Status"),
        "subject": _l("Subject"),
        "summary": _l("Summary"),
        "terms": _l("Terms"),
        "timezone": _l("Time zone"),
        "url": _l("Address"),
        "user_id": _l("Account"),
        "value": _l("Address, phone or URL"),
        "website": _l("Website"),
    },
}

# The codes of each kind, in the order forms and filters list them.
ORDER: dict[str, tuple[str, ...]] = {
    "lookalike_reason": lookalikes.REASONS,
    "holder_kind": HOLDER_KINDS,
    "status": HANDLE_STATUSES,
    "state": workflow.STATES,
    "flag": FLAGS,
    "direction": DIRECTIONS,
    "request_kind": REQUEST_KINDS,
    "outcome": OUTCOMES,
    "channel": CHANNELS,
    "department": CONTACT_POINT_KINDS,
    "role": ROLES,
    "terms": TERMS,
    "letter": tuple(LetterTemplate),
}


# What the audit trail's before/after values of each field are: a code of a vocabulary of
# LABELS, or a kind of value shown in words (registry.presentation.words.audit_value).
FIELD_KINDS: dict[str, str] = {
    "state": "state",
    "status": "status",
    "holder_kind": "holder_kind",
    "from_holder_kind": "holder_kind",
    "to_holder_kind": "holder_kind",
    "outcome": "outcome",
    "channel": "channel",
    "direction": "direction",
    "terms": "terms",
    "role": "role",
    "decision": "decision",
    "locale": "locale",
    "country": "country",
    "subdivision": "subdivision",
}
# A `kind` field names a different vocabulary on each table.
KIND_FIELD = {"contact_point": "department", "transfer_request": "request_kind"}


def field_kind(field: str, entity_type: str = "") -> str:
    """The kind of an audited field's values ("" for plain data)."""
    if field == "kind":
        return KIND_FIELD.get(entity_type, "")
    if field in FIELD_KINDS:
        return FIELD_KINDS[field]
    if field.endswith("_on"):
        return "day"
    if field.endswith("_at"):
        return "moment"
    return ""


def humanize(value: str | None) -> str:
    return (value or "").replace("_", " ").capitalize()


def label(value: str | None, kind: str) -> str:
    """The name of a code in the reader's language; unknown codes humanized."""
    return _label(value or "", kind, i18n.current_locale())


@functools.lru_cache(maxsize=1024)
def _label(value: str, kind: str, code: str) -> str:
    """Translated once per language (`code` is the current request's)."""
    found = LABELS[kind].get(value)
    return str(found) if found is not None else humanize(value)


def named_choices(values: tuple[str, ...], kind: str, shown=str) -> str:
    """Codes to choose from, each with its name (through `shown`) where that says more than
    the code: "active (actif), dormant (inactif)" in French, "active, for_sale" in English."""
    listed = []
    for value in values:
        name = label(value, kind)
        same = name.casefold() == value.replace("_", " ").casefold()
        listed.append(value if same else f"{value} ({shown(name)})")
    return ", ".join(listed)


def labelled(kind: str) -> list[tuple[str, object]]:
    """(code, lazy label) pairs for a form's or a filter's choices, in the domain's order."""
    return [(value, LABELS[kind][value]) for value in ORDER[kind]]


def choices(kind: str) -> list[SelectChoice]:
    return [SelectChoice(value, text) for value, text in labelled(kind)]


def names_in_every_language(kind: str) -> dict[str, tuple[str, ...]]:
    """Each code's names in every language of the site ({"legal": ("Legal department",
    "Service juridique")}): what a member may have typed, whatever their language."""
    return dict(_names_in_every_language(kind))


@functools.lru_cache(maxsize=16)
def _names_in_every_language(kind: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    names: dict[str, list[str]] = {value: [] for value in LABELS[kind]}
    for code in LANGUAGES:
        with i18n.in_language(code):
            for value, name in LABELS[kind].items():
                names[value].append(str(name))
    return tuple((value, tuple(found)) for value, found in names.items())

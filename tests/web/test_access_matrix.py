"""The access matrix: every route of `app.url_map` × method × role, against ONE table.

Each (endpoint, method, role) is its own test. A route that is not in `EXPECTED` fails (its
seven cases and `test_the_table_names_every_route`), and so does a row of the table whose
route is gone: adding a route means deciding, here, who may use it.

The question asked of each route is only *who gets past the door*. Forms are posted empty
(CSRF is off in tests) and API writes send `{}`, so a role that is let in usually sees its
input refused (`refused`); a role kept out gets `login`, `forbidden` or `unauthorized`.

Outcomes, from the answer's status:

    ok            2xx, or a redirect anywhere but /login
    login         a redirect to /login (a visitor on a member's page)
    forbidden     403
    missing       404
    unauthorized  401 (the API without a valid token)
    refused       400, 409 or 422: let in, but the empty input is refused

Roles: a visitor (nobody signed in); "fan", who holds @Gallimard and offered it to Gallimard
(the request of the scene); "other_fan", who owns nothing; staff; "legal" acting for
Gallimard; "legal_other" acting for Nespresso; admin. On the API each role sends its own
bearer token; fans cannot hold tokens (only staff, legal and admin can), so they call it
with their site session cookie only, which the API must ignore.

The table says what DESIGN.md ("Who uses it") says SHOULD happen, even where the app does
not do it yet; such rows fail until it does (see `RULES` for the reason shown on failure).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import urlsplit

import pytest
from alembic import command
from sqlmodel import select

from registry import create_app
from registry.adapters import db, mail
from registry.adapters.models import (
    ApiToken,
    Brand,
    ContactAttempt,
    Handle,
    MailMessage,
    Notification,
    TransferRequest,
    User,
    Webhook,
)
from registry.services import notifications, platforms, tokens, webhooks
from tests.conftest import PASSWORD, make_test_app, reset_tables
from tests.factories import Factories, context

ROLES = ("visitor", "fan", "other_fan", "staff", "legal", "legal_other", "admin")
OK, LOGIN, DENY, MISS, NOAUTH, REFUSE = (
    "ok",
    "login",
    "forbidden",
    "missing",
    "unauthorized",
    "refused",
)
OUTCOMES = {OK, LOGIN, DENY, MISS, NOAUTH, REFUSE}
IGNORED_METHODS = {"HEAD", "OPTIONS"}

# fmt: off
# (endpoint, method):                     visitor fan     oth.fan staff   legal   leg.oth admin
#                                         (oth.fan: other_fan, leg.oth: legal_other)
EXPECTED: dict[tuple[str, str], tuple[str, ...]] = {
    # --- public pages -----------------------------------------------------------------------------
    ("main.home", "GET"):                 (OK,     OK,     OK,     OK,     OK,     OK,     OK),
    ("main.lookup", "GET"):               (OK,     OK,     OK,     OK,     OK,     OK,     OK),
    ("main.set_language", "POST"):        (REFUSE, REFUSE, REFUSE, REFUSE, REFUSE, REFUSE, REFUSE),
    ("privacy.notice", "GET"):            (OK,     OK,     OK,     OK,     OK,     OK,     OK),
    ("main.help", "GET"):                 (OK,     OK,     OK,     OK,     OK,     OK,     OK),
    ("brands.index", "GET"):              (OK,     OK,     OK,     OK,     OK,     OK,     OK),
    ("brands.detail", "GET"):             (OK,     OK,     OK,     OK,     OK,     OK,     OK),
    # a brand's suspected lookalikes: staff, admins and that brand's own legal team
    ("brands.lookalikes_list", "GET"):    (LOGIN,  DENY,   DENY,   OK,     OK,     DENY,   OK),
    ("handles.index", "GET"):             (OK,     OK,     OK,     OK,     OK,     OK,     OK),
    ("handles.detail", "GET"):            (OK,     OK,     OK,     OK,     OK,     OK,     OK),
    # which brands answer their community: aggregates only, public (DESIGN "Insight")
    ("reports.responsiveness", "GET"):    (OK,     OK,     OK,     OK,     OK,     OK,     OK),
    ("reports.responsiveness_csv", "GET"): (OK,    OK,     OK,     OK,     OK,     OK,     OK),
    # --- accounts ---------------------------------------------------------------------------------
    ("auth.signup", "GET"):               (OK,     OK,     OK,     OK,     OK,     OK,     OK),
    ("auth.signup", "POST"):              (REFUSE, REFUSE, REFUSE, REFUSE, REFUSE, REFUSE, REFUSE),
    # the link of a sign-up's confirmation e-mail: whoever holds it creates that account
    ("auth.confirm_signup", "GET"):       (OK,     OK,     OK,     OK,     OK,     OK,     OK),
    ("auth.confirm_signup", "POST"):      (OK,     OK,     OK,     OK,     OK,     OK,     OK),
    ("auth.login", "GET"):                (OK,     OK,     OK,     OK,     OK,     OK,     OK),
    ("auth.login", "POST"):               (REFUSE, REFUSE, REFUSE, REFUSE, REFUSE, REFUSE, REFUSE),
    ("auth.logout", "POST"):              (LOGIN,  OK,     OK,     OK,     OK,     OK,     OK),
    ("auth.profile", "GET"):              (LOGIN,  OK,     OK,     OK,     OK,     OK,     OK),
    ("auth.profile", "POST"):             (LOGIN,  OK,     OK,     OK,     OK,     OK,     OK),
    ("auth.password", "GET"):             (LOGIN,  OK,     OK,     OK,     OK,     OK,     OK),
    ("auth.password", "POST"):            (LOGIN,  REFUSE, REFUSE, REFUSE, REFUSE, REFUSE, REFUSE),
    ("privacy.download", "GET"):          (LOGIN,  OK,     OK,     OK,     OK,     OK,     OK),
    ("privacy.delete_account", "GET"):    (LOGIN,  OK,     OK,     OK,     OK,     OK,     OK),
    ("privacy.delete_account", "POST"):   (LOGIN,  REFUSE, REFUSE, REFUSE, REFUSE, REFUSE, REFUSE),
    ("tokens.index", "GET"):              (LOGIN,  DENY,   DENY,   OK,     OK,     OK,     OK),
    ("tokens.create", "POST"):            (LOGIN,  DENY,   DENY,   REFUSE, REFUSE, REFUSE, REFUSE),
    # the token is staff's: its owner or an admin may revoke it
    ("tokens.revoke", "GET"):             (LOGIN,  DENY,   DENY,   OK,     DENY,   DENY,   OK),
    ("tokens.revoke", "POST"):            (LOGIN,  DENY,   DENY,   OK,     DENY,   DENY,   OK),
    # the overdue feed answers to its own token alone, never to a session (none here: 404)
    ("feeds.overdue", "GET"):             (MISS,   MISS,   MISS,   MISS,   MISS,   MISS,   MISS),
    ("feeds.make_token", "POST"):         (LOGIN,  DENY,   DENY,   OK,     OK,     OK,     OK),
    ("feeds.revoke_token", "POST"):       (LOGIN,  OK,     OK,     OK,     OK,     OK,     OK),
    # one's own notifications and their settings: every member (an empty settings form turns
    # every channel off, and saves)
    ("notifications.index", "GET"):       (LOGIN,  OK,     OK,     OK,     OK,     OK,     OK),
    ("notifications.mark_all_read", "POST"): (LOGIN, OK,   OK,     OK,     OK,     OK,     OK),
    ("notifications.settings", "GET"):    (LOGIN,  OK,     OK,     OK,     OK,     OK,     OK),
    ("notifications.settings", "POST"):   (LOGIN,  OK,     OK,     OK,     OK,     OK,     OK),
    # legal's notification of fan's offer: legal opens it; to anyone else it does not exist
    ("notifications.open_one", "GET"):    (LOGIN,  MISS,   MISS,   MISS,   OK,     MISS,   MISS),
    # an e-mail's unsubscribe link (legal's): its signed token is the credential, whoever
    # holds it (a mail client posts it without a session, RFC 8058)
    ("notifications.unsubscribe", "GET"): (OK,     OK,     OK,     OK,     OK,     OK,     OK),
    ("notifications.unsubscribe", "POST"): (OK,    OK,     OK,     OK,     OK,     OK,     OK),
    ("admin.users", "GET"):               (LOGIN,  DENY,   DENY,   DENY,   DENY,   DENY,   OK),
    ("admin.update_user", "POST"):        (LOGIN,  DENY,   DENY,   DENY,   DENY,   DENY,   OK),
    # the wording of the letters: an empty POST previews an empty wording, refused
    ("admin.letters", "GET"):             (LOGIN,  DENY,   DENY,   DENY,   DENY,   DENY,   OK),
    ("admin.letter_wording", "GET"):      (LOGIN,  DENY,   DENY,   DENY,   DENY,   DENY,   OK),
    ("admin.letter_wording", "POST"):     (LOGIN,  DENY,   DENY,   DENY,   DENY,   DENY,   REFUSE),
    ("audit.index", "GET"):               (LOGIN,  DENY,   DENY,   OK,     OK,     OK,     OK),
    # --- the registry: staff and admins edit it; legal exports; staff import ----------------------
    ("brands.create", "GET"):             (LOGIN,  DENY,   DENY,   OK,     DENY,   DENY,   OK),
    ("brands.create", "POST"):            (LOGIN,  DENY,   DENY,   REFUSE, DENY,   DENY,   REFUSE),
    ("brands.edit", "GET"):               (LOGIN,  DENY,   DENY,   OK,     DENY,   DENY,   OK),
    ("brands.edit", "POST"):              (LOGIN,  DENY,   DENY,   OK,     DENY,   DENY,   OK),
    ("brands.add_contact", "POST"):       (LOGIN,  DENY,   DENY,   OK,     DENY,   DENY,   OK),
    ("handles.create", "GET"):            (LOGIN,  DENY,   DENY,   OK,     DENY,   DENY,   OK),
    ("handles.create", "POST"):           (LOGIN,  DENY,   DENY,   REFUSE, DENY,   DENY,   REFUSE),
    ("handles.edit", "GET"):              (LOGIN,  DENY,   DENY,   OK,     DENY,   DENY,   OK),
    ("handles.edit", "POST"):             (LOGIN,  DENY,   DENY,   OK,     DENY,   DENY,   OK),
    ("handles.change_holder", "GET"):     (LOGIN,  DENY,   DENY,   OK,     DENY,   DENY,   OK),
    ("handles.change_holder", "POST"):    (LOGIN,  DENY,   DENY,   REFUSE, DENY,   DENY,   REFUSE),
    ("handles.verify_holder", "POST"):    (LOGIN,  DENY,   DENY,   REFUSE, DENY,   DENY,   REFUSE),
    ("exports.export_csv", "GET"):        (LOGIN,  DENY,   DENY,   DENY,   OK,     OK,     OK),
    ("exports.import_csv", "GET"):        (LOGIN,  DENY,   DENY,   OK,     DENY,   DENY,   OK),
    ("exports.import_csv", "POST"):       (LOGIN,  DENY,   DENY,   REFUSE, DENY,   DENY,   REFUSE),
    ("exports.import_progress", "GET"):   (LOGIN,  DENY,   DENY,   MISS,   DENY,   DENY,   MISS),
    ("exports.import_progress_json", "GET"): (LOGIN, DENY, DENY,   MISS,   DENY,   DENY,   MISS),
    # --- transfer requests: the one in the scene is fan's offer of a Gallimard handle -------------
    ("requests.mine", "GET"):             (LOGIN,  OK,     OK,     OK,     OK,     OK,     OK),
    ("requests.index", "GET"):            (LOGIN,  DENY,   DENY,   OK,     OK,     OK,     OK),
    ("requests.dashboard", "GET"):        (LOGIN,  DENY,   DENY,   OK,     OK,     OK,     OK),
    # ?handle_id= a Gallimard handle nobody has asked for yet; the POST sends kind=claim (fans
    # are not asked the kind, so theirs is an offer)
    ("requests.propose", "GET"):          (LOGIN,  OK,     OK,     OK,     OK,     DENY,   OK),
    ("requests.propose", "POST"):         (LOGIN,  OK,     OK,     OK,     OK,     DENY,   OK),
    ("requests.detail", "GET"):           (LOGIN,  OK,     DENY,   OK,     OK,     OK,     OK),
    ("requests.log_attempt", "POST"):     (LOGIN,  REFUSE, DENY,   REFUSE, DENY,   DENY,   REFUSE),
    ("requests.decide", "POST"):          (LOGIN,  DENY,   DENY,   DENY,   REFUSE, DENY,   REFUSE),
    ("requests.move", "POST"):            (LOGIN,  DENY,   DENY,   OK,     DENY,   DENY,   OK),
    ("requests.withdraw", "POST"):        (LOGIN,  OK,     DENY,   OK,     DENY,   DENY,   OK),
    # the evidence pack: for whoever reads the request
    ("requests.evidence_pdf", "GET"):     (LOGIN,  OK,     DENY,   OK,     OK,     OK,     OK),
    # the handover: staff plan and record the outcome; each side confirms (the scene's request
    # is not agreed, so who gets in sees the empty form refused)
    ("handover.schedule", "POST"):        (LOGIN,  DENY,   DENY,   REFUSE, DENY,   DENY,   REFUSE),
    ("handover.confirm", "POST"):         (LOGIN,  REFUSE, DENY,   REFUSE, REFUSE, DENY,   REFUSE),
    ("handover.outcome", "POST"):         (LOGIN,  DENY,   DENY,   REFUSE, DENY,   DENY,   REFUSE),
    # the window as a calendar file: the parties and staff, not another brand's legal team
    # (the scene's request has no window: 404, saying so, for who may read it)
    ("handover.calendar_file", "GET"):    (LOGIN,  MISS,   DENY,   MISS,   MISS,   DENY,   MISS),
    # --- correspondence: letters to the brand, mail received --------------------------------------
    # a letter about fan's offer: staff and the fan who made it (no mail server in the scene:
    # refused); a legal team writes only about its brand's claims
    ("correspondence.letter", "POST"):    (LOGIN,  REFUSE, DENY,   REFUSE, DENY,   DENY,   REFUSE),
    # staff correct how a message was read (an empty form: "choose what to correct")
    ("correspondence.correct", "POST"):   (LOGIN,  DENY,   DENY,   OK,     DENY,   DENY,   OK),
    # the mail that matched no request (an empty discard asks to confirm first)
    ("correspondence.unmatched", "GET"):  (LOGIN,  DENY,   DENY,   OK,     DENY,   DENY,   OK),
    ("correspondence.assign", "POST"):    (LOGIN,  DENY,   DENY,   REFUSE, DENY,   DENY,   REFUSE),
    ("correspondence.discard", "POST"):   (LOGIN,  DENY,   DENY,   OK,     DENY,   DENY,   OK),
    # a message as received (a Gallimard message): staff, and Gallimard's legal team
    ("correspondence.original", "GET"):   (LOGIN,  DENY,   DENY,   OK,     OK,     DENY,   OK),
    # --- the JSON API: bearer tokens only (fans hold none) ----------------------------------------
    ("api.openapi", "GET"):               (OK,     OK,     OK,     OK,     OK,     OK,     OK),
    ("api.handles_index", "GET"):         (OK,     OK,     OK,     OK,     OK,     OK,     OK),
    ("api.handle_detail", "GET"):         (OK,     OK,     OK,     OK,     OK,     OK,     OK),
    ("api.handle_lookalikes", "GET"):     (OK,     OK,     OK,     OK,     OK,     OK,     OK),
    ("api.handle_create", "POST"):        (NOAUTH, NOAUTH, NOAUTH, REFUSE, DENY,   DENY,   REFUSE),
    ("main.healthz", "GET"):              (OK,     OK,     OK,     OK,     OK,     OK,     OK),
    ("main.readyz", "GET"):               (OK,     OK,     OK,     OK,     OK,     OK,     OK),
    ("api.brand_detail", "GET"):          (OK,     OK,     OK,     OK,     OK,     OK,     OK),
    ("api.brand_responsiveness", "GET"):  (OK,     OK,     OK,     OK,     OK,     OK,     OK),
    ("api.platforms_index", "GET"):       (OK,     OK,     OK,     OK,     OK,     OK,     OK),
    ("api.brand_create", "POST"):         (NOAUTH, NOAUTH, NOAUTH, REFUSE, DENY,   DENY,   REFUSE),
    ("api.handle_update", "PATCH"):       (NOAUTH, NOAUTH, NOAUTH, OK,     DENY,   DENY,   OK),
    ("api.requests_index", "GET"):        (NOAUTH, NOAUTH, NOAUTH, OK,     OK,     OK,     OK),
    ("api.request_create", "POST"):       (NOAUTH, NOAUTH, NOAUTH, REFUSE, REFUSE, REFUSE, REFUSE),
    ("api.request_detail", "GET"):        (NOAUTH, NOAUTH, NOAUTH, OK,     OK,     OK,     OK),
    ("api.attempt_create", "POST"):       (NOAUTH, NOAUTH, NOAUTH, REFUSE, DENY,   DENY,   REFUSE),
    ("api.request_transition", "POST"):   (NOAUTH, NOAUTH, NOAUTH, REFUSE, DENY,   DENY,   REFUSE),
    # the scene's request has no handover plan: 404 for who may read it
    ("api.handover_detail", "GET"):       (NOAUTH, NOAUTH, NOAUTH, MISS,   MISS,   MISS,   MISS),
    ("api.handover_schedule", "POST"):    (NOAUTH, NOAUTH, NOAUTH, REFUSE, DENY,   DENY,   REFUSE),
    # who confirms for which side is read from the body's `party`: `{}` is refused first
    ("api.handover_confirm", "POST"):     (NOAUTH, NOAUTH, NOAUTH, REFUSE, REFUSE, REFUSE, REFUSE),
    ("api.handover_outcome", "POST"):     (NOAUTH, NOAUTH, NOAUTH, REFUSE, DENY,   DENY,   REFUSE),
    # a letter about fan's offer: staff write for any request, a legal team only for its claims
    ("api.letter_create", "POST"):        (NOAUTH, NOAUTH, NOAUTH, REFUSE, DENY,   DENY,   REFUSE),
    ("api.request_evidence", "GET"):      (NOAUTH, NOAUTH, NOAUTH, OK,     OK,     OK,     OK),
    # webhooks: admins and legal teams; the scene's hook is Gallimard legal's (another's: 404)
    ("api.webhooks_index", "GET"):        (NOAUTH, NOAUTH, NOAUTH, DENY,   OK,     OK,     OK),
    ("api.webhook_create", "POST"):       (NOAUTH, NOAUTH, NOAUTH, DENY,   REFUSE, REFUSE, REFUSE),
    ("api.webhook_detail", "GET"):        (NOAUTH, NOAUTH, NOAUTH, DENY,   OK,     MISS,   OK),
    ("api.webhook_delete", "DELETE"):     (NOAUTH, NOAUTH, NOAUTH, DENY,   OK,     MISS,   OK),
    ("api.webhook_deliveries", "GET"):    (NOAUTH, NOAUTH, NOAUTH, DENY,   OK,     MISS,   OK),
}
# fmt: on

# Why a cell says what it says, where a rule of DESIGN.md decides it: shown on failure.
LEGAL_OTHER = "legal of another brand (Nespresso) acts on no request of Gallimard"
LEGAL_LOGS = "DESIGN.md: the proposer and staff log contact attempts; legal records decisions"
RULES: dict[tuple[str, str, str], str] = {
    ("handover.confirm", "POST", "legal_other"): LEGAL_OTHER + ": it confirms for no side",
    ("handover.confirm", "POST", "other_fan"): "a fan confirms only their own offer's window",
    ("requests.propose", "POST", "legal_other"): LEGAL_OTHER + ": no claim on its handles",
    ("requests.decide", "POST", "legal_other"): LEGAL_OTHER + ": it does not decide them",
    ("requests.log_attempt", "POST", "legal_other"): LEGAL_OTHER + ": it logs no attempts",
    ("requests.move", "POST", "legal_other"): LEGAL_OTHER + ": it does not move them",
    ("api.attempt_create", "POST", "legal_other"): LEGAL_OTHER + ": it logs no attempts",
    ("api.request_transition", "POST", "legal_other"): LEGAL_OTHER + ": it does not move them",
    ("requests.log_attempt", "POST", "legal"): LEGAL_LOGS,
    ("api.attempt_create", "POST", "legal"): LEGAL_LOGS,
    ("api.request_transition", "POST", "legal"): "DESIGN.md: only staff move requests",
    ("requests.detail", "GET", "other_fan"): "DESIGN.md: a fan sees only their own requests",
    ("requests.evidence_pdf", "GET", "other_fan"): "a fan sees only their own requests' packs",
    ("api.handover_schedule", "POST", "legal"): "DESIGN.md: staff plan the handover window",
    ("api.handover_outcome", "POST", "legal"): "DESIGN.md: staff record the handover's outcome",
    ("requests.log_attempt", "POST", "other_fan"): "a fan logs attempts on their own requests",
    ("requests.withdraw", "POST", "other_fan"): "DESIGN.md: a fan withdraws only their own",
}


def routes_of(app) -> dict[tuple[str, str], object]:
    """(endpoint, method) -> rule, for every route but static files, HEAD and OPTIONS."""
    routes = {}
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        for method in sorted((rule.methods or set()) - IGNORED_METHODS):
            routes[(rule.endpoint, method)] = rule
    return routes


# The routes as the app declares them, read once at collection so that each one is a test.
ROUTES = routes_of(
    create_app({"TESTING": True, "DATABASE_URL": "sqlite://", "SECRET_KEY": "matrix"})
)
CASES = [
    pytest.param(endpoint, method, role, id=f"{endpoint}-{method}-{role}")
    for role in ROLES  # role by role: a case that changes the scene costs one rebuild
    for endpoint, method in sorted(set(ROUTES) | set(EXPECTED))
]


# --- the scene -----------------------------------------------------------------------------------


@dataclass
class Scene:
    emails: dict[str, str]  # role -> e-mail, every role but the visitor
    bearer: dict[str, str]  # role -> plaintext API token, for the roles that may hold one
    args: dict[str, object]  # converter argument name -> value
    query: dict[str, dict[str, object]] = field(default_factory=dict)  # endpoint -> ?args
    form: dict[str, dict[str, str]] = field(default_factory=dict)  # endpoint -> POST fields


def build_scene(app) -> Scene:
    """Gallimard and Nespresso, their handles, fan's offer of @Gallimard with two attempts,
    one account per role, and API tokens for the roles that can hold them."""
    make = Factories(app)
    gallimard = make.brand("Gallimard")
    nespresso = make.brand("Nespresso")
    emails = {role: f"{role}@example.org" for role in ROLES if role != "visitor"}
    users = {
        "fan": make.user("fan", email=emails["fan"]),
        "other_fan": make.user("fan", email=emails["other_fan"]),
        "staff": make.user("staff", email=emails["staff"]),
        "legal": make.user("legal", email=emails["legal"], brand_slug=gallimard.slug),
        "legal_other": make.user("legal", email=emails["legal_other"], brand_slug=nespresso.slug),
        "admin": make.user("admin", email=emails["admin"]),
    }
    offered = make.handle(
        "Gallimard",
        brand_id=gallimard.id,
        holder_kind="fan",
        holder_name="Julien",
        holder_user_id=users["fan"].id,
    )
    unclaimed = make.handle("GallimardLivres", brand_id=gallimard.id)
    make.handle("Nespresso", brand_id=nespresso.id)
    request = make.request(
        ("no_answer", "auto_reply"),
        opened_on=date(2026, 3, 2),
        proposer=users["fan"],
        brand=gallimard,
        handle=offered,
    )
    bearer = {}
    signup_token = confirmation_token(app, "newcomer@example.org")
    with app.app_context():
        session = db.session()
        for role in ("staff", "legal", "legal_other", "admin"):
            user = session.get(User, users[role].id)
            bearer[role] = tokens.create_token(context(user), user, f"{role} script")[1]
            session.commit()
        staff = session.get(User, users["staff"].id)
        spare, _plaintext = tokens.create_token(context(staff), staff, "spare")
        session.commit()
        spare_id = spare.id
        message = MailMessage(
            key="matrix@gallimard.test", sha256="0" * 64, raw=b"Subject: hi\r\n\r\nhi\r\n",
            size=21, sender="press@gallimard.test", brand_id=gallimard.id,
        )  # fmt: skip
        session.add(message)
        session.commit()
        mail_id = message.id
        attempt_id = session.exec(
            select(ContactAttempt.id).where(ContactAttempt.request_id == request.id)
        ).first()
        # The new offer told Gallimard's legal team (registry.services.dispatch).
        notification_id = session.exec(
            select(Notification.id).where(Notification.user_id == users["legal"].id)
        ).first()
        unsubscribe_token = notifications.unsubscribe_token(
            app.config, users["legal"].id, "new_offer"
        )
        # Made last, for an event no case emits: no case's change is delivered anywhere.
        hook, _secret = webhooks.register(
            context(session.get(User, users["legal"].id)),
            url="https://93.184.216.34/hooks",
            events=["suspect.found"],
        )
    return Scene(
        emails=emails,
        bearer=bearer,
        args={
            "handle_id": offered.id,
            "request_id": request.id,
            "slug": gallimard.slug,
            "platform": "x",
            "handle": offered.handle,
            "token_id": spare_id,  # staff's spare token, so revoking it costs nobody access
            "user_id": users["other_fan"].id,
            "token": signup_token,  # a sign-up's confirmation link (newcomer@example.org)
            "job_id": "no-such-job",  # an import job nobody started: 404 for who may look
            "attempt_id": attempt_id,  # the request's first attempt
            "notification_id": notification_id,  # legal's, of fan's offer
            "unsubscribe_token": unsubscribe_token,  # legal's, from the new offers' e-mails
            "mail_id": mail_id,  # a message from Gallimard that matched no request
            "webhook_id": hook.id,  # Gallimard legal's
            "template": "offer",
            "language": "en",
        },
        query={"requests.propose": {"handle_id": unclaimed.id}},
        form={"requests.propose": {"kind": "claim"}},  # the one field a claim needs
    )


def confirmation_token(app, email: str) -> str:
    """Sign up as a visitor and take the token from the link the confirmation e-mail carries
    (without SMTP_URL, mails are kept in the app's outbox)."""
    client = app.test_client()
    password = "a long and unusual passphrase 7"
    response = client.post(
        "/signup", data={"email": email, "password": password, "confirm": password}
    )
    assert response.status_code == 200, f"sign-up refused: HTTP {response.status_code}"
    links = [
        found.group(1)
        for sent in mail.outbox(app)
        if sent.to == email
        for found in [re.search(r"/signup/confirm/([^\s/?#]+)", sent.text)]
        if found
    ]
    assert links, f"no confirmation link was mailed to {email}"
    return links[-1]


def fingerprint(app) -> tuple:
    """What later cases depend on: a case that changes it (a withdrawal, a revoked token, an
    erased account, a new handle...) makes the next case rebuild the scene."""
    with app.app_context():
        session = db.session()
        return (
            tuple(session.exec(select(TransferRequest.id, TransferRequest.version))),
            tuple(session.exec(select(User.id, User.email, User.role, User.active, User.brand_id))),
            tuple(session.exec(select(ApiToken.id, ApiToken.revoked_at))),
            tuple(session.exec(select(Handle.id, Handle.version))),
            tuple(session.exec(select(Brand.id, Brand.version))),
            tuple(session.exec(select(Webhook.id))),
        )


class World:
    """One app for the module; its scene is rebuilt only after a case changed it."""

    def __init__(self, app):
        self.app = app
        self.scene: Scene | None = None
        self.baseline: tuple | None = None

    def fresh_scene(self) -> Scene:
        if self.scene is None or fingerprint(self.app) != self.baseline:
            reset_tables(self.app)
            # /readyz answers 200 at the newest migration (create_all leaves none recorded).
            command.stamp(db.alembic_config(self.app.config["DATABASE_URL"]), "head")
            with self.app.app_context():
                platforms.sync_platforms(context())
            self.scene = build_scene(self.app)
            self.baseline = fingerprint(self.app)
        return self.scene

    def client_for(self, role: str, scene: Scene):
        """A new client, logged in through the login form for every role but the visitor."""
        client = self.app.test_client()
        if role != "visitor":
            response = client.post(
                "/login", data={"email": scene.emails[role], "password": PASSWORD}
            )
            assert response.status_code == 302 and not is_login(response), (
                f"could not log in as {role}: HTTP {response.status_code}"
            )
        return client


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    # Hundreds of log-ins a minute from one address: the limits are tested elsewhere.
    app = make_test_app(tmp_path_factory.mktemp("access-matrix"), RATELIMIT_ENABLED=False)
    yield World(app)
    app.extensions["registry.engine"].dispose()


# --- outcomes ------------------------------------------------------------------------------------


def is_login(response) -> bool:
    return 300 <= response.status_code < 400 and urlsplit(response.location or "").path == "/login"


def outcome(response) -> str:
    status = response.status_code
    if is_login(response):
        return "login"
    if 200 <= status < 400:
        return "ok"
    named = {401: "unauthorized", 403: "forbidden", 404: "missing"}
    if status in named:
        return named[status]
    if status in (400, 409, 422):
        return "refused"
    return f"HTTP {status}"


def url_for_case(app, rule, method: str, scene: Scene) -> str:
    """The rule's URL with its converter arguments taken from the scene (and a query string
    for the few routes that read one)."""
    missing = sorted(rule.arguments - scene.args.keys())
    assert not missing, (
        f"{rule.rule}: the scene has no value for {', '.join(missing)}; add it to Scene.args"
    )
    values = {name: scene.args[name] for name in rule.arguments}
    values |= scene.query.get(rule.endpoint, {})
    return app.url_map.bind("localhost").build(rule.endpoint, values, method=method)


def send(client, method: str, url: str, *, api: bool, token: str | None, form: dict):
    """An empty form (or JSON object, on the API) for a write; the role's token on the API."""
    if api:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        body = {"json": {}} if method != "GET" else {}
        return client.open(url, method=method, headers=headers, **body)
    return client.open(url, method=method, data=form if method != "GET" else None)


# --- the tests -----------------------------------------------------------------------------------


def test_the_table_names_every_route():
    unlisted = sorted(set(ROUTES) - set(EXPECTED))
    stale = sorted(set(EXPECTED) - set(ROUTES))
    problems = [f"route not in EXPECTED (decide who may use it): {e} {m}" for e, m in unlisted]
    problems += [f"EXPECTED names a route that is gone: {e} {m}" for e, m in stale]
    assert not problems, "\n".join(problems)


def test_the_table_uses_known_outcomes():
    unknown = {
        key: row
        for key, row in EXPECTED.items()
        if len(row) != len(ROLES) or not set(row) <= OUTCOMES
    }
    assert not unknown, f"rows with a wrong length or an unknown outcome: {unknown}"


@pytest.mark.parametrize(("endpoint", "method", "role"), CASES)
def test_access(world, endpoint, method, role):
    key = (endpoint, method)
    if key not in EXPECTED:
        pytest.fail(f"{method} {endpoint} is a route but not in EXPECTED: add its row")
    if key not in ROUTES:
        pytest.fail(f"EXPECTED names {method} {endpoint}, which is no longer a route")
    expected = EXPECTED[key][ROLES.index(role)]
    scene = world.fresh_scene()
    client = world.client_for(role, scene)
    url = url_for_case(world.app, ROUTES[key], method, scene)
    response = send(
        client,
        method,
        url,
        api=endpoint.startswith("api."),
        token=scene.bearer.get(role),
        form=scene.form.get(endpoint, {}),
    )
    got = outcome(response)
    if got != expected:
        where = f" → {response.location}" if response.location else ""
        why = RULES.get((endpoint, method, role))
        pytest.fail(
            f"{method} {url} as {role}: expected {expected!r}, got {got!r} "
            f"(HTTP {response.status_code}{where})" + (f"\n  rule: {why}" if why else ""),
            pytrace=False,
        )

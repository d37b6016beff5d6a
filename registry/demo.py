"""Demo data drawn from real cases, loaded through the services so it obeys every rule.

What people typed in it (notes, contact points, messages, summaries) is in French, as the
fans and staff of these French cases wrote it: it is the record's content, shown as typed in
every language of the site, like anything a member writes. Only what the registry itself
says is translated."""

from __future__ import annotations

import secrets
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session, func, select

from registry.domain import clock
from registry.models import Handle, User
from registry.services import accounts, brands, handles, handover, platforms, requests
from registry.services.unit import use_case

PARIS = ZoneInfo("Europe/Paris")

BRANDS = [
    {
        "name": "Gallimard",
        "slug": "gallimard",
        "country": "FR",
        "website": "https://www.gallimard.fr",
        "notes": "Maison d’édition fondée en 1911 ; son centenaire était en 2011.",
        "contacts": [
            ("web_form", "Formulaire de contact", "https://www.gallimard.fr/contact"),
            ("phone", "Standard", "+33 1 49 54 42 00"),
            ("executive", "Présidence", "Direction générale"),
        ],
    },
    {
        "name": "Voitures Lumière",
        "slug": "voitures-lumiere",
        "country": "FR",
        "website": "https://www.example.com/voitures-lumiere",
        "notes": "Un constructeur automobile (nom modifié). Community manager rapide, service "
        "client lent.",
        "contacts": [
            ("community_manager", "Équipe de la page Facebook", "Facebook Messenger"),
            ("customer_service", "Service client", "service.clients@example.com"),
        ],
    },
    {
        "name": "Cochonou",
        "slug": "cochonou",
        "country": "FR",
        "website": "https://www.cochonou.fr",
        "contacts": [("web_form", "Formulaire de contact", "https://www.cochonou.fr/contact")],
    },
    {
        "name": "Nespresso",
        "slug": "nespresso",
        "country": "CH",
        "website": "https://www.nespresso.com",
        "contacts": [("press_office", "Service de presse", "press@example.com")],
    },
]

HANDLES = [
    # platform, handle, brand, holder kind, holder name, status, followers, seen on, notes
    (
        "x",
        "Gallimard",
        "gallimard",
        "fan",
        "Julien, un lecteur",
        "active",
        1500,
        date(2011, 3, 1),
        "Créé par un fan environ deux ans avant le centenaire de l’éditeur.",
    ),
    (
        "facebook",
        "VoituresLumiere",
        "voitures-lumiere",
        "brand",
        "Voitures Lumière",
        "active",
        250000,
        date(2026, 10, 1),
        "Page officielle, tenue par le community manager de la marque.",
    ),
    (
        "facebook",
        "cochonou",
        "cochonou",
        "fan",
        "Fans de Cochonou",
        "active",
        100000,
        date(2026, 9, 15),
        "Page de fans, environ 100 000 fans ; la marque n’a jamais répondu.",
    ),
    (
        "x",
        "Cochonou",
        "cochonou",
        "fan",
        "Fans de Cochonou",
        "dormant",
        2100,
        date(2026, 9, 15),
        "",
    ),
    (
        "instagram",
        "cochonou",
        "cochonou",
        "unknown",
        "",
        "emptied",
        None,
        None,
        "Le compte existe, sans aucune publication.",
    ),
    (
        "x",
        "Nespresso",
        "nespresso",
        "agency",
        "Une agence digitale",
        "active",
        13000,
        date(2026, 8, 1),
        "",
    ),
    (
        "facebook",
        "nespresso",
        "nespresso",
        "brand",
        "Nespresso",
        "active",
        1200000,
        date(2026, 8, 1),
        "Environ 1,2 million de fans.",
    ),
    (
        "bluesky",
        "nespresso.com",
        "nespresso",
        "brand",
        "Nespresso",
        "active",
        None,
        None,
        "Le domaine de la marque sert d’identifiant Bluesky.",
    ),
]

FIRST_RECORDED = date(2009, 6, 1)


def is_empty(session: Session) -> bool:
    return session.exec(select(func.count()).select_from(Handle)).one() == 0


@use_case
def load(session: Session, *, today: date | None = None) -> str:
    """Load everything; ``today`` anchors the open requests so the dashboard has work."""
    today = today or date.today()
    platforms.sync_platforms(session)
    by_slug = {}
    for spec in BRANDS:
        spec = dict(spec)
        contacts = spec.pop("contacts", [])
        brand = brands.create_brand(session, actor=None, **spec)
        for kind, label, value in contacts:
            brands.add_contact_point(
                session, brand.slug, actor=None, kind=kind, label=label, value=value
            )
        by_slug[brand.slug] = brand
    members = _load_members(session)
    # The fans who hold handles are members: their offers come from the recorded holder.
    holders = {"Julien, un lecteur": members["julien"], "Fans de Cochonou": members["fans"]}
    created = {}
    for platform, name, brand, kind, holder, status, followers, seen, notes in HANDLES:
        created[(platform, name)] = handles.create_handle(
            session,
            actor=None,
            platform_slug=platform,
            handle=name,
            today=FIRST_RECORDED,
            brand_id=by_slug[brand].id,
            holder_kind=kind,
            holder_name=holder,
            status=status,
            followers=followers,
            followers_seen_on=seen,
            notes=notes,
            holder_contact="julien@example.org" if kind == "fan" and brand == "gallimard" else "",
            holder_user_id=holders[holder].id if kind == "fan" else None,
        )
    count = _load_requests(session, created, members, today)
    count += _load_responsiveness(session, by_slug, members, today)
    _load_lookalikes(session)
    session.flush()
    handles_in_demo = session.exec(select(func.count()).select_from(Handle)).one()
    return f"{len(BRANDS)} brands, {handles_in_demo} handles, {count} transfer requests"


# Impersonators and squatters of the demo brands' handles, none of them the brand's: they
# show as suspects on the brands' pages (for legal) and as lookalikes on the handles' pages.
LOOKALIKES = [
    # platform, handle, holder kind, status, notes
    ("x", "nespress0", "squatter", "active", "Se présente comme le service client de Nespresso."),
    ("x", "Nespresso_HQ", "squatter", "active", "Promet des capsules gratuites."),
    ("instagram", "nespresso_officiel", "squatter", "active", "Concours factices."),
    ("x", "nespresso_fr", "unknown", "dormant", ""),
    ("instagram", "nespressso", "squatter", "active", "Revend des machines d’occasion."),
    ("x", "Ga11imard", "squatter", "active", "Annonce de faux concours de manuscrits."),
    ("facebook", "cochonou.officiel", "unknown", "active", ""),
]


def _load_lookalikes(session: Session) -> int:
    """The demo's lookalike handles, through the same use case as any handle."""
    for platform, name, kind, status, notes in LOOKALIKES:
        handles.create_handle(
            session,
            actor=None,
            platform_slug=platform,
            handle=name,
            today=date(2026, 10, 5),
            holder_kind=kind,
            status=status,
            notes=notes,
        )
    return len(LOOKALIKES)


# The demo's members, as `demo-login` lists them: role, then e-mail.
DEMO_ACCOUNTS = {
    "staff@example.org": "staff",
    "legal@nespresso.example": "legal",
    "julien@example.org": "fan",
    "fans.cochonou@example.org": "fan",
    "claire@example.org": "fan",
}


class NoDemo(Exception):
    """The registry has none of the demo's accounts."""


def one_time_logins(session: Session) -> list[tuple[User, str]]:
    """A fresh password for each demo account there is (each run replaces the last ones),
    so that a newcomer signs in as the demo's staff, legal team or fans in one step."""
    members = [accounts.find_by_email(session, email) for email in DEMO_ACCOUNTS]
    found = [member for member in members if member is not None]
    if not found:
        raise NoDemo("No demo account in this registry: run `registry seed-demo` first.")
    return [(member, accounts.give_one_time_password(session, member)) for member in found]


def _member(session: Session, email: str, name: str, role: str = "fan", brand: str = "") -> User:
    """Demo members get an unusable random password until `demo-login` gives them one."""
    return accounts.create_user(
        session,
        email=email,
        password=secrets.token_urlsafe(24),
        role=role,
        display_name=name,
        brand_slug=brand,
    )


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=PARIS).astimezone(UTC)


def _business_days_after(day: date, n: int) -> date:
    calendar = clock.calendar_for("FR")
    while n > 0:
        day += timedelta(days=1)
        n -= calendar.is_business_day(day)
    return day


def _business_days_before(day: date, n: int) -> date:
    calendar = clock.calendar_for("FR")
    while n > 0:
        day -= timedelta(days=1)
        n -= calendar.is_business_day(day)
    return day


def _load_members(session: Session) -> dict[str, User]:
    return {
        "julien": _member(session, "julien@example.org", "Julien"),
        "fans": _member(session, "fans.cochonou@example.org", "Fans de Cochonou"),
        "driver": _member(session, "claire@example.org", "Claire"),
        "staff": _member(session, "staff@example.org", "Équipe du registre", role="staff"),
        "legal": _member(
            session,
            "legal@nespresso.example",
            "Service juridique Nespresso",
            role="legal",
            brand="nespresso",
        ),
    }


def _attempt_logger(session: Session, today: date):
    """`attempt(request, who, moment, direction, channel, outcome, point, summary)`: one
    contact attempt logged as its member would, known by the end of `today`."""

    def attempt(request, who, moment, direction, channel, outcome, point, summary):
        requests.log_attempt(
            session,
            request.id,
            actor=who,
            direction=direction,
            channel=channel,
            outcome=outcome,
            happened_at=moment,
            now=_at(today, 23, 59),
            contact_point=point,
            summary=summary,
        )

    return attempt


def _load_requests(session: Session, created: dict, members: dict, today: date) -> int:
    julien, fans, driver = members["julien"], members["fans"], members["driver"]
    staff, legal = members["staff"], members["legal"]

    attempt = _attempt_logger(session, today)

    # @Gallimard on X: a month of unanswered web-form messages, a voicemail, an auction that
    # finally reached the CEO, a meeting, the auction withdrawn and the handle handed over.
    gallimard = created[("x", "Gallimard")]
    request = requests.propose(
        session,
        actor=julien,
        today=date(2011, 1, 10),
        handle_id=gallimard.id,
        terms="free",
        message="J’ai créé @Gallimard en 2009 et je l’anime en tant que fan. Je souhaite le "
        "remettre gratuitement à l’éditeur avant le centenaire.",
    )
    ones = [
        (
            date(2011, 1, 10),
            "web_form",
            "no_answer",
            "Formulaire de contact",
            "Offre envoyée par le formulaire web.",
        ),
        (
            date(2011, 1, 24),
            "web_form",
            "no_answer",
            "Formulaire de contact",
            "Relance par le formulaire web.",
        ),
        (
            date(2011, 2, 7),
            "web_form",
            "no_answer",
            "Formulaire de contact",
            "Troisième message, toujours sans réponse.",
        ),
        (
            date(2011, 2, 11),
            "phone",
            "voicemail",
            "Standard",
            "Le standard a renvoyé l’appel vers une messagerie vocale.",
        ),
        (
            date(2011, 2, 21),
            "marketplace",
            "no_answer",
            "Site d’enchères",
            "Compte mis aux enchères ; environ 1 500 € promis à une association de lutte contre "
            "l’illettrisme.",
        ),
    ]
    for day, channel, outcome, point, summary in ones:
        attempt(request, julien, _at(day, 10), "outbound", channel, outcome, point, summary)
    attempt(
        request,
        staff,
        _at(date(2011, 2, 22), 9, 30),
        "inbound",
        "email",
        "replied",
        "Présidence",
        "La présidence demande un rendez-vous.",
    )
    requests.transition(
        session, request.id, actor=staff, to="in_discussion", today=date(2011, 2, 22)
    )
    attempt(
        request,
        staff,
        _at(date(2011, 3, 1), 15),
        "outbound",
        "in_person",
        "meeting",
        "Présidence",
        "Rendez-vous avec le PDG ; les enchères sont retirées.",
    )
    handles.update_handle(session, gallimard.id, actor=staff, status="active")
    requests.transition(session, request.id, actor=staff, to="agreed", today=date(2011, 3, 1))
    # The handover: a window on Monday 14 March at 10:00, Julien's confirmation on the site,
    # the publisher's by e-mail (recorded by staff), then the name claimed in the window.
    handover.schedule(
        session,
        request.id,
        actor=staff,
        window_start=_at(date(2011, 3, 14), 10),
        window_minutes=30,
        notes="Julien renomme le compte en @gallimard_fan ; la présidence prend @Gallimard.",
        now=_at(date(2011, 3, 2), 11),
    )
    handover.confirm(
        session, request.id, actor=julien, party="holder", now=_at(date(2011, 3, 3), 18)
    )
    handover.confirm(
        session,
        request.id,
        actor=staff,
        party="brand",
        channel="email",
        now=_at(date(2011, 3, 4), 9),
    )
    handover.record_outcome(
        session,
        request.id,
        actor=staff,
        outcome="claimed",
        note="@Gallimard est au nom de l’éditeur.",
        now=_at(date(2011, 3, 14), 10, 12),
    )
    handles.update_handle(
        session, gallimard.id, actor=staff, followers=1800, followers_seen_on=date(2011, 6, 1)
    )

    # A car maker: the community manager answers within the hour (on a Friday evening) and
    # sends the fan to customer service, which sends an auto-reply promising ten business days
    # and answers fourteen calendar days later. A redirection is no reply: the clock runs from
    # the first message, so the answer comes a business day after it was due.
    car_handle = handles.create_handle(
        session,
        actor=staff,
        platform_slug="instagram",
        handle="voitureslumiere",
        today=date(2026, 10, 1),
        brand_id=created[("facebook", "VoituresLumiere")].brand_id,
        holder_kind="fan",
        holder_name="Claire",
        holder_contact="claire@example.org",
        holder_user_id=driver.id,
        followers=4200,
        notes="Un compte de fan au nom du constructeur.",
    )
    friday, monday = date(2026, 10, 2), date(2026, 10, 5)
    request = requests.propose(
        session,
        actor=driver,
        today=friday,
        handle_id=car_handle.id,
        message="Je donne volontiers le compte à la marque.",
    )
    attempt(
        request,
        driver,
        _at(friday, 17),
        "outbound",
        "dm",
        "no_answer",
        "Équipe de la page Facebook",
        "Message à la page Facebook de la marque.",
    )
    attempt(
        request,
        driver,
        _at(friday, 17, 50),
        "inbound",
        "dm",
        "redirected",
        "Équipe de la page Facebook",
        "Le community manager répond dans l’heure et renvoie vers le service client.",
    )
    attempt(
        request,
        driver,
        _at(monday, 14),
        "outbound",
        "email",
        "no_answer",
        "Service client",
        "Offre envoyée au service client.",
    )
    attempt(
        request,
        driver,
        _at(monday, 14, 5),
        "inbound",
        "email",
        "auto_reply",
        "Service client",
        "Réponse automatique : une réponse sous dix jours ouvrés.",
    )
    attempt(
        request,
        driver,
        _at(date(2026, 10, 19), 16),
        "inbound",
        "email",
        "replied",
        "Service client",
        "Le service client répond au bout de quatorze jours calendaires.",
    )
    requests.transition(
        session, request.id, actor=staff, to="in_discussion", today=date(2026, 10, 19)
    )
    requests.transition(session, request.id, actor=staff, to="agreed", today=date(2026, 10, 26))
    # A first window fails: between Claire's rename and the brand's, someone else took the
    # name. It came back to Claire; a new window is planned, awaiting both confirmations.
    handover.schedule(
        session,
        request.id,
        actor=staff,
        window_start=_at(date(2026, 11, 5), 11),
        now=_at(date(2026, 10, 27), 10),
    )
    handover.confirm(
        session, request.id, actor=driver, party="holder", now=_at(date(2026, 10, 28), 9)
    )
    handover.confirm(
        session,
        request.id,
        actor=staff,
        party="brand",
        channel="email",
        now=_at(date(2026, 10, 29), 15),
    )
    handover.record_outcome(
        session,
        request.id,
        actor=staff,
        outcome="failed",
        reason="sniped",
        note="Un autre compte a pris le nom entre les deux changements ; il a été récupéré.",
        now=_at(date(2026, 11, 5), 11, 40),
    )
    handover.schedule(
        session,
        request.id,
        actor=staff,
        window_start=_at(_business_days_after(today, 6), 11),
        window_minutes=15,
        notes="Cette fois, la marque est connectée et prête avant que Claire ne renomme.",
        now=_at(today, 8),
    )

    # Cochonou: 100,000 fans on a fan page, and no reply to anything.
    cochonou = created[("facebook", "cochonou")]
    opened = _business_days_before(today, 25)
    request = requests.propose(
        session,
        actor=fans,
        today=opened,
        handle_id=cochonou.id,
        message="Nous animons la page de fans et la céderions à la marque.",
    )
    for back, channel, outcome in (
        (25, "web_form", "no_answer"),
        (18, "web_form", "no_answer"),
        (12, "phone", "no_answer"),
    ):
        attempt(
            request,
            fans,
            _at(_business_days_before(today, back), 11),
            "outbound",
            channel,
            outcome,
            "Formulaire de contact" if channel == "web_form" else "Standard",
            "Pas de réponse.",
        )

    # Cochonou on X: the reply is due within two business days.
    request = requests.propose(
        session,
        actor=fans,
        today=_business_days_before(today, 9),
        handle_id=created[("x", "Cochonou")].id,
    )
    attempt(
        request,
        fans,
        _at(_business_days_before(today, 9), 9),
        "outbound",
        "email",
        "no_answer",
        "Formulaire de contact",
        "Offre envoyée par e-mail.",
    )

    # Nespresso claims its X name back from an agency, and nobody has been contacted yet.
    requests.propose(
        session,
        actor=legal,
        today=_business_days_before(today, 8),
        handle_id=created[("x", "Nespresso")].id,
        kind="claim",
        message="Le contrat de l’agence a pris fin ; la marque demande à récupérer son nom.",
    )
    return 5


# --- responsiveness (issue 16) -------------------------------------------------------------

# Nespresso's fans, each offering the account they run; each got the same answer, copied and
# pasted, which they logged as what it is: an automatic reply, not an answer.
NESPRESSO_FANS = [
    # platform, handle, fan's name, e-mail, business days ago, channel, contact point
    ("instagram", "nespresso.club", "Inès", "ines@example.org", 30, "email", "Service de presse"),
    ("tiktok", "nespressofans", "Marc", "marc@example.org", 18, "dm", "Compte X de la marque"),
    ("threads", "nespresso_lovers", "Lucie", "lucie@example.org", 12, "email", "Service de presse"),
]
NESPRESSO_TEMPLATE = (
    "Réponse type, mot pour mot la même que celle reçue par les autres fans : « Merci pour "
    "votre message, nous le transmettons à l’équipe concernée. »"
)


def _load_responsiveness(session: Session, by_slug: dict, members: dict, today: date) -> int:
    """What the responsiveness figures need beyond the cases above: Nespresso's copy-pasted
    reply to every fan who wrote (it stops no clock: 0 replied of 3 contacted), and a second
    offer to the car maker, which its community manager answered within the hour (0 business
    days, beside customer service's 11, late). Gallimard's month of silence and Cochonou's
    unanswered fans are the requests above."""
    staff = members["staff"]

    def offer(fan, record, opened: date, message: str):
        return requests.propose(
            session, actor=fan, today=opened, handle_id=record.id, message=message
        )

    attempt = _attempt_logger(session, today)

    nespresso = by_slug["nespresso"]
    for platform, name, fan_name, email, back, channel, point in NESPRESSO_FANS:
        fan = _member(session, email, fan_name)
        record = handles.create_handle(
            session,
            actor=staff,
            platform_slug=platform,
            handle=name,
            today=date(2026, 6, 1),
            brand_id=nespresso.id,
            holder_kind="fan",
            holder_name=fan_name,
            holder_user_id=fan.id,
            notes="Un compte de fans de la marque.",
        )
        opened = _business_days_before(today, back)
        request = offer(fan, record, opened, "Je propose de remettre le compte à la marque.")
        attempt(
            request,
            fan,
            _at(opened, 10),
            "outbound",
            channel,
            "no_answer",
            point,
            "Offre envoyée à la marque.",
        )
        attempt(
            request,
            fan,
            _at(_business_days_after(opened, 1), 9),
            "inbound",
            channel,
            "auto_reply",
            point,
            NESPRESSO_TEMPLATE,
        )

    # The car maker's community manager, on Facebook Messenger: an answer within the hour.
    driver = members["driver"]
    tiktok = handles.create_handle(
        session,
        actor=staff,
        platform_slug="tiktok",
        handle="voitureslumiere",
        today=date(2026, 10, 1),
        brand_id=by_slug["voitures-lumiere"].id,
        holder_kind="fan",
        holder_name="Claire",
        holder_contact="claire@example.org",
        holder_user_id=driver.id,
        followers=900,
        notes="Claire anime aussi ce compte TikTok au nom du constructeur.",
    )
    tuesday = date(2026, 10, 13)  # before the demo's other fixed dates: any `today` they allow
    request = offer(driver, tiktok, tuesday, "Le compte TikTok est à la marque si elle le veut.")
    attempt(
        request,
        driver,
        _at(tuesday, 9),
        "outbound",
        "dm",
        "no_answer",
        "Équipe de la page Facebook",
        "Message à la page Facebook de la marque.",
    )
    attempt(
        request,
        driver,
        _at(tuesday, 9, 40),
        "inbound",
        "dm",
        "replied",
        "Équipe de la page Facebook",
        "Le community manager répond en quarante minutes : la marque veut bien le compte.",
    )
    requests.transition(session, request.id, actor=staff, to="in_discussion", today=tuesday)
    return len(NESPRESSO_FANS) + 1

"""Demo data drawn from real cases, loaded through the services so it obeys every rule."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session, func, select

from registry.models import Handle
from registry.services import brands, handles, platforms

BRANDS = [
    {
        "name": "Gallimard",
        "slug": "gallimard",
        "country": "FR",
        "website": "https://www.gallimard.fr",
        "notes": "Publisher founded in 1911; its centenary was in 2011.",
        "contacts": [
            ("web_form", "Contact form", "https://www.gallimard.fr/contact"),
            ("phone", "Switchboard", "+33 1 49 54 42 00"),
            ("executive", "CEO's office", "Direction générale"),
        ],
    },
    {
        "name": "Voitures Lumière",
        "slug": "voitures-lumiere",
        "country": "FR",
        "website": "https://www.example.com/voitures-lumiere",
        "notes": "A car maker (name changed). Community manager fast, customer service slow.",
        "contacts": [
            ("community_manager", "Facebook page team", "Facebook Messenger"),
            ("customer_service", "Customer service", "service.clients@example.com"),
        ],
    },
    {
        "name": "Cochonou",
        "slug": "cochonou",
        "country": "FR",
        "website": "https://www.cochonou.fr",
        "contacts": [("web_form", "Contact form", "https://www.cochonou.fr/contact")],
    },
    {
        "name": "Nespresso",
        "slug": "nespresso",
        "country": "CH",
        "website": "https://www.nespresso.com",
        "contacts": [("press_office", "Press office", "press@example.com")],
    },
]

HANDLES = [
    # platform, handle, brand, holder kind, holder name, status, followers, seen on, notes
    (
        "x",
        "Gallimard",
        "gallimard",
        "fan",
        "Julien, a reader",
        "active",
        1500,
        date(2011, 3, 1),
        "Registered by a fan about two years before the publisher's centenary.",
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
        "Official page, run by the brand's community manager.",
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
        "Fan page with about 100,000 fans; the brand never answered.",
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
        "Account exists, no posts.",
    ),
    (
        "x",
        "Nespresso",
        "nespresso",
        "agency",
        "A digital agency",
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
        "About 1.2 million fans.",
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
        "The brand's own domain used as its Bluesky handle.",
    ),
]

FIRST_RECORDED = date(2009, 6, 1)


def is_empty(session: Session) -> bool:
    return session.exec(select(func.count()).select_from(Handle)).one() == 0


def load(session: Session) -> str:
    platforms.sync_platforms(session)
    by_slug = {}
    for spec in BRANDS:
        spec = dict(spec)
        contacts = spec.pop("contacts", [])
        brand = brands.create_brand(session, actor=None, **spec)
        for kind, label, value in contacts:
            brands.add_contact_point(
                session, brand, actor=None, kind=kind, label=label, value=value
            )
        by_slug[brand.slug] = brand
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
        )
    extra = _load_requests(session, by_slug, created)
    session.flush()
    return f"{len(BRANDS)} brands, {len(HANDLES)} handles{extra}"


def _load_requests(session: Session, by_slug: dict, created: dict) -> str:
    """Transfer requests and contact attempts of the demo (see registry.demo_requests)."""
    return ""

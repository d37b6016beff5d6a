"""Platforms and the parsing of handles typed by users, pasted as URLs, or read from a CSV."""

from __future__ import annotations

from dataclasses import dataclass
from weakref import WeakKeyDictionary

from sqlalchemy import Connection, Engine
from sqlmodel import Session, select

from registry.adapters.models import Platform
from registry.domain import handover
from registry.domain.handles import InvalidHandle, ParsedHandle, parse_handle, profile_url
from registry.domain.platforms import PLATFORMS
from registry.services import Invalid
from registry.services.context import Context
from registry.services.unit import use_case

# The platforms' rows change only through `sync_platforms` (init-db, before the site serves):
# each engine reads them once. Kept as copies outside any session, read-only.
_KNOWN: WeakKeyDictionary[Engine | Connection, dict[str, Platform]] = WeakKeyDictionary()


def _known(session: Session) -> dict[str, Platform]:
    engine = session.get_bind()
    known = _KNOWN.get(engine)
    if known is None:
        rows = session.exec(select(Platform).order_by(Platform.name))
        known = {p.slug: Platform(**p.model_dump()) for p in rows}
        if known:  # not before the first sync
            _KNOWN[engine] = known
    return known


def all_platforms(session: Session) -> list[Platform]:
    return list(_known(session).values())  # by name


@dataclass(frozen=True)
class PlatformFacts:
    """A platform as the API lists it: its handle lengths and how a name changes hands there,
    with the source of that fact (registry.domain.handover)."""

    slug: str
    name: str
    handover_method: str
    handover_source: str
    min_length: int
    max_length: int

    def as_dict(self) -> dict:
        return {
            "slug": self.slug,
            "name": self.name,
            "handover_method": self.handover_method,
            "handover_source": self.handover_source,
            "min_length": self.min_length,
            "max_length": self.max_length,
        }


def platform_facts(session: Session) -> list[PlatformFacts]:
    """Every platform, by name, with its handover method and that method's source."""
    listed = []
    for platform in all_platforms(session):
        rules = handover.rules_for(platform.slug)
        listed.append(
            PlatformFacts(
                slug=platform.slug,
                name=platform.name,
                handover_method=str(rules.method),
                handover_source=rules.source,
                min_length=platform.min_length,
                max_length=platform.max_length,
            )
        )
    return listed


def get_platform(session: Session, slug: str | None) -> Platform:
    slug = (slug or "").strip().lower()
    if not slug:
        raise Invalid("Choose a platform.", field="platform")
    platform = _known(session).get(slug)
    if platform is None:
        raise Invalid('Unknown platform "%(slug)s".', field="platform", slug=slug)
    return platform


def parse(platform: Platform, raw: str | None) -> ParsedHandle:
    try:
        return parse_handle(platform.rules(), raw or "")
    except InvalidHandle as exc:
        raise Invalid.explaining(exc, field="handle") from exc


def url_for_handle(platform: Platform, handle: str) -> str:
    return profile_url(platform.rules(), handle)


@use_case
def sync_platforms(ctx: Context) -> int:
    """Insert or refresh the platforms from the rules shipped in registry.domain.platforms."""
    session = ctx.session
    existing = {p.slug: p for p in session.exec(select(Platform))}
    for rules in PLATFORMS:
        fresh = Platform.from_rules(rules)
        current = existing.get(rules.slug)
        if current is None:
            session.add(fresh)
        else:
            for key, value in fresh.model_dump(exclude={"id"}).items():
                setattr(current, key, value)
    session.flush()
    _KNOWN.pop(session.get_bind(), None)
    return len(PLATFORMS)

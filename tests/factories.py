"""Build whole scenes in one call so each test shows only what it is about."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, timedelta

from registry.adapters import db
from registry.adapters.models import User
from registry.domain import workflow
from registry.presentation.context import context_for
from registry.services import (
    accounts,
    attempts,
    brands,
    handles,
    handover,
    proposals,
    transitions,
)
from registry.services.context import Context

PASSWORD = "correct horse battery"
SERIAL = itertools.count(1)


def context(actor=None, *, today: date | None = None, now: datetime | None = None) -> Context:
    """The context a use case gets in the app in context, as the interfaces build it
    (registry.presentation.context.context_for): `actor` acting (None: the registry itself,
    as a command), on `today` (default: today in Paris), at `now` (default: now)."""
    built = context_for(actor, today=today)
    return built.at(now) if now is not None else built


class Factories:
    def __init__(self, app):
        self.app = app

    def _run(self, use_case, *args, today: date | None = None, **kwargs):
        with self.app.app_context():
            result = use_case(context(today=today), *args, **kwargs)
            db.session().commit()
            return result

    def user(self, role: str = "fan", email: str | None = None, **values):
        return self._run(
            accounts.create_user,
            email=email or f"{role}-{next(SERIAL)}@example.org",
            password=PASSWORD,
            role=role,
            **values,
        )

    def brand(self, name: str = "Gallimard", **values):
        return self._run(brands.create_brand, name=name, **values)

    def handle(self, handle: str = "Gallimard", platform: str = "x", **values):
        values.setdefault("today", date(2024, 1, 15))
        return self._run(handles.create_handle, platform_slug=platform, handle=handle, **values)

    def offer(self, handle: str, brand, *, opened_on: date, outcomes=("no_answer",)):
        """A new fan's offer of `handle` (a handle of `brand` they hold) to that brand."""
        fan = self.user("fan")
        held = self.handle(handle, brand_id=brand.id, holder_kind="fan", holder_user_id=fan.id)
        return self.request(outcomes, opened_on=opened_on, brand=brand, handle=held, proposer=fan)

    def request(
        self,
        outcomes: tuple[str, ...] | list[str] = (),
        *,
        opened_on: date = date(2026, 3, 2),
        proposer=None,
        brand=None,
        handle=None,
        state: str | None = None,
    ):
        """A fan's offer of @Gallimard to Gallimard, with one outbound attempt a day per outcome.

        The fan proposer is the handle's recorded holder; a staff, legal or admin proposer
        opens a claim instead, a legal one for the brand it is then attached to. Given a
        handle that no member holds, the default proposer is staff (a fan could not offer it)."""
        brand = brand or self.brand("Gallimard")
        if proposer is None:
            held_by_nobody = handle is not None and handle.holder_user_id is None
            proposer = self.user("staff" if held_by_nobody else "fan")
        kind = "offer" if proposer.role == "fan" else "claim"
        handle = handle or self.handle(
            "Gallimard",
            brand_id=brand.id,
            holder_kind="fan",
            holder_name="Julien",
            holder_user_id=proposer.id if kind == "offer" else None,
        )

        def build(ctx: Context):
            session = ctx.session
            member = session.get(User, proposer.id)
            if member.role == "legal" and member.brand_id is None:
                member.brand_id = handle.brand_id or brand.id
                session.add(member)
                session.commit()
            as_proposer = context(member, today=opened_on)
            request = proposals.propose(as_proposer, handle_id=handle.id, kind=kind)
            for n, outcome in enumerate(outcomes):
                moment = datetime(opened_on.year, opened_on.month, opened_on.day, 9, tzinfo=UTC)
                attempts.log_attempt(
                    as_proposer.at(moment + timedelta(days=365)),
                    request.id,
                    direction="outbound",
                    channel="email",
                    outcome=outcome,
                    happened_at=moment + timedelta(days=n),
                )
            if state:
                for step in workflow.path_to(request.state, state):
                    if step == workflow.COMPLETED:
                        hand_over(request.id, opened_on)
                        continue
                    transitions.transition(
                        context(today=opened_on), request.id, to=step, confirmed=True
                    )
            return request

        return self._run(build)


def hand_over(request_id: int, day, *, actor=None) -> None:
    """Complete an agreed request the only way there is: a window on `day` at 10:00 UTC,
    both sides' confirmations (received by e-mail), and the name claimed in the window, by
    `actor` (None: the registry itself)."""
    start = datetime(day.year, day.month, day.day, 10, tzinfo=UTC)
    handover.schedule(
        context(actor, now=start - timedelta(hours=2)), request_id, window_start=start
    )
    for party in ("holder", "brand"):
        handover.confirm(
            context(now=start - timedelta(hours=1)), request_id, party=party, channel="email"
        )
    handover.record_outcome(
        context(actor, now=start + timedelta(minutes=10)), request_id, outcome="claimed"
    )

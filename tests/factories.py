"""Build whole scenes in one call so each test shows only what it is about."""

from __future__ import annotations

import itertools
from datetime import date

from registry.adapters import db
from registry.services import accounts, attempts, brands, handles, proposals, transitions
from registry.services.context import ClockPolicy

PASSWORD = "correct horse battery"
SERIAL = itertools.count(1)


class Factories:
    def __init__(self, app):
        self.app = app

    def _run(self, use_case, *args, **kwargs):
        with self.app.app_context():
            session = db.session()
            result = use_case(session, *args, **kwargs)
            session.commit()
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
        return self._run(brands.create_brand, actor=None, name=name, **values)

    def handle(self, handle: str = "Gallimard", platform: str = "x", **values):
        values.setdefault("today", date(2024, 1, 15))
        return self._run(
            handles.create_handle, actor=None, platform_slug=platform, handle=handle, **values
        )

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
        from datetime import UTC, datetime, timedelta

        from registry.adapters.models import User
        from registry.domain import workflow

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

        policy = ClockPolicy.from_config(self.app.config)

        def build(session):
            member = session.get(User, proposer.id)
            if member.role == "legal" and member.brand_id is None:
                member.brand_id = handle.brand_id or brand.id
                session.add(member)
                session.commit()
            request = proposals.propose(
                session,
                actor=member,
                today=opened_on,
                handle_id=handle.id,
                kind=kind,
                policy=policy,
            )
            for n, outcome in enumerate(outcomes):
                moment = datetime(opened_on.year, opened_on.month, opened_on.day, 9, tzinfo=UTC)
                attempts.log_attempt(
                    session,
                    request.id,
                    actor=member,
                    direction="outbound",
                    channel="email",
                    outcome=outcome,
                    happened_at=moment + timedelta(days=n),
                    now=moment + timedelta(days=365),
                    policy=policy,
                )
            if state:
                for step in workflow.path_to(request.state, state):
                    if step == workflow.COMPLETED:
                        hand_over(session, request.id, opened_on, policy=policy)
                        continue
                    transitions.transition(
                        session,
                        request.id,
                        actor=None,
                        to=step,
                        today=opened_on,
                        confirmed=True,
                        policy=policy,
                    )
            return request

        return self._run(build)


def hand_over(session, request_id: int, day, *, policy=None, actor=None) -> None:
    """Complete an agreed request the only way there is: a window on `day` at 10:00 UTC,
    both sides' confirmations (received by e-mail), and the name claimed in the window."""
    from datetime import UTC, datetime, timedelta

    from flask import current_app

    from registry.services import handover

    policy = policy or ClockPolicy.from_config(current_app.config)
    start = datetime(day.year, day.month, day.day, 10, tzinfo=UTC)
    handover.schedule(
        session,
        request_id,
        actor=actor,
        window_start=start,
        now=start - timedelta(hours=2),
        policy=policy,
    )
    for party in ("holder", "brand"):
        handover.confirm(
            session,
            request_id,
            actor=None,
            party=party,
            channel="email",
            now=start - timedelta(hours=1),
        )
    handover.record_outcome(
        session,
        request_id,
        actor=actor,
        outcome="claimed",
        now=start + timedelta(minutes=10),
        policy=policy,
    )


def configured_policy():
    """The clock policy of the app in context, as the interfaces build it."""
    from flask import current_app

    return ClockPolicy.from_config(current_app.config)

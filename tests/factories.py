"""Build whole scenes in one call so each test shows only what it is about."""

from __future__ import annotations

import itertools
from datetime import date

from registry import db
from registry.services import accounts, brands, handles

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
        """A fan's offer of @Gallimard to Gallimard, with one outbound attempt a day per outcome."""
        from datetime import UTC, datetime, timedelta

        from registry.services import requests

        brand = brand or self.brand("Gallimard")
        handle = handle or self.handle(
            "Gallimard", brand_id=brand.id, holder_kind="fan", holder_name="Julien"
        )
        proposer = proposer or self.user("fan")

        def build(session):
            request = requests.propose(
                session, actor=proposer, today=opened_on, handle_id=handle.id
            )
            for n, outcome in enumerate(outcomes):
                moment = datetime(opened_on.year, opened_on.month, opened_on.day, 9, tzinfo=UTC)
                requests.log_attempt(
                    session,
                    request.id,
                    actor=proposer,
                    direction="outbound",
                    channel="email",
                    outcome=outcome,
                    happened_at=moment + timedelta(days=n),
                    now=moment + timedelta(days=365),
                )
            if state:
                for step in requests.workflow.path_to(request.state, state):
                    requests.transition(session, request.id, actor=None, to=step, today=opened_on)
            return request

        return self._run(build)

"""Build whole scenes in one call so each test shows only what it is about."""

from __future__ import annotations

from datetime import date

from registry import db
from registry.services import accounts, brands, handles

PASSWORD = "correct horse battery"


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
            email=email or f"{role}-{id(values)}@example.org",
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

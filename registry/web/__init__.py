"""The site's blueprints, one per area, and what every template can see."""

from __future__ import annotations

from flask import Flask


def register(app: Flask) -> None:
    from registry.web import admin, auth, brands, errors, handles, main, requests, templating

    for blueprint in (main.bp, auth.bp, handles.bp, brands.bp, requests.bp, admin.bp, errors.bp):
        app.register_blueprint(blueprint)
    templating.init_app(app)

"""The site's blueprints, one per area, and what every template can see."""

from __future__ import annotations

from flask import Flask


def register(app: Flask) -> None:
    from registry.web import (
        admin,
        audit,
        auth,
        brands,
        correspondence,
        errors,
        exports,
        feeds,
        handles,
        handover,
        main,
        notifications,
        privacy,
        reports,
        requests,
        templating,
        tokens,
    )

    for blueprint in (
        main.bp,
        auth.bp,
        tokens.bp,
        feeds.bp,
        handles.bp,
        exports.bp,
        brands.bp,
        reports.bp,
        requests.bp,
        handover.bp,
        correspondence.bp,
        audit.bp,
        privacy.bp,
        notifications.bp,
        admin.bp,
        errors.bp,
    ):
        app.register_blueprint(blueprint)
    templating.init_app(app)

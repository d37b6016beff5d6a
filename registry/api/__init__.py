"""The JSON API under /api/v1: bearer tokens, JSON in and out, the same services as the site.

It never looks at the session cookie: a browser sends that cookie on its own to any site
that asks, so trusting it here would let any page make API writes in a visitor's name.
For the same reason the API needs no CSRF token, and is exempt from the site's check.
"""

from __future__ import annotations

from flask import Blueprint, Flask
from werkzeug.routing import PathConverter

bp = Blueprint("api", __name__, url_prefix="/api/v1")


class HandlePath(PathConverter):
    """A handle in a path, slashes and all (a pasted profile URL), but not one ending with
    /lookalikes: that address is the handle's lookalikes, read-only, so a PATCH there is 405
    (and its OPTIONS says GET), not a change to a handle named "…/lookalikes"."""

    regex = r"[^/].*?(?<!/lookalikes)"


def register(app: Flask) -> None:
    app.url_map.converters["handle"] = HandlePath
    # Each module attaches its routes and hooks to `bp` when imported.
    from registry.api import (  # noqa: F401
        auth,
        brands,
        errors,
        handles,
        handover,
        openapi,
        platforms,
        requests,
        webhooks,
    )
    from registry.presentation.extensions import csrf

    csrf.exempt(bp)
    app.register_blueprint(bp)

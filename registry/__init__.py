"""Handle Registry: who holds which brand handle, and the transfers that bring it home."""

from __future__ import annotations

from pathlib import Path

from flask import Flask

ROOT = Path(__file__).resolve().parent.parent  # the checkout, for tests and scripts


def create_app(config: dict | None = None) -> Flask:
    # Templates and static files live in the package, so an installed wheel serves them.
    app = Flask(__name__, instance_relative_config=True)
    from registry import config as settings

    app.config.from_mapping(settings.from_environment(Path(app.instance_path)))
    if config:
        app.config.from_mapping(config)

    if app.config.get("BEHIND_PROXY"):
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = app.config["BEHIND_PROXY"]
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_port=hops, x_prefix=hops
        )

    from registry.adapters import db
    from registry.presentation import i18n
    from registry.presentation.extensions import csrf, init_security, login_manager

    db.init_app(app)
    csrf.init_app(app)
    login_manager.init_app(app)
    init_security(app)
    i18n.init_app(app)

    from registry import api, cli, jobs, web
    from registry.api import errors as api_errors
    from registry.presentation import access, bounds
    from registry.web import errors as web_errors

    jobs.init_app(app)

    # Before the blueprints: their routes take its id converter.
    bounds.init_app(app, page_answer=web_errors.error_page, api_answer=api_errors.bounds_refusal)
    app.before_request(access.enforce_permissions)
    web.register(app)
    api.register(app)
    cli.register(app)
    return app


def main() -> None:
    """The `registry` console script: the app's commands (registry.cli) outside `flask`."""
    from flask.cli import FlaskGroup

    FlaskGroup(create_app=create_app, help="Handle Registry commands.").main()

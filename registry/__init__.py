"""Handle Registry: who holds which brand handle, and the transfers that bring it home."""

from __future__ import annotations

from pathlib import Path

from flask import Flask

PACKAGE = Path(__file__).resolve().parent
ROOT = PACKAGE.parent  # the checkout, for tests and scripts


def site_folder(name: str) -> Path:
    """The site's `templates` or `static` folder. In the checkout they sit at the top, beside
    registry/ (which is also what an editable install serves); building a wheel copies them
    into the package (setup.py), so an installed site has its own copy, which wins when it is
    there."""
    packaged = PACKAGE / name
    return packaged if packaged.is_dir() else ROOT / name


def create_app(config: dict | None = None) -> Flask:
    app = Flask(
        __name__,
        instance_relative_config=True,
        template_folder=site_folder("templates"),
        static_folder=site_folder("static"),
    )
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
    from registry.presentation import catalogues, i18n
    from registry.presentation.extensions import csrf, init_security, login_manager

    db.init_app(app)
    csrf.init_app(app)
    login_manager.init_app(app)
    init_security(app)
    # The compiled catalogues: the package's, or compiled now into the instance folder when a
    # checkout has none (or stale ones), as after a contributor's `pip install -e .`.
    folders = catalogues.translation_directories(Path(app.instance_path))
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = ";".join(str(folder) for folder in folders)
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

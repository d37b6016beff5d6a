"""The `registry` commands, usable as `flask --app registry CMD` and as `registry CMD`."""

from __future__ import annotations

import json
import sys
from datetime import date, datetime
from zoneinfo import ZoneInfo

import click
from flask import Flask, current_app
from flask.cli import FlaskGroup, with_appcontext

from registry import db
from registry.services import ServiceError, accounts, platforms


def register(app: Flask) -> None:
    for command in (init_db, seed_demo, create_user, flag_unanswered):
        app.cli.add_command(command)


def main() -> None:
    from registry import create_app

    FlaskGroup(create_app=lambda: create_app(), help="Handle Registry commands.").main()


def fail(message: str) -> None:
    """One clear line on stderr and a non-zero exit, as scripts expect."""
    raise click.ClickException(message)


@click.command("init-db")
@with_appcontext
def init_db() -> None:
    """Create or upgrade the database schema (Alembic) and refresh the platforms' rules."""
    db.upgrade(current_app.config["DATABASE_URL"])
    session = db.session()
    count = platforms.sync_platforms(session)
    session.commit()
    click.echo(f"Database is up to date; {count} platforms loaded.")


@click.command("seed-demo")
@with_appcontext
@click.option("--if-empty", is_flag=True, help="Do nothing when the registry already has handles.")
def seed_demo(if_empty: bool) -> None:
    """Load the demo brands, handles, custody, requests and contact attempts."""
    from registry import demo

    session = db.session()
    if if_empty and not demo.is_empty(session):
        click.echo("The registry already has data; demo data not loaded.")
        return
    try:
        summary = demo.load(session)
    except ServiceError as exc:
        session.rollback()
        fail(f"Demo data not loaded: {exc.message}")
    session.commit()
    click.echo(f"Demo data loaded: {summary}.")


@click.command("create-user")
@with_appcontext
@click.argument("email")
@click.option("--role", default="fan", show_default=True, help="fan, staff, legal or admin")
@click.option("--name", default="", help="Name shown to staff.")
def create_user(email: str, role: str, name: str) -> None:
    """Create an account. The password is read from stdin, or prompted for on a terminal."""
    if sys.stdin.isatty():
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    else:
        password = sys.stdin.readline().rstrip("\n")
    session = db.session()
    try:
        user = accounts.create_user(
            session, email=email, password=password, role=role, display_name=name
        )
    except ServiceError as exc:
        session.rollback()
        fail(exc.message)
    session.commit()
    click.echo(f"Created {user.email} ({user.role}).")


@click.command("flag-unanswered")
@with_appcontext
@click.option("--as-of", "as_of", metavar="YYYY-MM-DD", help="Flag as of this day (default today).")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list instead of a table.")
def flag_unanswered(as_of: str | None, as_json: bool) -> None:
    """Print the open requests that are overdue, due soon, or not contacted."""
    from registry.services import requests as transfer

    try:
        day = date.fromisoformat(as_of) if as_of else datetime.now(ZoneInfo("Europe/Paris")).date()
    except ValueError:
        fail(f'--as-of expects a date as YYYY-MM-DD, not "{as_of}".')
    rows = transfer.flagged(
        db.session(), as_of=day, policy=transfer.ClockPolicy.from_config(current_app.config)
    )
    if as_json:
        click.echo(json.dumps([row.as_dict() for row in rows], indent=2))
        return
    if not rows:
        click.echo(f"No request needs attention as of {day.isoformat()}.")
        return
    click.echo(f"{len(rows)} request(s) need attention as of {day.isoformat()}:")
    for row in rows:
        item = row.as_dict()
        click.echo(
            f"#{item['id']:<5} {item['flag']:<14} {item['platform']:<10} @{item['handle']:<24} "
            f"{item['brand'] or '-':<18} due {item['due_date']}  "
            f"{item['business_days_waiting']} business days waiting, "
            f"{item['unanswered_attempts']} unanswered"
        )

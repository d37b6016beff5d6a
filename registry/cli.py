"""The `registry` commands, usable as `flask --app registry CMD` and as `registry CMD`."""

from __future__ import annotations

import contextlib
import json
import os
import sys
import time
from collections import Counter
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, NoReturn
from zoneinfo import ZoneInfo

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from registry.adapters import db
from registry.domain import limits
from registry.presentation.context import clock_policy, context_for, home_today
from registry.presentation.i18n import DEFAULT_TIMEZONE

if TYPE_CHECKING:
    from click._termui_impl import ProgressBar

from registry.services import (
    ServiceError,
    accounts,
    csv_export,
    csv_import,
    handover_deadlines,
    listings,
    platforms,
)


def register(app: Flask) -> None:
    for command in (
        init_db,
        seed_demo,
        demo_login,
        backup_command,
        restore_command,
        create_user,
        create_token,
        flag_unanswered,
        import_handles,
        export_handles,
        gen_data,
        remind_handovers,
        notify_overdue,
        raise_flags,
        verify_command,
        reindex_lookalikes,
        receive_mail,
        fetch_mail,
    ):
        app.cli.add_command(command)


def parse_day(as_of: str | None) -> date:
    """An --as-of option's day, or today."""
    if not as_of:
        return home_today()
    try:
        day = date.fromisoformat(as_of)
    except ValueError:
        fail(f'--as-of expects a date as YYYY-MM-DD, not "{as_of}".')
        raise  # unreachable: fail() raises
    try:
        return limits.check_day(day, field="as_of")
    except limits.OutOfRange as exc:
        fail(f"--as-of: {exc}")
        raise


def fail(message: str) -> NoReturn:
    """One clear line on stderr and a non-zero exit, as scripts expect."""
    raise click.ClickException(message)


@click.command("init-db")
@with_appcontext
def init_db() -> None:
    """Create or upgrade the database schema (Alembic) and refresh the platforms' rules."""
    db.upgrade(current_app.config["DATABASE_URL"])
    count = platforms.sync_platforms(context_for(None))
    db.refresh_statistics(db.engine())
    click.echo(f"Database is up to date; {count} platforms loaded.")


@click.command("seed-demo")
@with_appcontext
@click.option("--if-empty", is_flag=True, help="Do nothing when the registry already has handles.")
def seed_demo(if_empty: bool) -> None:
    """Load the demo brands, handles, custody, requests and contact attempts."""
    from registry.fixtures import demo

    ctx = context_for(None, today=home_today())
    if if_empty and not demo.is_empty(ctx.session):
        click.echo("The registry already has data; demo data not loaded.")
        return
    try:
        summary = demo.load(ctx)
    except ServiceError as exc:
        fail(f"Demo data not loaded: {exc}")
    click.echo(f"Demo data loaded: {summary}.")


@click.command("backup")
@with_appcontext
@click.argument("path", type=click.Path(dir_okay=False))
def backup_command(path: str) -> None:
    """Copy the whole registry to a new file PATH (SQLite: online backup; PostgreSQL: pg_dump)."""
    from registry.adapters import backup

    try:
        backup.backup(db.engine(), path)
    except backup.BackupError as exc:
        fail(str(exc))
    click.echo(f"Backed up the registry to {path}.")


@click.command("restore")
@with_appcontext
@click.argument("path", type=click.Path(dir_okay=False))
@click.option("--force", is_flag=True, help="Replace a registry that holds data.")
def restore_command(path: str, force: bool) -> None:
    """Replace the registry with the backup PATH (refused when it holds data, unless --force)."""
    from registry.adapters import backup

    try:
        backup.restore(db.engine(), path, force=force)
    except backup.BackupError as exc:
        fail(str(exc))
    click.echo(f"Restored the registry from {path}.")


@click.command("demo-login")
@with_appcontext
def demo_login() -> None:
    """Give each demo account a new one-time password and print them (run after seed-demo):
    each signs in once, and the session it opens goes on."""
    from registry.fixtures import demo

    try:
        logins = demo.one_time_logins(context_for(None))
    except demo.NoDemo as exc:
        fail(str(exc))
    click.echo(
        "Demo accounts (one-time passwords: each signs in once; "
        "`registry demo-login` makes new ones):"
    )
    width = max(len(member.email) for member, _ in logins)
    for member, password in logins:
        click.echo(f"  {member.role:<6} {member.email:<{width}}  {password}")


@click.command("create-user")
@with_appcontext
@click.argument("email")
@click.option("--role", default="fan", show_default=True, help="fan, staff, legal or admin")
@click.option("--name", default="", help="Name shown to staff.")
@click.option("--brand", default="", help="For a legal account: the slug of the brand it acts for.")
def create_user(email: str, role: str, name: str, brand: str) -> None:
    """Create an account. The password is read from stdin, or prompted for on a terminal."""
    if sys.stdin.isatty():
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    else:
        password = sys.stdin.readline().rstrip("\n")
    try:
        user = accounts.create_user(
            context_for(None),
            email=email,
            password=password,
            role=role,
            display_name=name,
            brand_slug=brand,
        )
    except ServiceError as exc:
        fail(str(exc))
    click.echo(f"Created {user.email} ({user.role}).")


@click.command("create-token")
@with_appcontext
@click.argument("email")
@click.option("--name", default="command line", show_default=True, help="What the token is for.")
def create_token(email: str, name: str) -> None:
    """Create an API token for an account; the token alone is printed on the last line."""
    from registry.services import tokens

    ctx = context_for(None)
    user = accounts.find_by_email(ctx.session, email.strip())
    if user is None:
        fail(f"No account with the e-mail address {email.strip()}.")
    try:
        token, plaintext = tokens.create_token(ctx, user, name)
    except ServiceError as exc:
        fail(str(exc))
    click.echo(f'API token "{token.name}" created for {user.email} ({user.role}).')
    click.echo("Copy it now: it is stored hashed and will not be shown again.")
    click.echo(plaintext)


@click.command("flag-unanswered")
@with_appcontext
@click.option("--as-of", "as_of", metavar="YYYY-MM-DD", help="Flag as of this day (default today).")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list instead of a table.")
def flag_unanswered(as_of: str | None, as_json: bool) -> None:
    """Print the open requests that are overdue, due soon, or not contacted."""

    day = parse_day(as_of)
    rows = listings.flagged(context_for(None, today=day), as_of=day)
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


@click.command("import-handles")
@with_appcontext
@click.argument("csv_file", metavar="FILE.csv")
@click.option("--dry-run", is_flag=True, help="Check the file and report, saving nothing.")
def import_handles(csv_file: str, dry_run: bool) -> None:
    """Create or update handles from a CSV file; nothing is saved if any line is wrong.

    Columns: platform, handle, brand, holder_kind, holder_name, status, followers, notes.
    FILE.csv may be "-" for standard input."""
    try:
        if csv_file == "-":
            data = sys.stdin.buffer.read()
        else:
            with open(csv_file, "rb") as stream:
                data = stream.read()
    except OSError as exc:
        fail(f"Cannot read {csv_file}: {exc.strerror}.")
    try:
        report = csv_import.import_handles(
            context_for(None, today=home_today()), data, dry_run=dry_run
        )
    except ServiceError as exc:
        fail(f"Nothing imported: {exc}")
    if report.refused:
        for problem in report.problems:
            click.echo(str(problem), err=True)
        fail(f"{report.summary()} {csv_file} was refused; fix the lines above.")
    if not dry_run:
        db.refresh_statistics(db.engine())
    click.echo(report.summary())


@click.command("export-handles")
@with_appcontext
@click.option(
    "-o", "--output", metavar="FILE", help="Write the CSV to FILE instead of standard output."
)
@click.option(
    "--as-of", "as_of", metavar="YYYY-MM-DD", help="Flags as of this day (default today)."
)
def export_handles(output: str | None, as_of: str | None) -> None:
    """Write the registry as CSV, one handle a line, ordered by platform then handle.

    Written a chunk of rows at a time (flat memory); a file is written beside its name and
    renamed when complete, so a failed export never leaves half a file under that name."""
    day = parse_day(as_of)
    chunks = csv_export.export_lines(context_for(None, today=day), as_of=day)
    if output is None:
        for chunk in chunks:
            click.echo(chunk, nl=False)
        return
    partial = f"{output}.part"
    rows = -1  # the header
    try:
        with open(partial, "w", encoding="utf-8", newline="") as stream:
            for chunk in chunks:
                stream.write(chunk)
                rows += chunk.count("\r\n")  # csv ends each row with CRLF, quoted breaks are LF
        os.replace(partial, output)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.remove(partial)
        fail(f"Cannot write {output}: {exc.strerror}.")
    click.echo(f"Exported {rows} handle{'' if rows == 1 else 's'} to {output}.")


@click.command("gen-data")
@with_appcontext
@click.option("--handles", "n_handles", type=click.IntRange(0), default=10_000, show_default=True)
@click.option("--brands", "n_brands", type=click.IntRange(0), default=100, show_default=True)
@click.option("--requests", "n_requests", type=click.IntRange(0), default=2_000, show_default=True)
@click.option("--attempts", "n_attempts", type=click.IntRange(0), default=20_000, show_default=True)
@click.option("--seed", type=int, default=1, show_default=True, help="Same seed, same data.")
@click.option(
    "--today", metavar="YYYY-MM-DD", help="The last day of the data (default today; not later)."
)
def gen_data(
    n_handles: int, n_brands: int, n_requests: int, n_attempts: int, seed: int, today: str | None
) -> None:
    """Fill an empty registry with realistic synthetic data, written in bulk (benchmarks).

    Run init-db first; a registry that already has handles or brands is refused."""
    from registry.fixtures import synthetic
    from registry.services.unit import WRITE_OPTIONS

    day = home_today()
    if today:
        try:
            day = limits.check_day(date.fromisoformat(today), field="today")
        except limits.OutOfRange as exc:  # a ValueError too: caught first
            fail(f"--today: {exc}")
        except ValueError:
            fail(f'--today expects a date as YYYY-MM-DD, not "{today}".')
        if day > home_today():
            fail(f"--today cannot be in the future ({day.isoformat()}).")
    sizes = synthetic.Sizes(n_handles, n_brands, n_requests, n_attempts)
    started = time.perf_counter()
    try:
        with db.engine().connect() as connection:
            connection.execution_options(**WRITE_OPTIONS)  # SQLite: BEGIN IMMEDIATE
            with connection.begin():
                written = synthetic.generate(
                    connection,
                    sizes=sizes,
                    seed=seed,
                    today=day,
                    policy=clock_policy(),
                )
    except (synthetic.NotEmpty, synthetic.NotInitialised, synthetic.TooFewHandles) as exc:
        fail(str(exc))
    db.refresh_statistics(db.engine())
    seconds = time.perf_counter() - started
    names = (
        ("brand", "brands"),
        ("contact_point", "contact points"),
        ("user_account", "members"),
        ("handle", "handles"),
        ("lookalike_key", "lookalike keys"),
        ("custody_record", "custody records"),
        ("transfer_request", "transfer requests"),
        ("contact_attempt", "contact attempts"),
        ("audit_entry", "audit entries"),
    )
    counts = ", ".join(f"{written[table]:,} {label}" for table, label in names)
    click.echo(f"Wrote {counts} in {seconds:.1f} s (seed {seed}, up to {day.isoformat()}).")


@click.command("remind-handovers")
@with_appcontext
@click.option(
    "--as-of", "as_of", metavar="YYYY-MM-DD", help="Remind as of this day (default today)."
)
@click.option("--dry-run", is_flag=True, help="Print who would be reminded, sending nothing.")
def remind_handovers(as_of: str | None, dry_run: bool) -> None:
    """E-mail the parties of every handover whose window starts within the next business day
    (once per plan). Meant to run daily from cron or a scheduler."""
    from registry.adapters import mail
    from registry.jobs import reminders

    day = parse_day(as_of)
    ctx = context_for(None, today=day)
    moment = ctx.now
    if as_of:
        # As of a given day: the start of that day in the registry's home zone.
        moment = datetime.combine(day, datetime.min.time(), ZoneInfo(DEFAULT_TIMEZONE))
    due = handover_deadlines.reminders_due(ctx.at(moment), as_of=day)
    if not due:
        click.echo(f"No handover window to remind as of {day.isoformat()}.")
        return
    sent = 0
    for reminder in due:
        outgoing = reminders.messages_for([reminder])
        label = f"#{reminder.request.id} @{reminder.handle.handle} ({reminder.platform.slug})"
        if dry_run:
            click.echo(f"{label}: would remind {len(outgoing)} member(s).")
            continue
        try:
            for message in outgoing:
                mail.send(message.mail)
        except mail.MailNotSent as exc:
            fail(f"Sending the reminder of {label} failed: {exc}")
        assert reminder.plan.id is not None  # a stored plan has its id
        handover_deadlines.mark_reminded(ctx.at(datetime.now(UTC)), reminder.plan.id)
        sent += len(outgoing)
        click.echo(f"{label}: reminded {len(outgoing)} member(s).")
    if not dry_run:
        click.echo(f"{sent} reminder(s) sent for {len(due)} handover(s).")


@click.command("verify")
@with_appcontext
def verify_command() -> None:
    """Check the audit trail's hash chain: exits non-zero naming the first entry changed,
    removed or reordered since it was written."""
    from registry.adapters import db
    from registry.services import audit_chain

    verified = audit_chain.verify(db.session())
    if verified.problem is not None:
        fail(
            f"Audit trail broken at {verified.problem} ({verified.entries} entries hold before it)."
        )
    click.echo(f"Audit trail: {verified.entries} entries, the chain holds.")


@click.command("raise-flags")
@with_appcontext
@click.option(
    "--as-of", "as_of", metavar="YYYY-MM-DD", help="Flags as of this day (default today)."
)
def raise_flags(as_of: str | None) -> None:
    """Tell of the requests that became overdue, due soon or not contacted (`flag.raised`:
    each flag once per due date, to the brand's legal team and the webhooks). The worker
    does it each hour; run it by hand after an import or a change of holidays."""
    from registry.services import flag_events

    day = parse_day(as_of)
    raised = flag_events.raise_flags(context_for(None, today=day), as_of=day)
    click.echo(f"{raised} flag(s) raised as of {day.isoformat()}.")


@click.command("notify-overdue")
@with_appcontext
@click.option(
    "--as-of", "as_of", metavar="YYYY-MM-DD", help="Flags as of this day (default today)."
)
@click.option("--dry-run", is_flag=True, help="Print who would get what, sending nothing.")
def notify_overdue(as_of: str | None, dry_run: bool) -> None:
    """E-mail each staff member, admin and brand's legal account one digest of the requests
    that became overdue or due soon (each request once per flag; members may turn it off on
    their profile). Meant to run daily from cron, or as NOTIFY_OVERDUE_DAILY's job."""
    from registry.jobs import digests

    day = parse_day(as_of)
    sent = notices = 0
    failed = []
    try:
        ctx = context_for(None, today=day)
        for delivery in digests.deliver(ctx, as_of=day, dry_run=dry_run):
            member, count = delivery.digest.recipient.email, len(delivery.digest.items)
            if delivery.dry_run:
                click.echo(f"{member} ({delivery.language}): would list {count} request(s).")
            elif delivery.error:
                failed.append(member)
                click.echo(f"{member}: not sent: {delivery.error}", err=True)
            else:
                sent, notices = sent + 1, notices + count
                click.echo(f"{member} ({delivery.language}): sent {count} request(s).")
    except digests.NoMailServer as exc:
        fail(str(exc))
    if failed:
        fail(
            f"{len(failed)} digest(s) not sent ({', '.join(failed)}); {sent} sent. "
            "Run again to retry: only what was sent is recorded."
        )
    if dry_run:
        click.echo(f"Dry run as of {day.isoformat()}: nothing sent, nothing recorded.")
    elif sent == 0:
        click.echo(f"No new overdue or due-soon request to notify as of {day.isoformat()}.")
    else:
        click.echo(f"{sent} digest(s) sent, {notices} notice(s) recorded as of {day.isoformat()}.")


@click.command("reindex-lookalikes")
@with_appcontext
@click.option("--check", is_flag=True, help="Only report the handles the index has wrong.")
def reindex_lookalikes(check: bool) -> None:
    """Rebuild the index the lookalike search reads (after an update of confusables.txt or
    of the folds), in one transaction; --check changes nothing and fails if it is wrong."""
    from registry.services import lookalike_index
    from registry.services.unit import WRITE_OPTIONS

    started = time.perf_counter()
    with db.engine().connect() as connection:
        if check:
            wrong = lookalike_index.handles_out_of_index(connection)
            if wrong:
                fail(f"{len(wrong):,} handle(s) out of the lookalike index, e.g. id {wrong[0]}.")
            click.echo("The lookalike index is right.")
            return
        connection.execution_options(**WRITE_OPTIONS)  # SQLite: BEGIN IMMEDIATE
        with connection.begin():
            keys = lookalike_index.rebuild_index(connection)
    seconds = time.perf_counter() - started
    click.echo(f"Wrote {keys:,} lookalike keys in {seconds:.1f} s.")


# A mail server (Postfix's pipe, Exim's transport, procmail) retries a delivery when its
# command exits with EX_TEMPFAIL (sysexits.h), rather than bouncing the message.
EX_TEMPFAIL = 75


def _received_line(received) -> str:
    if received.status == "duplicate":
        return f"duplicate: message {received.mail_id} was received before; nothing added."
    if received.status == "matched":
        return (
            f"matched: request #{received.request_id}, logged as {received.outcome} "
            f"(attempt {received.attempt_id})."
        )
    reason = f" ({received.problem})" if received.problem else ""
    return f"unmatched: message {received.mail_id} waits on /mail/unmatched{reason}."


@click.command("receive-mail")
@with_appcontext
def receive_mail() -> None:
    """Receive one RFC 5322 message on standard input (for a mail server's pipe): kept,
    matched to its request and logged, or left for staff on /mail/unmatched. Exits 75
    (try again later) when the database cannot be reached, so the mail server retries."""
    from sqlalchemy.exc import OperationalError

    from registry.services import mail_intake

    raw = sys.stdin.buffer.read()
    if not raw.strip():
        fail("No message on standard input.")
    try:
        received = mail_intake.receive_mail(context_for(None), raw)
    except OperationalError as exc:
        click.echo(f"The registry's database cannot be reached: {exc.orig}", err=True)
        sys.exit(EX_TEMPFAIL)
    except ServiceError as exc:
        fail(str(exc))
    click.echo(_received_line(received))


LARGE_MAILBOX = 500  # from this many messages a progress bar even when no one watches


@click.command("fetch-mail")
@with_appcontext
@click.option("--folder", help="The folder to read (default: IMAP_URL's own, else INBOX).")
@click.option(
    "--processed-folder",
    default="",
    help="Where each message received is moved, made when missing (default: "
    "IMAP_PROCESSED_FOLDER, else Processed).",
)
@click.option(
    "--batch",
    type=click.IntRange(1, 5_000),
    default=200,
    show_default=True,
    help="Messages read from the server at a time.",
)
def fetch_mail(folder: str | None, processed_folder: str, batch: int) -> None:
    """Receive the new messages of the mailbox IMAP_URL names, each matched to its request or
    left in the unmatched mail, and move each to the processed folder.

    Safe to run again and to interrupt: a message is moved only once received, and a message
    received before is not stored twice."""
    from sqlalchemy.exc import OperationalError

    from registry.adapters import imap
    from registry.services import mail_intake

    url = current_app.config.get("IMAP_URL", "")
    if not url:
        fail("IMAP_URL is not set (imap://user:password@host/INBOX or imaps://…:993/INBOX).")
    processed = processed_folder or current_app.config.get("IMAP_PROCESSED_FOLDER", "Processed")
    statuses: Counter[str] = Counter()

    def receive(raw: bytes) -> None:
        # A context for each message: its `now` is when that message was received.
        received = mail_intake.receive_mail(context_for(None), raw)
        statuses[received.status] += 1

    try:
        with contextlib.ExitStack() as bars:
            report = imap.fetch(
                url,
                receive,
                folder=folder,
                processed_folder=processed,
                batch=batch,
                progress=_mail_progress(bars),
                fatal=(OperationalError,),
            )
    except imap.MailboxError as exc:
        fail(str(exc))
    except OperationalError as exc:
        fail(f"The database did not answer ({exc.orig}); the messages left stay in the mailbox.")
    click.echo(
        f"Read {report.seen} message{'' if report.seen == 1 else 's'}: "
        f"{statuses['matched']} matched, {statuses['unmatched']} unmatched, "
        f"{statuses['duplicate']} received before; {report.moved} moved to {processed}."
    )
    for failure in report.failures:
        click.echo(f"Message UID {failure.uid} not received: {failure.reason}", err=True)
    if report.failed:
        fail(
            f"{report.failed} message{'' if report.failed == 1 else 's'} could not be received "
            "and stay in the mailbox (see above); the next run tries them again."
        )


def _mail_progress(bars: contextlib.ExitStack) -> Callable[[int, int], None]:
    """A progress bar over the messages, made once their number is known: for someone
    watching, or for a large mailbox."""
    bar: ProgressBar[int] | None = None
    decided = False

    def progress(done: int, total: int) -> None:
        nonlocal bar, decided
        if not decided:
            decided = True
            if total and (sys.stdout.isatty() or total >= LARGE_MAILBOX):
                bar = bars.enter_context(click.progressbar(length=total, label="Receiving mail"))
        if bar is not None:
            bar.update(done - bar.pos)

    return progress

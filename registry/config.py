"""Settings read from the environment, with defaults that work on a laptop."""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path

from registry.domain import clock, escalation, handover, limits

# A remembered login lasts at most this long (issue 10: "at most 30 days").
MAX_REMEMBER_DAYS = 30


def _secret_key(instance_path: Path) -> str:
    """Keep one generated key per instance so sessions survive restarts without a repo secret."""
    key_file = instance_path / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    key = secrets.token_hex(32)
    key_file.write_text(key)
    key_file.chmod(0o600)
    return key


def _flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name, "").strip().lower()
    if not value:
        return default
    return value in ("1", "true", "yes", "on")


def _number(name: str, default: int) -> int:
    """A whole-number setting from the environment, else its default."""
    return int(os.environ.get(name, default))


def _proxies() -> int:
    """BEHIND_PROXY=1 (or the number of proxies in front): trust that many X-Forwarded-*
    hops. Unset or 0: trust none, since anybody can send those headers."""
    value = os.environ.get("BEHIND_PROXY", "").strip().lower()
    if value in ("", "0", "false", "no", "off"):
        return 0
    if value in ("true", "yes", "on"):
        return 1
    return max(0, int(value))


def from_environment(instance_path: Path) -> dict:
    instance_path.mkdir(parents=True, exist_ok=True)
    secure = _flag("SESSION_COOKIE_SECURE")
    remember_days = min(int(os.environ.get("REMEMBER_DAYS", MAX_REMEMBER_DAYS)), MAX_REMEMBER_DAYS)
    return {
        "DATABASE_URL": os.environ.get("DATABASE_URL")
        or f"sqlite:///{instance_path / 'registry.db'}",
        "SECRET_KEY": os.environ.get("SECRET_KEY") or _secret_key(instance_path),
        # The defaults are the rules' own (registry.domain), so that a setting left unset and
        # the figure the domain, the forms and the help page fall back on are one number.
        "REPLY_DEADLINE_DAYS": _number("REPLY_DEADLINE_DAYS", clock.DEFAULT_DEADLINE_DAYS),
        "DEFAULT_COUNTRY": os.environ.get("DEFAULT_COUNTRY", clock.DEFAULT_COUNTRY),
        # No new request on a handle this many days after its handover (DESIGN "Handover").
        "HANDOVER_LOCK_DAYS": _number("HANDOVER_LOCK_DAYS", handover.DEFAULT_LOCK_DAYS),
        # Unanswered attempts through one channel before the next rung is suggested.
        "ESCALATE_AFTER": _number("ESCALATE_AFTER", escalation.DEFAULT_ESCALATE_AFTER),
        "PAGE_SIZE": _number("PAGE_SIZE", limits.PAGE_SIZE),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        # Behind a TLS proxy: SESSION_COOKIE_SECURE=1 (the remember cookie follows it) and
        # BEHIND_PROXY=1, so that the site sees https and the client's address.
        "SESSION_COOKIE_SECURE": secure,
        "REMEMBER_COOKIE_SECURE": _flag("REMEMBER_COOKIE_SECURE", secure),
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_DURATION": timedelta(days=max(1, remember_days)),
        "BEHIND_PROXY": _proxies(),
        # Login and sign-up limits (Flask-Limiter), counted where every worker and server of
        # the site sees the same counts: by default in the site's own database (database://,
        # registry.adapters.rate_limits); redis://host:6379/0 for Redis. memory:// counts in
        # each worker alone, so only a single-process server may use it.
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI", "database://"),
        # Always said: Flask-Limiter's one limiter would otherwise keep what the last app said.
        "RATELIMIT_ENABLED": _flag("RATELIMIT_ENABLED", True),
        "RATELIMIT_HEADERS_ENABLED": True,
        "LOGIN_LIMIT_PER_ACCOUNT": os.environ.get("LOGIN_LIMIT_PER_ACCOUNT", "5 per minute"),
        "LOGIN_LIMIT_PER_ADDRESS": os.environ.get("LOGIN_LIMIT_PER_ADDRESS", "30 per minute"),
        "SIGNUP_LIMIT_PER_ADDRESS": os.environ.get("SIGNUP_LIMIT_PER_ADDRESS", "10 per hour"),
        "SIGNUP_LIMIT_PER_ACCOUNT": os.environ.get("SIGNUP_LIMIT_PER_ACCOUNT", "3 per hour"),
        # The site's address as its readers know it (https://registry.example.org): links in
        # e-mails are built on it rather than on the Host header a request claims.
        "PUBLIC_URL": os.environ.get("PUBLIC_URL", ""),
        # E-mail (sign-up confirmations, notices): smtp://user:password@host:587 (STARTTLS)
        # or smtps://host:465. Unset: messages are written to the log instead of being sent.
        "SMTP_URL": os.environ.get("SMTP_URL", ""),
        "MAIL_FROM": os.environ.get("MAIL_FROM", "Handle Registry <no-reply@localhost>"),
        # Correspondence (DESIGN.md): letters carry Reply-To reply+TOKEN@MAIL_REPLY_DOMAIN,
        # a domain whose mail reaches IMAP_URL (imap://user:password@host/INBOX, read by
        # `registry fetch-mail`) or a pipe to `registry receive-mail`. Unset: no letters.
        "MAIL_REPLY_DOMAIN": os.environ.get("MAIL_REPLY_DOMAIN", ""),
        "IMAP_URL": os.environ.get("IMAP_URL", ""),
        "IMAP_PROCESSED_FOLDER": os.environ.get("IMAP_PROCESSED_FOLDER", "Processed"),
        # A message larger than this is kept whole but not read: it waits for staff.
        "MAX_MAIL_MB": float(os.environ.get("MAX_MAIL_MB", "25")),
        # The authserv-id of the receiving server's Authentication-Results (RFC 8601), so a
        # verdict a sender wrote into its own message is not believed; unset: the topmost.
        "MAIL_AUTHSERV_ID": os.environ.get("MAIL_AUTHSERV_ID", ""),
        # Webhooks (DESIGN.md "Notifications") are never sent to a loopback, private,
        # link-local or other non-public address, checked at registration and before each
        # delivery, unless WEBHOOK_ALLOW_PRIVATE=1 (a registry inside a company's network).
        "WEBHOOK_ALLOW_PRIVATE": _flag("WEBHOOK_ALLOW_PRIVATE"),
        # The embedded job queue's file (registry.jobs; REDIS_URL puts the queue in Redis):
        # in the instance folder, so the site and its worker (`huey_consumer
        # registry.worker.huey`, which builds the same app) share it wherever they start.
        "JOBS_DB": os.environ.get("JOBS_DB") or str(instance_path / "jobs.sqlite3"),
        # The largest upload is a CSV import (limits.IMPORT_FILE_MAX_MB), in its form.
        "MAX_CONTENT_LENGTH": limits.FORM_BODY_MAX,
    }

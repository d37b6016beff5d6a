"""Settings read from the environment, with defaults that work on a laptop."""

from __future__ import annotations

import os
import secrets
from pathlib import Path


def _secret_key(instance_path: Path) -> str:
    """Keep one generated key per instance so sessions survive restarts without a repo secret."""
    key_file = instance_path / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    key = secrets.token_hex(32)
    key_file.write_text(key)
    key_file.chmod(0o600)
    return key


def from_environment(instance_path: Path) -> dict:
    instance_path.mkdir(parents=True, exist_ok=True)
    return {
        "DATABASE_URL": os.environ.get("DATABASE_URL")
        or f"sqlite:///{instance_path / 'registry.db'}",
        "SECRET_KEY": os.environ.get("SECRET_KEY") or _secret_key(instance_path),
        "REPLY_DEADLINE_DAYS": int(os.environ.get("REPLY_DEADLINE_DAYS", "10")),
        "DEFAULT_COUNTRY": os.environ.get("DEFAULT_COUNTRY", "FR"),
        "PAGE_SIZE": int(os.environ.get("PAGE_SIZE", "25")),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        # The largest upload is a 5 MB CSV import; allow for the form around it.
        "MAX_CONTENT_LENGTH": 6 * 1024 * 1024,
    }

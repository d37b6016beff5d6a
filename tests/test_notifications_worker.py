"""Notifications through a real worker: a change committed in one process is dispatched by
`huey_consumer` in another, with the queue embedded (its SQLite file) and on Redis — the
path the site runs, where jobs never run inside the member's request."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sqlalchemy

from tests.web.test_rate_limit_redis import redis_url  # noqa: F401 (a fixture)

ROOT = Path(__file__).resolve().parent.parent
MAKE_AN_OFFER = """
import json
from datetime import date
from registry import create_app, jobs
from tests.factories import Factories
app = create_app()
assert not jobs.huey.immediate  # the site's way: queued, not run in the request
make = Factories(app)
brand = make.brand("Gallimard")
legal = make.user("legal", brand_slug="gallimard")
request = make.offer("gallimard_fan", brand, opened_on=date(2026, 3, 2))
print(json.dumps({"legal": legal.id, "request": request.id}))
"""


def _env(tmp_path, queue: dict) -> dict:
    return {
        **{k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "JOBS_DB")},
        "DATABASE_URL": os.environ.get("DATABASE_URL") or f"sqlite:///{tmp_path / 'r.db'}",
        "SECRET_KEY": "notifications-worker-test",
        "PYTHONPATH": str(ROOT),
        **queue,
    }


def _fresh_database(env: dict, tmp_path) -> None:
    if env["DATABASE_URL"].startswith("postgresql"):
        engine = sqlalchemy.create_engine(env["DATABASE_URL"])
        with engine.begin() as connection:
            connection.execute(sqlalchemy.text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        engine.dispose()
    registry = Path(sys.executable).parent / "registry"
    subprocess.run([str(registry), "init-db"], env=env, check=True, cwd=tmp_path)


def _told(url: str) -> list[tuple]:
    engine = sqlalchemy.create_engine(url)
    try:
        with engine.connect() as connection:
            return [
                tuple(row)
                for row in connection.execute(
                    sqlalchemy.text(
                        "SELECT n.user_id, n.topic, e.kind FROM notification n "
                        "JOIN event e ON e.id = n.event_id ORDER BY n.id"
                    )
                )
            ]
    finally:
        engine.dispose()


def dispatched_by_a_worker(tmp_path, queue: dict) -> None:
    env = _env(tmp_path, queue)
    _fresh_database(env, tmp_path)
    offer = subprocess.run(
        [sys.executable, "-c", MAKE_AN_OFFER],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert offer.returncode == 0, offer.stderr[-2000:]
    made = json.loads(offer.stdout.splitlines()[-1])
    # Committed, queued, and told to nobody yet: no worker runs.
    assert _told(env["DATABASE_URL"]) == []
    worker = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "huey_consumer"),
            "registry.worker.huey",
            "--workers=1",
            "--max-delay=1",
        ],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 60
        told: list[tuple] = []
        while time.monotonic() < deadline and not told:
            time.sleep(0.3)
            told = _told(env["DATABASE_URL"])
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        worker.wait(timeout=30)
    assert told == [(made["legal"], "new_offer", "request.created")]


def test_a_worker_on_the_embedded_queue_dispatches_what_the_site_committed(tmp_path):
    dispatched_by_a_worker(tmp_path, {"JOBS_DB": str(tmp_path / "jobs.sqlite3")})


@pytest.mark.redis
def test_a_worker_on_redis_dispatches_what_the_site_committed(tmp_path, redis_url):  # noqa: F811
    dispatched_by_a_worker(tmp_path, {"REDIS_URL": redis_url})
    assert not (tmp_path / "instance" / "jobs.sqlite3").exists()

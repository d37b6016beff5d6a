"""The log-in limits hold with several workers: a real gunicorn with 4 worker processes on a
loopback port, its default settings (the counters in the site's database, or in Redis when
RATELIMIT_STORAGE_URI says so). Attempt N+1 is refused, exactly, whichever worker takes it,
and of attempts sent at the same time no more than N reach the password check.

(With counters in each worker's memory, the per-account limit of 5 tripped at the 14th
attempt with 4 workers, and 40 attempts from one address never got a 429.)"""

from __future__ import annotations

import http.cookiejar
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.web.test_rate_limit_redis import redis_url  # noqa: F401 (a fixture)

WORKERS = 4
PER_ACCOUNT = 5  # config: LOGIN_LIMIT_PER_ACCOUNT, "5 per minute"
PER_ADDRESS = 30  # config: LOGIN_LIMIT_PER_ADDRESS, "30 per minute"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def fresh_database(tmp_path: Path) -> str:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgresql"):
        return f"sqlite:///{tmp_path / 'registry.db'}"
    import sqlalchemy

    engine = sqlalchemy.create_engine(url)
    with engine.begin() as connection:
        connection.execute(sqlalchemy.text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    engine.dispose()
    return url


class Site:
    """A browser of the site: one cookie jar, so the CSRF token of its session is sent back."""

    def __init__(self, base: str):
        self.base = base
        jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(jar), NoRedirect()
        )
        page = self.opener.open(base + "/login", timeout=30).read().decode()
        found = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
        assert found, "no CSRF token on the log-in page"
        self.token = found.group(1)

    def log_in(self, email: str, *, address: str, password: str = "not the one!!") -> int:
        """A log-in from `address` (the site is told it through X-Forwarded-For, as from
        its proxy: BEHIND_PROXY=1)."""
        body = urllib.parse.urlencode(
            {"csrf_token": self.token, "email": email, "password": password}
        ).encode()
        attempt = urllib.request.Request(
            self.base + "/login", data=body, headers={"X-Forwarded-For": address}
        )
        try:
            with self.opener.open(attempt, timeout=30) as answer:
                return answer.status
        except urllib.error.HTTPError as error:
            return error.code


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *_args, **_kwargs):
        return None


@pytest.fixture
def gunicorn(tmp_path):
    """Start gunicorn on the app (`registry:create_app()`) with 4 workers; yields a function
    taking the environment's extra settings and returning the site's address."""
    bin_dir = Path(sys.executable).parent
    started = []

    def start(**settings: str) -> str:
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("RATELIMIT_")},
            "DATABASE_URL": fresh_database(tmp_path),
            "SECRET_KEY": "workers-test",
            "JOBS_DB": str(tmp_path / "jobs.sqlite3"),
            "BEHIND_PROXY": "1",
            **settings,
        }
        subprocess.run([str(bin_dir / "registry"), "init-db"], env=env, check=True, cwd=tmp_path)
        port = free_port()
        log = tmp_path / "access.log"
        process = subprocess.Popen(
            [
                str(bin_dir / "gunicorn"),
                "--workers",
                str(WORKERS),
                "--bind",
                f"127.0.0.1:{port}",
                "--access-logfile",
                str(log),
                "--access-logformat",
                "%(p)s %(m)s %(U)s %(s)s",
                "registry:create_app()",
            ],
            env=env,
            cwd=tmp_path,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        started.append(process)
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(base + "/healthz", timeout=5).close()
                break
            except OSError:
                time.sleep(0.2)
        else:
            pytest.fail("gunicorn did not start")
        time.sleep(1)  # every worker booted: the first answer came from one of them
        return base

    yield start
    for process in started:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)


def workers_that_answered(tmp_path: Path) -> set[str]:
    lines = (tmp_path / "access.log").read_text().splitlines()
    return {line.split()[0] for line in lines if " POST /login " in line}


def check_limits_are_exact(base: str, tmp_path: Path) -> None:
    site = Site(base)
    # Per account, whatever the address: wrong passwords for one e-mail, from a new address
    # each time.
    statuses = [
        site.log_in("target@example.org", address=f"198.51.100.{n}")
        for n in range(1, PER_ACCOUNT + 2)
    ]
    assert statuses == [422] * PER_ACCOUNT + [429], statuses
    # Per address: one address naming a new e-mail each time (no account limit trips).
    statuses = [
        site.log_in(f"someone{n}@example.org", address="203.0.113.7")
        for n in range(PER_ADDRESS + 1)
    ]
    assert statuses == [422] * PER_ADDRESS + [429], statuses
    assert site.log_in("someone.else@example.org", address="203.0.113.8") == 422
    # At the same time: 20 attempts at once on another account, from 20 addresses, then
    # 40 at once from one address: still no more than the limit reach the password check.
    with ThreadPoolExecutor(max_workers=20) as pool:
        statuses = list(
            pool.map(
                lambda n: site.log_in("second.target@example.org", address=f"192.0.2.{n}"),
                range(1, 21),
            )
        )
        assert sorted(statuses) == [422] * PER_ACCOUNT + [429] * (20 - PER_ACCOUNT), statuses
        statuses = list(
            pool.map(
                lambda n: site.log_in(f"burst{n}@example.org", address="203.0.113.99"),
                range(PER_ADDRESS + 10),
            )
        )
        assert sorted(statuses) == [422] * PER_ADDRESS + [429] * 10, statuses
    # Counted across workers, not by luck: the attempts went to several of them (one after
    # the other, a loaded machine may hand them all to one; 60 at once spread them).
    assert len(workers_that_answered(tmp_path)) > 1, "one worker took every attempt"


def test_the_login_limits_are_exact_with_four_workers_on_the_default_settings(tmp_path, gunicorn):
    check_limits_are_exact(gunicorn(), tmp_path)


@pytest.mark.redis
def test_the_login_limits_are_exact_with_four_workers_counting_in_redis(
    tmp_path,
    gunicorn,
    redis_url,  # noqa: F811
):
    check_limits_are_exact(gunicorn(RATELIMIT_STORAGE_URI=redis_url), tmp_path)


def test_hits_counted_at_once_by_many_connections_are_never_lost(app):
    """The database storage's increment is one atomic statement: 8 threads, each on its own
    connection, adding 25 hits each to one counter, leave exactly 200."""
    from registry.adapters.rate_limits import DatabaseStorage

    storage = DatabaseStorage("database://")

    def hit_25_times(_n: int) -> None:
        with app.app_context():
            for _ in range(25):
                storage.incr("LIMITER/account:target@example.org/login", 60)

    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(hit_25_times, range(8)))
    with app.app_context():
        assert storage.get("LIMITER/account:target@example.org/login") == 200
        assert storage.get("LIMITER/another") == 0
        storage.clear("LIMITER/account:target@example.org/login")
        assert storage.get("LIMITER/account:target@example.org/login") == 0


def test_a_counter_starts_again_once_its_window_ended(app):
    from registry.adapters.rate_limits import DatabaseStorage

    storage = DatabaseStorage("database://")
    long_key = "LIMITER/account:" + "x" * 300 + "@example.org/login"  # beyond the column
    with app.app_context():
        assert [storage.incr(long_key, 1) for _ in range(3)] == [1, 2, 3]
        assert storage.get(long_key[:-1]) == 0  # another long key: its own counter
        time.sleep(1.1)
        assert storage.get(long_key) == 0
        assert storage.incr(long_key, 1) == 1

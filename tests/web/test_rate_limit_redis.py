"""With RATELIMIT_STORAGE_URI=redis://..., the log-in limits count in Redis, so that several
servers share them: a server started after the wrong passwords still refuses the next one.
(With the default memory:// storage each server counts alone, from zero when it starts.)

Needs `redis-server` (Debian package redis); without it the test skips, except in CI."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time

import pytest

from tests.conftest import make_test_app

pytestmark = pytest.mark.redis


@pytest.fixture
def redis_url(tmp_path):
    server = shutil.which("redis-server")
    if server is None:
        pytest.skip("needs redis-server: apt-get install redis")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen(
        [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        with socket.socket() as attempt:
            if attempt.connect_ex(("127.0.0.1", port)) == 0:
                break
        time.sleep(0.05)
    else:
        process.kill()
        pytest.fail("redis-server did not start")
    yield f"redis://127.0.0.1:{port}/0"
    process.terminate()
    process.wait(timeout=10)


def wrong_password(app, email="target@example.org"):
    return app.test_client().post("/login", data={"email": email, "password": "not the one!!"})


def test_the_limits_are_shared_through_redis(tmp_path, redis_url):
    import redis

    (tmp_path / "one").mkdir()
    (tmp_path / "two").mkdir()
    first = make_test_app(tmp_path / "one", RATELIMIT_STORAGE_URI=redis_url)
    try:
        assert [wrong_password(first).status_code for _ in range(5)] == [422] * 5
        assert redis.Redis.from_url(redis_url).keys("LIMITS*"), "nothing counted in Redis"
    finally:
        first.extensions["registry.engine"].dispose()
    # Another server (a new app, its limiter bound afresh) sees the same counts.
    second = make_test_app(tmp_path / "two", RATELIMIT_STORAGE_URI=redis_url)
    try:
        assert wrong_password(second).status_code == 429
        assert wrong_password(second, "someone.else@example.org").status_code == 422
    finally:
        second.extensions["registry.engine"].dispose()

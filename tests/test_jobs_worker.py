"""The job path with a real worker: `huey_consumer` imports 20,000 rows in the background
while another process reads the job's progress, as the import page does. (Enough to see the
lines checked, then the batches of WRITE_BATCH written, while it runs; how 100,000 rows and
more import is measured by `make bench`, not here.)"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.web.test_rate_limit_redis import redis_url  # noqa: F401 (a fixture)

ROOT = Path(__file__).resolve().parent.parent
ROWS = 20_000
ENQUEUE_AND_FOLLOW = """
import json, sys, time
from datetime import date
from registry import create_app, jobs
app = create_app()
data = open(sys.argv[1], "rb").read()
job_id = jobs.start_import(data, actor_id=None, today=date(2026, 3, 2), dry_run=False)
deadline = time.monotonic() + 600
while time.monotonic() < deadline:
    job = jobs.import_job(job_id)
    print(json.dumps(job.progress()), flush=True)
    if job.done:
        report = job.report
        print(json.dumps({"final": job.state, "created": report.created if report else None}))
        break
    time.sleep(0.05)
"""


def test_a_20000_row_import_runs_in_the_worker_and_its_progress_shows_while_it_runs(tmp_path):
    import_through_a_worker(tmp_path, {"JOBS_DB": str(tmp_path / "jobs.sqlite3")}, ROWS)


@pytest.mark.redis
def test_with_redis_url_the_jobs_and_their_progress_go_through_redis(tmp_path, redis_url):  # noqa: F811
    import_through_a_worker(tmp_path, {"REDIS_URL": redis_url}, ROWS)
    assert not (tmp_path / "instance" / "jobs.sqlite3").exists()  # nothing in the SQLite store


WHERE_THE_QUEUE_IS = """
import json, sys
from registry import create_app, jobs
app = create_app()
if sys.argv[1] == "worker":
    import registry.worker  # what `huey_consumer registry.worker.huey` loads
    queue = registry.worker.huey
else:
    queue = jobs.huey
print(json.dumps({"instance": app.instance_path, "queue": queue.storage.filename}))
"""


def test_the_queue_is_in_the_apps_instance_folder_whatever_folder_the_process_starts_in(
    tmp_path,
):
    env = {
        **{k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "JOBS_DB")},
        "DATABASE_URL": f"sqlite:///{tmp_path / 'r.db'}",
        "SECRET_KEY": "queue-test",
    }
    found = {}
    for process in ("site", "worker"):
        done = subprocess.run(
            [sys.executable, "-c", WHERE_THE_QUEUE_IS, process],
            env=env,
            cwd=tmp_path,  # a folder of its own: no instance/ here
            capture_output=True,
            text=True,
            check=True,
        )
        found[process] = json.loads(done.stdout.splitlines()[-1])
    instance = Path(found["site"]["instance"])
    assert found["site"]["queue"] == str(instance / "jobs.sqlite3")
    assert found["worker"]["queue"] == found["site"]["queue"]  # the worker finds the same file
    assert not (tmp_path / "instance").exists()
    # JOBS_DB still chooses another file, for the site and the worker alike.
    env["JOBS_DB"] = str(tmp_path / "elsewhere" / "queue.sqlite3")
    for process in ("site", "worker"):
        done = subprocess.run(
            [sys.executable, "-c", WHERE_THE_QUEUE_IS, process],
            env=env,
            cwd=tmp_path,
            capture_output=True,
            text=True,
            check=True,
        )
        assert json.loads(done.stdout.splitlines()[-1])["queue"] == env["JOBS_DB"]


def import_through_a_worker(tmp_path, queue: dict, rows: int) -> None:
    bin_dir = Path(sys.executable).parent
    env = {
        **{k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "JOBS_DB")},
        "DATABASE_URL": os.environ.get("DATABASE_URL") or f"sqlite:///{tmp_path / 'r.db'}",
        "SECRET_KEY": "worker-test",
        **queue,
    }
    if env["DATABASE_URL"].startswith("postgresql"):
        import sqlalchemy

        engine = sqlalchemy.create_engine(env["DATABASE_URL"])
        with engine.begin() as connection:
            connection.execute(sqlalchemy.text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        engine.dispose()
    subprocess.run([str(bin_dir / "registry"), "init-db"], env=env, check=True, cwd=tmp_path)
    csv_path = tmp_path / "handles.csv"
    with csv_path.open("w") as out:
        out.write("platform,handle,brand,holder_kind,holder_name,status,followers,notes\n")
        for n in range(rows):
            out.write(f"instagram,fan_{n},,fan,Fan {n},active,{n},\n")
    worker = subprocess.Popen(
        [
            str(bin_dir / "huey_consumer"),
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
        follow = subprocess.run(
            [sys.executable, "-c", ENQUEUE_AND_FOLLOW, str(csv_path)],
            env=env,
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=900,
        )
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        worker.wait(timeout=30)
    assert follow.returncode == 0, follow.stderr[-2000:]
    lines = [json.loads(line) for line in follow.stdout.splitlines()]
    assert lines[-1] == {"final": "done", "created": rows}
    seen = lines[:-1]
    # Read while it ran: checking under way, then writing under way, before the end.
    assert any(s["state"] == "running" and 0 < s["checked"] < rows for s in seen), seen[-5:]
    assert any(s["state"] == "running" and 0 < s["written"] < rows for s in seen), seen[-5:]
    assert all(s["total"] == rows for s in seen)


COMMIT_A_CHANGE_WITH_A_HOOK = """
import json
from registry import create_app
from registry.adapters import db
from registry.services import webhooks
from tests.factories import Factories, context
app = create_app()
make = Factories(app)
admin = make.user("admin")
with app.app_context():
    session = db.session()
    hook, secret = webhooks.register(
        context(session.get(type(admin), admin.id)), url=__import__("sys").argv[1],
        events=["request.created"],
    )
request = make.request()  # committed: its dispatch is queued, not run here
print(json.dumps({"secret": secret, "request": request.id}))
"""


@pytest.mark.redis
def test_with_redis_a_committed_change_reaches_a_webhook_through_a_real_worker(
    tmp_path,
    redis_url,  # noqa: F811
):
    from cryptography.hazmat.primitives import hashes, hmac

    from tests.webhookreceiver import start_receiver

    receiver = start_receiver()
    env = {
        **{k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "JOBS_DB")},
        "DATABASE_URL": os.environ.get("DATABASE_URL") or f"sqlite:///{tmp_path / 'r.db'}",
        "SECRET_KEY": "worker-test",
        "REDIS_URL": redis_url,
        "WEBHOOK_ALLOW_PRIVATE": "1",  # the receiver is on loopback
        "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
    }
    bin_dir = Path(sys.executable).parent
    fresh_database(env["DATABASE_URL"])
    subprocess.run([str(bin_dir / "registry"), "init-db"], env=env, check=True, cwd=tmp_path)
    # The change first, with no worker running: its delivery waits in Redis, not sent by the
    # process that made the change.
    done = subprocess.run(
        [sys.executable, "-c", COMMIT_A_CHANGE_WITH_A_HOOK, receiver.url],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    made = json.loads(done.stdout.splitlines()[-1])
    assert receiver.received == []
    worker = subprocess.Popen(
        [str(bin_dir / "huey_consumer"), "registry.worker.huey", "--workers=2", "--max-delay=1"],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 60
        while not receiver.received and time.monotonic() < deadline:
            time.sleep(0.1)
        time.sleep(1.0)  # long enough for a second, duplicate delivery to show
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        worker.wait(timeout=30)
        receiver.stop()
    [got] = receiver.received
    body = json.loads(got.body)
    assert body["event"] == "request.created" and body["data"]["request"]["id"] == made["request"]
    fields = dict(part.split("=", 1) for part in got.headers["X-Registry-Signature"].split(","))
    mac = hmac.HMAC(made["secret"].encode(), hashes.SHA256())
    mac.update(fields["t"].encode() + b"." + got.body)
    mac.verify(bytes.fromhex(fields["v1"]))  # raises unless signed with the secret


def fresh_database(url: str) -> None:
    if url.startswith("postgresql"):
        import sqlalchemy

        engine = sqlalchemy.create_engine(url)
        with engine.begin() as connection:
            connection.execute(sqlalchemy.text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        engine.dispose()

"""Benchmark: how listing flagged requests, the registry list and the lookup scale.

Run `make bench` (or `.venv/bin/python scripts/bench.py --handles 20000 --requests 5000`).
Figures are ratios measured in one run: the machine is shared and noisy, so absolute
milliseconds mean little; the stored-due-date design is compared with recomputing every
request's clock from its attempts, which DESIGN.md rules out."""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import subprocess
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlmodel import SQLModel, select

from registry import create_app, db
from registry.domain import workflow
from registry.models import Brand, ContactAttempt, Handle, TransferRequest
from registry.services import accounts, handles, platforms
from registry.services import requests as transfer

AS_OF = date(2026, 6, 15)
OUTCOMES = ["no_answer", "auto_reply", "voicemail", "replied", "no_answer", "bounced"]


def timed(call, repeat: int = 7) -> float:
    """Median seconds of ``repeat`` calls."""
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        call()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def build(app, n_handles: int, n_requests: int) -> None:
    rng = random.Random(42)
    with app.app_context():
        session = db.session()
        platforms.sync_platforms(session)  # use cases, each in its own transaction
        staff = accounts.create_user(
            session, email="bench@example.org", password="benchmark1", role="staff"
        )
        ids = {p.slug: p.id for p in platforms.all_platforms(session)}
        brands = [Brand(name=f"Brand {i}", slug=f"brand-{i}") for i in range(50)]
        session.add_all(brands)
        session.flush()
        rows = [
            Handle(
                platform_id=ids[rng.choice(["x", "instagram", "facebook", "tiktok"])],
                handle=f"brandname{i}",
                normalized=f"brandname{i}",
                brand_id=rng.choice(brands).id,
                holder_kind=rng.choice(["fan", "squatter"]),
                holder_name=f"Holder {i}",
                followers=rng.randint(0, 100000),
            )
            for i in range(n_handles)
        ]
        session.add_all(rows)
        session.flush()
        for i, handle in enumerate(rng.sample(rows, n_requests)):
            opened = AS_OF - timedelta(days=rng.randint(0, 90))
            request = TransferRequest(
                handle_id=handle.id,
                from_holder_kind=handle.holder_kind,
                to_holder_name="Brand",
                proposer_id=staff.id,
                state=workflow.CONTACTING,
                opened_on=opened,
            )
            session.add(request)
            session.flush()
            for n in range(rng.randint(0, 4)):
                moment = datetime(opened.year, opened.month, opened.day, 10, tzinfo=UTC)
                session.add(
                    ContactAttempt(
                        request_id=request.id,
                        direction="outbound",
                        channel="email",
                        outcome=rng.choice(OUTCOMES),
                        happened_at=moment + timedelta(days=3 * n),
                    )
                )
            session.flush()
            transfer.refresh_clock(session, request, None, policy=transfer.ClockPolicy())
            if i % 500 == 0:
                session.commit()
        session.commit()


def recompute_everything(session, policy) -> int:
    """The design DESIGN.md rules out: every open request's clock, from its attempts."""
    flagged = 0
    open_rows = session.exec(
        transfer._rows_query().where(TransferRequest.state.in_(workflow.OPEN_STATES))
    )
    for row in open_rows:
        attempts = [a for a, _ in transfer.attempts_of(session, row[0].id)]
        status = transfer.reply_status(
            transfer.RequestRow(*row), attempts, as_of=AS_OF, policy=policy
        )
        flagged += status.flag is not None
    return flagged


def wrk(url: str, seconds: int) -> str:
    out = subprocess.run(
        ["wrk", "-t2", "-c16", f"-d{seconds}s", url], capture_output=True, text=True, check=True
    ).stdout
    return next(line.split()[1] for line in out.splitlines() if line.startswith("Requests/sec"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--handles", type=int, default=20000)
    parser.add_argument("--requests", type=int, default=5000)
    parser.add_argument("--wrk", action="store_true", help="also load gunicorn with wrk (5 s)")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="registry-bench-"))
    url = f"sqlite:///{workdir / 'bench.db'}"
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "WTF_CSRF_ENABLED": False})
    SQLModel.metadata.create_all(app.extensions["registry.engine"])
    started = time.perf_counter()
    build(app, args.handles, args.requests)
    print(
        f"data: {args.handles} handles, {args.requests} open requests "
        f"(built in {time.perf_counter() - started:.1f} s)"
    )
    policy = transfer.ClockPolicy()
    with app.app_context():
        session = db.session()
        stored = timed(lambda: transfer.flagged(session, as_of=AS_OF, policy=policy))
        naive = timed(lambda: recompute_everything(session, policy), repeat=3)
        same = len(transfer.flagged(session, as_of=AS_OF, policy=policy)) == recompute_everything(
            session, policy
        )
        listing = timed(
            lambda: handles.list_handles(
                session, handles.HandleFilters(platform="x", holder_kind="fan"), page=3
            )
        )
        lookup = timed(lambda: handles.lookup(session, "x", "https://x.com/BrandName1234"))
        total = session.exec(select(Handle)).all().__len__()
    print(f"flagged requests, stored due dates : {stored * 1000:8.1f} ms")
    print(
        f"flagged requests, recomputed       : {naive * 1000:8.1f} ms  "
        f"(x{naive / stored:.0f} slower; same answer: {same})"
    )
    print(f"registry list, filtered, page 3    : {listing * 1000:8.1f} ms")
    print(
        f"lookup of a pasted profile URL     : {lookup * 1000:8.2f} ms  "
        f"(list/lookup ratio x{listing / lookup:.0f}; {total} handles)"
    )
    client = app.test_client()
    client.post("/login", data={"email": "bench@example.org", "password": "benchmark1"})
    for path in (
        "/lookup?platform=x&handle=%40BrandName1234",
        "/handles?platform=x",
        f"/requests/attention?as_of={AS_OF}",
    ):
        seconds = timed(lambda p=path: client.get(p), repeat=9)
        print(f"GET {path:<45} {seconds * 1000:8.1f} ms (test client)")
    if args.wrk and shutil.which("wrk"):
        env = {"DATABASE_URL": url, "SECRET_KEY": "bench", "PATH": "/usr/bin:/bin"}
        server = subprocess.Popen(
            [
                str(Path(".venv/bin/gunicorn").resolve()),
                "-w",
                "2",
                "-b",
                "127.0.0.1:8765",
                "registry:create_app()",
            ],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            for _ in range(50):
                try:
                    subprocess.run(
                        ["curl", "-sf", "http://127.0.0.1:8765/"], check=True, capture_output=True
                    )
                    break
                except subprocess.CalledProcessError:
                    time.sleep(0.2)
            home = float(wrk("http://127.0.0.1:8765/", 5))
            look = float(wrk("http://127.0.0.1:8765/lookup?platform=x&handle=BrandName1234", 5))
            lst = float(wrk("http://127.0.0.1:8765/handles?platform=x", 5))
            print(
                f"gunicorn -w 2, wrk 5 s: home {home:.0f} req/s; lookup {look:.0f} req/s "
                f"(x{look / home:.2f} of home); filtered list {lst:.0f} req/s "
                f"(x{lst / home:.2f} of home)"
            )
        finally:
            server.terminate()
            server.wait()
    shutil.rmtree(workdir)


if __name__ == "__main__":
    main()

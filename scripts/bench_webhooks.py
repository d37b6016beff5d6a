"""Benchmark of webhook deliveries: how long the delivery job takes to drain 1,000 of them.

`python scripts/bench_webhooks.py [--deliveries 1000] [--pause 0.0]`

1. starts a receiver on 127.0.0.1 (tests/webhookreceiver.py, a threaded http.server that
   answers 200, after `--pause` seconds if given: a slower receiver);
2. makes an app on a fresh database (a temporary SQLite file; DATABASE_URL=postgresql+… for
   PostgreSQL, whose tables are dropped and made again) with WEBHOOK_ALLOW_PRIVATE on, an
   admin and one hook to the receiver, and `--deliveries` events with a pending delivery each;
3. times the delivery job's rounds (registry.jobs.webhooks.run: claim a batch, sign and POST
   it from 16 threads, record every try in one transaction) until none is due, checks that
   each delivery was received once and recorded delivered, and prints the deliveries per
   second and whether the issue's target (1,000 in under a minute) is met (exit 1 if not).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlmodel import SQLModel, col, func, select  # noqa: E402

from registry import create_app  # noqa: E402
from registry.adapters import db  # noqa: E402
from registry.adapters.models import Event, WebhookDelivery  # noqa: E402
from registry.jobs import job_context  # noqa: E402
from registry.jobs import webhooks as delivery_job  # noqa: E402
from registry.presentation.context import context_for  # noqa: E402
from registry.services import accounts, webhooks  # noqa: E402
from tests.webhookreceiver import start_receiver  # noqa: E402

TARGET_DELIVERIES, TARGET_SECONDS = 1_000, 60.0


def prepare(app, url: str, deliveries: int) -> int:
    """An admin, their hook to `url`, and `deliveries` events each with a pending delivery."""
    engine = app.extensions["registry.engine"]
    SQLModel.metadata.drop_all(engine)
    SQLModel.metadata.create_all(engine)
    with app.app_context():
        session = db.session()
        admin = accounts.create_user(
            context_for(None), email="bench@example.org", password="a long bench passphrase"
        )
        session.commit()
        admin.role = "admin"
        session.add(admin)
        session.commit()
        hook, _secret = webhooks.register(
            context_for(admin), url=url, events=["request.created", "attempt.logged"]
        )
        now = context_for(None).now
        events = [
            Event(
                kind="attempt.logged",
                data=json.dumps(
                    {
                        "request": {"id": n, "kind": "offer", "state": "contacted"},
                        "handle": {"platform": "x", "handle": f"fan_{n}"},
                        "attempt": {"direction": "outbound", "outcome": "no_answer"},
                    }
                ),
                dispatched_at=now,
            )
            for n in range(deliveries)
        ]
        session.add_all(events)
        session.flush()
        session.add_all(
            WebhookDelivery(webhook_id=hook.id, event_id=e.id, next_attempt_at=now) for e in events
        )
        session.commit()
        assert hook.id is not None
        return hook.id


def drain(app) -> tuple[float, int]:
    """Rounds of the delivery job until nothing is due: (seconds, rounds)."""
    started, rounds = time.perf_counter(), 0
    with app.app_context():
        while True:
            ctx = job_context()
            try:
                done = delivery_job.run(ctx)
            finally:
                ctx.session.close()
            if not done:
                return time.perf_counter() - started, rounds
            rounds += 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--deliveries", type=int, default=TARGET_DELIVERIES)
    parser.add_argument("--pause", type=float, default=0.0, help="the receiver's delay, seconds")
    args = parser.parse_args()
    receiver = start_receiver(keep_bodies=False)
    receiver.pause = args.pause
    workdir = Path(tempfile.mkdtemp(prefix="registry-bench-webhooks-"))
    url = os.environ.get("DATABASE_URL", "")
    database = url if url.startswith("postgresql") else f"sqlite:///{workdir / 'bench.db'}"
    app = create_app(
        {
            "DATABASE_URL": database,
            "SECRET_KEY": "bench",
            "WEBHOOK_ALLOW_PRIVATE": True,
            "JOBS_DB": str(workdir / "jobs.sqlite3"),
        }
    )
    try:
        hook_id = prepare(app, receiver.url, args.deliveries)
        seconds, rounds = drain(app)
    finally:
        receiver.stop()
    with app.app_context():
        delivered = (
            db.session()
            .exec(
                select(func.count())
                .select_from(WebhookDelivery)
                .where(
                    WebhookDelivery.webhook_id == hook_id,
                    col(WebhookDelivery.status) == "delivered",
                )
            )
            .one()
        )
        errors = (
            db.session()
            .exec(
                select(WebhookDelivery.last_error, func.count())
                .where(
                    WebhookDelivery.webhook_id == hook_id,
                    col(WebhookDelivery.status) != "delivered",
                )
                .group_by(WebhookDelivery.last_error)
            )
            .all()
        )
    received = len(receiver.received)
    for error, count in errors:
        print(f"  not delivered ({count}): {error}")
    engine = "PostgreSQL" if database.startswith("postgresql") else "SQLite"
    print(
        f"{args.deliveries:,} deliveries ({engine}, receiver pause {args.pause:g} s): "
        f"{seconds:.1f} s in {rounds} rounds, {args.deliveries / seconds:,.0f} per second; "
        f"{received:,} received, {delivered:,} recorded delivered"
    )
    met = received == delivered == args.deliveries and (
        args.deliveries < TARGET_DELIVERIES
        or seconds * TARGET_DELIVERIES / args.deliveries < TARGET_SECONDS
    )
    print(
        f"target ({TARGET_DELIVERIES:,} in under {TARGET_SECONDS:.0f} s, each once): "
        + ("met" if met else "NOT met")
    )
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())

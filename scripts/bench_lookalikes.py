"""Quick benchmark of the lookalike search, in one process (a minute or two; `make bench`
measures it through gunicorn with the other pages).

`.venv/bin/python scripts/bench_lookalikes.py [--handles 100000] [--queries 300]`:

1. builds a synthetic registry with `registry gen-data` (SQLite in a temporary folder), which
   writes the lookalike keys with the handles, and times a whole `registry reindex-lookalikes`;
2. runs the lookalike search of `--queries` handles picked across the registry (and as many
   names not in it, one character changed), through the use case, then through the API
   route with Flask's test client, with the bare `/healthz` through the same client between
   runs: each figure is a median in milliseconds, and the route's is also a ratio to the bare
   route's;
3. prints the figures and the size of the index.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"


def registry(*args: str, env: dict) -> float:
    started = time.perf_counter()
    subprocess.run([str(BIN / "registry"), *args], env=env, check=True, capture_output=True)
    return time.perf_counter() - started


def median_ms(call, items) -> float:
    timings = []
    for item in items:
        started = time.perf_counter()
        call(item)
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--handles", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=300)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as workdir:
        url = f"sqlite:///{workdir}/bench.db"
        env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": "bench"}
        registry("init-db", env=env)
        generated = registry(
            "gen-data",
            f"--handles={options.handles}",
            f"--brands={max(10, options.handles // 100)}",
            "--requests=0",
            "--attempts=0",
            "--seed=1",
            env=env,
        )
        reindexed = registry("reindex-lookalikes", env=env)
        os.environ.update(DATABASE_URL=url, SECRET_KEY="bench")
        from sqlmodel import func, select

        from registry import create_app
        from registry.adapters import db
        from registry.adapters.models import Handle, LookalikeKey, Platform
        from registry.services import lookalikes

        app = create_app()
        with app.app_context():
            session = db.session()
            keys = session.exec(select(func.count()).select_from(LookalikeKey)).one()
            rows = session.exec(
                select(Platform.slug, Handle.handle).join(
                    Platform, Platform.id == Handle.platform_id
                )
            ).all()
            rng = random.Random(1)
            picked = rng.sample(rows, min(options.queries, len(rows)))
            # Names not in the registry: one character of a real one changed.
            changed = [(slug, h[:-1] + ("x" if h[-1] != "x" else "y")) for slug, h in picked]
            found = []

            def search(item):
                _lookup, similar = lookalikes.lookalikes_of(session, item[0], item[1])
                found.append(len(similar.suspects) + len(similar.related))

            service_ms = median_ms(search, picked)
            service_absent_ms = median_ms(lambda item: _try(search, item), changed)
            session.rollback()
        client = app.test_client()
        from urllib.parse import quote

        routes, bare = [], []
        for slug, handle in picked:
            url_path = f"/api/v1/handles/{slug}/{quote(handle, safe='')}/lookalikes"
            bare.append(median_ms(lambda _: client.get("/healthz"), range(3)))
            routes.append(median_ms(lambda path: client.get(path), [url_path]))
        route_ms, bare_ms = statistics.median(routes), statistics.median(bare)
    print(
        f"handles: {options.handles:,}; lookalike keys: {keys:,}"
        f" ({keys / options.handles:.1f} a handle)"
    )
    print(f"gen-data (with the keys): {generated:.1f} s; reindex-lookalikes: {reindexed:.1f} s")
    print(
        f"lookalike search through the use case: median {service_ms:.2f} ms (in the registry),"
        f" {service_absent_ms:.2f} ms (names not in it); median lookalikes found:"
        f" {statistics.median(found):.0f}, most {max(found)}"
    )
    print(
        f"GET .../lookalikes through the test client: median {route_ms:.2f} ms;"
        f" /healthz {bare_ms:.2f} ms; ratio {route_ms / bare_ms:.1f}x"
    )


def _try(call, item):
    from registry.services import ServiceError

    with contextlib.suppress(ServiceError):  # a changed name the platform refuses
        call(item)


if __name__ == "__main__":
    sys.exit(main())

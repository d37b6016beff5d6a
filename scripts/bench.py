"""Benchmark: every page of the registry at 10,000 and 100,000 handles, served as in production.

`make bench` (or `.venv/bin/python scripts/bench.py`):

1. builds a synthetic registry with `registry gen-data` (SQLite in a temporary folder, or the
   PostgreSQL database of DATABASE_URL, emptied first), at each size;
2. serves it with gunicorn (2 sync workers) and loads each page with wrk (16 connections),
   each run interleaved with a run on the bare `/healthz` of the same server, so that every
   figure is a ratio to what this machine gave the bare route a moment before (the machine
   is shared and noisy: absolute req/s mean little);
3. times the commands (gen-data, export, import, flag-unanswered --json) with their peak
   memory (the child's maximum resident set, from wait4);
4. writes bench/results.md (machine, date, commit, the tables, each target met or not) and
   prints it.

Options: --sizes 10000,100000 --seconds 4 --pages dashboard,lookup_json (a subset)."""

from __future__ import annotations

import argparse
import contextlib
import csv
import http.cookiejar
import os
import platform
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
PORT = 8765
BASE = f"http://127.0.0.1:{PORT}"
PASSWORD = "benchmark password"
STAFF, LEGAL = "bench-staff@example.org", "bench-legal@example.org"


@dataclass
class Load:
    """One wrk run: requests per second and latency percentiles in milliseconds."""

    rps: float
    p50: float
    p99: float


@dataclass
class Row:
    name: str
    page: Load
    bare: Load

    @property
    def ratio(self) -> float:
        return self.page.rps / self.bare.rps if self.bare.rps else 0.0


@dataclass
class Size:
    handles: int
    rows: dict[str, Row] = field(default_factory=dict)
    commands: dict[str, tuple[float, float]] = field(default_factory=dict)  # s, MB


def sizes_for(handles: int) -> dict[str, int]:
    """The issue's proportions: 100,000 handles, 1,000 brands, 20,000 requests, 200,000
    attempts."""
    return {
        "handles": handles,
        "brands": max(10, handles // 100),
        "requests": handles // 5,
        "attempts": handles * 2,
    }


# --- running things --------------------------------------------------------------------------


def environment(database_url: str) -> dict:
    return {
        "PATH": f"{BIN}:/usr/bin:/bin",
        "DATABASE_URL": database_url,
        "SECRET_KEY": "benchmark",
        "LOGIN_LIMIT_PER_ADDRESS": "100000 per minute",
        "LOGIN_LIMIT_PER_ACCOUNT": "100000 per minute",
        "HOME": os.environ.get("HOME", "/tmp"),
    }


def run(
    args: list[str], env: dict, *, stdin: str | None = None, stdout=None
) -> tuple[float, float]:
    """Run a command; its wall time in seconds and its peak memory in MB (wait4's maxrss)."""
    started = time.perf_counter()
    process = subprocess.Popen(
        args,
        env=env,
        stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
        stdout=stdout or subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    if stdin is not None:
        process.stdin.write(stdin)
        process.stdin.close()
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        sys.exit(f"bench: {' '.join(args)} failed: {process.stderr.read()[-2000:]}")
    return seconds, usage.ru_maxrss / 1024


def registry(*args: str, env: dict, **kwargs) -> tuple[float, float]:
    return run([str(BIN / "registry"), *args], env, **kwargs)


def wrk(url: str, seconds: int, headers: dict[str, str]) -> Load:
    command = ["wrk", "-t2", "-c16", f"-d{seconds}s", "--latency", url]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if non_2xx:
        sys.exit(f"bench: {url} answered {non_2xx.group(1)} errors under load")

    def percentile(label: str) -> float:
        match = re.search(rf"\s{label}%\s+([\d.]+)(us|ms|s)", out)
        value, unit = float(match.group(1)), match.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    return Load(rps, percentile("50"), percentile("99"))


class Server:
    """gunicorn with 2 sync workers on the benchmark database. `app_root`: serve the app of
    another checkout (an older commit, for a before/after comparison) on the same data."""

    def __init__(self, env: dict, app_root: Path | None = None):
        if app_root is not None:
            env = {**env, "PYTHONPATH": str(app_root)}
        self.process = subprocess.Popen(
            [str(BIN / "gunicorn"), "-w", "2", "-b", f"127.0.0.1:{PORT}", "registry:create_app()"],
            cwd=app_root or ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"{BASE}/healthz", timeout=2)
                return
            except OSError:
                time.sleep(0.2)
        self.stop()
        sys.exit("bench: gunicorn did not start")

    def worker_peak_mb(self) -> float:
        """The largest peak resident memory among the workers (VmHWM), in MB."""
        peaks = []
        for task in Path(f"/proc/{self.process.pid}/task").iterdir():
            for child in (task / "children").read_text().split():
                status = Path(f"/proc/{child}/status").read_text()
                peaks.append(int(re.search(r"VmHWM:\s+(\d+)", status).group(1)) / 1024)
        return max(peaks, default=0.0)

    def stop(self) -> None:
        os.killpg(self.process.pid, signal.SIGTERM)
        self.process.wait(timeout=30)


def session_cookie(email: str) -> str:
    """Log in through the form, CSRF token included, as a browser would."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(f"{BASE}/login").read().decode()
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    data = urllib.parse.urlencode({"email": email, "password": PASSWORD, "csrf_token": token})
    opener.open(f"{BASE}/login", data=data.encode())
    cookie = next(c for c in jar if c.name == "session")
    return f"session={cookie.value}"


# --- the data set ----------------------------------------------------------------------------


def fresh_database(workdir: Path, label: str) -> str:
    """A SQLite file in workdir, or the PostgreSQL database of DATABASE_URL, emptied."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgresql"):
        return f"sqlite:///{workdir / f'{label}.db'}"
    import sqlalchemy

    engine = sqlalchemy.create_engine(url)
    with engine.begin() as connection:
        connection.execute(sqlalchemy.text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    engine.dispose()
    return url


def build(handles: int, url: str, size: Size) -> dict:
    env = environment(url)
    registry("init-db", env=env)
    counts = sizes_for(handles)
    size.commands["gen-data"] = registry(
        "gen-data",
        *(f"--{name}={value}" for name, value in counts.items()),
        "--seed=1",
        env=env,
    )
    registry("create-user", STAFF, "--role", "admin", env=env, stdin=PASSWORD + "\n")
    return env


def pick(url: str, handles: int) -> dict[str, str]:
    """Real rows to load: a handle, a brand with many handles, a request with 50 attempts."""
    import sqlalchemy

    engine = sqlalchemy.create_engine(url)
    with engine.connect() as db:
        q = lambda sql: db.execute(sqlalchemy.text(sql)).first()  # noqa: E731
        handle = q(
            "SELECT h.id, h.handle, p.slug FROM handle h JOIN platform p ON p.id = h.platform_id"
            " WHERE p.slug = 'x' ORDER BY h.id LIMIT 1 OFFSET (SELECT count(*) / 2 FROM handle"
            " JOIN platform ON platform.id = handle.platform_id WHERE platform.slug = 'x')"
        )
        brand = q(
            "SELECT b.slug FROM brand b JOIN handle h ON h.brand_id = b.id"
            " GROUP BY b.slug ORDER BY count(*) DESC LIMIT 1"
        )
        request = q(
            "SELECT request_id FROM contact_attempt GROUP BY request_id"
            " ORDER BY abs(count(*) - 50), request_id LIMIT 1"
        )
    engine.dispose()
    return {
        "handle_id": str(handle[0]),
        "handle": handle[1],
        "platform": handle[2],
        "brand": brand[0],
        "request_id": str(request[0]),
    }


PAGES = {
    "home": "/",
    "lookup_json": "/api/v1/handles/{platform}/{handle}",
    "lookup_html": "/lookup?platform={platform}&handle={handle}",
    "lookalikes_json": "/api/v1/handles/{platform}/{handle}/lookalikes",
    "handle_page": "/handles/{handle_id}",
    "brand_page": "/brands/{brand}",
    "list_by_brand": "/handles?brand={brand}",
    "list_page_1": "/handles",
    "list_page_2000": "/handles?page=2000",
    "dashboard": "/requests/attention",
    "api_overdue": "/api/v1/requests?flag=overdue",
    "requests_list": "/requests",
    "brands_index": "/brands",
    "brand_suspects": "/brands/{brand}/lookalikes",
    "request_page": "/requests/{request_id}",
    "audit": "/audit",
}
NEEDS_STAFF = {"dashboard", "requests_list", "request_page", "audit", "brand_suspects"}
NEEDS_TOKEN = {"api_overdue"}


def measure_pages(
    env: dict, url: str, size: Size, seconds: int, only: set[str], app_root: Path | None
) -> None:
    ids = pick(url, size.handles)
    token = (
        subprocess.run(
            [str(BIN / "registry"), "create-token", STAFF, "--name", "bench"],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        .stdout.strip()
        .splitlines()[-1]
    )
    server = Server(env, app_root)
    try:
        cookie = session_cookie(STAFF)
        wrk(f"{BASE}/healthz", 1, {})  # warm both workers up
        for name, path in PAGES.items():
            if only and name not in only:
                continue
            headers = {}
            if name in NEEDS_STAFF:
                headers["Cookie"] = cookie
            if name in NEEDS_TOKEN:
                headers["Authorization"] = f"Bearer {token}"
            target = BASE + path.format(**{k: urllib.parse.quote(v) for k, v in ids.items()})
            urllib.request.urlopen(urllib.request.Request(target, headers=headers), timeout=60)
            bare = wrk(f"{BASE}/healthz", seconds, {})
            page = wrk(target, seconds, headers)
            size.rows[name] = Row(name, page, bare)
            print(
                f"  {name:<15} {page.rps:8.1f} req/s  p50 {page.p50:7.1f} ms  p99 {page.p99:7.1f}"
                f" ms  {100 * size.rows[name].ratio:5.1f} % of /healthz",
                flush=True,
            )
    finally:
        server.stop()
    # The CSV export through the site, as legal downloads it, from a server that has served
    # nothing else (a worker's peak memory is that of its whole life): time, worker memory.
    server = Server(env, app_root)
    try:
        cookie = session_cookie(STAFF)
        started = time.perf_counter()
        request = urllib.request.Request(f"{BASE}/handles/export.csv", headers={"Cookie": cookie})
        body = urllib.request.urlopen(request, timeout=300).read()
        size.commands["export (web)"] = (time.perf_counter() - started, server.worker_peak_mb())
        del body
    finally:
        server.stop()


def measure_commands(env: dict, url: str, workdir: Path, size: Size) -> None:
    csv_path = workdir / "export.csv"
    size.commands["reindex-lookalikes"] = registry("reindex-lookalikes", env=env)
    size.commands["export-handles"] = registry("export-handles", "-o", str(csv_path), env=env)
    with open(workdir / "flags.json", "w") as flags:
        size.commands["flag-unanswered --json"] = registry(
            "flag-unanswered", "--json", env=env, stdout=flags
        )
    # The import: the exported file into a registry with the same brands and no handles.
    target = fresh_database(workdir, f"import-{size.handles}")
    target_env = environment(target)
    registry("init-db", env=target_env)
    counts = sizes_for(size.handles)
    registry(
        "gen-data",
        "--handles=0",
        f"--brands={counts['brands']}",
        "--requests=0",
        "--attempts=0",
        "--seed=1",
        env=target_env,
    )
    size.commands["import-handles"] = registry("import-handles", str(csv_path), env=target_env)
    with open(csv_path, newline="", encoding="utf-8-sig") as stream:
        rows = sum(1 for _ in csv.reader(stream)) - 1
    print(f"  imported {rows} rows", flush=True)


# --- the report ------------------------------------------------------------------------------

TARGET_SHARE = {"lookup_json": 50, "lookup_html": 30, "home": 30, "handle_page": 30}


def target_for(name: str) -> int:
    return TARGET_SHARE.get(name, 10)


def machine() -> str:
    cpu = "unknown CPU"
    with contextlib.suppress(OSError, StopIteration):
        cpu = next(
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        )
    return f"{os.cpu_count()} cores, {cpu}, {platform.system()} {platform.release()}"


def commit() -> str:
    try:
        return subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip()
    except OSError:
        return "unknown"


def report(sizes: list[Size], database: str) -> str:
    lines = [
        "# Benchmark results",
        "",
        f"- Date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC; commit {commit()}",
        f"- Machine: {machine()}",
        f"- Database: {database}; gunicorn, 2 sync workers; wrk, 16 connections, 2 threads",
        "- Each page's run follows a run on the bare `/healthz`; its share is page req/s over",
        "  that /healthz req/s. Targets: JSON lookup ≥ 50 %; HTML lookup, home, handle page",
        "  ≥ 30 %; every other page ≥ 10 %; p99 < 100 ms; growth from the small to the large",
        "  size ≤ 1.3× in latency.",
        "",
    ]
    for size in sizes:
        counts = sizes_for(size.handles)
        lines += [
            (
                f"## {size.handles:,} handles, {counts['brands']:,} brands, "
                f"{counts['requests']:,} requests, {counts['attempts']:,} attempts"
            ),
            "",
            "| page | req/s | p50 ms | p99 ms | /healthz req/s | share | target |",
            "|---|---:|---:|---:|---:|---:|---|",
        ]
        for row in size.rows.values():
            met = 100 * row.ratio >= target_for(row.name) and row.page.p99 < 100
            lines.append(
                f"| {row.name} | {row.page.rps:.0f} | {row.page.p50:.1f} | {row.page.p99:.1f} | "
                f"{row.bare.rps:.0f} | {100 * row.ratio:.1f} % | "
                f"{'met' if met else 'missed'} (≥ {target_for(row.name)} %, p99 < 100 ms) |"
            )
        first, deep = size.rows.get("list_page_1"), size.rows.get("list_page_2000")
        if first and deep:
            pages = -(-size.handles // 25)
            beyond = " (past the last page, which is empty)" if pages < 2000 else ""
            lines += [
                "",
                (
                    f"Page 2,000{beyond} against page 1 of the registry list, p50:"
                    f" {deep.page.p50 / first.page.p50:.2f}× (target ≤ 1.5×)."
                ),
            ]
        lines += ["", "| command | seconds | peak memory MB |", "|---|---:|---:|"]
        for name, (seconds, memory) in size.commands.items():
            lines.append(f"| {name} | {seconds:.1f} | {memory:.0f} |")
        lines.append("")
    if len(sizes) >= 2:
        small, large = sizes[0], sizes[-1]
        lines += [
            f"## Growth from {small.handles:,} to {large.handles:,} handles",
            "",
            "| page | p50 small | p50 large | growth |",
            "|---|---:|---:|---:|",
        ]
        for name, row in large.rows.items():
            if name in small.rows:
                before = small.rows[name].page.p50
                lines.append(
                    f"| {name} | {before:.1f} | {row.page.p50:.1f} | "
                    f"{row.page.p50 / before if before else 0:.2f}× |"
                )
        lines.append("")
    return "\n".join(lines)


def fetch_mail_report() -> str:
    """`fetch-mail`'s own benchmark (scripts/bench_fetch_mail.py): 5,000 realistic messages
    read from a throwaway Dovecot, each received by the use case on a registry of 2,000
    requests, as a section of the report."""
    return _section(
        "fetch-mail, 5,000 messages from Dovecot:",
        "## Mail in: `fetch-mail` (target: 5,000 messages in under 60 s)",
        [
            str(ROOT / "scripts" / "bench_fetch_mail.py"),
            "--handle",
            "registry.services.mail_intake:receive_mail",
        ],
    )


def _section(progress: str, title: str, args: list[str]) -> str:
    """A benchmark script of its own, run as a section of the report: its lines, and why it
    failed when it did (exit 1 is a target missed, reported in its own lines)."""
    print(progress, flush=True)
    done = subprocess.run([sys.executable, *args], capture_output=True, text=True, check=False)
    said = [line for line in done.stdout.splitlines() if line.strip()]
    print("\n".join(f"  {line}" for line in said), flush=True)
    if done.returncode not in (0, 1):
        said.append(f"(failed: {done.stderr.strip().splitlines()[-1:]})")
    return "\n".join([title, "", *said, ""])


def webhooks_report() -> str:
    """The webhooks' own benchmark (scripts/bench_webhooks.py): 1,000 deliveries drained by
    the delivery job to a receiver on loopback, as a section of the report."""
    return _section(
        "webhooks, 1,000 deliveries:",
        "## Webhooks: 1,000 deliveries (target: drained in under 60 s)",
        [str(ROOT / "scripts" / "bench_webhooks.py")],
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--seconds", type=int, default=4)
    parser.add_argument("--pages", default="", help="comma-separated subset of " + ",".join(PAGES))
    parser.add_argument("--no-commands", action="store_true")
    parser.add_argument(
        "--no-mail", action="store_true", help="skip fetch-mail (5,000 messages from Dovecot)"
    )
    parser.add_argument(
        "--no-webhooks", action="store_true", help="skip the webhooks (1,000 deliveries)"
    )
    parser.add_argument(
        "--app-root", type=Path, help="serve the app of this checkout (e.g. an older commit)"
    )
    parser.add_argument("--out", type=Path, help="where to write the report")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("bench: needs wrk (apt-get install wrk)")
    only = {p for p in args.pages.split(",") if p}
    database = (
        "PostgreSQL" if os.environ.get("DATABASE_URL", "").startswith("postgresql") else "SQLite"
    )
    workdir = Path(tempfile.mkdtemp(prefix="registry-bench-"))
    sizes = []
    try:
        for handles in (int(n) for n in args.sizes.split(",")):
            size = Size(handles)
            print(f"{database}, {handles:,} handles:", flush=True)
            url = fresh_database(workdir, f"bench-{handles}")
            env = build(handles, url, size)
            print(f"  gen-data {size.commands['gen-data'][0]:.1f} s", flush=True)
            measure_pages(env, url, size, args.seconds, only, args.app_root)
            if not args.no_commands:
                measure_commands(env, url, workdir, size)
            sizes.append(size)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    text = report(sizes, database)
    if not args.no_mail:
        text += "\n" + fetch_mail_report()
    if not args.no_webhooks:
        text += "\n" + webhooks_report()
    out = args.out or ROOT / "bench" / (
        "results.md" if database == "SQLite" else "results-postgresql.md"
    )
    out.parent.mkdir(exist_ok=True)
    out.write_text(text + "\n")
    print(text)
    print(f"written to {out}")


if __name__ == "__main__":
    main()

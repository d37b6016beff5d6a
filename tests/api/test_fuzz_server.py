"""The `schemathesis` command, with all its checks, against the API served on a loopback port.

The same document and configuration (tests/api/schemathesis.toml) as test_fuzz_openapi.py,
but through the CLI and HTTP, as a user of the API would run it: `st run URL --checks all`,
its stateful phase included (the links it infers from the answers: a created handle, brand or
request read back). Bounded for CI on a slow machine: a few examples per operation, a fixed
seed, deterministic generation, no shrinking, one worker, nothing written but in tmp_path.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from tests.api.test_fuzz_openapi import CONFIG, seeded_app, stop

EXAMPLES_PER_OPERATION = 50
SEED = 25
TIME_LIMIT = 360  # seconds: st is stopped, and the test fails, beyond it


def st_command() -> str:
    beside_python = Path(sys.executable).with_name("st")
    found = str(beside_python) if beside_python.exists() else shutil.which("st")
    assert found, "the schemathesis CLI (st) is not installed"
    return found


@pytest.mark.fuzz
def test_schemathesis_cli_with_all_checks_passes_against_a_server(tmp_path):
    app = seeded_app(tmp_path)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    started = time.monotonic()
    try:
        result = subprocess.run(
            [
                st_command(),
                "--config-file",
                str(CONFIG),
                "--no-color",
                "run",
                f"http://127.0.0.1:{server.server_port}/api/v1/openapi.json",
                "--checks",
                "all",
                "--header",
                f"Authorization: Bearer {app.config['FUZZ_TOKEN']}",
                "--max-examples",
                str(EXAMPLES_PER_OPERATION),
                "--seed",
                str(SEED),
                "--generation-deterministic",  # which implies no example database
                "--no-shrink",
                "--workers",
                "1",
                "--suppress-health-check",
                "all",
                "--request-timeout",
                "30",
                "--output-truncate",
                "false",
            ],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=TIME_LIMIT,
            check=False,
        )
    finally:
        server.shutdown()
        thread.join()
        stop(app)
    elapsed = time.monotonic() - started
    summary = [line for line in result.stdout.splitlines() if " generated, " in line]
    print(f"schemathesis: {' '.join(summary).strip()} in {elapsed:.0f} s")
    assert result.returncode == 0, result.stdout[-20000:] + result.stderr[-5000:]

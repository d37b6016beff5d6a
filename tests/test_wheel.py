"""The package as an operator installs it: a wheel built from the checkout, installed into a
fresh virtualenv away from it, creates its database and serves French pages."""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig

from registry import ROOT


def run(*args, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(args, check=True, capture_output=True, text=True, **kwargs)


def test_the_wheel_migrates_seeds_and_serves_a_french_page_outside_the_checkout(tmp_path):
    dist, venv, site = tmp_path / "dist", tmp_path / "venv", tmp_path / "site"
    run(sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(dist), str(ROOT))
    [wheel] = dist.glob("handle_registry-*.whl")
    run(sys.executable, "-m", "venv", str(venv))
    bin_dir = venv / "bin"
    run(str(bin_dir / "pip"), "install", "-q", "--no-deps", str(wheel))
    site.mkdir()
    env = {
        "PATH": f"{bin_dir}:{os.environ['PATH']}",
        # The dependencies come from the test's own environment (a .pth there, such as the
        # checkout's editable install, is not read from PYTHONPATH); the app from the wheel.
        "PYTHONPATH": sysconfig.get_paths()["purelib"],
        "DATABASE_URL": f"sqlite:///{site / 'registry.db'}",
        "SECRET_KEY": "wheel-test",
        "HOME": str(tmp_path),
    }
    init = run(str(bin_dir / "registry"), "init-db", cwd=site, env=env)
    assert "Database is up to date" in init.stdout
    run(str(bin_dir / "registry"), "seed-demo", cwd=site, env=env)
    page = run(
        str(bin_dir / "python"),
        "-c",
        "import registry; from registry import create_app;"
        "print(registry.__file__);"
        "c = create_app().test_client();"
        "r = c.get('/', headers={'Accept-Language': 'fr'});"
        "print(r.status_code); print(r.get_data(as_text=True))",
        cwd=site,
        env=env,
    ).stdout
    location, status, html = page.split("\n", 2)
    assert location.startswith(str(venv)), location  # the wheel's code, not the checkout's
    assert status == "200"
    assert '<html lang="fr">' in html
    assert "Registre" in html and "Se connecter" in html  # the compiled French catalogue
    assert "/static/style.css" in html

"""The package as people install it, each into a fresh virtualenv: an operator's wheel, built
from the checkout (or from its sdist, which makes the same wheel), installed away from the
checkout; and a contributor's editable install of a checkout where no catalogue was ever
compiled. Each serves French pages and the site's static files."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import tarfile
import zipfile
from pathlib import Path

import pytest

from registry import ROOT

# Where the site's code was imported from and its instance folder, the stylesheet, and a page
# in French, as the installed site itself says.
SERVE = """
import registry
from registry import create_app
app = create_app()
client = app.test_client()
css = client.get("/static/style.css")
page = client.get("/", headers={"Accept-Language": "fr"})
print(registry.__file__)
print(app.instance_path)
print(css.status_code, css.mimetype)
print(page.status_code)
print(page.get_data(as_text=True))
css.close()
"""


def run(*args, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(args, check=True, capture_output=True, text=True, **kwargs)


def environment(tmp_path: Path, bin_dir: Path, *paths: str, database: Path) -> dict:
    """The installed site's environment: its dependencies from the test's own environment (a
    .pth there, such as the checkout's editable install, is not read from PYTHONPATH), after
    `paths`."""
    return {
        "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
        "PYTHONPATH": os.pathsep.join([*paths, sysconfig.get_paths()["purelib"]]),
        "DATABASE_URL": f"sqlite:///{database}",
        "SECRET_KEY": "wheel-test",
        "HOME": str(tmp_path),
    }


def assert_serves_french_and_static_files(python: Path, cwd: Path, env: dict) -> tuple[Path, Path]:
    """Returns where the site's code was imported from, and its instance folder."""
    served = run(str(python), "-c", SERVE, cwd=cwd, env=env).stdout
    location, instance, css, status, html = served.split("\n", 4)
    assert css == "200 text/css"
    assert status == "200"
    assert '<html lang="fr">' in html
    assert "Registre" in html and "Se connecter" in html  # the compiled French catalogue
    assert "/static/style.css" in html
    return Path(location), Path(instance)


def new_venv(path: Path) -> Path:
    """A fresh virtualenv, without a pip of its own (the test's installs into it: quicker)."""
    run(sys.executable, "-m", "venv", "--without-pip", str(path))
    return path / "bin"


def pip_install(bin_dir: Path, *args: str) -> None:
    run(sys.executable, "-m", "pip", "--python", str(bin_dir / "python"), "install", "-q", *args)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """A wheel built from the checkout, as `pip install .` builds it."""
    dist = tmp_path_factory.mktemp("dist")
    run(sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(dist), str(ROOT))
    [built] = dist.glob("handle_registry-*.whl")
    return built


def test_the_wheel_migrates_seeds_and_serves_a_french_page_outside_the_checkout(tmp_path, wheel):
    venv, site = tmp_path / "venv", tmp_path / "site"
    bin_dir = new_venv(venv)
    pip_install(bin_dir, "--no-deps", str(wheel))
    site.mkdir()
    env = environment(tmp_path, bin_dir, database=site / "registry.db")
    init = run(str(bin_dir / "registry"), "init-db", cwd=site, env=env)
    assert "Database is up to date" in init.stdout
    run(str(bin_dir / "registry"), "seed-demo", cwd=site, env=env)
    location, instance = assert_serves_french_and_static_files(bin_dir / "python", site, env)
    assert location.is_relative_to(venv), location  # the wheel's code, not the checkout's
    package = location.parent
    assert (package / "templates" / "base.html").is_file()  # its own copy (setup.py)
    assert (package / "static" / "style.css").is_file()
    assert not list(package.glob("translations/*/LC_MESSAGES/*.po"))  # compiled ones only
    assert instance.is_dir() and not (instance / "translations").exists()  # nothing compiled


def test_the_sdist_builds_the_same_wheel(tmp_path, wheel):
    """`pip wheel` of the sdist (as `python -m build` does) finds the templates, the static
    files and the catalogues' sources: its wheel holds what the checkout's does."""
    tools, dist = tmp_path / "tools", tmp_path / "dist"
    # Built as a PEP 517 frontend does, with the setuptools pyproject.toml asks for (babel, the
    # other build requirement, is the test environment's).
    run(sys.executable, "-m", "pip", "install", "-q", "--target", str(tools), "setuptools>=68")
    build_env = {**os.environ, "PYTHONPATH": str(tools)}
    sdist = run(
        sys.executable,
        "-c",
        f"from setuptools import build_meta; print(build_meta.build_sdist({str(dist)!r}))",
        cwd=ROOT,
        env=build_env,
    ).stdout.split()[-1]
    with tarfile.open(dist / sdist) as archive:
        names = {name.split("/", 1)[1] for name in archive.getnames() if "/" in name}
    assert {"templates/base.html", "static/style.css", "MANIFEST.in"} <= names
    assert "registry/translations/fr/LC_MESSAGES/messages.po" in names
    assert not [name for name in names if name.endswith(".mo")]  # sources, never compiled

    run(
        *(sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation"),
        *("-w", str(dist), str(dist / sdist)),
        env=build_env,
    )
    [from_sdist] = dist.glob("handle_registry-*.whl")
    with zipfile.ZipFile(wheel) as checkout_wheel, zipfile.ZipFile(from_sdist) as sdist_wheel:
        assert sorted(sdist_wheel.namelist()) == sorted(checkout_wheel.namelist())
        assert "registry/translations/fr/LC_MESSAGES/messages.mo" in sdist_wheel.namelist()


def test_an_editable_install_serves_french_and_static_files_without_make(tmp_path):
    """A contributor's `pip install -e .` of a fresh clone: nothing compiled, no `make`."""
    checkout, venv = tmp_path / "checkout", tmp_path / "venv"
    shutil.copytree(
        ROOT,
        checkout,
        ignore=shutil.ignore_patterns(  # what .gitignore keeps out of a clone, and tests/
            *(".*", "__pycache__", "*.py[cod]", "*.egg-info", "build", "dist", "instance"),
            *("*.db", "*.sqlite", "*.mo", "screenshots", "test-results", "*.log", "*.pid"),
            "tests",
        ),
    )
    assert not list(checkout.rglob("*.mo"))
    bin_dir = new_venv(venv)
    pip_install(bin_dir, "--no-deps", "-e", str(checkout))
    [own_site] = venv.glob("lib/python*/site-packages")
    # The venv's own site-packages first: its editable finder is a module named like the
    # test environment's (the same project), and the first on the path is the one imported.
    env = environment(tmp_path, bin_dir, str(own_site), database=tmp_path / "registry.db")
    run(str(bin_dir / "registry"), "init-db", cwd=tmp_path, env=env)
    location, instance = assert_serves_french_and_static_files(bin_dir / "python", tmp_path, env)
    assert location == checkout / "registry" / "__init__.py"  # the copy's code, as it is
    # The French catalogue was compiled when the app started, into the instance folder.
    assert instance == checkout / "instance"
    compiled = instance / "translations" / "fr" / "LC_MESSAGES" / "messages.mo"
    assert list(checkout.rglob("*.mo")) == [compiled]

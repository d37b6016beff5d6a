"""The catalogues a site reads: the package's compiled ones when up to date, else the instance
folder's, compiled from the real French .po when missing or older than it, and only then."""

from __future__ import annotations

import os
import shutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from babel.support import Translations

from registry.presentation import catalogues

FRENCH = Path("fr") / "LC_MESSAGES"


@pytest.fixture
def sources(tmp_path) -> Path:
    """A package's translations folder as a fresh checkout has it: the .po, no .mo."""
    folder = tmp_path / "translations"
    (folder / FRENCH).mkdir(parents=True)
    shutil.copy2(catalogues.SOURCES / FRENCH / "messages.po", folder / FRENCH / "messages.po")
    return folder


def french(folder: Path) -> str:
    return Translations.load(str(folder), ["fr"]).ugettext("Log in")


def make_older(path: Path, than: Path) -> None:
    """Date a file a minute before another (that one was edited after it was written)."""
    earlier = than.stat().st_mtime_ns - 60 * 1_000_000_000
    os.utime(path, ns=(earlier, earlier))


def test_a_missing_catalogue_is_compiled_into_the_instance_folder(sources, tmp_path):
    instance = tmp_path / "instance"
    assert catalogues.translation_directories(instance, sources) == [instance / "translations"]
    assert french(instance / "translations") == "Se connecter"
    assert not (sources / FRENCH / "messages.mo").exists()  # the package is left as it is


def test_an_up_to_date_catalogue_in_the_package_is_read_there(sources, tmp_path):
    catalogues.compile_catalogue(sources / FRENCH / "messages.po", sources / FRENCH / "messages.mo")
    instance = tmp_path / "instance"
    assert catalogues.translation_directories(instance, sources) == [sources]
    assert french(sources) == "Se connecter"
    assert not instance.exists()


def test_a_catalogue_is_compiled_again_only_when_its_po_is_newer(sources, tmp_path):
    po, instance = sources / FRENCH / "messages.po", tmp_path / "instance"
    mo = instance / "translations" / FRENCH / "messages.mo"
    catalogues.compile_catalogue(po, sources / FRENCH / "messages.mo")
    make_older(sources / FRENCH / "messages.mo", than=po)  # edited after `make translations`
    assert catalogues.translation_directories(instance, sources) == [instance / "translations"]
    compiled = mo.stat().st_mtime_ns

    catalogues.translation_directories(instance, sources)  # the next start: nothing to do
    assert mo.stat().st_mtime_ns == compiled

    po.write_text(po.read_text().replace('msgstr "Se connecter"', 'msgstr "Connexion"'))
    make_older(mo, than=po)  # edited again, after that compilation
    catalogues.translation_directories(instance, sources)
    assert french(instance / "translations") == "Connexion"


def test_starts_at_the_same_time_leave_one_whole_catalogue(sources, tmp_path):
    """Apps starting together may each compile it: each writes its own temporary file and
    moves it into place, so the catalogue is always whole and no temporary file remains."""
    instance = tmp_path / "instance"

    def start(_):
        return catalogues.translation_directories(instance, sources)

    with ThreadPoolExecutor(max_workers=4) as pool:
        found = list(pool.map(start, range(8)))
    assert found == [[instance / "translations"]] * 8
    assert french(instance / "translations") == "Se connecter"
    assert [p.name for p in (instance / "translations" / FRENCH).iterdir()] == ["messages.mo"]

"""Where the compiled message catalogues are, so a site speaks French however it was installed.

A wheel carries its catalogues compiled (setup.py compiles them at build time, and ships no .po
to compare them with). A checkout, or an editable install of one, has the .po sources only
(.mo files are never committed): `make translations` compiles them beside their sources, and
otherwise `translation_directories` compiles each one that is missing or older than its .po
into the instance folder when the app starts, so `pip install -e .` is enough. Nothing is
compiled when every catalogue is up to date; a catalogue is written under a temporary name and
moved into place in one step, so two processes starting together never read half of one.
"""

from __future__ import annotations

import contextlib
import logging
import os
import tempfile
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

SOURCES = Path(__file__).resolve().parent.parent / "translations"  # registry/translations
CATALOGUE = "*/LC_MESSAGES/messages.po"  # Flask-Babel's default domain, one per language

log = logging.getLogger(__name__)


def is_up_to_date(mo: Path, po: Path) -> bool:
    try:
        return mo.stat().st_mtime >= po.stat().st_mtime
    except FileNotFoundError:
        return False


def compile_catalogue(po: Path, mo: Path) -> None:
    """Compile one .po into `mo` (fuzzy entries left out, as `pybabel compile` does)."""
    with po.open("rb") as stream:
        catalog = read_po(stream, locale=po.parent.parent.name)
    mo.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=mo.parent, prefix=f".{mo.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            write_mo(out, catalog)
        os.replace(temporary, mo)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise


def translation_directories(instance_path: Path, sources: Path = SOURCES) -> list[Path]:
    """The folders Flask-Babel reads catalogues from: the package's own when each .po there has
    an up-to-date .mo beside it (a wheel, or a checkout after `make translations`), else
    `instance_path/translations`, where each catalogue missing or older than its .po is
    compiled now (if the instance folder cannot be written, the package's, as it is)."""
    pos = sorted(sources.glob(CATALOGUE))
    if all(is_up_to_date(po.with_suffix(".mo"), po) for po in pos):
        return [sources]
    compiled = instance_path / "translations"
    try:
        for po in pos:
            mo = compiled / po.relative_to(sources).with_suffix(".mo")
            if not is_up_to_date(mo, po):
                compile_catalogue(po, mo)
    except OSError as error:
        log.warning("could not compile the catalogues into %s: %s", compiled, error)
        return [sources]
    return [compiled]

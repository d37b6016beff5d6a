"""Compile the message catalogues into the wheel at build time, so an installed site speaks
French without a checkout's `make translations` (and a stale .mo can never ship)."""

from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py


class BuildWithCatalogues(build_py):
    def run(self):
        super().run()
        from babel.messages.mofile import write_mo
        from babel.messages.pofile import read_po

        source = Path(__file__).parent / "registry" / "translations"
        for po in source.glob("*/LC_MESSAGES/messages.po"):
            target = Path(self.build_lib) / po.relative_to(source.parent.parent).with_suffix(".mo")
            target.parent.mkdir(parents=True, exist_ok=True)
            with po.open("rb") as stream:
                catalog = read_po(stream)
            with target.open("wb") as out:
                write_mo(out, catalog)


setup(cmdclass={"build_py": BuildWithCatalogues})

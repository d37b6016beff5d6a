"""Build a complete site into the wheel: the templates and static files, which live at the top
of the checkout, are copied into the package (registry/templates, registry/static, where
registry.site_folder looks first), and the message catalogues are compiled, so an installed
site speaks French without a checkout's `make translations` (and a stale .mo can never ship)."""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).parent
SITE_FOLDERS = ("templates", "static")  # MANIFEST.in puts them in the sdist too


class BuildWithSiteFiles(build_py):
    def run(self):
        package = Path(self.build_lib) / "registry"
        # Built afresh each time: what an earlier build left in build/ (a template deleted
        # since, a file no longer packaged) would otherwise ship in this wheel too.
        shutil.rmtree(package, ignore_errors=True)
        super().run()
        for name in SITE_FOLDERS:
            self.copy_tree(str(HERE / name), str(package / name))

        from babel.messages.mofile import write_mo
        from babel.messages.pofile import read_po

        source = HERE / "registry" / "translations"
        for po in source.glob("*/LC_MESSAGES/messages.po"):
            target = package / po.relative_to(source.parent).with_suffix(".mo")
            target.parent.mkdir(parents=True, exist_ok=True)
            with po.open("rb") as stream:
                catalog = read_po(stream)
            with target.open("wb") as out:
                write_mo(out, catalog)


setup(cmdclass={"build_py": BuildWithSiteFiles})

"""The layout holds: pure rule modules import without Flask, and the layers contract names
every top-level module of the package (so nothing escapes the import-linter contracts that
`make test` runs with ``lint-imports``)."""

from __future__ import annotations

import pkgutil
import subprocess
import sys
import tomllib
from pathlib import Path

import inspir_events

ROOT = Path(__file__).resolve().parents[1]
CONTRACTS = {c["id"]: c for c in tomllib.loads((ROOT / "pyproject.toml").read_text())
             ["tool"]["importlinter"]["contracts"]}
PURE_MODULES = CONTRACTS["pure"]["source_modules"]

# Run in a fresh interpreter where importing any of these fails, as on a machine where
# they are not installed.
WITHOUT_FRAMEWORKS = """
import importlib, importlib.abc, sys

BLOCKED = ("flask", "flask_", "sqlalchemy", "wtforms", "werkzeug", "jinja2")

class NotInstalled(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.startswith(BLOCKED):
            raise ModuleNotFoundError(f"No module named {name!r}")
        return None

sys.meta_path.insert(0, NotInstalled())
for name in sys.argv[1:]:
    importlib.import_module(name)
print(sorted(n for n in sys.modules if n.startswith(BLOCKED)))
"""


def test_pure_modules_import_where_flask_and_sqlalchemy_are_not_installed():
    result = subprocess.run([sys.executable, "-c", WITHOUT_FRAMEWORKS, *PURE_MODULES],
                            capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_the_blocker_does_block():
    """The check above would catch a pure module that imported Flask."""
    result = subprocess.run([sys.executable, "-c", WITHOUT_FRAMEWORKS,
                             "inspir_events.extensions"], capture_output=True, text=True,
                            cwd=ROOT)
    assert result.returncode != 0
    assert "No module named 'flask" in result.stderr


def test_every_top_level_module_sits_in_a_layer():
    named = {module.strip() for layer in CONTRACTS["layers"]["layers"]
             for module in layer.replace("|", ":").split(":")}
    present = {f"inspir_events.{m.name}" for m in pkgutil.iter_modules(inspir_events.__path__)
               if m.name != "translations"}
    assert present - named == set()
    assert named - present == set()

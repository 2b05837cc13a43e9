"""The lock files hold what pyproject.toml pins, each package with its hashes (issue 18 §3):
`make run` and `make test` install from them with pip's hash checking, so a dependency
changed in pyproject.toml without `make lock` fails here first."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
PIN = re.compile(r"^([A-Za-z0-9_.\-]+)(?:\[[^\]]*\])?==([^\s;]+)")


def normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def pins(requirements) -> dict[str, str]:
    found = {}
    for line in requirements:
        match = PIN.match(line.strip())
        if match:
            found[normal(match.group(1))] = match.group(2)
    return found


def locked(name: str) -> tuple[dict[str, str], str]:
    text = (ROOT / name).read_text()
    return pins(text.splitlines()), text


@pytest.mark.parametrize(("lock", "extras"), [
    ("requirements.lock", ("prod",)),
    ("requirements-test.lock", ("prod", "test")),
])
def test_every_pinned_dependency_is_locked_at_its_version_with_hashes(lock, extras):
    wanted = pins(PROJECT["dependencies"])
    for extra in extras:
        wanted.update(pins(PROJECT["optional-dependencies"][extra]))
    versions, text = locked(lock)
    assert {name: versions.get(name) for name in wanted} == wanted
    entries = re.split(r"\n(?=[A-Za-z0-9])", text)
    packages = [entry for entry in entries if PIN.match(entry)]
    assert len(packages) == len(versions) > len(wanted)  # transitive ones too
    assert all("--hash=sha256:" in entry for entry in packages)
    assert "setuptools" in versions  # the build backend, for --no-build-isolation

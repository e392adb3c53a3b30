"""requirements.lock pins what pyproject.toml asks for, each file by its hash.

A dependency added to pyproject.toml without ``make lock`` fails here: ``make install``
installs only the lock, so the new package would be missing everywhere else.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parent.parent
LOCK = ROOT / "requirements.lock"
_PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)")


def locked_entries(text: str) -> dict[str, tuple[Version, list[str]]]:
    """Each pinned name → its version and the hashes listed for it."""
    entries: dict[str, tuple[Version, list[str]]] = {}
    current: list[str] = []
    for line in text.splitlines():
        pin = _PIN.match(line)
        if pin:
            current = []
            entries[canonicalize_name(pin.group(1))] = (Version(pin.group(2)), current)
        elif line.strip().startswith("--hash=sha256:"):
            current.append(line.strip().removeprefix("--hash=sha256:").rstrip(" \\"))
    return entries


def declared_requirements(pyproject: dict[str, object]) -> list[Requirement]:
    project = pyproject["project"]
    build = pyproject["build-system"]
    assert isinstance(project, dict)
    assert isinstance(build, dict)
    texts = [*project["dependencies"], *build["requires"]]
    for extra in project["optional-dependencies"].values():
        texts.extend(extra)
    return [Requirement(text) for text in texts]


def unpinned(requirements: list[Requirement], lock_text: str) -> list[str]:
    """The requirements the lock does not satisfy with a pin of its own."""
    entries = locked_entries(lock_text)
    missing = []
    for requirement in requirements:
        entry = entries.get(canonicalize_name(requirement.name))
        if entry is None or not requirement.specifier.contains(entry[0], prereleases=True):
            missing.append(str(requirement))
    return missing


@pytest.fixture(scope="module")
def lock_text() -> str:
    return LOCK.read_text(encoding="utf-8")


def test_every_declared_dependency_is_pinned_in_the_lock(lock_text: str) -> None:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert unpinned(declared_requirements(pyproject), lock_text) == [], "run `make lock`"


def test_a_dependency_missing_from_the_lock_is_reported(lock_text: str) -> None:
    extra = [Requirement("flask>=3.0"), Requirement("not-in-the-lock>=1")]
    assert unpinned(extra, lock_text) == ["not-in-the-lock>=1"]


def test_a_pin_outside_the_declared_range_is_reported(lock_text: str) -> None:
    assert unpinned([Requirement("flask<1")], lock_text) == ["flask<1"]


def test_every_pin_in_the_lock_carries_sha256_hashes(lock_text: str) -> None:
    entries = locked_entries(lock_text)
    assert len(entries) > 20
    bare = [name for name, (_, hashes) in entries.items() if not hashes]
    assert bare == []
    assert all(re.fullmatch(r"[0-9a-f]{64}", h) for _, hashes in entries.values() for h in hashes)

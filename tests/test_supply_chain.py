"""requirements.lock pins what pyproject.toml asks for, each file by its hash.

A dependency added to pyproject.toml without ``make lock`` fails here: ``make install``
installs only the lock, so the new package would be missing everywhere else.
"""

from __future__ import annotations

import ast
import re
import tomllib
from importlib.metadata import distribution, packages_distributions
from pathlib import Path
from typing import Any

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


def imported_distributions(folders: list[Path]) -> dict[str, set[str]]:
    """Each installed distribution the code in ``folders`` imports → the files importing it."""
    owners = packages_distributions()
    found: dict[str, set[str]] = {}
    for path in sorted(p for folder in folders for p in folder.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                modules = [node.module]
            else:
                continue
            for module in modules:
                for dist in owners.get(module.partition(".")[0], []):
                    found.setdefault(canonicalize_name(dist), set()).add(path.name)
    return found


def runtime_closure(pyproject: dict[str, Any]) -> set[str]:
    """The runtime dependencies and everything they need (no extras): what a plain install has."""
    pending = [Requirement(text) for text in pyproject["project"]["dependencies"]]
    seen: set[str] = {canonicalize_name(pyproject["project"]["name"])}
    while pending:
        requirement = pending.pop()
        name = canonicalize_name(requirement.name)
        if name in seen or (requirement.marker and not requirement.marker.evaluate({"extra": ""})):
            continue
        seen.add(name)
        pending.extend(Requirement(text) for text in distribution(name).requires or [])
    return seen


def test_the_running_code_imports_only_runtime_dependencies() -> None:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    imported = imported_distributions([ROOT / "loader", ROOT / "server", ROOT / "deploy"])
    outside = {d: f for d, f in imported.items() if d not in runtime_closure(pyproject)}
    assert outside == {}, "declare them in [project] dependencies, not only in the dev extra"


def test_the_reference_shacl_engine_is_a_test_dependency_only() -> None:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert "pyshacl" not in runtime_closure(pyproject)
    assert "pyshacl" in imported_distributions([ROOT / "tests"])

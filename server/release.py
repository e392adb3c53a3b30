"""The release a server serves: found through ``current``, leased, verified, and switched.

A process that serves a release holds a *lease* on it: a shared ``flock`` on the
release folder, taken before anything in it is read and held until the process
lets the release go. ``cgkg build`` deletes an old release only if it can take
an exclusive lock at once (docs/architecture.md), so a running server never
loses the files it serves. The lock belongs to the open file, so it ends with
the process however that ends.

Before a release is served, at start and at every switch, :func:`verify`
checks every file the manifest lists (size and sha256), and
:meth:`server.kg.KnowledgeGraph.open_verified` that the store opens and holds
the triple counts the manifest records. A release that fails raises
:class:`ReleaseError`, with a message saying what is wrong.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

__all__ = [
    "Lease",
    "Manifest",
    "ReleaseError",
    "current_target",
    "record_served",
    "served_by_workers",
    "verify",
    "verify_files",
]

_ATTEMPTS = 3
WORKERS_DIR = "workers"
"""In the runtime folder: one file per HTTP worker, named by its process id, holding the
name of the release that worker serves (for ``/health``, so a rollout can see them all)."""


class ReleaseError(RuntimeError):
    """The release folder is missing, incomplete, or its manifest cannot be read."""


@dataclass(frozen=True, slots=True)
class Manifest:
    """The fields of ``manifest.json`` the server relies on (docs/architecture.md)."""

    build_id: str
    dataset_version: str
    built_at: datetime
    base_iri: str
    dataset_iri: str
    license: str
    triples: int
    graphs: Mapping[str, int]
    prefixes: Mapping[str, str]
    store: str
    ontology: str
    shapes: str
    void: str
    dumps: tuple[Mapping[str, Any], ...]
    files: tuple[Mapping[str, Any], ...]
    """Every file to verify, with ``path``, ``bytes`` and ``sha256``; manifests written
    before the build listed them give the dumps."""
    raw: Mapping[str, Any]

    @classmethod
    def load(cls, path: Path) -> Manifest:
        """Read and check a ``manifest.json``; :class:`ReleaseError` if it is unusable."""
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            built_at = datetime.fromisoformat(str(data["built_at"]).replace("Z", "+00:00"))
            if built_at.tzinfo is None:
                built_at = built_at.replace(tzinfo=UTC)
            return cls(
                build_id=str(data["build_id"]),
                dataset_version=str(data.get("dataset_version", "")),
                built_at=built_at,
                base_iri=str(data["base_iri"]),
                dataset_iri=str(data.get("dataset_iri", str(data["base_iri"]) + "dataset")),
                license=str(data.get("license", "")),
                triples=int(data["triples"]),
                graphs={str(k): int(v) for k, v in data["graphs"].items()},
                prefixes={str(k): str(v) for k, v in data.get("prefixes", {}).items()},
                store=str(data.get("store", "store")),
                ontology=str(data.get("ontology", "ontology.ttl")),
                shapes=str(data.get("shapes", "shapes.ttl")),
                void=str(data.get("void", "dumps/void.ttl")),
                dumps=tuple(data.get("dumps", ())),
                files=tuple(data.get("files") or data.get("dumps", ())),
                raw=data,
            )
        except FileNotFoundError:
            raise ReleaseError(
                f"no build found: {path} does not exist (run `cgkg build` first)"
            ) from None
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
            raise ReleaseError(f"unreadable manifest {path}: {exc!r}") from None


class Lease:
    """A shared lock on one release folder; :meth:`close` lets the release go."""

    def __init__(self, release_dir: Path) -> None:
        self.release_dir = release_dir
        try:
            self._fd: int | None = os.open(release_dir, os.O_RDONLY | os.O_DIRECTORY)
        except OSError as exc:
            raise ReleaseError(f"cannot open the release {release_dir}: {exc.strerror}") from None
        fcntl.flock(self._fd, fcntl.LOCK_SH)  # waits only while a build deletes this folder
        if not (release_dir / "manifest.json").is_file():
            self.close()
            raise ReleaseError(f"the release {release_dir} was deleted while it was being opened")

    @classmethod
    def current(cls, out_dir: Path) -> Lease:
        """A lease on the release ``<out_dir>/current`` points at, retried if a build moves it."""
        for _ in range(_ATTEMPTS):
            target = current_target(out_dir)
            try:
                return cls(target)
            except ReleaseError:
                if current_target(out_dir) == target:
                    raise
        raise ReleaseError(f"{out_dir / 'current'} keeps changing; is a build running in a loop?")

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


def current_target(out_dir: Path) -> Path:
    """The release folder ``<out_dir>/current`` points at (resolved)."""
    link = out_dir / "current"
    if not link.exists():
        raise ReleaseError(f"no build found: {link} does not exist (run `cgkg build` first)")
    return link.resolve()


def record_served(runtime_dir: Path, release_dir: Path) -> None:
    """Note in the runtime folder that this process serves ``release_dir`` (atomic rename)."""
    folder = runtime_dir / WORKERS_DIR
    folder.mkdir(exist_ok=True)
    recorded = _recorded(folder)
    for pid in set(recorded) - set(_alive(recorded)):
        (folder / str(pid)).unlink(missing_ok=True)  # a worker that died (granian replaced it)
    tmp = folder / f".{os.getpid()}"
    tmp.write_text(release_dir.name, encoding="utf-8")
    os.replace(tmp, folder / str(os.getpid()))


def served_by_workers(runtime_dir: Path) -> dict[int, str]:
    """The release each live process that recorded one serves, by process id."""
    folder = runtime_dir / WORKERS_DIR
    served = {}
    for pid in _alive(_recorded(folder)):
        try:
            served[pid] = (folder / str(pid)).read_text(encoding="utf-8").strip()
        except OSError:  # exited and cleaned up meanwhile
            continue
    return served


def _recorded(folder: Path) -> list[int]:
    try:
        return [int(p.name) for p in folder.iterdir() if p.name.isdigit()]
    except OSError:
        return []


def _alive(pids: list[int]) -> list[int]:
    alive = []
    for pid in pids:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            continue
        except PermissionError:  # alive, under another user
            pass
        alive.append(pid)
    return sorted(alive)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def verify_files(
    release_dir: Path, manifest: Manifest, checksums: bool = True, store: bool = True
) -> list[str]:
    """What is wrong with the files the manifest lists: missing, unreadable, wrong size or
    hash. Without ``store``, the store's files are not looked at (a remote engine holds it)."""
    problems = []
    skipped = manifest.store.rstrip("/") + "/"
    for entry in manifest.files:
        if not store and str(entry["path"]).startswith(skipped):
            continue
        path = release_dir / str(entry["path"])
        try:
            size = path.stat().st_size
            if size != int(entry["bytes"]):
                problems.append(
                    f"{entry['path']} has {size} bytes, the manifest says {entry['bytes']}"
                )
            elif checksums and _sha256(path) != entry["sha256"]:
                problems.append(f"{entry['path']} does not match its sha256 in the manifest")
            elif not checksums and not os.access(path, os.R_OK):
                problems.append(f"{entry['path']} cannot be read")
        except OSError as exc:
            problems.append(f"{entry['path']}: {exc.strerror or exc}")
    return problems


def verify(release_dir: Path, store: bool = True) -> Manifest:
    """The release's manifest, once every file it lists (the store's only with ``store``)
    has been checked."""
    manifest = Manifest.load(release_dir / "manifest.json")
    problems = verify_files(release_dir, manifest, store=store)
    if problems:
        shown = "; ".join(problems[:5]) + ("; …" if len(problems) > 5 else "")
        raise ReleaseError(f"the release {release_dir} is damaged: {shown}")
    return manifest

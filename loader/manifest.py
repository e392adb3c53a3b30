"""``manifest.json``: the contract between the build and the server (docs/architecture.md)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path

from loader.dumps import DumpFile
from loader.lookup_table import LOOKUP_FILE

MANIFEST_VERSION = 1
CHANGELOG = "CHANGELOG.md"


def inputs_digest(paths: list[tuple[str, Path]], base_iri: str) -> str:
    """sha256 over every input's name and bytes (and the base IRI): the build id."""
    digest = hashlib.sha256(base_iri.encode())
    for name, path in sorted(paths):
        digest.update(name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


# RocksDB's own lock and informational log: not data, and rewritten by writers.
_NOT_CONTENT = ("LOCK", "LOG")


def release_files(release: Path) -> list[dict[str, object]]:
    """Every file of the release (but the manifest) with its size and sha256, for the server
    to verify before it serves the release."""
    files = []
    for path in sorted(p for p in release.rglob("*") if p.is_file()):
        relative = path.relative_to(release).as_posix()
        if relative == "manifest.json" or path.name.startswith(_NOT_CONTENT):
            continue
        files.append({"path": relative, "bytes": path.stat().st_size, "sha256": file_sha256(path)})
    return files


def write_manifest(
    path: Path,
    *,
    build_id: str,
    dataset: dict[str, object],
    base_iri: str,
    graphs: dict[str, int],
    prefixes: dict[str, str],
    dumps: list[DumpFile],
    sources: list[tuple[str, Path]],
    search_index: dict[str, object],
) -> dict[str, object]:
    manifest: dict[str, object] = {
        "manifest_version": MANIFEST_VERSION,
        "dataset_version": dataset["version"],
        "build_id": build_id,
        "built_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "base_iri": base_iri,
        "dataset_iri": f"{base_iri}dataset",
        "license": dataset["license"],
        "triples": sum(graphs.values()),
        "graphs": graphs,
        "prefixes": prefixes,
        "store": "store",
        "ontology": "ontology.ttl",
        "shapes": "shapes.ttl",
        "validation_report": "validation-report.ttl",
        "void": "dumps/void.ttl",
        "lookup": LOOKUP_FILE,
        "search_index": search_index,
        "changelog": CHANGELOG,
        "dumps": _dump_entries(dumps, base_iri, str(dataset["version"])),
        "sources": [{"path": name, "sha256": file_sha256(p)} for name, p in sorted(sources)],
        "files": release_files(path.parent),
    }
    path.write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return manifest


def _dump_entries(dumps: list[DumpFile], base_iri: str, version: str) -> list[dict[str, object]]:
    """Each dump as the manifest lists it, with its versioned download URL."""
    return [
        {**asdict(d), "download_url": f"{base_iri}dumps/{version}/{d.path.rsplit('/', 1)[-1]}"}
        for d in dumps
    ]

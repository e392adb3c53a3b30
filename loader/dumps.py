"""Dumps of the content graphs: byte-identical for identical inputs, each with size and sha256."""

from __future__ import annotations

import gzip
import hashlib
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from loader.terms import sort_key

DUMP_STEM = "cgkg"


@dataclass(frozen=True)
class DumpFormat:
    extension: str
    name: str
    media_type: str
    rdf_format: ox.RdfFormat
    quads: bool  # True: named graphs kept; False: the union of the graphs


FORMATS = (
    DumpFormat("ttl", "Turtle", "text/turtle", ox.RdfFormat.TURTLE, quads=False),
    DumpFormat("nt", "N-Triples", "application/n-triples", ox.RdfFormat.N_TRIPLES, quads=False),
    DumpFormat("nq", "N-Quads", "application/n-quads", ox.RdfFormat.N_QUADS, quads=True),
    DumpFormat("trig", "TriG", "application/trig", ox.RdfFormat.TRIG, quads=True),
    DumpFormat("jsonld", "JSON-LD", "application/ld+json", ox.RdfFormat.JSON_LD, quads=True),
    DumpFormat("rdf", "RDF/XML", "application/rdf+xml", ox.RdfFormat.RDF_XML, quads=False),
)


@dataclass(frozen=True)
class DumpFile:
    path: str  # relative to the release folder
    format: str
    media_type: str
    encoding: str | None
    bytes: int
    sha256: str
    triples: int | None


def write_dumps(dumps_dir: Path, quads: list[ox.Quad], prefixes: dict[str, str]) -> list[DumpFile]:
    """Every RDF format, plain and gzipped."""
    dumps_dir.mkdir(parents=True, exist_ok=True)
    ordered = sorted(quads, key=sort_key)
    triples = sorted(
        {q.triple for q in ordered}, key=lambda t: (str(t.subject), str(t.predicate), str(t.object))
    )
    files = []
    for fmt in FORMATS:
        items: list[ox.Quad] | list[ox.Triple] = ordered if fmt.quads else triples
        data = ox.serialize(items, format=fmt.rdf_format, prefixes=prefixes)
        assert data is not None  # noqa: S101 - serialize returns bytes when no output is given
        name = f"{DUMP_STEM}.{fmt.extension}"
        files += write_file_pair(dumps_dir, name, data, fmt.name, fmt.media_type, len(items))
    return files


def write_file_pair(
    dumps_dir: Path, name: str, data: bytes, fmt: str, media_type: str, triples: int | None
) -> list[DumpFile]:
    """``name`` and ``name.gz`` (gzip with no timestamp or file name, so it is reproducible)."""
    (dumps_dir / name).write_bytes(data)
    packed = gzip.compress(data, compresslevel=9, mtime=0)
    (dumps_dir / f"{name}.gz").write_bytes(packed)
    relative = f"{dumps_dir.name}/{name}"
    return [
        DumpFile(relative, fmt, media_type, None, len(data), _sha256(data), triples),
        DumpFile(f"{relative}.gz", fmt, media_type, "gzip", len(packed), _sha256(packed), triples),
    ]


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()

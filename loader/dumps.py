"""Dumps of every named graph: byte-identical for identical inputs, each with size and sha256.

N-Quads, TriG and the JSON-LD files keep the named graphs (the description in
``graph/metadata`` included): loaded into a store they give the endpoint back.
Turtle, N-Triples and RDF/XML hold the merged view, the union of the graphs.
"""

from __future__ import annotations

import gzip
import hashlib
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from loader import jsonld
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
    profile: str | None = None
    """The JSON-LD form (``http://www.w3.org/ns/json-ld#compacted`` …), for JSON-LD files."""


@dataclass(frozen=True)
class PlannedDump:
    """A dump before it is written: what its description needs."""

    path: str
    format: str
    media_type: str
    encoding: str | None
    profile: str | None = None


def _jsonld_name(form: jsonld.Form) -> str:
    return f"{DUMP_STEM}.jsonld" if form == "compacted" else f"{DUMP_STEM}.{form}.jsonld"


def _outputs() -> list[tuple[str, DumpFormat, jsonld.Form | None]]:
    """(file name, format, JSON-LD form) of every RDF dump, in the manifest's order."""
    out: list[tuple[str, DumpFormat, jsonld.Form | None]] = []
    for fmt in FORMATS:
        if fmt.rdf_format == ox.RdfFormat.JSON_LD:
            out += [(_jsonld_name(form), fmt, form) for form in jsonld.FORMS]
        else:
            out.append((f"{DUMP_STEM}.{fmt.extension}", fmt, None))
    return out


def plan_dumps(dumps_dir: str = "dumps") -> list[PlannedDump]:
    """The RDF dumps :func:`write_dumps` will write, plain and gzipped."""
    planned = []
    for name, fmt, form in _outputs():
        profile = jsonld.PROFILE + form if form else None
        for encoding, suffix in ((None, ""), ("gzip", ".gz")):
            path = f"{dumps_dir}/{name}{suffix}"
            planned.append(PlannedDump(path, fmt.name, fmt.media_type, encoding, profile))
    return planned


def write_dumps(dumps_dir: Path, quads: list[ox.Quad], prefixes: dict[str, str]) -> list[DumpFile]:
    """Every RDF format, plain and gzipped, in the order of :func:`plan_dumps`."""
    dumps_dir.mkdir(parents=True, exist_ok=True)
    ordered = sorted(quads, key=sort_key)
    triples = sorted(
        {q.triple for q in ordered}, key=lambda t: (str(t.subject), str(t.predicate), str(t.object))
    )
    doc: list[object] = []
    files = []
    for name, fmt, form in _outputs():
        items: list[ox.Quad] | list[ox.Triple] = ordered if fmt.quads else triples
        if form is not None:
            doc = doc or jsonld.expanded(ordered)
            data = jsonld.document(doc, form, prefixes)
        else:
            data = _serialize(items, fmt.rdf_format, prefixes)
        profile = jsonld.PROFILE + form if form else None
        files += write_file_pair(
            dumps_dir, name, data, fmt.name, fmt.media_type, len(items), profile
        )
    return files


def _serialize(
    items: list[ox.Quad] | list[ox.Triple], rdf_format: ox.RdfFormat, prefixes: dict[str, str]
) -> bytes:
    data = ox.serialize(items, format=rdf_format, prefixes=prefixes)
    assert data is not None  # noqa: S101 - serialize returns bytes when no output is given
    return data


def write_file_pair(
    dumps_dir: Path,
    name: str,
    data: bytes,
    fmt: str,
    media_type: str,
    triples: int | None,
    profile: str | None = None,
) -> list[DumpFile]:
    """``name`` and ``name.gz`` (gzip with no timestamp or file name, so it is reproducible)."""
    (dumps_dir / name).write_bytes(data)
    packed = gzip.compress(data, compresslevel=9, mtime=0)
    (dumps_dir / f"{name}.gz").write_bytes(packed)
    relative = f"{dumps_dir.name}/{name}"
    digest, packed_digest = _sha256(data), _sha256(packed)
    return [
        DumpFile(relative, fmt, media_type, None, len(data), digest, triples, profile),
        DumpFile(
            f"{relative}.gz", fmt, media_type, "gzip", len(packed), packed_digest, triples, profile
        ),
    ]


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()

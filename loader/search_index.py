"""The full-text search index of a release (tantivy), built once from the release's store.

One index document per text (a label, a task text, a definition), with the IRI,
type and display names of the resource it belongs to; the server groups the
hits by resource. The texts come from the store through ``sparql/search_texts.rq``
and are sorted by resource, property and text here, not by the query: at 1,000x
synthetic data (356,226 texts) Oxigraph's ORDER BY took longer than the query
itself (167 s against 64 s, on a loaded machine), where the whole stage, this sort
included, takes 18 s (docs/benchmarks.md). The build therefore holds every text at
once, not one resource at a time.

Chinese has no spaces, so each Han character is a token of its own, at its own
position; letters and digits in runs are words (lower-cased, accents folded,
English stems); every other character (punctuation) is a token too. A phrase
query then matches exactly where its characters are contiguous in the text, and
never across punctuation. The analyzer is declared in the manifest entry
(:data:`ANALYZER`) and built from that declaration on both sides, so the server
analyses a query exactly as the build analysed the texts, without importing the
loader. Why tantivy and this analyzer: docs/search.md.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from importlib import metadata
from importlib.resources import files
from itertools import groupby
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import tantivy

from loader.manifest import file_sha256

__all__ = ["ANALYZER", "INDEX_DIR", "analyzer", "write_search_index"]

INDEX_DIR = "search"
FORMAT = 1
ANALYZER: dict[str, Any] = {
    "name": "cgkg",
    "tokenizer": ["regex", r"\p{Han}|[[\p{L}\p{N}\p{M}]--\p{Han}]+|[^\s\p{L}\p{N}\p{M}]"],
    "filters": [["lowercase"], ["ascii_fold"], ["stemmer", "english"]],
}
TEXTS_QUERY = files("loader").joinpath("sparql/search_texts.rq").read_text(encoding="utf-8")
# Which label names a resource in result lists, most preferred first.
_NAME_ORDER = (
    "http://www.w3.org/2004/02/skos/core#prefLabel",
    "http://www.w3.org/2000/01/rdf-schema#label",
    "http://data.europa.eu/eli/ontology#title",
    "http://purl.org/dc/terms/title",
    "https://w3id.org/cgkg/ontology#unitName",
)
_WRITER_HEAP = 64 * 1024 * 1024


def analyzer(spec: dict[str, Any]) -> tantivy.TextAnalyzer:
    """The tantivy analyzer a declaration like :data:`ANALYZER` describes."""
    kind, pattern = spec["tokenizer"]
    if kind != "regex":
        raise ValueError(f"unknown tokenizer {kind!r}")
    builder = tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.regex(pattern))
    for name, *args in spec["filters"]:
        builder = builder.filter(getattr(tantivy.Filter, name)(*args))
    return builder.build()


def _schema() -> tantivy.Schema:
    schema = tantivy.SchemaBuilder()
    for name in ("iri", "type", "lang", "property", "name_zh", "name_en"):
        schema.add_text_field(name, stored=True, tokenizer_name="raw")
    for name in ("label", "text"):
        schema.add_text_field(
            name, stored=True, tokenizer_name=ANALYZER["name"], index_option="position"
        )
    return schema.build()


@dataclass
class _Counts:
    documents: int = 0
    resources: int = 0
    types: set[str] = field(default_factory=set)


def _rows(store: ox.Store) -> Iterator[dict[str, Any]]:
    """Every text, ordered by resource, property, text and language: grouped by resource,
    and in the same order in every build (ties rank the same)."""
    result = store.query(TEXTS_QUERY, use_default_graph_as_union=True)
    assert isinstance(result, ox.QuerySolutions)  # noqa: S101 - the query is a SELECT
    rows = []
    for row in result:
        text = row["text"]
        assert isinstance(text, ox.Literal)  # noqa: S101 - the query keeps literals only
        rows.append(
            (
                row["resource"].value,
                row["property"].value,
                text.value,
                (text.language or "").lower(),
                row["type"].value,
                row["field"].value,
            )
        )
    rows.sort()
    for resource, prop, text_value, lang, kind, kind_of_field in rows:
        yield {
            "resource": resource,
            "type": kind,
            "property": prop,
            "field": kind_of_field,
            "text": text_value,
            "lang": lang,
        }


def _names(rows: list[dict[str, Any]]) -> dict[str, str]:
    """The display name of a resource in Chinese and in English, where it has one."""
    names: dict[str, str] = {}
    for lang in ("zh", "en"):
        candidates = [r for r in rows if r["field"] == "label" and r["lang"] == lang]
        candidates.sort(key=lambda r: (_rank(r["property"]), r["text"]))
        if candidates:
            names[lang] = candidates[0]["text"]
    return names


def _rank(prop: str) -> int:
    return _NAME_ORDER.index(prop) if prop in _NAME_ORDER else len(_NAME_ORDER)


def _language_ranges(tag: str) -> list[str]:
    """``zh-latn-pinyin`` → ``zh``, ``zh-latn``, ``zh-latn-pinyin``: a ``lang=zh`` filter
    then matches as SPARQL's ``langMatches`` does."""
    parts = tag.split("-") if tag else []
    return ["-".join(parts[: i + 1]) for i in range(len(parts))]


def _document(row: dict[str, Any], names: dict[str, str]) -> tantivy.Document:
    doc = tantivy.Document()
    doc.add_text("iri", row["resource"])
    doc.add_text("type", row["type"])
    doc.add_text("property", row["property"])
    for value in _language_ranges(row["lang"]):
        doc.add_text("lang", value)
    for lang, name in names.items():
        doc.add_text(f"name_{lang}", name)
    doc.add_text(row["field"], row["text"])
    return doc


def _index(folder: Path, store: ox.Store) -> _Counts:
    folder.mkdir()
    index = tantivy.Index(_schema(), str(folder))
    index.register_tokenizer(ANALYZER["name"], analyzer(ANALYZER))
    # One thread and one commit: documents in the same order in every build, the same
    # ranking of ties (one segment on the real data; a full heap spills a second).
    writer = index.writer(heap_size=_WRITER_HEAP, num_threads=1)
    counts = _Counts()
    for _, group in groupby(_rows(store), key=lambda r: r["resource"]):
        rows = list(group)
        names = _names(rows)
        for row in rows:
            writer.add_document(_document(row, names))
        counts.documents += len(rows)
        counts.resources += 1
        counts.types.add(rows[0]["type"])
    writer.commit()
    writer.wait_merging_threads()
    return counts


def _digest(folder: Path, release: Path) -> str:
    """One sha256 for the whole index: over each file's path and sha256, sorted."""
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        name = path.relative_to(release).as_posix()
        digest.update(f"{name}\0{file_sha256(path)}\n".encode())
    return digest.hexdigest()


def write_search_index(release: Path, store: ox.Store) -> dict[str, Any]:
    """Write the index into ``release/search``; its entry for the manifest."""
    folder = release / INDEX_DIR
    counts = _index(folder, store)
    return {
        "path": INDEX_DIR,
        "format": FORMAT,
        "engine": f"tantivy {metadata.version('tantivy')}",
        "analyzer": ANALYZER,
        "documents": counts.documents,
        "resources": counts.resources,
        "types": sorted(counts.types),
        "sha256": _digest(folder, release),
    }

"""JSON-LD in the three document forms of JSON-LD 1.1, chosen by the ``profile`` parameter.

A client names the form in ``Accept``:
``application/ld+json; profile="http://www.w3.org/ns/json-ld#expanded"`` (or
``#compacted``, ``#flattened``; several, space-separated, may be given).
Compacted is the default: a context of the dataset's own prefixes, embedded in
the document so that it works offline, and the same context that
``/context.jsonld`` serves. Flattened is flattened and compacted with that
context. pyoxigraph writes the expanded form; pyld compacts and flattens it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Any, Literal

import pyoxigraph as ox

__all__ = ["FORMS", "PROFILE", "Form", "context", "requested_form", "write"]

Form = Literal["compacted", "expanded", "flattened"]
PROFILE = "http://www.w3.org/ns/json-ld#"
FORMS: tuple[Form, ...] = ("compacted", "expanded", "flattened")
_MEDIA_TYPES = ("application/ld+json", "application/json")
_RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


def context(prefixes: Mapping[str, str]) -> dict[str, Any]:
    """The JSON-LD context of the dataset: one term per prefix."""
    return {"@context": dict(sorted(prefixes.items()))}


@lru_cache(maxsize=256)
def requested_form(accept: str | None) -> Form:
    """The form the JSON-LD ranges of ``accept`` ask for (flattened, then expanded, win over
    compacted when several are named); compacted when none is."""
    asked: set[str] = set()
    for item in (accept or "").split(","):
        media, *params = (part.strip() for part in item.split(";"))
        values = dict(p.partition("=")[::2] for p in params)
        if media.lower() not in _MEDIA_TYPES or values.get("q", "1").strip() in ("0", "0.0"):
            continue
        for uri in values.get("profile", "").strip().strip('"').split():
            if uri.startswith(PROFILE):
                asked.add(uri[len(PROFILE) :])
    if "flattened" in asked:
        return "flattened"
    return "expanded" if "expanded" in asked else "compacted"


def _expanded(items: Sequence[ox.Triple] | Sequence[ox.Quad]) -> list[Any]:
    """Expanded JSON-LD with classes under ``@type`` (pyoxigraph writes ``rdf:type`` as a
    property, which compaction would keep as one)."""
    doc: list[Any] = json.loads(ox.serialize(items, format=ox.RdfFormat.JSON_LD) or b"[]")
    nodes = list(doc)
    while nodes:
        node = nodes.pop()
        nodes.extend(node.get("@graph", []))
        classes = node.get(_RDF_TYPE)
        if classes and all(set(value) == {"@id"} for value in classes):
            del node[_RDF_TYPE]
            node["@type"] = [value["@id"] for value in classes]
    return doc


def write(
    items: Sequence[ox.Triple] | Sequence[ox.Quad], form: Form, prefixes: Mapping[str, str]
) -> bytes:
    """``items`` as a JSON-LD document in ``form``, UTF-8."""
    # Imported on first use: pyld (and lxml) take most of a query process's start-up time,
    # and most processes never write compacted JSON-LD.
    from pyld import jsonld

    doc: Any = _expanded(items)
    if form == "compacted":
        doc = jsonld.compact(doc, context(prefixes))
    elif form == "flattened":
        doc = jsonld.flatten(doc, context(prefixes))
    return json.dumps(doc, ensure_ascii=False, indent=1).encode("utf-8")

"""The JSON-LD dumps in the three document forms of JSON-LD 1.1.

pyoxigraph writes expanded JSON-LD (fast, in native code); pyld compacts and
flattens it. Compacted (``cgkg.jsonld``) and flattened use a context of the
dataset's own prefixes, embedded so that the file works offline (the server
also serves it at ``<base>context.jsonld``); expanded has no context. Each form
is the same graph: the tests expand each one again and compare it with the
Turtle dump.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, Literal

import pyoxigraph as ox
from pyld import jsonld

Form = Literal["compacted", "expanded", "flattened"]
PROFILE = "http://www.w3.org/ns/json-ld#"
FORMS: tuple[Form, ...] = ("compacted", "expanded", "flattened")
_RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


def context(prefixes: Mapping[str, str]) -> dict[str, Any]:
    """The JSON-LD context: one term per prefix of the dataset."""
    return {"@context": dict(sorted(prefixes.items()))}


def expanded(quads: list[ox.Quad]) -> list[Any]:
    """``quads`` in expanded form, with classes under ``@type`` (pyoxigraph writes
    ``rdf:type`` as a property, which compaction would keep as one)."""
    data = ox.serialize(quads, format=ox.RdfFormat.JSON_LD)
    doc: list[Any] = json.loads(data or b"[]")
    for node in _nodes(doc):
        classes = node.pop(_RDF_TYPE, None)
        if classes and all(set(value) == {"@id"} for value in classes):
            node["@type"] = [value["@id"] for value in classes]
        elif classes:
            node[_RDF_TYPE] = classes  # a literal class: not expressible as @type
    return doc


def _nodes(doc: list[Any]) -> list[dict[str, Any]]:
    found = []
    for node in doc:
        found.append(node)
        found.extend(_nodes(node.get("@graph", [])))
    return found


def document(doc: list[Any], form: Form, prefixes: Mapping[str, str]) -> bytes:
    """The expanded document ``doc`` in ``form``, as UTF-8 JSON."""
    if form == "compacted":
        data: Any = jsonld.compact(doc, context(prefixes))
    elif form == "flattened":
        data = jsonld.flatten(doc, context(prefixes))
    else:
        data = doc
    return (json.dumps(data, ensure_ascii=False, indent=1) + "\n").encode("utf-8")

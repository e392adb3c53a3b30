"""View models of the ontology and shapes documentation pages."""

from __future__ import annotations

from typing import Any

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS
from rdflib.term import Node

from server.web.models.terms import Linker, Value, labels_of, lang_key

__all__ = ["ontology_sections", "shape_sections"]

SH = Namespace("http://www.w3.org/ns/shacl#")

# (interface text key, rdf:type) in page order; a term is listed under its first match.
KINDS = (
    ("classes", OWL.Class),
    ("object_properties", OWL.ObjectProperty),
    ("datatype_properties", OWL.DatatypeProperty),
)
ROWS = (
    ("superclass", RDFS.subClassOf),
    ("subproperty", RDFS.subPropertyOf),
    ("domain", RDFS.domain),
    ("range", RDFS.range),
)


def _texts(graph: Graph, subject: Node, prop: URIRef) -> dict[str, str]:
    found: dict[str, str] = {}
    for obj in sorted(graph.objects(subject, prop), key=str):
        if isinstance(obj, Literal):
            found.setdefault(lang_key(obj.language), str(obj))
    return found


def _anchor(iri: str, document: str) -> str | None:
    prefix = document + "#"
    return iri[len(prefix) :] if iri.startswith(prefix) else None


def _term(graph: Graph, subject: URIRef, document: str, linker: Linker) -> dict[str, Any]:
    rows = []
    for key, prop in ROWS:
        values = [
            linker.value(o, graph)
            for o in sorted(graph.objects(subject, prop), key=str)
            if not isinstance(o, BNode)
        ]
        if values:
            rows.append((key, values))
    return {
        "anchor": _anchor(str(subject), document),
        "iri": str(subject),
        "value": linker.value(subject, graph),
        "labels": labels_of(graph, subject),
        "comments": _texts(graph, subject, RDFS.comment),
        "rows": rows,
    }


def ontology_sections(graph: Graph, iri: str, linker: Linker) -> dict[str, Any]:
    document = URIRef(iri)
    listed: set[Node] = set()
    sections = []
    for key, kind in KINDS:
        terms = []
        for subject in sorted(graph.subjects(RDF.type, kind), key=str):
            if isinstance(subject, URIRef) and _anchor(str(subject), iri) and subject not in listed:
                listed.add(subject)
                terms.append(_term(graph, subject, iri, linker))
        sections.append((key, terms))
    others = [
        _term(graph, s, iri, linker)
        for s in sorted(set(graph.subjects(RDF.type, None)), key=str)
        if isinstance(s, URIRef) and _anchor(str(s), iri) and s not in listed
    ]
    sections.append(("other_terms", others))
    return {
        "title": _texts(graph, document, DCTERMS.title) or _texts(graph, document, RDFS.label),
        "description": _texts(graph, document, DCTERMS.description),
        "version": next((str(v) for v in graph.objects(document, OWL.versionInfo)), None),
        "sections": sections,
    }


def _constraint_values(graph: Graph, node: Node, linker: Linker) -> list[tuple[str, list[Value]]]:
    rows = []
    for prop in sorted(set(graph.predicates(node, None)), key=str):
        if prop in (SH.path, SH.message, RDF.type, SH.property):
            continue
        values: list[Value] = []
        for obj in sorted(graph.objects(node, prop), key=str):
            if isinstance(obj, BNode) and (obj, RDF.first, None) in graph:
                values.extend(linker.value(item, graph) for item in Collection(graph, obj))
            elif isinstance(obj, BNode):
                values.append(Value(kind="literal", text="[…]"))
            else:
                values.append(linker.value(obj, graph))
        rows.append((linker.curie(str(prop)) or str(prop), values))
    return rows


def shape_sections(graph: Graph, iri: str, linker: Linker) -> dict[str, Any]:
    shapes = []
    for shape in sorted(graph.subjects(RDF.type, SH.NodeShape), key=str):
        properties = []
        for prop_shape in sorted(graph.objects(shape, SH.property), key=str):
            path = next(iter(graph.objects(prop_shape, SH.path)), None)
            properties.append(
                {
                    "path": linker.value(path, graph) if path is not None else None,
                    "constraints": _constraint_values(graph, prop_shape, linker),
                    "messages": _texts(graph, prop_shape, SH.message),
                }
            )
        shapes.append(
            {
                "anchor": _anchor(str(shape), iri) if isinstance(shape, URIRef) else None,
                "value": linker.value(shape, graph),
                "labels": labels_of(graph, shape),
                "comments": _texts(graph, shape, RDFS.comment),
                "constraints": _constraint_values(graph, shape, linker),
                "messages": _texts(graph, shape, SH.message),
                "properties": properties,
            }
        )
    return {"shapes": shapes}

"""rdflib terms to pyoxigraph terms, blank nodes kept under canonical labels."""

from __future__ import annotations

from collections.abc import Iterator

import pyoxigraph as ox
from rdflib import BNode, Graph, URIRef
from rdflib import Literal as RdfLiteral
from rdflib.compare import to_canonical_graph
from rdflib.term import Node


def to_ox(term: Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, RdfLiteral):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise TypeError(f"unsupported RDF term {term!r}")


def to_rdflib(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> Node:
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return RdfLiteral(term.value, lang=term.language)
        return RdfLiteral(term.value, datatype=URIRef(term.datatype.value))
    raise TypeError(f"unsupported RDF term {term!r}")


def graph_quads(graph: Graph, name: str) -> Iterator[ox.Quad]:
    """The graph's triples as quads in graph ``name``; blank nodes get canonical labels.

    Canonical labels make the dumps byte-identical from one build to the next.
    """
    if any(isinstance(t, BNode) for triple in graph for t in triple):
        graph = to_canonical_graph(graph)
    graph_name = ox.NamedNode(name)
    for s, p, o in graph:
        subject = to_ox(s)
        predicate = to_ox(p)
        assert not isinstance(subject, ox.Literal)  # noqa: S101 - RDF subjects are never literals
        assert isinstance(predicate, ox.NamedNode)  # noqa: S101 - RDF predicates are IRIs
        yield ox.Quad(subject, predicate, to_ox(o), graph_name)


def sort_key(quad: ox.Quad) -> tuple[str, str, str, str]:
    return (str(quad.graph_name), str(quad.subject), str(quad.predicate), str(quad.object))

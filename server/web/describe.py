"""Descriptions of resources: the triples a resource IRI answers with.

A description holds the resource's own triples, the triples pointing at it
and the labels of every resource (and property) they mention
(`internal_queries/resource_describe.rq`). Pages add a per-kind *context*
(a zone's task and division chain, a theme's zones…) from their own queries.
"""

from __future__ import annotations

from collections.abc import Iterable

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from server.kg import KnowledgeGraph, query_file

__all__ = ["context_graph", "describe", "display_query", "site_query", "to_rdflib"]

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def site_query(name: str) -> str:
    """The text of ``server/web/queries/<name>.rq``: the site's own queries."""
    return query_file("server.web", name)


def _term(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple | ox.DefaultGraph) -> Node:
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        if term.datatype.value == XSD_STRING:
            # RDF 1.1: a simple literal is an xsd:string; rdflib tells the two apart.
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(term.datatype.value))
    raise TypeError(f"unsupported term {term!r}")


def to_rdflib(triples: Iterable[ox.Triple]) -> Graph:
    """An rdflib graph of pyoxigraph triples (rdflib renders and serializes pages)."""
    graph = Graph()
    for triple in triples:
        graph.add((_term(triple.subject), _term(triple.predicate), _term(triple.object)))
    return graph


def describe(kg: KnowledgeGraph, iri: str) -> Graph:
    """The description of `iri`; empty when the store says nothing about it."""
    triples = kg.construct(site_query("resource_describe"), {"resource": ox.NamedNode(iri)})
    return to_rdflib(triples)


def context_graph(kg: KnowledgeGraph, query_name: str, iri: str) -> Graph:
    """The extra triples one kind of page needs (`internal_queries/<query_name>.rq`)."""
    triples = kg.construct(site_query(query_name), {"resource": ox.NamedNode(iri)})
    return to_rdflib(triples)


def display_query(iri: str, query_name: str = "resource_describe") -> str:
    """The description query with the resource fixed, for people to read and run.

    The server itself always binds ?resource with substitutions; this text is only
    shown on the page and sent to the query editor. `ox.NamedNode` validates the
    IRI, and its string form is the IRI in SPARQL syntax.
    """
    text = site_query(query_name)
    binding = f"  VALUES ?resource {{ {ox.NamedNode(iri)} }}"
    head, sep, tail = text.partition("WHERE {")
    body = "\n".join(line for line in head.splitlines() if not line.startswith("#"))
    return f"{body.strip()}\n{sep}\n{binding}{tail}"

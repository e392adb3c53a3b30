"""A set of named graphs under construction, with where each subject came from.

The mapping states triples with rdflib terms; they are kept as pyoxigraph quads in
one set (no rdflib ``Graph``): at 40,000 zones an rdflib graph took most of the
build's time and memory, and every later step (validation, store, dumps) reads quads.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import pyoxigraph as ox
from rdflib import URIRef
from rdflib.term import Node

from loader.iris import Iris
from loader.sources import Origin
from loader.terms import sort_key, to_ox

NOTICE = "notice"
DIVISIONS = "divisions"
THEMES = "themes"
TRANSLATIONS = "translations"
ONTOLOGY = "ontology"
QUERIES = "queries"
METADATA = "metadata"


@dataclass
class NamedGraphs:
    """Quads of graphs keyed by short name (``notice`` → ``<base>graph/notice``)."""

    iris: Iris
    names: dict[str, ox.NamedNode] = field(default_factory=dict)
    quads: set[ox.Quad] = field(default_factory=set)
    origins: dict[URIRef, Origin] = field(default_factory=dict)

    def graph_name(self, name: str) -> ox.NamedNode:
        if name not in self.names:
            self.names[name] = ox.NamedNode(str(self.iris.graph(name)))
        return self.names[name]

    def add(self, name: str, subject: URIRef, predicate: URIRef, obj: Node) -> None:
        """One triple of IRIs and literals (the mapping mints no blank nodes)."""
        self._add(name, subject, predicate, to_ox(obj))

    def _add(
        self,
        name: str,
        subject: URIRef,
        predicate: URIRef,
        obj: ox.Literal | ox.NamedNode | ox.BlankNode,
    ) -> None:
        s, p = ox.NamedNode(str(subject)), ox.NamedNode(str(predicate))
        self.quads.add(ox.Quad(s, p, obj, self.graph_name(name)))

    def extend(self, quads: Iterable[ox.Quad]) -> None:
        """Quads already in one of these graphs (the ontology, blank nodes canonical)."""
        self.quads.update(quads)

    def text(self, name: str, subject: URIRef, predicate: URIRef, zh: str, en: str | None) -> None:
        """A zh literal in graph ``name``; its English counterpart, ours, in translations."""
        # pyoxigraph literals straight away: rdflib's Literal costs 5 µs each.
        self._add(name, subject, predicate, ox.Literal(zh, language="zh"))
        if en:
            self._add(TRANSLATIONS, subject, predicate, ox.Literal(en, language="en"))

    def came_from(self, subject: URIRef, origin: Origin) -> None:
        self.origins.setdefault(subject, origin)

    def sorted_quads(self) -> list[ox.Quad]:
        """Every quad once, in the order of the dumps (graph, subject, predicate, object)."""
        return sorted(self.quads, key=sort_key)

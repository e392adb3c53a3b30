"""A set of named graphs under construction, with where each subject came from."""

from __future__ import annotations

from dataclasses import dataclass, field

from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

from loader.iris import Iris
from loader.sources import Origin

NOTICE = "notice"
DIVISIONS = "divisions"
THEMES = "themes"
TRANSLATIONS = "translations"
ONTOLOGY = "ontology"
QUERIES = "queries"
METADATA = "metadata"


@dataclass
class NamedGraphs:
    """Graphs keyed by short name (``notice`` → ``<base>graph/notice``)."""

    iris: Iris
    graphs: dict[str, Graph] = field(default_factory=dict)
    origins: dict[URIRef, Origin] = field(default_factory=dict)

    def graph(self, name: str) -> Graph:
        if name not in self.graphs:
            self.graphs[name] = Graph(identifier=self.iris.graph(name))
        return self.graphs[name]

    def add(self, name: str, subject: URIRef, predicate: URIRef, obj: Node) -> None:
        self.graph(name).add((subject, predicate, obj))

    def text(self, name: str, subject: URIRef, predicate: URIRef, zh: str, en: str | None) -> None:
        """A zh literal in graph ``name``; its English counterpart, ours, in translations."""
        self.add(name, subject, predicate, Literal(zh, lang="zh"))
        if en:
            self.add(TRANSLATIONS, subject, predicate, Literal(en, lang="en"))

    def came_from(self, subject: URIRef, origin: Origin) -> None:
        self.origins.setdefault(subject, origin)

    def union(self) -> Graph:
        """All graphs merged into one, for validation."""
        merged = Graph()
        for graph in self.graphs.values():
            for triple in graph:
                merged.add(triple)
        return merged

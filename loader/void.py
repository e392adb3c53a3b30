"""VoID figures of the whole store, the dataset's own description included, counted by SPARQL.

The description (``graph/metadata``) is part of the dataset, so its own triples
are counted too. Each figure is one triple whatever its value, so the figures
are first counted over the store holding a draft of the description, and again
with the figures found, until they no longer change (two or three rounds): the
published figures are those of the published graph. Counting runs in the store,
so it needs no copy of the data in Python.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib.resources import files

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef

from loader.namespaces import CGKG, DCTERMS, SKOS, VOID
from loader.terms import graph_quads

_QUERIES = {
    name: files("loader").joinpath(f"sparql/void_{name}.rq").read_text(encoding="utf-8")
    for name in ("totals", "classes", "properties", "graphs")
}
_ROUNDS = 6


@dataclass(frozen=True)
class Statistics:
    triples: int
    subjects: int
    properties: int
    classes: tuple[tuple[str, int], ...]
    property_triples: tuple[tuple[str, int], ...]
    graphs: tuple[tuple[str, int], ...]


def _rows(store: ox.Store, name: str) -> list[list[str]]:
    result = store.query(_QUERIES[name])
    assert isinstance(result, ox.QuerySolutions)  # noqa: S101 - the queries are SELECTs
    columns = [v.value for v in result.variables]
    return [[_value(row[c]) for c in columns] for row in result]


def _value(term: object) -> str:
    return term.value if isinstance(term, ox.NamedNode | ox.Literal) else "0"


def count(store: ox.Store) -> Statistics:
    """The figures of everything in ``store`` now."""
    ((triples, subjects, properties),) = _rows(store, "totals")
    return Statistics(
        int(triples),
        int(subjects),
        int(properties),
        tuple((iri, int(n)) for iri, n in _rows(store, "classes")),
        tuple((iri, int(n)) for iri, n in _rows(store, "properties")),
        tuple((iri, int(n)) for iri, n in _rows(store, "graphs")),
    )


def add_figures(
    description: Graph, dataset: URIRef, stats: Statistics, vocabularies: tuple[str, ...] = ()
) -> Graph:
    """A copy of ``description`` with the figures of ``stats``: totals, partitions, graph
    sizes, and each of ``vocabularies`` (namespaces) that a class or property comes from."""
    g = Graph()
    for triple in description:
        g.add(triple)
    used = [iri for iri, _ in stats.classes + stats.property_triples]
    for namespace in vocabularies:
        if any(iri.startswith(namespace) for iri in used):
            g.add((dataset, VOID.vocabulary, URIRef(namespace)))
    g.add((dataset, VOID.triples, Literal(stats.triples)))
    g.add((dataset, VOID.distinctSubjects, Literal(stats.subjects)))
    g.add((dataset, VOID.properties, Literal(stats.properties)))
    g.add((dataset, VOID.classes, Literal(len(stats.classes))))
    for cls, entities in stats.classes:
        part = URIRef(f"{dataset}/class-partition/{local_name(cls)}")
        g.add((dataset, VOID.classPartition, part))
        g.add((part, VOID["class"], URIRef(cls)))
        g.add((part, VOID.entities, Literal(entities)))
    for prop, triples in stats.property_triples:
        part = URIRef(f"{dataset}/property-partition/{local_name(prop)}")
        g.add((dataset, VOID.propertyPartition, part))
        g.add((part, VOID.property, URIRef(prop)))
        g.add((part, VOID.triples, Literal(triples)))
    sizes = dict(stats.graphs)
    for subset in description.objects(dataset, VOID.subset):
        if (subset, VOID.triples, None) not in description:  # linksets bring their count
            g.add((subset, VOID.triples, Literal(sizes.get(str(subset), 0))))
    return g


def with_figures(
    store: ox.Store,
    description: Graph,
    dataset: URIRef,
    graph_iri: str,
    vocabularies: tuple[str, ...] = (),
) -> Graph:
    """``description`` with the figures of the store holding it (in ``graph_iri``)."""
    graph = ox.NamedNode(graph_iri)
    stats = count(store)
    for _ in range(_ROUNDS):
        draft = add_figures(description, dataset, stats, vocabularies)
        store.extend(graph_quads(draft, graph_iri))
        found = count(store)
        store.clear_graph(graph)
        if found == stats:
            return draft
        stats = found
    raise RuntimeError("the VoID figures of the description did not settle")


_SHORT = {str(CGKG): "cgkg", str(SKOS): "skos", str(DCTERMS): "dcterms"}


def local_name(iri: str) -> str:
    """A readable, unique path segment for a class or property IRI."""
    for namespace, prefix in _SHORT.items():
        if iri.startswith(namespace):
            return f"{prefix}-{iri[len(namespace) :]}"
    return "".join(c if c.isalnum() else "-" for c in iri.split("://", 1)[-1]).strip("-")

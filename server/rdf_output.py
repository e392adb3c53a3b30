"""Writing triples in one of the RDF formats of :data:`server.negotiation.RDF_FORMATS`."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pyoxigraph as ox

SERIALIZERS: Mapping[str, ox.RdfFormat] = {
    "turtle": ox.RdfFormat.TURTLE,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "jsonld": ox.RdfFormat.JSON_LD,
    "rdfxml": ox.RdfFormat.RDF_XML,
    "nquads": ox.RdfFormat.N_QUADS,
    "trig": ox.RdfFormat.TRIG,
    "n3": ox.RdfFormat.N3,
}
"""pyoxigraph's serializer for each format name."""

WITH_PREFIXES = frozenset({"turtle", "trig", "n3", "rdfxml", "jsonld"})
"""Formats that can abbreviate IRIs with prefixes."""


def serialize_triples(
    triples: Sequence[ox.Triple],
    format_name: str,
    prefixes: Mapping[str, str],
    graph_name: ox.NamedNode | None = None,
) -> bytes:
    """``triples`` in the named format; dataset formats put them in ``graph_name``
    (the default graph when ``None``)."""
    target = SERIALIZERS[format_name]
    items: Sequence[ox.Triple] | list[ox.Quad] = triples
    if target.supports_datasets:
        graph = graph_name if graph_name is not None else ox.DefaultGraph()
        items = [ox.Quad(t.subject, t.predicate, t.object, graph) for t in triples]
    used = dict(prefixes) if format_name in WITH_PREFIXES else None
    return ox.serialize(items, format=target, prefixes=used) or b""

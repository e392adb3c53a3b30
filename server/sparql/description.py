"""The SPARQL 1.1 Service Description of ``/sparql``, with VoID statistics and limits.

https://www.w3.org/TR/sparql11-service-description/ : the service, its
endpoint, the query language, result formats and features, its default dataset
(the default graph, which is the union of the named graphs, and every named
graph, each with its triple count and VoID class and property partitions), the
limits this server enforces and, when the release has a search index, the
full-text search functions (``sd:extensionFunction``). The limits use a small
vocabulary of ours, ``https://w3id.org/cgkg/service#`` (prefix ``cgkgsd:``),
declared in :data:`VOCABULARY` (served at ``/service``) and documented in
``docs/server.md``; each is also stated in words in an ``rdfs:comment``.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, VOID, XSD

from server.kg import KnowledgeGraph, query_file
from server.search import functions as search_functions
from server.settings import ServerSettings
from server.sparql.formats import FORMATS as ALL_FORMATS
from server.sparql.formats import Format, serialize_triples

__all__ = [
    "CGKGSD",
    "SD",
    "VOCABULARY",
    "DatasetStatistics",
    "ServiceDescriber",
    "describe_service",
]

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
FORMATS = Namespace("http://www.w3.org/ns/formats/")
ENTAILMENT = Namespace("http://www.w3.org/ns/entailment/")
CGKGSD = Namespace("https://w3id.org/cgkg/service#")
VOCABULARY = Path(__file__).with_name("service_vocabulary.ttl")
"""The ``cgkgsd:`` terms, declared (OWL), in Turtle."""

_PREFIXES = {
    "sd": str(SD),
    "void": str(VOID),
    "formats": str(FORMATS),
    "cgkgsd": str(CGKGSD),
    "search": search_functions.NAMESPACE,
    "dcterms": str(DCTERMS),
    "rdfs": str(RDFS),
    "xsd": str(XSD),
}


def _query(name: str) -> str:
    return query_file("server.sparql", name)


@dataclass(frozen=True, slots=True)
class Partitions:
    triples: int
    classes: Mapping[str, int]
    properties: Mapping[str, int]


@dataclass(frozen=True, slots=True)
class DatasetStatistics:
    """VoID numbers for the default graph and each named graph."""

    default: Partitions
    graphs: Mapping[str, Partitions]

    @classmethod
    def compute(cls, kg: KnowledgeGraph) -> DatasetStatistics:
        classes: dict[str, dict[str, int]] = {g: {} for g in kg.graph_names}
        properties: dict[str, dict[str, int]] = {g: {} for g in kg.graph_names}
        for row in kg.select(_query("graph_class_partitions")):
            graph = classes.setdefault(row["graph"].value, {})
            graph[row["class"].value] = int(row["entities"].value)
        for row in kg.select(_query("graph_property_partitions")):
            graph = properties.setdefault(row["graph"].value, {})
            graph[row["property"].value] = int(row["triples"].value)
        union_classes = {
            r["class"].value: int(r["entities"].value)
            for r in kg.select(_query("union_class_partitions"))
        }
        union_properties = {
            r["property"].value: int(r["triples"].value)
            for r in kg.select(_query("union_property_partitions"))
        }
        union_triples = int(kg.select(_query("union_triples"))[0]["triples"].value)
        graphs = {
            g: Partitions(kg.manifest.graphs.get(g, 0), classes[g], properties.get(g, {}))
            for g in sorted(classes)
        }
        return cls(Partitions(union_triples, union_classes, union_properties), graphs)


def _partitions(graph: Graph, node: BNode, stats: Partitions) -> None:
    graph.add((node, RDF.type, SD.Graph))
    graph.add((node, VOID.triples, Literal(stats.triples)))
    graph.add((node, VOID.classes, Literal(len(stats.classes))))
    graph.add((node, VOID.properties, Literal(len(stats.properties))))
    for cls, count in sorted(stats.classes.items()):
        part = BNode()
        graph.add((node, VOID.classPartition, part))
        graph.add((part, VOID["class"], URIRef(cls)))
        graph.add((part, VOID.entities, Literal(count)))
    for prop, count in sorted(stats.properties.items()):
        part = BNode()
        graph.add((node, VOID.propertyPartition, part))
        graph.add((part, VOID.property, URIRef(prop)))
        graph.add((part, VOID.triples, Literal(count)))


def _limits(graph: Graph, service: URIRef, settings: ServerSettings) -> None:
    graph.add(
        (service, CGKGSD.queryTimeout, Literal(settings.query_timeout_s, datatype=XSD.decimal))
    )
    graph.add((service, CGKGSD.maxResultRows, Literal(settings.max_result_rows)))
    graph.add((service, CGKGSD.maxResultBytes, Literal(settings.max_result_bytes)))
    graph.add((service, CGKGSD.maxQueryBytes, Literal(settings.max_query_bytes)))
    if settings.rate_limit_per_s > 0:
        graph.add(
            (service, CGKGSD.rateLimit, Literal(settings.rate_limit_per_s, datatype=XSD.decimal))
        )
        graph.add((service, CGKGSD.rateLimitBurst, Literal(settings.rate_limit_burst)))
    for endpoint in settings.service_allowlist:
        graph.add((service, CGKGSD.allowedServiceEndpoint, URIRef(endpoint)))
    allowed = (
        "SERVICE may call only " + ", ".join(settings.service_allowlist)
        if settings.service_allowlist
        else "SERVICE is not allowed"
    )
    words = (
        f"Read-only SPARQL 1.1 endpoint. Each query may run {settings.query_timeout_s:g} s at most "
        f"(then it is stopped and answered with 503); a result may have at most "
        f"{settings.max_result_rows} rows or triples and {settings.max_result_bytes} bytes "
        "(a larger one is refused with 422, never cut); "
        f"{allowed}. The default graph is the union of all named graphs."
    )
    graph.add((service, RDFS.comment, Literal(words, lang="en")))


def _search_functions(graph: Graph, service: URIRef, kg: KnowledgeGraph) -> None:
    """The full-text search functions a query may call, when the release has an index."""
    if not kg.manifest.raw.get("search_index"):
        return
    for function in search_functions.FUNCTIONS:
        node = URIRef(function.iri)
        graph.add((service, SD.extensionFunction, node))
        graph.add((node, RDF.type, SD.Function))
        graph.add((node, RDFS.label, Literal(function.label, lang="en")))
        graph.add((node, RDFS.comment, Literal(function.comment, lang="en")))


def describe_service(
    endpoint: str, kg: KnowledgeGraph, stats: DatasetStatistics, settings: ServerSettings
) -> Graph:
    """The service description graph of the endpoint at URL ``endpoint``."""
    graph = Graph()
    service = URIRef(endpoint)
    graph.add((service, RDF.type, SD.Service))
    graph.add((service, SD.endpoint, service))
    graph.add((service, SD.supportedLanguage, SD.SPARQL11Query))
    graph.add((service, SD.defaultEntailmentRegime, ENTAILMENT.Simple))
    graph += [(service, SD.feature, f) for f in (SD.UnionDefaultGraph, SD.EmptyGraphs)]
    if settings.service_allowlist:
        graph.add((service, SD.feature, SD.BasicFederatedQuery))
    for fmt in ALL_FORMATS:
        graph.add((service, SD.resultFormat, URIRef(fmt.registry_iri)))
    _limits(graph, service, settings)
    _search_functions(graph, service, kg)

    dataset = BNode()
    graph.add((service, SD.defaultDataset, dataset))
    graph.add((dataset, RDF.type, SD.Dataset))
    graph.add((dataset, DCTERMS.source, URIRef(kg.manifest.dataset_iri)))
    graph.add((dataset, DCTERMS.identifier, Literal(kg.build_id)))
    graph.add((dataset, OWL.versionInfo, Literal(kg.manifest.dataset_version)))
    graph.add(
        (dataset, DCTERMS.modified, Literal(kg.last_modified.isoformat(), datatype=XSD.dateTime))
    )
    default = BNode()
    graph.add((dataset, SD.defaultGraph, default))
    graph.add((default, RDFS.comment, Literal("The union of all named graphs.", lang="en")))
    _partitions(graph, default, stats.default)
    for name, partitions in stats.graphs.items():
        named = BNode()
        graph.add((dataset, SD.namedGraph, named))
        graph.add((named, RDF.type, SD.NamedGraph))
        graph.add((named, SD.name, URIRef(name)))
        inner = BNode()
        graph.add((named, SD.graph, inner))
        _partitions(graph, inner, partitions)
    return graph


def _serialize(graph: Graph, fmt: Format) -> bytes:
    if fmt.name == "turtle":  # rdflib nests the blank nodes, which reads far better
        for prefix, namespace in _PREFIXES.items():
            graph.bind(prefix, namespace)
        return graph.serialize(format="turtle", encoding="utf-8")
    ntriples = graph.serialize(format="nt", encoding="utf-8")
    triples = list(ox.parse(ntriples, ox.RdfFormat.N_TRIPLES))
    return serialize_triples(triples, fmt, _PREFIXES)


class ServiceDescriber:
    """Builds the description once per release, endpoint URL and format, and keeps it."""

    def __init__(self, settings: ServerSettings) -> None:
        self._settings = settings
        self._stats: dict[str, DatasetStatistics] = {}
        self._bodies: dict[tuple[str, str, str], bytes] = {}
        self._lock = threading.Lock()

    def statistics(self, kg: KnowledgeGraph) -> DatasetStatistics:
        with self._lock:
            stats = self._stats.get(kg.build_id)
            if stats is None:
                stats = self._stats[kg.build_id] = DatasetStatistics.compute(kg)
            return stats

    def body(self, kg: KnowledgeGraph, endpoint: str, fmt: Format) -> bytes:
        key = (kg.build_id, endpoint, fmt.name)
        body = self._bodies.get(key)
        if body is None:
            graph = describe_service(endpoint, kg, self.statistics(kg), self._settings)
            body = _serialize(graph, fmt)
            if len(self._bodies) < 64:  # endpoints differ only by Host header; keep a few
                self._bodies[key] = body
        return body

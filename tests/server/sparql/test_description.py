"""GET /sparql without a query: the SPARQL 1.1 Service Description, with VoID and limits."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import OWL, RDF, RDFS, VOID

from server.sparql.description import VOCABULARY

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
CGKGSD = Namespace("https://w3id.org/cgkg/service#")
ROOT = Path(__file__).resolve().parents[3]
FORMATS = Namespace("http://www.w3.org/ns/formats/")
ENDPOINT = URIRef("http://localhost/sparql")


def _int(node: object) -> int:
    assert isinstance(node, Literal)
    return int(node.toPython())


def description(
    client: FlaskClient, accept: str | None = "text/turtle", fmt: str = "turtle"
) -> Graph:
    headers = {"Accept": accept} if accept else {}
    response = client.get("/sparql", headers=headers)
    assert response.status_code == 200
    return Graph().parse(data=response.data, format=fmt)


def test_default_is_turtle(client: FlaskClient) -> None:
    assert client.get("/sparql").mimetype == "text/turtle"


@pytest.mark.parametrize(
    ("accept", "fmt"),
    [
        ("application/rdf+xml", "xml"),
        ("application/ld+json", "json-ld"),
        ("application/n-triples", "nt"),
    ],
)
def test_other_rdf_formats_by_accept(client: FlaskClient, accept: str, fmt: str) -> None:
    graph = description(client, accept, fmt)
    assert (ENDPOINT, RDF.type, SD.Service) in graph


def test_service_names_its_endpoint_and_language(client: FlaskClient) -> None:
    graph = description(client)
    assert (ENDPOINT, SD.endpoint, ENDPOINT) in graph
    assert (ENDPOINT, SD.supportedLanguage, SD.SPARQL11Query) in graph


def test_every_result_format_is_listed(client: FlaskClient) -> None:
    listed = set(description(client).objects(ENDPOINT, SD.resultFormat))
    assert {
        FORMATS.SPARQL_Results_JSON,
        FORMATS.SPARQL_Results_CSV,
        FORMATS.Turtle,
        FORMATS["JSON-LD"],
    } <= listed


def test_union_default_graph_is_declared(client: FlaskClient) -> None:
    assert (ENDPOINT, SD.feature, SD.UnionDefaultGraph) in description(client)


def test_federation_is_not_claimed_without_an_allow_list(client: FlaskClient) -> None:
    assert (ENDPOINT, SD.feature, SD.BasicFederatedQuery) not in description(client)


def test_every_named_graph_has_its_triple_count(client: FlaskClient, built_out: Path) -> None:
    graph = description(client)
    manifest = json.loads((built_out / "current" / "manifest.json").read_text())
    counts = {}
    for named in graph.subjects(RDF.type, SD.NamedGraph):
        inner = graph.value(named, SD.graph)
        counts[str(graph.value(named, SD.name))] = _int(graph.value(inner, VOID.triples))
    assert counts == manifest["graphs"]


def test_class_partitions_count_the_zones(client: FlaskClient) -> None:
    graph = description(client)
    zone_class = URIRef("https://w3id.org/cgkg/ontology#ExperimentalZone")
    counts = [
        _int(graph.value(part, VOID.entities)) for part in graph.subjects(VOID["class"], zone_class)
    ]
    assert 40 in counts


def test_property_partitions_exist_for_each_graph(client: FlaskClient) -> None:
    graph = description(client)
    graphs = [graph.value(n, SD.graph) for n in graph.subjects(RDF.type, SD.NamedGraph)]
    assert all(
        isinstance(g, BNode) and graph.value(g, VOID.propertyPartition) is not None for g in graphs
    )


def test_limits_in_force_are_stated(make_app) -> None:  # type: ignore[no-untyped-def]
    client = make_app(
        query_timeout_s=7.5, max_result_rows=1234, service_allowlist=("http://ok.example/sparql",)
    ).test_client()
    graph = description(client)
    timeout = graph.value(ENDPOINT, CGKGSD.queryTimeout)
    assert isinstance(timeout, Literal)
    assert timeout.toPython() == pytest.approx(7.5)
    assert graph.value(ENDPOINT, CGKGSD.maxResultRows) == Literal(1234)
    assert (ENDPOINT, CGKGSD.allowedServiceEndpoint, URIRef("http://ok.example/sparql")) in graph
    assert (ENDPOINT, SD.feature, SD.BasicFederatedQuery) in graph


def test_public_url_sets_the_endpoint(make_app) -> None:  # type: ignore[no-untyped-def]
    client = make_app(public_url="https://kg.example.org/").test_client()
    endpoint = URIRef("https://kg.example.org/sparql")
    assert (endpoint, SD.endpoint, endpoint) in description(client)


def test_description_is_revalidated_with_304(client: FlaskClient) -> None:
    etag = client.get("/sparql").headers["ETag"]
    assert client.get("/sparql", headers={"If-None-Match": etag}).status_code == 304


def test_browser_gets_html(client: FlaskClient) -> None:
    response = client.get(
        "/sparql", headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}
    )
    assert response.mimetype == "text/html"


def test_the_description_varies_with_the_host_it_names(client) -> None:  # type: ignore[no-untyped-def]
    assert "Host" in client.get("/sparql").headers["Vary"]


def test_every_cgkgsd_term_used_is_declared_in_the_vocabulary(make_app) -> None:  # type: ignore[no-untyped-def]
    client = make_app(
        rate_limit_per_s=5.0, service_allowlist=("http://ok.example/sparql",)
    ).test_client()
    used = {p for p in description(client).predicates() if str(p).startswith(str(CGKGSD))}
    vocabulary = Graph().parse(VOCABULARY, format="turtle")
    declared = {
        s
        for kind in (OWL.DatatypeProperty, OWL.ObjectProperty)
        for s in vocabulary.subjects(RDF.type, kind)
    }
    assert len(used) == 7
    assert used <= declared


def test_every_vocabulary_term_has_labels_and_comments_in_both_languages() -> None:
    vocabulary = Graph().parse(VOCABULARY, format="turtle")
    terms = {s for s in vocabulary.subjects(RDFS.isDefinedBy, None)}
    for term in terms:
        for prop in (RDFS.label, RDFS.comment):
            langs = {o.language for o in vocabulary.objects(term, prop) if isinstance(o, Literal)}
            assert langs == {"zh", "en"}, (term, prop)


def test_the_vocabulary_declares_exactly_the_terms_the_code_names() -> None:
    vocabulary = Graph().parse(VOCABULARY, format="turtle")
    declared = {str(s) for s in vocabulary.subjects(RDFS.isDefinedBy, None)}
    named = {
        str(CGKGSD) + name
        for folder in ("server", "loader")
        for path in (ROOT / folder).rglob("*")
        if path.suffix in (".py", ".rq") and path.is_file()
        for name in re.findall(r"(?:cgkgsd:|CGKGSD\.)([A-Za-z]+)", path.read_text(encoding="utf-8"))
    }
    assert named
    assert declared == named

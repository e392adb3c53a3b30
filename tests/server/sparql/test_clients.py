"""Real SPARQL clients against the production server: SPARQLWrapper and rdflib's SPARQLStore."""

from __future__ import annotations

import urllib.error
from typing import Any

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import CSV, JSON, JSONLD, N3, POST, RDFXML, TSV, TURTLE, XML, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import QueryBadFormed

from tests.server.support import LiveServer

CGKG = "https://w3id.org/cgkg/ontology#"
ZONES = f"SELECT ?z WHERE {{ ?z a <{CGKG}ExperimentalZone> }}"
ZONE = "https://w3id.org/cgkg/zone/2015/110102"
CONSTRUCT = (
    f"CONSTRUCT {{ ?z a <{CGKG}ExperimentalZone> }} WHERE {{ ?z a <{CGKG}ExperimentalZone> }}"
)


def run(server: LiveServer, query: str, fmt: str, method: str | None = None) -> Any:
    """SPARQLWrapper's query and conversion, closing the response it leaves open."""
    client = SPARQLWrapper(server.url + "/sparql")
    client.setQuery(query)
    client.setReturnFormat(fmt)
    if method:
        client.setMethod(method)
    result = client.query()
    try:
        return result.convert()
    finally:
        result.response.close()


@pytest.mark.parametrize("method", [None, POST])
def test_sparqlwrapper_select_json(live_server: LiveServer, method: str | None) -> None:
    result = run(live_server, ZONES, JSON, method)
    assert isinstance(result, dict)
    assert len(result["results"]["bindings"]) == 40


def test_sparqlwrapper_select_xml(live_server: LiveServer) -> None:
    document = run(live_server, ZONES, XML)
    assert len(document.getElementsByTagName("result")) == 40


@pytest.mark.parametrize("fmt", [CSV, TSV])
def test_sparqlwrapper_select_tables(live_server: LiveServer, fmt: str) -> None:
    text = run(live_server, ZONES, fmt)
    assert isinstance(text, bytes)
    assert len(text.decode().strip().splitlines()) == 41


def test_sparqlwrapper_ask(live_server: LiveServer) -> None:
    result = run(live_server, f"ASK {{ <{ZONE}> ?p ?o }}", JSON)
    assert result["boolean"] is True


@pytest.mark.parametrize("fmt", [TURTLE, RDFXML, JSONLD, N3, XML])
def test_sparqlwrapper_construct(live_server: LiveServer, fmt: str) -> None:
    result = run(live_server, CONSTRUCT, fmt)
    graph = (
        result
        if isinstance(result, Graph)
        else Graph().parse(data=result, format={TURTLE: "turtle", N3: "n3", JSONLD: "json-ld"}[fmt])
    )
    assert len(graph) == 40


@pytest.mark.parametrize("fmt", [TURTLE, N3, JSONLD])
def test_sparqlwrapper_select_with_a_graph_format_gets_the_default(
    live_server: LiveServer, fmt: str
) -> None:
    """SPARQLWrapper sends ``Accept: */*`` and ``format=turtle`` (etc.) here: not a 406."""
    with pytest.warns(RuntimeWarning) as warned:  # it says so, and that JSON came instead
        result = run(live_server, ZONES, fmt)
    assert any("Sending Accept header '*/*'" in str(w.message) for w in warned)
    assert len(result["results"]["bindings"]) == 40


def test_sparqlwrapper_describe(live_server: LiveServer) -> None:
    graph = run(live_server, f"DESCRIBE <{ZONE}>", XML)
    assert isinstance(graph, Graph)
    assert (URIRef(ZONE), None, None) in graph


def test_sparqlwrapper_bad_query_is_query_bad_formed(live_server: LiveServer) -> None:
    with pytest.raises(QueryBadFormed, match="does not parse"):
        run(live_server, "SELECT * WHERE { ?s ", JSON)


def test_sparqlwrapper_update_is_refused(live_server: LiveServer) -> None:
    client = SPARQLWrapper(live_server.url + "/sparql")
    client.setMethod(POST)
    client.setQuery("INSERT DATA { <http://a> <http://b> <http://c> }")
    with pytest.raises(urllib.error.HTTPError) as refused:
        client.query()
    refused.value.close()
    assert refused.value.code == 403


@pytest.fixture(scope="module")
def remote_graph(live_server: LiveServer) -> Graph:
    return Graph(store=SPARQLStore(live_server.url + "/sparql"))


def test_sparqlstore_select(remote_graph: Graph) -> None:
    rows = list(remote_graph.query(ZONES))
    assert len(rows) == 40


def test_sparqlstore_ask(remote_graph: Graph) -> None:
    assert remote_graph.query(f"ASK {{ <{ZONE}> ?p ?o }}").askAnswer is True


def test_sparqlstore_construct(remote_graph: Graph) -> None:
    result = remote_graph.query(CONSTRUCT)
    assert result.graph is not None
    assert len(result.graph) == 40


def test_sparqlstore_triple_pattern(remote_graph: Graph) -> None:
    labels = set(
        remote_graph.objects(URIRef(ZONE), URIRef("https://w3id.org/cgkg/ontology#unitName"))
    )
    assert labels == {Literal("北京市西城区", lang="zh")}


def test_sparqlstore_len_counts_the_union(remote_graph: Graph, live_server: LiveServer) -> None:
    result = run(live_server, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", JSON)
    expected = int(result["results"]["bindings"][0]["n"]["value"])
    assert len(remote_graph) == expected

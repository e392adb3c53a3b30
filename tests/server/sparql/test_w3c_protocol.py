"""The W3C SPARQL 1.1 Protocol test suite (query side) and the Service Description tests.

Cases from rdf-tests ``sparql/sparql11/protocol/manifest.ttl``, each under its
manifest name, sent as raw HTTP to ``python -m server`` (granian) on
127.0.0.1. The dataset tests name graphs ``http://kasei.us/2009/09/sparql/data/dataN.rdf``;
the release used here holds those graphs, each saying of itself that it is a
``foaf:Document`` (what the manifest's update tests insert). The update cases
must be refused with 4xx by this read-only endpoint and leave the store as it was.
The three tests of ``sparql11/service-description/manifest.ttl`` follow.
"""

from __future__ import annotations

import http.client
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import pyoxigraph as ox
import pytest
from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import RDF

from tests.engines import Engine, publish_to
from tests.server.support import LiveServer, write_release

KASEI = "http://kasei.us/2009/09/sparql/data/"
FOAF_DOCUMENT = ox.NamedNode("http://xmlns.com/foaf/0.1/Document")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")

D0 = "http%3A%2F%2Fkasei.us%2F2009%2F09%2Fsparql%2Fdata%2Fdata0.rdf"
D1 = "http%3A%2F%2Fkasei.us%2F2009%2F09%2Fsparql%2Fdata%2Fdata1.rdf"
D2 = "http%3A%2F%2Fkasei.us%2F2009%2F09%2Fsparql%2Fdata%2Fdata2.rdf"
D3 = "http%3A%2F%2Fkasei.us%2F2009%2F09%2Fsparql%2Fdata%2Fdata3.rdf"

ASK_1_2 = f"ASK {{ <{KASEI}data1.rdf> a ?type . <{KASEI}data2.rdf> a ?type . }}"
ASK_1_2_NAMED = (
    f"ASK {{ GRAPH ?g1 {{ <{KASEI}data1.rdf> a ?type }} "
    f"GRAPH ?g2 {{ <{KASEI}data2.rdf> a ?type }} }}"
)
ASK_FULL = (
    f"ASK {{\n  <{KASEI}data3.rdf> a ?type\n  GRAPH ?g1 {{ <{KASEI}data1.rdf> a ?type }}\n"
    f"  GRAPH ?g2 {{ <{KASEI}data2.rdf> a ?type }}\n}}"
)
ASK_MULTIPLE = (
    f"ASK FROM <{KASEI}data3.rdf> {{ GRAPH ?g1 {{ <{KASEI}data1.rdf> a ?type }} "
    f"GRAPH ?g2 {{ <{KASEI}data2.rdf> a ?type }} }}"
)
FORM = {"Content-Type": "application/x-www-form-urlencoded"}
DIRECT = {"Content-Type": "application/sparql-query"}
UPDATE = {"Content-Type": "application/sparql-update"}

UPDATE_DATASET = f"""PREFIX dc: <http://purl.org/dc/terms/>
PREFIX foaf: <http://xmlns.com/foaf/0.1/>
CLEAR ALL ;
INSERT DATA {{
    GRAPH <{KASEI}data1.rdf> {{
        <{KASEI}data1.rdf> a foaf:Document
    }}
}} ;
INSERT {{
    GRAPH <http://example.org/protocol-update-dataset-test/> {{
        ?s a dc:BibliographicResource
    }}
}}
WHERE {{
    ?s a foaf:Document
}}"""
DROP_AND_INSERT = f"""PREFIX dc: <http://purl.org/dc/terms/>
PREFIX foaf: <http://xmlns.com/foaf/0.1/>
DROP ALL ;
INSERT DATA {{
    GRAPH <{KASEI}data1.rdf> {{ <{KASEI}data1.rdf> a foaf:Document }}
    GRAPH <{KASEI}data2.rdf> {{ <{KASEI}data2.rdf> a foaf:Document }}
    GRAPH <{KASEI}data3.rdf> {{ <{KASEI}data3.rdf> a foaf:Document }}
}} ;
INSERT {{
    GRAPH <http://example.org/protocol-update-dataset-graphs-test/> {{
        ?s a dc:BibliographicResource
    }}
}}
WHERE {{
    ?s a foaf:Document
}}"""
WITH_CONFLICT = """PREFIX foaf:  <http://xmlns.com/foaf/0.1/>
WITH <http://example/addresses>
DELETE { ?person foaf:givenName 'Bill' }
INSERT { ?person foaf:givenName 'William' }
WHERE {
    ?person foaf:givenName 'Bill'
}"""
BASE_GRAPH = "http://example.org/protocol-base-test/"
BASE_UPDATE = f"""CLEAR GRAPH <{BASE_GRAPH}> ;
INSERT DATA {{ GRAPH <{BASE_GRAPH}> {{ <http://example.org/s> <http://example.org/p> <test> }} }}"""


@dataclass(frozen=True)
class Case:
    """One request of the manifest and what its response must be."""

    method: str
    path: str
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    ok: bool = True
    """2xx/3xx expected; otherwise 4xx."""
    expected_format: str | None = None
    """``boolean``, ``tabular`` or ``RDF``."""
    expected_boolean: bool | None = None


QUERY_CASES: dict[str, Case] = {
    "query_post_form": Case(
        "POST",
        f"/sparql/?default-graph-uri={D0}",
        b"query=ASK%20%7B%7D",
        FORM,
        expected_format="boolean",
        expected_boolean=True,
    ),
    "query_dataset_default_graphs_get": Case(
        "GET",
        "/sparql/?query=ASK%20%7B%20%3Chttp%3A%2F%2Fkasei.us%2F2009%2F09%2Fsparql%2Fdata%2Fdata1.rdf%3E"
        "%20a%20%3Ftype%20.%20%3Chttp%3A%2F%2Fkasei.us%2F2009%2F09%2Fsparql%2Fdata%2Fdata2.rdf%3E%20a"
        f"%20%3Ftype%20.%20%7D&default-graph-uri={D1}&default-graph-uri={D2}",
        expected_format="boolean",
        expected_boolean=True,
    ),
    "query_dataset_default_graphs_post": Case(
        "POST",
        f"/sparql/?default-graph-uri={D1}&default-graph-uri={D2}",
        ASK_1_2.encode(),
        DIRECT,
        expected_format="boolean",
        expected_boolean=True,
    ),
    "query_dataset_named_graphs_post": Case(
        "POST",
        f"/sparql/?named-graph-uri={D1}&named-graph-uri={D2}",
        ASK_1_2_NAMED.encode(),
        DIRECT,
        expected_format="boolean",
        expected_boolean=True,
    ),
    "query_dataset_named_graphs_get": Case(
        "GET",
        "/sparql/?query=ASK%20%7B%20GRAPH%20%3Fg1%20%7B%20%3Chttp%3A%2F%2Fkasei.us%2F2009%2F09%2Fsparql"
        "%2Fdata%2Fdata1.rdf%3E%20a%20%3Ftype%20%7D%20GRAPH%20%3Fg2%20%7B%20%3Chttp%3A%2F%2Fkasei.us"
        "%2F2009%2F09%2Fsparql%2Fdata%2Fdata2.rdf%3E%20a%20%3Ftype%20%7D%20%7D"
        f"&named-graph-uri={D1}&named-graph-uri={D2}",
        expected_format="boolean",
        expected_boolean=True,
    ),
    "query_dataset_full": Case(
        "POST",
        f"/sparql/?default-graph-uri={D3}&named-graph-uri={D1}&named-graph-uri={D2}",
        ASK_FULL.encode(),
        DIRECT,
        expected_format="boolean",
        expected_boolean=True,
    ),
    # The manifest percent-encodes the "&" between its two named-graph-uri parameters
    # (one parameter naming a graph that cannot exist, against the test's stated
    # purpose); the two parameters it means are sent.
    "query_multiple_dataset": Case(
        "POST",
        f"/sparql/?named-graph-uri={D1}&named-graph-uri={D2}",
        ASK_MULTIPLE.encode(),
        DIRECT,
        expected_format="boolean",
        expected_boolean=True,
    ),
    "query_get": Case(
        "GET",
        f"/sparql/?query=ASK%20%7B%7D&default-graph-uri={D0}",
        expected_format="boolean",
        expected_boolean=True,
    ),
    "query_content_type_select": Case(
        "POST",
        f"/sparql/?default-graph-uri={D0}",
        b"SELECT (1 AS ?value) {}",
        DIRECT,
        expected_format="tabular",
    ),
    "query_content_type_ask": Case(
        "POST", f"/sparql/?default-graph-uri={D0}", b"ASK {}", DIRECT, expected_format="boolean"
    ),
    "query_content_type_describe": Case(
        "POST",
        f"/sparql/?default-graph-uri={D0}",
        b"DESCRIBE <http://example.org/>",
        DIRECT,
        expected_format="RDF",
    ),
    "query_content_type_construct": Case(
        "POST",
        f"/sparql/?default-graph-uri={D0}",
        b"CONSTRUCT { <s> <p> 1 } WHERE {}",
        DIRECT,
        expected_format="RDF",
    ),
    "query_post_direct": Case(
        "POST", "/sparql/", b"ASK {}", DIRECT, expected_format="boolean", expected_boolean=True
    ),
    "bad_query_method": Case(
        "PUT", f"/sparql/?query=ASK%20%7B%7D&default-graph-uri={D0}", b"", FORM, ok=False
    ),
    "bad_multiple_queries": Case(
        "GET", "/sparql/?query=ASK%20%7B%7D&query=SELECT%20%2A%20%7B%7D", ok=False
    ),
    "bad_query_wrong_media_type": Case(
        "POST", "/sparql/", b"ASK {}", {"Content-Type": "text/plain"}, ok=False
    ),
    "bad_query_missing_form_type": Case("POST", "/sparql/", b"query=ASK%20%7B%7D", ok=False),
    "bad_query_missing_direct_type": Case("POST", "/sparql/", b"ASK {}", ok=False),
    "bad_query_non_utf8": Case(
        "POST",
        "/sparql/",
        "ASK {}".encode("utf-16"),
        {"Content-Type": "application/sparql-query; charset=UTF-16"},
        ok=False,
    ),
    "bad_query_syntax": Case("GET", "/sparql/?query=ASK%20%7B", ok=False),
}

UPDATE_CASES: dict[str, Case] = {
    "update_dataset_default_graph": Case(
        "POST", f"/sparql/?using-graph-uri={D1}", UPDATE_DATASET.encode(), UPDATE, ok=False
    ),
    "update_dataset_default_graphs": Case(
        "POST",
        f"/sparql/?using-graph-uri={D1}&using-graph-uri={D2}",
        DROP_AND_INSERT.encode(),
        UPDATE,
        ok=False,
    ),
    "update_dataset_named_graphs": Case(
        "POST",
        f"/sparql/?using-named-graph-uri={D1}&using-named-graph-uri={D2}",
        DROP_AND_INSERT.encode(),
        UPDATE,
        ok=False,
    ),
    "update_dataset_full": Case(
        "POST",
        f"/sparql/?using-graph-uri={D1}&using-named-graph-uri={D2}",
        DROP_AND_INSERT.encode(),
        UPDATE,
        ok=False,
    ),
    "update_post_form": Case("POST", "/sparql/", b"update=CLEAR+ALL", FORM, ok=False),
    "update_post_direct": Case("POST", "/sparql/", b"CLEAR ALL", UPDATE, ok=False),
    "update_base_uri": Case("POST", "/sparql/", BASE_UPDATE.encode(), UPDATE, ok=False),
    "bad_update_get": Case("GET", "/sparql/?update=CLEAR%20ALL", ok=False),
    "bad_multiple_updates": Case(
        "POST", "/sparql/", b"update=CLEAR%20NAMED&update=CLEAR%20DEFAULT", FORM, ok=False
    ),
    "bad_update_wrong_media_type": Case(
        "POST", "/sparql/", b"CLEAR NAMED", {"Content-Type": "text/plain"}, ok=False
    ),
    "bad_update_missing_form_type": Case("POST", "/sparql/", b"update=CLEAR%20NAMED", ok=False),
    "bad_update_non_utf8": Case(
        "POST",
        "/sparql/",
        "CLEAR NAMED".encode("utf-16"),
        {"Content-Type": "application/sparql-update; charset=UTF-16"},
        ok=False,
    ),
    "bad_update_syntax": Case("POST", "/sparql/", b"update=CLEAR%20XYZ", FORM, ok=False),
    "bad_update_dataset_conflict": Case(
        "POST",
        "/sparql/?using-named-graph-uri=http%3A%2F%2Fexample%2Fpeople",
        WITH_CONFLICT.encode(),
        UPDATE,
        ok=False,
    ),
}

SOLUTION_TYPES = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
    "text/csv": ox.QueryResultsFormat.CSV,
}


@pytest.fixture(scope="module")
def protocol_server(
    start_server: Callable[..., LiveServer],
    tmp_path_factory: pytest.TempPathFactory,
    engine: str,
    request: pytest.FixtureRequest,
) -> LiveServer:
    """The server over the release below, for each engine: its own store, or fronting
    Oxigraph's server holding it (``cgkg publish``)."""
    quads = [
        ox.Quad(
            ox.NamedNode(f"{KASEI}data{n}.rdf"),
            ox.NamedNode(str(RDF.type)),
            FOAF_DOCUMENT,
            ox.NamedNode(f"{KASEI}data{n}.rdf"),
        )
        for n in (1, 2, 3)
    ]
    # Its own base IRI: published beside the real release into the same engine, neither
    # publication drops the other's graphs.
    out = write_release(tmp_path_factory.mktemp("protocol"), quads, base_iri=KASEI)
    flags = ["--workers", "1", "--rate-limit-per-s", "0"]
    if engine == "embedded":
        return start_server(out, *flags)
    remote: Engine = request.getfixturevalue(f"{engine}_server")
    publish_to(remote, out)
    return start_server(out, *flags, "--sparql-endpoint", remote.query)


@dataclass(frozen=True)
class Answer:
    status: int
    media_type: str
    body: bytes


def send(server: LiveServer, case: Case, accept: str | None = None) -> Answer:
    parts = urlsplit(server.url)
    connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=30)
    try:
        headers = dict(case.headers)
        if accept:
            headers["Accept"] = accept
        if case.method in ("POST", "PUT"):
            headers["Content-Length"] = str(len(case.body))
        connection.request(case.method, case.path, body=case.body or None, headers=headers)
        response = connection.getresponse()
        media_type = (response.getheader("Content-Type") or "").split(";")[0].strip()
        return Answer(response.status, media_type, response.read())
    finally:
        connection.close()


def check_body(answer: Answer, case: Case) -> None:
    media_type, body = answer.media_type, answer.body
    if case.expected_format in ("boolean", "tabular"):
        result = (
            ox.parse_query_results(body, SOLUTION_TYPES[media_type])
            if media_type != "text/csv"
            else None
        )
        if case.expected_format == "boolean":
            assert isinstance(result, ox.QueryBoolean)
            if case.expected_boolean is not None:
                assert bool(result) is case.expected_boolean
        else:
            assert media_type in SOLUTION_TYPES
            assert result is None or isinstance(result, ox.QuerySolutions)
    elif case.expected_format == "RDF":
        fmt = ox.RdfFormat.from_media_type(media_type)
        assert fmt is not None
        list(ox.parse(body, fmt))


@pytest.mark.parametrize("name", list(QUERY_CASES))
def test_protocol_query_case(protocol_server: LiveServer, name: str) -> None:
    case = QUERY_CASES[name]
    answer = send(protocol_server, case)
    if case.ok:
        assert 200 <= answer.status < 400, answer.body
        check_body(answer, case)
    else:
        assert 400 <= answer.status < 500


@pytest.mark.parametrize("name", list(UPDATE_CASES))
def test_protocol_update_case_is_refused(protocol_server: LiveServer, name: str) -> None:
    assert 400 <= send(protocol_server, UPDATE_CASES[name]).status < 500


def test_refused_updates_left_the_store_unchanged(protocol_server: LiveServer) -> None:
    for case in UPDATE_CASES.values():
        send(protocol_server, case)
    count = Case(
        "POST", "/sparql/", b"SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }", DIRECT
    )
    body = send(protocol_server, count, "text/tab-separated-values").body.decode()
    assert body.splitlines()[1] == "3"


@pytest.mark.parametrize(
    "accept",
    [
        "application/sparql-results+xml",
        "application/sparql-results+json",
        "text/csv",
        "text/tab-separated-values",
    ],
)
def test_protocol_select_in_each_accepted_format(protocol_server: LiveServer, accept: str) -> None:
    answer = send(protocol_server, QUERY_CASES["query_content_type_select"], accept)
    assert (answer.status, answer.media_type) == (200, accept)


def _description(server: LiveServer, accept: str) -> tuple[Answer, Graph]:
    answer = send(server, Case("GET", "/sparql"), accept)
    syntax = {"text/turtle": "turtle", "application/rdf+xml": "xml"}[answer.media_type]
    return answer, Graph().parse(data=answer.body, format=syntax)


def test_sd_has_endpoint_triple(protocol_server: LiveServer) -> None:
    """Service description contains a matching sd:endpoint triple."""
    _, graph = _description(protocol_server, "text/turtle")
    endpoint = URIRef(protocol_server.url + "/sparql")
    assert (None, SD.endpoint, endpoint) in graph


@pytest.mark.parametrize("accept", ["text/turtle", "application/rdf+xml", "*/*"])
def test_sd_returns_rdf(protocol_server: LiveServer, accept: str) -> None:
    """GET on endpoint returns RDF."""
    response, graph = _description(protocol_server, accept)
    assert (response.status, len(graph) > 0) == (200, True)


SD_LANGUAGES = {SD.SPARQL10Query, SD.SPARQL11Query, SD.SPARQL11Update}
SD_FEATURES = {
    SD.DereferencesURIs,
    SD.UnionDefaultGraph,
    SD.RequiresDataset,
    SD.EmptyGraphs,
    SD.BasicFederatedQuery,
}


def test_sd_conforms_to_schema(protocol_server: LiveServer) -> None:
    """Service description conforms to schema (the sd: vocabulary's classes and ranges)."""
    _, graph = _description(protocol_server, "text/turtle")
    (service,) = graph.subjects(RDF.type, SD.Service)
    assert all(isinstance(e, URIRef) for e in graph.objects(service, SD.endpoint))
    assert set(graph.objects(service, SD.supportedLanguage)) <= SD_LANGUAGES
    assert set(graph.objects(service, SD.feature)) <= SD_FEATURES
    assert all(isinstance(f, URIRef) for f in graph.objects(service, SD.resultFormat))
    (dataset,) = graph.objects(service, SD.defaultDataset)
    assert (dataset, RDF.type, SD.Dataset) in graph
    assert all((g, RDF.type, SD.Graph) in graph for g in graph.objects(dataset, SD.defaultGraph))
    for named in graph.objects(dataset, SD.namedGraph):
        assert (named, RDF.type, SD.NamedGraph) in graph
        (name,) = graph.objects(named, SD.name)
        assert isinstance(name, URIRef)
        assert all((g, RDF.type, SD.Graph) in graph for g in graph.objects(named, SD.graph))


def test_sd_names_every_graph_of_the_store(protocol_server: LiveServer) -> None:
    _, graph = _description(protocol_server, "text/turtle")
    names = {str(n) for n in graph.objects(None, SD.name)}
    assert names == {f"{KASEI}data{n}.rdf" for n in (1, 2, 3)}

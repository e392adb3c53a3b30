"""/sparql answers: formats by query form, HEAD, caching, validators, gzip, caps, safety."""

from __future__ import annotations

import csv
import gzip
import io
import json
import logging

import pyoxigraph as ox
import pytest
from flask import Flask
from flask.testing import FlaskClient

from server.services import EXTENSION_KEY, Services

ZONES = "SELECT ?z WHERE { ?z a <https://w3id.org/cgkg/ontology#ExperimentalZone> }"
CONSTRUCT = (
    "CONSTRUCT { ?z a <https://w3id.org/cgkg/ontology#ExperimentalZone> } "
    "WHERE { ?z a <https://w3id.org/cgkg/ontology#ExperimentalZone> }"
)
DESCRIBE = "DESCRIBE <https://w3id.org/cgkg/zone/2015/110102>"


@pytest.mark.parametrize(
    ("query", "content_type"),
    [
        (ZONES, "application/sparql-results+json; charset=utf-8"),
        ("ASK {}", "application/sparql-results+json; charset=utf-8"),
        (CONSTRUCT, "text/turtle; charset=utf-8"),
        (DESCRIBE, "text/turtle; charset=utf-8"),
    ],
)
def test_without_accept_each_form_gets_its_default(
    client: FlaskClient, query: str, content_type: str
) -> None:
    response = client.get("/sparql", query_string={"query": query})
    assert (response.status_code, response.headers["Content-Type"]) == (200, content_type)


@pytest.mark.parametrize(
    ("accept", "media_type"),
    [
        ("application/sparql-results+xml", "application/sparql-results+xml"),
        ("text/csv", "text/csv"),
        ("text/tab-separated-values", "text/tab-separated-values"),
        ("application/json", "application/sparql-results+json"),
    ],
)
def test_select_by_accept(client: FlaskClient, accept: str, media_type: str) -> None:
    response = client.get("/sparql", query_string={"query": ZONES}, headers={"Accept": accept})
    assert response.mimetype == media_type


def test_csv_has_a_header_and_every_zone(client: FlaskClient) -> None:
    response = client.get("/sparql", query_string={"query": ZONES}, headers={"Accept": "text/csv"})
    rows = list(csv.reader(io.StringIO(response.data.decode())))
    assert (rows[0], len(rows) - 1) == (["z"], 40)


@pytest.mark.parametrize(
    ("accept", "fmt"),
    [
        ("application/n-triples", ox.RdfFormat.N_TRIPLES),
        ("application/ld+json", ox.RdfFormat.JSON_LD),
        ("application/rdf+xml", ox.RdfFormat.RDF_XML),
        ("application/n-quads", ox.RdfFormat.N_QUADS),
        ("application/trig", ox.RdfFormat.TRIG),
        ("text/turtle", ox.RdfFormat.TURTLE),
    ],
)
def test_construct_by_accept_parses_in_that_format(
    client: FlaskClient, accept: str, fmt: ox.RdfFormat
) -> None:
    response = client.get("/sparql", query_string={"query": CONSTRUCT}, headers={"Accept": accept})
    assert (response.mimetype, len(list(ox.parse(response.data, fmt)))) == (fmt.media_type, 40)


def test_format_parameter_for_clients_without_headers(client: FlaskClient) -> None:
    response = client.get(
        "/sparql", query_string={"query": ZONES, "format": "csv"}, headers={"Accept": "*/*"}
    )
    assert response.mimetype == "text/csv"


def test_format_parameter_does_not_override_a_compatible_accept(client: FlaskClient) -> None:
    response = client.get(
        "/sparql",
        query_string={"query": ZONES, "format": "csv"},
        headers={"Accept": "application/sparql-results+xml"},
    )
    assert (response.mimetype, response.headers["Vary"]) == (
        "application/sparql-results+xml",
        "Accept, Accept-Encoding",
    )


def test_select_asking_only_for_rdf_is_406(client: FlaskClient) -> None:
    response = client.get(
        "/sparql", query_string={"query": ZONES}, headers={"Accept": "text/turtle"}
    )
    assert (response.status_code, b"sparql-results+json" in response.data) == (406, True)


def test_construct_asking_only_for_results_is_406(client: FlaskClient) -> None:
    response = client.get(
        "/sparql", query_string={"query": CONSTRUCT}, headers={"Accept": "text/csv"}
    )
    assert response.status_code == 406


def test_unknown_accept_is_406(client: FlaskClient) -> None:
    response = client.get("/sparql", query_string={"query": ZONES}, headers={"Accept": "image/png"})
    assert response.status_code == 406


def test_syntax_error_is_400_with_message_and_position(client: FlaskClient) -> None:
    response = client.get("/sparql", query_string={"query": "SELECT * WHERE { ?s ?p "})
    body = response.data.decode()
    assert (response.status_code, response.mimetype) == (400, "text/plain")
    assert "does not parse" in body
    assert "1:" in body


def test_head_has_the_get_headers_and_no_body(client: FlaskClient) -> None:
    get = client.get("/sparql", query_string={"query": ZONES})
    head = client.head("/sparql", query_string={"query": ZONES})
    assert (head.status_code, head.data) == (200, b"")
    assert head.headers["Content-Length"] == get.headers["Content-Length"]
    assert head.headers["ETag"] == get.headers["ETag"]


def test_result_rows_header_counts_the_rows(client: FlaskClient) -> None:
    response = client.get("/sparql", query_string={"query": ZONES})
    assert response.headers["X-Result-Rows"] == "40"


def test_validators_and_cache_control(client: FlaskClient) -> None:
    response = client.get("/sparql", query_string={"query": ZONES})
    assert response.headers["ETag"].startswith('"')
    assert response.headers["Last-Modified"].endswith("GMT")
    assert "max-age=" in response.headers["Cache-Control"]
    assert "Accept" in response.headers["Vary"]


def test_matching_etag_gets_304(client: FlaskClient) -> None:
    etag = client.get("/sparql", query_string={"query": ZONES}).headers["ETag"]
    again = client.get("/sparql", query_string={"query": ZONES}, headers={"If-None-Match": etag})
    assert (again.status_code, again.data) == (304, b"")


def test_stale_etag_gets_the_full_answer(client: FlaskClient) -> None:
    again = client.get("/sparql", query_string={"query": ZONES}, headers={"If-None-Match": '"old"'})
    assert again.status_code == 200


def test_if_modified_since_the_build_gets_304(client: FlaskClient) -> None:
    last_modified = client.get("/sparql", query_string={"query": ZONES}).headers["Last-Modified"]
    again = client.get(
        "/sparql", query_string={"query": ZONES}, headers={"If-Modified-Since": last_modified}
    )
    assert again.status_code == 304


def test_etag_differs_by_format(client: FlaskClient) -> None:
    json_tag = client.get("/sparql", query_string={"query": ZONES}).headers["ETag"]
    csv_tag = client.get(
        "/sparql", query_string={"query": ZONES}, headers={"Accept": "text/csv"}
    ).headers["ETag"]
    assert json_tag != csv_tag


def test_large_result_is_gzipped_for_clients_that_accept_it(client: FlaskClient) -> None:
    query = "SELECT * WHERE { ?s ?p ?o } LIMIT 500"
    plain = client.get("/sparql", query_string={"query": query})
    zipped = client.get(
        "/sparql", query_string={"query": query}, headers={"Accept-Encoding": "gzip"}
    )
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(zipped.data) == plain.data
    assert zipped.headers["ETag"] != plain.headers["ETag"]


def test_small_result_is_not_gzipped(client: FlaskClient) -> None:
    response = client.get(
        "/sparql", query_string={"query": "ASK {}"}, headers={"Accept-Encoding": "gzip"}
    )
    assert "Content-Encoding" not in response.headers


def _evaluated(app: Flask) -> int:
    services: Services = app.extensions[EXTENSION_KEY]
    return int(services.queries.stats()["processes"]["queries"])


def test_repeated_query_is_answered_from_the_cache(app: Flask, client: FlaskClient) -> None:
    query = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o } # cache test"
    first = client.get("/sparql", query_string={"query": query})
    before = _evaluated(app)
    second = client.get("/sparql", query_string={"query": query})
    assert (second.data, _evaluated(app)) == (first.data, before)


def test_post_of_a_cached_query_is_a_cache_hit(app: Flask, client: FlaskClient) -> None:
    query = "SELECT (COUNT(*) AS ?n) WHERE { ?s a ?o } # post cache test"
    client.get("/sparql", query_string={"query": query})
    before = _evaluated(app)
    client.post("/sparql", data=query, content_type="application/sparql-query")
    assert _evaluated(app) == before


def test_cache_disabled_evaluates_every_time(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app(cache_bytes=0)
    client = app.test_client()
    for _ in range(2):
        client.get("/sparql", query_string={"query": "ASK {}"})
    assert _evaluated(app) == 2


def test_result_over_the_row_cap_is_422_not_cut(make_app) -> None:  # type: ignore[no-untyped-def]
    client = make_app(max_result_rows=39).test_client()
    response = client.get("/sparql", query_string={"query": ZONES})
    assert (response.status_code, b"Nothing was cut" in response.data) == (422, True)


def test_result_at_the_row_cap_is_whole(make_app) -> None:  # type: ignore[no-untyped-def]
    client = make_app(max_result_rows=40).test_client()
    response = client.get("/sparql", query_string={"query": ZONES})
    assert len(json.loads(response.data)["results"]["bindings"]) == 40


def test_service_call_not_allowed_is_403(client: FlaskClient) -> None:
    response = client.get(
        "/sparql",
        query_string={"query": "SELECT * { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"},
    )
    assert (response.status_code, b"not allowed" in response.data) == (403, True)


def test_relative_iris_resolve_against_the_data(client: FlaskClient) -> None:
    response = client.get("/sparql", query_string={"query": "ASK { <zone/2015/110102> ?p ?o }"})
    assert json.loads(response.data)["boolean"] is True


def test_runaway_query_is_503_with_retry_after(make_app) -> None:  # type: ignore[no-untyped-def]
    client = make_app(query_timeout_s=1.0).test_client()
    response = client.get(
        "/sparql",
        query_string={"query": "SELECT (COUNT(*) AS ?n) { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"},
    )
    assert (response.status_code, response.headers["Retry-After"]) == (503, "1")
    assert b"time limit" in response.data


def test_access_log_line_has_the_fields(make_app, caplog: pytest.LogCaptureFixture) -> None:  # type: ignore[no-untyped-def]
    client = make_app(access_log=True).test_client()
    with caplog.at_level(logging.INFO, logger="server.access"):
        client.get("/sparql", query_string={"query": ZONES})
    record = json.loads(caplog.records[-1].getMessage())
    assert set(record) >= {"method", "path", "status", "ms", "bytes", "query_hash", "rows"}
    assert (record["status"], record["rows"], len(record["query_hash"])) == (200, 40, 16)


def test_head_before_any_get_still_has_the_length(client: FlaskClient) -> None:
    head = client.head("/sparql", query_string={"query": ZONES + " # head first"})
    assert (head.data, int(head.headers["Content-Length"]) > 0) == (b"", True)


@pytest.mark.parametrize("graph", ["graph/themes", "", "urn:a b", "http://a/{x}"])
def test_a_graph_that_is_no_absolute_iri_is_a_bad_request(client: FlaskClient, graph: str) -> None:
    response = client.get("/sparql", query_string={"query": "ASK {}", "default-graph-uri": graph})
    assert response.status_code == 400


def test_an_unknown_function_is_the_querys_fault(client: FlaskClient) -> None:
    query = "SELECT * WHERE { BIND(<urn:unknownfn>(1) AS ?v) }"
    response = client.get("/sparql", query_string={"query": query})
    assert (response.status_code, b"urn:unknownfn" in response.data) == (400, True)

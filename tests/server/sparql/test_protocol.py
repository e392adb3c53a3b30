"""SPARQL 1.1 Protocol request parsing, through the app: the three ways in, and refusals."""

from __future__ import annotations

import json
from urllib.parse import urlencode

import pytest
from flask.testing import FlaskClient
from hypothesis import given, settings
from hypothesis import strategies as st

from server.errors import KGError
from server.sparql.protocol import parse_query_string

ASK = "ASK { ?s ?p ?o }"
NOTICE = "https://w3id.org/cgkg/graph/notice"
ONTOLOGY = "https://w3id.org/cgkg/graph/ontology"
ZONE_EXISTS = "ASK { ?z a <https://w3id.org/cgkg/ontology#ExperimentalZone> }"


def boolean(response_data: bytes) -> bool:
    value: bool = json.loads(response_data)["boolean"]
    return value


def test_get_with_query(client: FlaskClient) -> None:
    response = client.get("/sparql", query_string={"query": ASK})
    assert (response.status_code, boolean(response.data)) == (200, True)


def test_post_form(client: FlaskClient) -> None:
    response = client.post("/sparql", data={"query": ASK})
    assert (response.status_code, boolean(response.data)) == (200, True)


def test_post_direct(client: FlaskClient) -> None:
    response = client.post("/sparql", data=ASK, content_type="application/sparql-query")
    assert (response.status_code, boolean(response.data)) == (200, True)


def test_post_direct_with_utf8_charset(client: FlaskClient) -> None:
    response = client.post(
        "/sparql", data=ASK.encode(), content_type="application/sparql-query; charset=UTF-8"
    )
    assert response.status_code == 200


def test_trailing_slash_is_the_same_endpoint(client: FlaskClient) -> None:
    assert client.get("/sparql/", query_string={"query": ASK}).status_code == 200


def test_default_graph_uri_replaces_the_union(client: FlaskClient) -> None:
    only_ontology = client.get(
        "/sparql", query_string={"query": ZONE_EXISTS, "default-graph-uri": ONTOLOGY}
    )
    with_notice = client.get(
        "/sparql",
        query_string=[
            ("query", ZONE_EXISTS),
            ("default-graph-uri", ONTOLOGY),
            ("default-graph-uri", NOTICE),
        ],
    )
    assert (boolean(only_ontology.data), boolean(with_notice.data)) == (False, True)


def test_named_graph_uri_limits_graph_patterns(client: FlaskClient) -> None:
    query = "ASK { GRAPH ?g { ?z a <https://w3id.org/cgkg/ontology#ExperimentalZone> } }"
    response = client.post(
        "/sparql?" + urlencode({"named-graph-uri": ONTOLOGY}),
        data=query,
        content_type="application/sparql-query",
    )
    assert boolean(response.data) is False


def test_form_post_takes_graphs_from_body_and_url(client: FlaskClient) -> None:
    response = client.post(
        "/sparql?" + urlencode({"default-graph-uri": NOTICE}),
        data={"query": ZONE_EXISTS, "default-graph-uri": ONTOLOGY},
    )
    assert boolean(response.data) is True


def test_two_queries_are_refused(client: FlaskClient) -> None:
    response = client.get("/sparql?" + urlencode([("query", ASK), ("query", ASK)]))
    assert response.status_code == 400
    assert b"exactly one query" in response.data


def test_empty_query_is_refused(client: FlaskClient) -> None:
    assert client.get("/sparql", query_string={"query": " "}).status_code == 400


def test_form_post_without_query_is_refused(client: FlaskClient) -> None:
    response = client.post("/sparql", data={"default-graph-uri": NOTICE})
    assert (response.status_code, b"query" in response.data) == (400, True)


def test_query_in_url_and_direct_body_is_refused(client: FlaskClient) -> None:
    response = client.post(
        "/sparql?" + urlencode({"query": ASK}), data=ASK, content_type="application/sparql-query"
    )
    assert response.status_code == 400


def test_graphs_without_query_are_refused(client: FlaskClient) -> None:
    assert client.get("/sparql", query_string={"default-graph-uri": NOTICE}).status_code == 400


def test_graph_iri_with_space_is_refused(client: FlaskClient) -> None:
    response = client.get("/sparql", query_string={"query": ASK, "named-graph-uri": "a b"})
    assert response.status_code == 400


@pytest.mark.parametrize(
    "content_type", ["text/plain", "application/json", "application/sparql-results+json"]
)
def test_other_media_types_are_415(client: FlaskClient, content_type: str) -> None:
    response = client.post("/sparql", data=ASK, content_type=content_type)
    assert response.status_code == 415


def test_post_without_media_type_is_415(client: FlaskClient) -> None:
    response = client.post("/sparql", data=ASK, headers={"Content-Type": ""})
    assert response.status_code == 415


def test_utf16_direct_post_is_415(client: FlaskClient) -> None:
    response = client.post(
        "/sparql",
        data=ASK.encode("utf-16"),
        content_type="application/sparql-query; charset=UTF-16",
    )
    assert (response.status_code, b"UTF-8" in response.data) == (415, True)


def test_invalid_utf8_body_is_400(client: FlaskClient) -> None:
    response = client.post("/sparql", data=b"ASK { \xff }", content_type="application/sparql-query")
    assert response.status_code == 400


@pytest.mark.parametrize(
    ("method", "kwargs"),
    [
        ("get", {"query_string": {"update": "CLEAR ALL"}}),
        ("post", {"data": {"update": "CLEAR ALL"}}),
        ("post", {"data": "CLEAR ALL", "content_type": "application/sparql-update"}),
        ("get", {"query_string": {"query": "INSERT DATA { <a> <b> <c> }"}}),
        (
            "post",
            {
                "data": "PREFIX x: <http://x/> DELETE WHERE { ?s ?p ?o }",
                "content_type": "application/sparql-query",
            },
        ),
    ],
)
def test_updates_are_refused_by_every_route(
    client: FlaskClient, method: str, kwargs: dict[str, object]
) -> None:
    response = getattr(client, method)("/sparql", **kwargs)
    assert (response.status_code, b"read-only" in response.data) == (403, True)


def test_query_over_the_size_limit_is_413(make_app) -> None:  # type: ignore[no-untyped-def]
    client = make_app(max_query_bytes=100).test_client()
    response = client.post(
        "/sparql", data="ASK {}" + " " * 200, content_type="application/sparql-query"
    )
    assert response.status_code == 413


def test_form_body_over_the_size_limit_is_413(make_app) -> None:  # type: ignore[no-untyped-def]
    client = make_app(max_query_bytes=100).test_client()
    response = client.post("/sparql", data={"query": "ASK {}" + " " * 600})
    assert response.status_code == 413


def test_long_url_is_414(client: FlaskClient) -> None:
    response = client.get("/sparql", query_string={"query": "ASK {}" + " " * 9000})
    assert (response.status_code, b"POST" in response.data) == (414, True)


@pytest.mark.parametrize("method", ["put", "delete", "patch"])
def test_other_methods_are_405_with_allow(client: FlaskClient, method: str) -> None:
    response = getattr(client, method)("/sparql", query_string={"query": ASK})
    assert response.status_code == 405
    assert "POST" in response.headers["Allow"]


_QS_PIECES = st.sampled_from(
    [
        "query=",
        "ASK%7B%7D",
        "&",
        "=",
        "%",
        "%FF",
        "%C3",
        "%ED%A0%80",
        "+",
        "default-graph-uri=",
        "named-graph-uri=",
        "graph%2Fthemes",
        "format=",
        "json",
        "update=",
        "%00",
        ";",
        "query",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=200), st.lists(_QS_PIECES, max_size=30).map("".join)))
def test_a_query_string_parses_or_is_refused_with_a_4xx(query_string: str) -> None:
    status = 200
    try:
        parse_query_string(query_string, 4096)
    except KGError as exc:
        status = exc.status
    assert status == 200 or 400 <= status < 500

"""Cache headers on every cacheable answer, and one rule for 304, by werkzeug."""

from __future__ import annotations

from datetime import UTC, datetime
from email.utils import format_datetime

import pytest
from flask.testing import FlaskClient

from server.http.conditional import not_modified
from server.kg import KnowledgeGraph

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
CACHEABLE = [
    ("/zone/2015/110102", "text/turtle"),
    ("/zone/2015/110102", BROWSER),
    ("/", BROWSER),
    ("/zones", BROWSER),
    ("/zones", "text/turtle"),
    ("/downloads", BROWSER),
    ("/ontology", BROWSER),
    ("/service", "text/turtle"),
    ("/.well-known/void", "text/turtle"),
    ("/dumps/", "application/json"),
    ("/dumps/cgkg.ttl", "*/*"),
    ("/sparql?query=ASK%20%7B%7D", "application/sparql-results+json"),
    ("/sparql", "text/turtle"),
    ("/rdf-graph-store?default", "text/turtle"),
    ("/sitemap.xml", "*/*"),
]


def headers(client: FlaskClient, path: str, accept: str) -> dict[str, str]:
    with client.get(path, headers={"Accept": accept}) as response:  # files are closed
        assert response.status_code == 200
        return dict(response.headers)


@pytest.mark.parametrize(("path", "accept"), CACHEABLE)
def test_cacheable_answers_carry_last_modified_from_the_build_time(
    client: FlaskClient, kg: KnowledgeGraph, path: str, accept: str
) -> None:
    built = format_datetime(kg.last_modified, usegmt=True)
    assert headers(client, path, accept)["Last-Modified"] == built


@pytest.mark.parametrize(("path", "accept"), CACHEABLE)
def test_cacheable_answers_carry_cache_control(client: FlaskClient, path: str, accept: str) -> None:
    assert headers(client, path, accept)["Cache-Control"] == "public, max-age=300"


def test_if_modified_since_the_build_gets_304(client: FlaskClient, kg: KnowledgeGraph) -> None:
    since = format_datetime(kg.last_modified, usegmt=True)
    response = client.get("/zones", headers={"Accept": BROWSER, "If-Modified-Since": since})
    assert response.status_code == 304


def test_a_page_etag_gets_304(client: FlaskClient) -> None:
    first = client.get("/themes", headers={"Accept": BROWSER})
    again = client.get(
        "/themes", headers={"Accept": BROWSER, "If-None-Match": first.headers["ETag"]}
    )
    assert again.status_code == 304


def test_the_query_editor_is_not_cached(client: FlaskClient) -> None:
    """Its results are a run just now: a time-out shown there is not the answer to keep."""
    response = client.get("/sparql", query_string={"query": "ASK {}"}, headers={"Accept": BROWSER})
    assert (response.headers["Cache-Control"], "ETag" in response.headers) == ("no-cache", False)


def test_errors_are_not_cached(client: FlaskClient) -> None:
    response = client.get("/zone/2015/999999", headers={"Accept": "text/turtle"})
    assert (response.status_code, response.headers["Cache-Control"]) == (404, "no-store")


@pytest.mark.parametrize(
    ("header", "value"),
    [
        ("HTTP_IF_NONE_MATCH", '"r1-abc"'),
        ("HTTP_IF_MODIFIED_SINCE", "Wed, 02 Dec 2026 00:00:00 GMT"),
        ("HTTP_IF_MATCH", '"another"'),
    ],
)
def test_not_modified_reads_each_validator_header(header: str, value: str) -> None:
    built = datetime(2026, 12, 1, tzinfo=UTC)
    assert not not_modified({}, '"r1-abc"', built)  # no validator: send the answer
    assert not_modified({header: value}, '"r1-abc"', built)  # werkzeug's rule, as before

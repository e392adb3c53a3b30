"""Every status code the endpoint uses, over raw HTTP to the production server, with its
short message."""

from __future__ import annotations

import http.client
from urllib.parse import urlencode, urlsplit

import pytest

from tests.server.support import LiveServer


def raw(
    server: LiveServer,
    method: str,
    path: str,
    body: bytes = b"",
    headers: dict[str, str] | None = None,
) -> tuple[int, dict[str, str], bytes]:
    parts = urlsplit(server.url)
    connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=30)
    try:
        all_headers = dict(headers or {})
        if body or method == "POST":
            all_headers.setdefault("Content-Length", str(len(body)))
        connection.request(method, path, body=body or None, headers=all_headers)
        response = connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        connection.close()


def q(query: str, **extra: str) -> str:
    return "/sparql?" + urlencode({"query": query, **extra})


ZONES = "SELECT ?z WHERE { ?z a <https://w3id.org/cgkg/ontology#ExperimentalZone> }"

CASES = {
    "200 select": ("GET", q(ZONES), b"", {}, 200, b'"bindings"'),
    "400 syntax": ("GET", q("SELECT * WHERE { ?s"), b"", {}, 400, b"does not parse"),
    "400 two queries": (
        "GET",
        "/sparql?query=ASK%7B%7D&query=ASK%7B%7D",
        b"",
        {},
        400,
        b"exactly one",
    ),
    "403 update": (
        "POST",
        "/sparql",
        b"CLEAR ALL",
        {"Content-Type": "application/sparql-update"},
        403,
        b"read-only",
    ),
    "403 service": (
        "GET",
        q("SELECT * { SERVICE <http://127.0.0.1:1/> {} }"),
        b"",
        {},
        403,
        b"not allowed",
    ),
    "404 graph": (
        "GET",
        "/rdf-graph-store?" + urlencode({"graph": "http://nope/"}),
        b"",
        {},
        404,
        b"no graph",
    ),
    "405 method": ("DELETE", "/sparql", b"", {}, 405, b"not allowed"),
    "406 format": ("GET", q(ZONES), b"", {"Accept": "image/png"}, 406, b"Available"),
    "413 body": (
        "POST",
        "/sparql",
        b"ASK {}" + b" " * 70_000,
        {"Content-Type": "application/sparql-query"},
        413,
        b"bytes",
    ),
    "414 url": ("GET", q("ASK {}" + " " * 9000), b"", {}, 414, b"POST"),
    "415 media type": (
        "POST",
        "/sparql",
        b"ASK {}",
        {"Content-Type": "text/plain"},
        415,
        b"application/sparql-query",
    ),
    "422 rows": (
        "GET",
        q("SELECT * WHERE { ?s ?p ?o . ?a ?b ?c } LIMIT 20000"),
        b"",
        {},
        422,
        b"Nothing was cut",
    ),
}


@pytest.mark.parametrize("name", list(CASES))
def test_status(live_server: LiveServer, name: str) -> None:
    method, path, body, headers, status, phrase = CASES[name]
    got, response_headers, data = raw(live_server, method, path, body, headers)
    assert (got, phrase in data) == (status, True), data[:300]
    if status >= 400:
        assert b"Traceback" not in data
        assert response_headers["content-type"].startswith("text/plain")


def test_status_304(live_server: LiveServer) -> None:
    _, headers, _ = raw(live_server, "GET", q(ZONES))
    status, _, body = raw(live_server, "GET", q(ZONES), headers={"If-None-Match": headers["etag"]})
    assert (status, body) == (304, b"")


def test_status_204_preflight(live_server: LiveServer) -> None:
    status, headers, _ = raw(
        live_server,
        "OPTIONS",
        "/sparql",
        headers={"Origin": "https://x.example", "Access-Control-Request-Method": "POST"},
    )
    assert (status, headers["access-control-allow-origin"]) == (204, "*")


def test_head_over_http(live_server: LiveServer) -> None:
    status, headers, body = raw(live_server, "HEAD", q(ZONES))
    assert (status, body, int(headers["content-length"]) > 0) == (200, b"", True)


def test_gzip_over_http(live_server: LiveServer) -> None:
    status, headers, _ = raw(
        live_server,
        "GET",
        q("SELECT * { ?s ?p ?o } LIMIT 300"),
        headers={"Accept-Encoding": "gzip"},
    )
    assert (status, headers["content-encoding"]) == (200, "gzip")


def test_access_log_has_one_line_per_request(live_server: LiveServer) -> None:
    marker = "# access-log-marker"
    raw(live_server, "GET", q("ASK {} " + marker))
    lines = [line for line in live_server.log().splitlines() if line.startswith('{"method"')]
    assert any('"path":"/sparql"' in line and '"query_hash":' in line for line in lines)

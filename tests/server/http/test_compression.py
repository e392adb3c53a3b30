"""gzip: only for clients that accept it (q-values honoured), always with Vary."""

from __future__ import annotations

from flask.testing import FlaskClient

BIG = {"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 500"}


def test_gzip_when_accepted(client: FlaskClient) -> None:
    response = client.get("/sparql", query_string=BIG, headers={"Accept-Encoding": "gzip"})
    assert response.headers.get("Content-Encoding") == "gzip"


def test_gzip_refused_with_q_zero_is_not_sent(client: FlaskClient) -> None:
    response = client.get(
        "/sparql", query_string=BIG, headers={"Accept-Encoding": "gzip;q=0, identity"}
    )
    assert "Content-Encoding" not in response.headers


def test_a_wildcard_encoding_accepts_gzip(client: FlaskClient) -> None:
    response = client.get("/zones", headers={"Accept": "text/html", "Accept-Encoding": "*"})
    assert response.headers.get("Content-Encoding") == "gzip"


def test_pages_vary_on_accept_encoding_even_uncompressed(client: FlaskClient) -> None:
    response = client.get("/zones", headers={"Accept": "text/html"})
    assert "Accept-Encoding" in response.headers["Vary"]

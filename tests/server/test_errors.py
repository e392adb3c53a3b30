"""Every error has one shape, in text, JSON or HTML by Accept, and never a trace."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from server.errors import KGError, error_body

CASES = [
    ("/sparql?query=SELECT%20*%20WHERE%20%7B", "get", 400),
    ("/sparql?update=CLEAR%20ALL", "get", 403),
    ("/no/such/page/at/all", "get", 404),
    ("/sparql", "put", 405),
    ("/sparql?query=ASK%20%7B%7D&format=image/png", "get", 406),
]


@pytest.mark.parametrize(("path", "method", "status"), CASES)
def test_json_errors_have_the_fields(
    client: FlaskClient, path: str, method: str, status: int
) -> None:
    response = getattr(client, method)(path, headers={"Accept": "application/json"})
    body = response.get_json()
    assert (response.status_code, set(body)) == (status, {"ok", "status", "error", "message"})
    assert (body["ok"], body["status"]) == (False, status)


@pytest.mark.parametrize(("path", "method", "status"), CASES)
def test_text_errors_start_with_the_status(
    client: FlaskClient, path: str, method: str, status: int
) -> None:
    response = getattr(client, method)(path, headers={"Accept": "text/plain"})
    assert response.data.decode().startswith(f"{status} ")


def test_html_error_for_browsers(client: FlaskClient) -> None:
    response = client.post(
        "/sparql", data={"query": "SELECT"}, headers={"Accept": "text/html, */*;q=0.1"}
    )
    assert (response.status_code, response.mimetype) == (400, "text/html")


def test_errors_are_not_cached(client: FlaskClient) -> None:
    response = client.get("/sparql?query=SELECT")
    assert response.headers["Cache-Control"] == "no-store"


def test_unexpected_exception_is_500_without_trace(make_app) -> None:  # type: ignore[no-untyped-def]
    app: Flask = make_app()

    @app.get("/-/test-crash")
    def crash() -> str:
        raise ZeroDivisionError("secret detail")

    response = app.test_client().get("/-/test-crash")
    assert (response.status_code, b"secret" in response.data, b"Traceback" in response.data) == (
        500,
        False,
        False,
    )


def test_html_error_escapes_the_message() -> None:
    body, _ = error_body(400, "<script>x</script>", "text/html")
    assert b"<script>" not in body


def test_kg_error_default_status_is_500() -> None:
    assert KGError("x").status == 500

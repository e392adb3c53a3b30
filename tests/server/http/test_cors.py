"""Cross-cutting HTTP: CORS and preflight, rate limit, client address behind proxies."""

from __future__ import annotations

from flask.testing import FlaskClient

ASK = {"query": "ASK {}"}


def test_every_response_allows_any_origin(client: FlaskClient) -> None:
    for response in (
        client.get("/sparql", query_string=ASK),
        client.get("/nope"),
        client.get("/health"),
    ):
        assert response.headers["Access-Control-Allow-Origin"] == "*"


def test_cached_answer_also_has_cors(client: FlaskClient) -> None:
    client.get("/sparql", query_string=ASK)
    response = client.get("/sparql", query_string=ASK)
    assert response.headers["Access-Control-Allow-Origin"] == "*"


def test_custom_headers_are_exposed(client: FlaskClient) -> None:
    exposed = client.get("/sparql", query_string=ASK).headers["Access-Control-Expose-Headers"]
    assert {"ETag", "Retry-After", "X-Result-Rows"} <= {h.strip() for h in exposed.split(",")}


def test_preflight_for_post(client: FlaskClient) -> None:
    response = client.options(
        "/sparql",
        headers={
            "Origin": "https://elsewhere.example",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "Content-Type",
        },
    )
    assert response.status_code == 204
    assert "POST" in response.headers["Access-Control-Allow-Methods"]
    assert "Content-Type" in response.headers["Access-Control-Allow-Headers"]
    assert response.headers["Access-Control-Allow-Origin"] == "*"


def test_cors_can_be_switched_off(make_app) -> None:  # type: ignore[no-untyped-def]
    client = make_app(cors_origin="").test_client()
    assert "Access-Control-Allow-Origin" not in client.get("/health").headers


def test_rate_limit_answers_429_with_retry_after(make_app) -> None:  # type: ignore[no-untyped-def]
    client = make_app(rate_limit_per_s=0.01, rate_limit_burst=3).test_client()
    statuses = [client.get("/sparql", query_string=ASK).status_code for _ in range(4)]
    refused = client.get("/sparql", query_string=ASK)
    assert (statuses, refused.status_code) == ([200, 200, 200, 429], 429)
    assert int(refused.headers["Retry-After"]) >= 1


def test_rate_limit_is_per_client(make_app) -> None:  # type: ignore[no-untyped-def]
    client = make_app(rate_limit_per_s=0.01, rate_limit_burst=1).test_client()
    first = client.get("/sparql", query_string=ASK, environ_base={"REMOTE_ADDR": "10.0.0.1"})
    other = client.get("/sparql", query_string=ASK, environ_base={"REMOTE_ADDR": "10.0.0.2"})
    assert (first.status_code, other.status_code) == (200, 200)


def test_forwarded_client_is_trusted_only_when_configured(make_app) -> None:  # type: ignore[no-untyped-def]
    untrusted = make_app(rate_limit_per_s=0.01, rate_limit_burst=1).test_client()
    trusted = make_app(rate_limit_per_s=0.01, rate_limit_burst=1, trusted_proxies=1).test_client()

    def two_clients(client: FlaskClient) -> list[int]:
        return [
            client.get("/sparql", query_string=ASK, headers={"X-Forwarded-For": ip}).status_code
            for ip in ("192.0.2.1", "192.0.2.2")
        ]

    assert (two_clients(untrusted), two_clients(trusted)) == ([200, 429], [200, 200])

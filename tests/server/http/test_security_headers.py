"""Every response says: no sniffing, no framing, this server's own resources only."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

PATHS = ["/", "/zone/2015/110102", "/sparql?query=ASK%7B%7D", "/nope", "/sparql?query=%7B"]


@pytest.mark.parametrize("path", PATHS)
def test_every_response_carries_the_security_headers(client: FlaskClient, path: str) -> None:
    headers = client.get(path, headers={"Accept": "text/html"}).headers
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_werkzeugs_308_redirect_does_not_build_location_from_the_host_header(
    client: FlaskClient,
) -> None:
    response = client.get("/dumps", headers={"Host": "evil.example"})
    assert (response.status_code, response.headers["Location"]) == (308, "/dumps/")


def test_reconciliation_preview_may_be_framed_by_other_sites(client: FlaskClient) -> None:
    headers = client.get("/reconcile/preview?id=division/110102").headers
    assert "X-Frame-Options" not in headers
    assert "frame-ancestors *" in headers["Content-Security-Policy"]
    assert "script-src 'self'" in headers["Content-Security-Policy"]

"""/health: version, size, uptime and counters, never cached."""

from __future__ import annotations

import json
from pathlib import Path

from flask.testing import FlaskClient


def test_health_reports_the_build(client: FlaskClient, built_out: Path) -> None:
    manifest = json.loads((built_out / "current" / "manifest.json").read_text())
    body = client.get("/health").get_json()
    assert (body["status"], body["build_id"], body["triples"]) == (
        "ok",
        manifest["build_id"],
        manifest["triples"],
    )


def test_health_reports_uptime_and_query_processes(client: FlaskClient) -> None:
    body = client.get("/health").get_json()
    assert body["uptime_s"] >= 0
    assert body["query_processes"]["size"] == 2


def test_health_is_not_cached(client: FlaskClient) -> None:
    assert client.get("/health").headers["Cache-Control"] == "no-store"


def test_health_is_exempt_from_the_rate_limit(make_app) -> None:  # type: ignore[no-untyped-def]
    client = make_app(rate_limit_per_s=0.001, rate_limit_burst=1).test_client()
    assert {client.get("/health").status_code for _ in range(5)} == {200}

"""The Reconciliation Service API v0.2 schemas (tests/fixtures/reconciliation-api-0.2),
and OpenRefine-shaped requests to /reconcile."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient
from jsonschema import Draft7Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT7

SCHEMAS = Path(__file__).resolve().parents[3] / "fixtures/reconciliation-api-0.2"


@pytest.fixture(scope="session")
def validate() -> Callable[[str, Any], None]:
    """``validate("manifest", doc)`` raises ValidationError unless ``doc`` fits the schema."""
    loaded = {p.stem: json.loads(p.read_text("utf-8")) for p in SCHEMAS.glob("*.json")}
    registry: Registry[Any] = Registry().with_resources(
        (s["$id"], Resource.from_contents(s, default_specification=DRAFT7)) for s in loaded.values()
    )

    def check(name: str, doc: Any) -> None:
        Draft7Validator(loaded[name], registry=registry).validate(doc)

    return check


@pytest.fixture
def reconcile(
    client: FlaskClient, validate: Callable[[str, Any], None]
) -> Callable[..., dict[str, Any]]:
    """POST a batch as OpenRefine does (form field ``queries``); both sides validated."""

    def send(**queries: dict[str, Any]) -> dict[str, Any]:
        validate("reconciliation-query-batch", queries)
        response = client.post("/reconcile", data={"queries": json.dumps(queries)})
        assert response.status_code == 200, response.get_data(as_text=True)
        body: dict[str, Any] = response.get_json()
        validate("reconciliation-result-batch", body)
        return body

    return send

"""``/health``: is this server up, and which data does it serve? For load balancers."""

from __future__ import annotations

import time

from flask import Blueprint, Response, current_app, jsonify

from server.kg import current_kg

__all__ = ["bp"]

bp = Blueprint("health", __name__)


@bp.get("/health")
def health() -> Response:
    """Store version, triple count and uptime, as JSON; 200 while the store answers."""
    kg = current_kg()
    started: float = current_app.extensions["kg_started_at"]
    response = jsonify(
        status="ok",
        build_id=kg.build_id,
        dataset_version=kg.manifest.dataset_version,
        built_at=kg.last_modified.isoformat().replace("+00:00", "Z"),
        triples=kg.manifest.triples,
        graphs=len(kg.graph_names),
        uptime_s=round(time.monotonic() - started, 3),
    )
    response.headers["Cache-Control"] = "no-store"
    return response

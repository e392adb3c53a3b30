"""``/health``: is this server up, and which data does it serve? For load balancers.

The numbers under ``query_processes`` and ``cache`` are those of the HTTP
worker process that answered (each worker has its own).
"""

from __future__ import annotations

import dataclasses
import time

from flask import Blueprint, Response, current_app, jsonify

from server.http import current_cache
from server.kg import current_kg
from server.query_pool import current_pool

__all__ = ["bp"]

bp = Blueprint("health", __name__)


@bp.get("/health")
def health() -> Response:
    """Store version, triple count, uptime and the worker's query and cache counters."""
    kg = current_kg()
    started: float = current_app.extensions["kg_started_at"]
    cache = current_cache()
    response = jsonify(
        status="ok",
        build_id=kg.build_id,
        dataset_version=kg.manifest.dataset_version,
        built_at=kg.last_modified.isoformat().replace("+00:00", "Z"),
        triples=kg.manifest.triples,
        graphs=len(kg.graph_names),
        uptime_s=round(time.monotonic() - started, 3),
        query_processes=dataclasses.asdict(current_pool().stats),
        cache={
            "entries": len(cache),
            "bytes": cache.bytes,
            "hits": cache.hits,
            "misses": cache.misses,
        },
    )
    response.headers["Cache-Control"] = "no-store"
    return response

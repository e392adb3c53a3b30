"""``/health``: can this server answer, and which data does it serve? For load balancers.

``ok`` (200) only when every query process can answer a query and every file the
release's manifest lists can be read; otherwise 503 with ``problems`` saying
what is wrong. The query counters are the whole server's (the query engine is
shared); the ``cache`` counters are those of the HTTP worker that answered.
"""

from __future__ import annotations

import time

from flask import Blueprint, Response, jsonify

from server.release import verify_files
from server.services import current_services

__all__ = ["bp"]

bp = Blueprint("health", __name__)


@bp.get("/health")
def health() -> Response:
    """Status, release, uptime, and the engine's and this worker's cache counters."""
    services = current_services()
    kg = services.kg
    problems = services.queries.problems()
    problems += verify_files(kg.release_dir, kg.manifest, checksums=False)
    cache = services.cache
    response = jsonify(
        status="ok" if not problems else "unavailable",
        problems=problems,
        build_id=kg.build_id,
        dataset_version=kg.manifest.dataset_version,
        built_at=kg.last_modified.isoformat().replace("+00:00", "Z"),
        triples=kg.manifest.triples,
        graphs=len(kg.graph_names),
        uptime_s=round(time.monotonic() - services.started_at, 3),
        queries=services.queries.stats() if not problems else {},
        cache={
            "entries": len(cache),
            "bytes": cache.bytes,
            "hits": cache.hits,
            "misses": cache.misses,
        },
    )
    response.status_code = 200 if not problems else 503
    response.headers["Cache-Control"] = "no-store"
    return response

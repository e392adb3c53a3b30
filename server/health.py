"""``/health``: can this server answer, and which data does it serve? For load balancers.

``ok`` (200) only when every query process can answer a query and every file the
release's manifest lists can be read; otherwise 503 with ``problems`` saying
what is wrong. The query counters are the whole server's (the query engine is
shared); the ``cache`` counters are those of the HTTP worker that answered (``worker``,
its process id), with the budget it fills (``cache_bytes``).

``serving`` says which release each part of the server serves: the query engine
(``engine``) and every HTTP worker (``workers``, by process id), so a rollout can
wait until the whole server, not just the worker that answered, is on the new
release; ``switching`` is true until they all agree (docs/deployment.md).
"""

from __future__ import annotations

import os
import time
from typing import Any

from flask import Blueprint, Response, jsonify

from server.release import served_by_workers, verify_files
from server.services import Services, current_services

__all__ = ["bp"]

bp = Blueprint("health", __name__)


@bp.get("/health")
def health() -> Response:
    """Status, release, uptime, and the engine's and this worker's cache counters."""
    services = current_services()
    kg = services.kg
    problems = services.queries.problems()
    own_store = kg.remote is None
    problems += verify_files(kg.release_dir, kg.manifest, checksums=False, store=own_store)
    cache = services.cache
    stats = services.queries.stats() if not problems else {}
    serving = _serving(services, stats)
    response = jsonify(
        status="ok" if not problems else "unavailable",
        problems=problems,
        build_id=kg.build_id,
        dataset_version=kg.manifest.dataset_version,
        built_at=kg.last_modified.isoformat().replace("+00:00", "Z"),
        triples=kg.manifest.triples,
        graphs=len(kg.graph_names),
        uptime_s=round(time.monotonic() - services.started_at, 3),
        serving=serving,
        switching=len({r for r in (serving["engine"], *serving["workers"].values()) if r}) > 1,
        queries=stats,
        cache={
            "worker": os.getpid(),
            "entries": len(cache),
            "bytes": cache.bytes,
            "budget": cache.budget,
            "hits": cache.hits,
            "misses": cache.misses,
        },
    )
    response.status_code = 200 if not problems else 503
    response.headers["Cache-Control"] = "no-store"
    return response


def _serving(services: Services, stats: dict[str, Any]) -> dict[str, Any]:
    """The release of the query engine (``None`` when it cannot say) and of each worker."""
    runtime = services.settings.runtime_path
    workers = served_by_workers(runtime) if runtime is not None else {}
    if not workers:  # an app without a server around it: this process is the only worker
        workers = {os.getpid(): services.kg.release_dir.name}
    return {"engine": stats.get("release"), "workers": {str(k): v for k, v in workers.items()}}

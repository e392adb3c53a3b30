"""The application factory.

``create_app(settings)`` opens the current release read-only, keeps it on the app
(``app.extensions["kg"]``, reached through :func:`server.kg.current_kg`), keeps the
settings (:func:`server.settings.current_settings`), installs the error handlers
and registers every blueprint listed in :data:`server.blueprints.BLUEPRINTS`.
"""

from __future__ import annotations

import atexit
import time

from flask import Flask

from server import errors, http
from server.answer import ANSWERER_KEY, QueryAnswerer
from server.blueprints import BLUEPRINTS
from server.cache import ResponseCache
from server.kg import EXTENSION_KEY, KnowledgeGraph
from server.query_pool import POOL_KEY, QueryPool
from server.settings import SETTINGS_EXTENSION_KEY, ServerSettings

__all__ = ["create_app"]

STARTED_AT_KEY = "kg_started_at"


def create_app(settings: ServerSettings | None = None) -> Flask:
    """Build the WSGI app over ``settings.out_dir``'s current release.

    Raises :class:`server.kg.ReleaseError` if there is no usable build.
    """
    settings = settings or ServerSettings.from_env()
    app = Flask("server")
    app.config["MAX_CONTENT_LENGTH"] = None  # server.protocol enforces its own, clearer limits
    app.config["JSON_AS_ASCII"] = False
    app.extensions[SETTINGS_EXTENSION_KEY] = settings
    kg = KnowledgeGraph.open(settings.release_dir, settings.memory_max_triples)
    app.extensions[EXTENSION_KEY] = kg
    pool = QueryPool(
        kg.release_dir,
        settings.query_processes,
        settings.query_timeout_s,
        settings.queue_timeout_s,
        settings.memory_max_triples,
        settings.query_memory_mb,
    )
    app.extensions[POOL_KEY] = pool
    atexit.register(pool.close)
    app.extensions[STARTED_AT_KEY] = time.monotonic()
    errors.register(app)
    for blueprint in BLUEPRINTS:
        app.register_blueprint(blueprint)
    cache = ResponseCache(settings.cache_bytes)
    answerer = QueryAnswerer(settings, kg, cache, pool)
    app.extensions[ANSWERER_KEY] = answerer
    http.install(app, settings, cache, answerer, kg.last_modified)
    return app

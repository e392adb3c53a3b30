"""The application factory: ``create_app(settings)`` builds one WSGI app, one per HTTP worker.

It opens the release the server serves, connects to the server's query engine
(the broker named by ``runtime_dir``, or an engine of its own when there is
none), makes the :class:`~server.services.Services` every view uses, registers
the SPARQL, health and web blueprints, and stacks the HTTP wrappers. A request
travels, outermost first::

    AccessLog → SecurityHeaders → Cors → HeaderLimit → UrlLimit → RateLimit → CacheHits → Flask
      Flask: errors.register · blueprints (sparql, graph store, health, web)
             after_request: relative_location → compression.compress → conditional.finish
"""

from __future__ import annotations

import atexit
from pathlib import Path

from flask import Flask

from server import errors, health
from server.http import compression, conditional
from server.http.access_log import AccessLog
from server.http.cache_hits import CacheHits
from server.http.cors import Cors
from server.http.limits import HeaderLimit, UrlLimit
from server.http.ratelimit import RateLimit, RateLimiter
from server.http.security_headers import SecurityHeaders, relative_location
from server.kg import KnowledgeGraph
from server.lookup import views as lookup_views
from server.lookup.reconcile import views as reconcile_views
from server.release import Lease
from server.search import views as search_views
from server.services import EXTENSION_KEY, QueryRunner, ReleaseFollower, Services
from server.settings import ServerSettings
from server.sparql import graph_store, views
from server.sparql.answer import QueryAnswerer
from server.sparql.cache import ResponseCache
from server.sparql.description import ServiceDescriber
from server.sparql.execution.broker import SERVED_FILE, SOCKET_NAME, BrokerClient
from server.sparql.execution.engine import QueryEngine
from server.sparql.execution.forward import ForwardingEngine, open_release
from server.web import BLUEPRINTS
from server.web.editor import query_page

__all__ = ["create_app"]

WEB_ROOT = Path(__file__).parent / "web"


def _open(settings: ServerSettings) -> tuple[KnowledgeGraph, QueryRunner]:
    """The release and the query engine: the broker's when the server runs one."""
    runtime = settings.runtime_path
    if runtime is not None and (runtime / SOCKET_NAME).exists():
        served = Path((runtime / SERVED_FILE).read_text(encoding="utf-8").strip())
        kg = open_release(Lease(served), settings)
        timeout_s = settings.query_timeout_s + settings.queue_timeout_s + 30
        return kg, BrokerClient(runtime / SOCKET_NAME, timeout_s)
    kg = open_release(Lease.current(settings.out_dir), settings, verified=True)
    lease = Lease(kg.release_dir)
    if settings.sparql_endpoint:
        return kg, ForwardingEngine(settings, lease)
    return kg, QueryEngine(settings, lease)


def _services(settings: ServerSettings) -> Services:
    kg, queries = _open(settings)
    runtime = settings.runtime_path
    table = runtime / "ratelimit" if runtime is not None else None  # else this process's own
    cache = ResponseCache(settings.cache_bytes)
    return Services(
        settings=settings,
        releases=ReleaseFollower(kg, settings),
        queries=queries,
        cache=cache,
        limiter=RateLimiter(settings.rate_limit_per_s, settings.rate_limit_burst, table),
        answerer=QueryAnswerer(settings, cache),
        describer=ServiceDescriber(settings),
        query_page=query_page,
    )


def _stack(app: Flask, services: Services) -> None:
    s = services.settings
    inner = CacheHits(
        app.wsgi_app, services.cache, s.gzip_min_bytes, lambda: services.releases.kg.build_id
    )
    limited = HeaderLimit(
        UrlLimit(RateLimit(inner, services.limiter, s.trusted_proxies), s.max_url_bytes),
        s.max_header_bytes,
    )
    front = SecurityHeaders(Cors(limited, s.cors_origin))
    app.wsgi_app = AccessLog(front, s.trusted_proxies) if s.access_log else front  # type: ignore[method-assign]


def create_app(settings: ServerSettings | None = None) -> Flask:
    """Build the WSGI app; :class:`~server.release.ReleaseError` if there is no usable build."""
    settings = settings or ServerSettings.from_env()
    app = Flask(
        "server",
        root_path=str(WEB_ROOT),
        template_folder="templates",
        static_folder="static",
    )
    app.config["MAX_CONTENT_LENGTH"] = None  # server.sparql.protocol enforces clearer limits
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    services = _services(settings)
    app.extensions[EXTENSION_KEY] = services
    atexit.register(services.close)
    errors.register(app)
    blueprints = (lookup_views.bp, reconcile_views.bp, search_views.bp)
    for blueprint in (views.bp, graph_store.bp, health.bp, *blueprints, *BLUEPRINTS):
        app.register_blueprint(blueprint)
    # Flask runs these last-registered first: compress (which may change the ETag), then 304.
    app.after_request(
        lambda r: conditional.finish(r, services.kg.last_modified, settings.cache_max_age_s)
    )
    app.after_request(lambda r: compression.compress(r, settings.gzip_min_bytes))
    app.after_request(relative_location)
    _stack(app, services)
    return app

"""HTTP concerns shared by every route, and the fast path for repeated queries.

:class:`Front` is WSGI middleware around the Flask app. For every request it

* answers CORS preflight requests (``OPTIONS`` with ``Access-Control-Request-Method``);
* applies the per-client rate limit (429 with ``Retry-After``; ``/health`` and
  ``/static/`` are exempt);
* refuses request targets longer than ``max_url_bytes`` (414);
* answers a GET/HEAD of ``/sparql`` whose exact query string and ``Accept`` were
  answered before straight from the :class:`~server.cache.ResponseCache`,
  with ``304 Not Modified`` when the client's validator matches, before Flask
  dispatches anything; other GET/HEAD queries from clients that do not ask for
  HTML are answered by the :class:`~server.answer.QueryAnswerer` here too, and
  only browsers and the service description go on to Flask;
* adds the CORS headers to every response and writes one JSON access-log line.

:func:`install` also adds an ``after_request`` hook for responses made by Flask
views: gzip for large text responses and conditional answers (304) for those
that carry an ``ETag``.
"""

from __future__ import annotations

import gzip
import json
import logging
import time
from collections.abc import Callable, Iterable
from datetime import datetime
from email.utils import format_datetime, parsedate_to_datetime
from http import HTTPStatus
from typing import TYPE_CHECKING, Any, cast

from flask import Flask, Response, current_app, request

from server import protocol
from server.answer import ENV_CACHE, ENV_QUERY_HASH, ENV_ROWS, QueryAnswerer, raw_key
from server.cache import CachedResponse, ResponseCache
from server.errors import KGError, error_body
from server.ratelimit import RateLimiter
from server.settings import ServerSettings

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

__all__ = [
    "CACHE_KEY",
    "Front",
    "current_cache",
    "http_date",
    "install",
    "is_compressible",
    "render",
]

CACHE_KEY = "kg_cache"
SPARQL_PATHS = frozenset({"/sparql", "/sparql/"})

access_log = logging.getLogger("server.access")
log = logging.getLogger("server.http")

_EXPOSED = "ETag, Last-Modified, Retry-After, Content-Disposition, X-Result-Rows, X-Query-Hash"
_PREFLIGHT_HEADERS = "Accept, Content-Type, If-None-Match, If-Modified-Since, Cache-Control"
_RATE_EXEMPT = ("/health", "/static/")
_COMPRESSIBLE = (
    "text/",
    "application/json",
    "application/ld+json",
    "application/sparql-results+json",
    "application/sparql-results+xml",
    "application/rdf+xml",
    "application/n-triples",
    "application/n-quads",
    "application/trig",
    "application/xml",
    "application/javascript",
    "image/svg+xml",
)


def http_date(moment: datetime) -> str:
    """An HTTP-date (RFC 9110) for ``moment``."""
    return format_datetime(moment, usegmt=True)


def is_compressible(content_type: str) -> bool:
    return content_type.startswith(_COMPRESSIBLE)


def _accepts_gzip(environ: WSGIEnvironment) -> bool:
    return "gzip" in environ.get("HTTP_ACCEPT_ENCODING", "")


def _not_modified(
    environ: WSGIEnvironment, etags: tuple[str, ...], last_modified: datetime | None
) -> bool:
    if_none_match = environ.get("HTTP_IF_NONE_MATCH")
    if if_none_match is not None:
        if if_none_match.strip() == "*":
            return True
        candidates = {t.strip().removeprefix("W/") for t in if_none_match.split(",")}
        return any(tag in candidates for tag in etags)
    since = environ.get("HTTP_IF_MODIFIED_SINCE")
    if since and last_modified is not None:
        try:
            return last_modified.replace(microsecond=0) <= parsedate_to_datetime(since)
        except (TypeError, ValueError):
            return False
    return False


def render(
    entry: CachedResponse,
    environ: WSGIEnvironment,
    gzip_min_bytes: int,
    last_modified: datetime | None,
    strip_head: bool = True,
) -> tuple[str, list[tuple[str, str]], bytes]:
    """Status, headers and body to send for a cached response to this request.

    With ``strip_head`` a HEAD request gets no body; Flask responses leave that to
    Werkzeug, which keeps the ``Content-Length`` of the body it drops.
    """
    body = entry.body
    headers = list(entry.headers)
    etag = entry.etag
    if entry.compressible and len(body) >= gzip_min_bytes and _accepts_gzip(environ):
        body = entry.gzipped()
        etag = etag[:-1] + '-gz"'
        headers.append(("Content-Encoding", "gzip"))
    if entry.status.startswith("200"):
        headers.append(("ETag", etag))
        if _not_modified(environ, (etag,), last_modified):
            return "304 Not Modified", [h for h in headers if h[0] != "Content-Encoding"], b""
    headers.append(("Content-Length", str(len(body))))
    if strip_head and environ.get("REQUEST_METHOD") == "HEAD":
        return entry.status, headers, b""
    return entry.status, headers, body


def _client_address(environ: WSGIEnvironment, trusted_proxies: int) -> str:
    if trusted_proxies > 0:
        forwarded = str(environ.get("HTTP_X_FORWARDED_FOR") or "")
        if forwarded:
            hops = [h.strip() for h in forwarded.split(",") if h.strip()]
            if hops:
                return hops[max(0, len(hops) - trusted_proxies)]
    return str(environ.get("REMOTE_ADDR") or "-")


class Front:
    """The WSGI layer in front of Flask (see the module docstring)."""

    def __init__(
        self,
        app: WSGIApplication,
        settings: ServerSettings,
        cache: ResponseCache,
        limiter: RateLimiter,
        last_modified: datetime,
        answerer: QueryAnswerer | None = None,
    ) -> None:
        self._app = app
        self._settings = settings
        self._answerer = answerer
        self._cache = cache
        self._limiter = limiter
        self._last_modified = last_modified
        self._cors: list[tuple[str, str]] = (
            [
                ("Access-Control-Allow-Origin", settings.cors_origin),
                ("Access-Control-Expose-Headers", _EXPOSED),
            ]
            if settings.cors_origin
            else []
        )

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        started = time.perf_counter()
        status_seen: list[str] = ["-"]
        size_seen: list[int] = [0]
        cors = self._cors

        def respond(
            status: str, headers: list[tuple[str, str]], exc_info: Any = None
        ) -> Callable[[bytes], object]:
            status_seen[0] = status
            for name, value in headers:
                if name == "Content-Length":
                    size_seen[0] = int(value)
            if cors and not any(h[0] == "Access-Control-Allow-Origin" for h in headers):
                headers = headers + cors
            return start_response(status, headers, exc_info)

        try:
            return self._dispatch(environ, respond)
        finally:
            if self._settings.access_log and access_log.isEnabledFor(logging.INFO):
                self._log(environ, status_seen[0], size_seen[0], started)

    def _dispatch(self, environ: WSGIEnvironment, respond: StartResponse) -> Iterable[bytes]:
        method = environ.get("REQUEST_METHOD", "GET")
        path = environ.get("PATH_INFO", "")
        if method == "OPTIONS" and "HTTP_ACCESS_CONTROL_REQUEST_METHOD" in environ:
            return self._preflight(respond)
        if self._limiter.enabled and not path.startswith(_RATE_EXEMPT):
            wait = self._limiter.acquire(_client_address(environ, self._settings.trusted_proxies))
            if wait:
                return self._error(
                    environ,
                    respond,
                    429,
                    f"Too many requests from your address; please wait {wait} s.",
                    [("Retry-After", str(wait))],
                )
        target = len(path) + len(environ.get("QUERY_STRING", ""))
        if target > self._settings.max_url_bytes:
            return self._error(
                environ,
                respond,
                414,
                f"The request URL is longer than {self._settings.max_url_bytes} bytes; "
                "send long queries with POST.",
            )
        if method in ("GET", "HEAD") and path in SPARQL_PATHS and environ.get("QUERY_STRING"):
            entry = self._cache.get(raw_key(environ)) if self._cache.enabled else None
            if entry is not None:
                environ[ENV_CACHE] = "hit"
                environ[ENV_QUERY_HASH] = entry.query_hash
                environ[ENV_ROWS] = entry.rows
                return self._send(entry, environ, respond)
            if self._answerer is not None and "html" not in environ.get("HTTP_ACCEPT", ""):
                return self._answer(self._answerer, environ, respond)
        return self._app(environ, respond)

    def _send(
        self, entry: CachedResponse, environ: WSGIEnvironment, respond: StartResponse
    ) -> Iterable[bytes]:
        status, headers, body = render(
            entry, environ, self._settings.gzip_min_bytes, self._last_modified
        )
        respond(status, headers)
        return [body]

    def _answer(
        self, answerer: QueryAnswerer, environ: WSGIEnvironment, respond: StartResponse
    ) -> Iterable[bytes]:
        try:
            parsed = protocol.parse_query_string(
                environ["QUERY_STRING"], self._settings.max_query_bytes
            )
            if parsed is None:  # no query: the service description, which Flask renders
                return self._app(environ, respond)
            entry = answerer.answer(parsed, environ.get("HTTP_ACCEPT"), environ)
        except KGError as exc:
            return self._error(environ, respond, exc.status, exc.message, list(exc.headers.items()))
        except Exception:
            log.exception("unhandled error on GET %s", environ.get("PATH_INFO"))
            return self._error(
                environ, respond, 500, "Something went wrong on the server; it has been logged."
            )
        return self._send(entry, environ, respond)

    def _preflight(self, respond: StartResponse) -> Iterable[bytes]:
        headers = [
            ("Access-Control-Allow-Methods", "GET, HEAD, POST, OPTIONS"),
            ("Access-Control-Allow-Headers", _PREFLIGHT_HEADERS),
            ("Access-Control-Max-Age", "86400"),
            ("Content-Length", "0"),
        ]
        respond("204 No Content", headers)
        return [b""]

    def _error(
        self,
        environ: WSGIEnvironment,
        respond: StartResponse,
        status: int,
        message: str,
        extra: list[tuple[str, str]] | None = None,
    ) -> Iterable[bytes]:
        body, content_type = error_body(status, message, environ.get("HTTP_ACCEPT"))
        headers = [
            ("Content-Type", content_type),
            ("Content-Length", str(len(body))),
            ("Cache-Control", "no-store"),
            ("Vary", "Accept"),
            *(extra or []),
        ]
        try:
            reason = HTTPStatus(status).phrase
        except ValueError:
            reason = "Error"
        respond(f"{status} {reason}", headers)
        return [b"" if environ.get("REQUEST_METHOD") == "HEAD" else body]

    def _log(self, environ: WSGIEnvironment, status: str, size: int, started: float) -> None:
        record = {
            "method": environ.get("REQUEST_METHOD"),
            "path": environ.get("PATH_INFO"),
            "status": int(status[:3]) if status[:3].isdigit() else 0,
            "ms": round((time.perf_counter() - started) * 1000, 3),
            "bytes": size,
            "client": _client_address(environ, self._settings.trusted_proxies),
            "query_hash": environ.get(ENV_QUERY_HASH),
            "rows": environ.get(ENV_ROWS),
            "cache": environ.get(ENV_CACHE),
        }
        access_log.info(json.dumps(record, separators=(",", ":")))


def current_cache() -> ResponseCache:
    """The response cache of the running app."""
    return cast(ResponseCache, current_app.extensions[CACHE_KEY])


def _finish(response: Response) -> Response:
    settings: ServerSettings = current_app.extensions["kg_settings"]
    if response.direct_passthrough or response.is_streamed:
        return response
    if (
        response.status_code == 200
        and "Content-Encoding" not in response.headers
        and is_compressible(response.mimetype or "")
        and _accepts_gzip(request.environ)
    ):
        data = response.get_data()
        if len(data) >= settings.gzip_min_bytes:
            response.set_data(gzip.compress(data, compresslevel=6, mtime=0))
            response.headers["Content-Encoding"] = "gzip"
            tag, weak = response.get_etag()
            if tag:
                response.set_etag(tag + "-gz", weak=bool(weak))
        response.vary.add("Accept-Encoding")
    if response.get_etag()[0] and request.method in ("GET", "HEAD"):
        response.make_conditional(request.environ)
    return response


def install(
    app: Flask,
    settings: ServerSettings,
    cache: ResponseCache,
    answerer: QueryAnswerer,
    last_modified: datetime,
) -> None:
    """Put :class:`Front` around ``app`` and add the response hook for Flask views."""
    app.extensions[CACHE_KEY] = cache
    limiter = RateLimiter(settings.rate_limit_per_s, settings.rate_limit_burst)
    app.after_request(_finish)
    app.wsgi_app = Front(  # type: ignore[method-assign]
        app.wsgi_app, settings, cache, limiter, last_modified, answerer
    )

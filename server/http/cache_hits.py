"""The cache-hit shortcut: a repeated GET of ``/sparql`` answered before Flask dispatches.

Only exact repeats are served here: the same path, raw query string, ``Accept``
and ``Accept-Encoding`` as a request the SPARQL view answered before from the
release the worker serves now, found in the result cache under
:func:`~server.sparql.answer.raw_key`. The response is
made by the view's own :func:`~server.sparql.answer.render`, so it carries the
same headers. Everything else, errors included, goes on to the view.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from server.http.access_log import NOTE_CACHE, NOTE_QUERY_HASH, NOTE_ROWS
from server.sparql.answer import raw_key, render
from server.sparql.cache import ResponseCache

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

__all__ = ["CacheHits"]

_PATHS = frozenset({"/sparql", "/sparql/"})


class CacheHits:
    """WSGI wrapper sending exact repeats of cached GET queries."""

    def __init__(
        self,
        app: WSGIApplication,
        cache: ResponseCache,
        gzip_min_bytes: int,
        build_id: Callable[[], str],
    ) -> None:
        self._app = app
        self._cache = cache
        self._gzip_min_bytes = gzip_min_bytes
        self._build_id = build_id

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        if (
            environ.get("REQUEST_METHOD") in ("GET", "HEAD")
            and environ.get("PATH_INFO") in _PATHS
            and environ.get("QUERY_STRING")
        ):
            entry = self._cache.get(raw_key(environ, self._build_id()))
            if entry is not None:
                environ[NOTE_CACHE] = "hit"
                environ[NOTE_QUERY_HASH] = entry.query_hash
                environ[NOTE_ROWS] = entry.rows
                status, headers, body = render(entry, environ, self._gzip_min_bytes)
                start_response(status, headers)
                return [body]
        return self._app(environ, start_response)

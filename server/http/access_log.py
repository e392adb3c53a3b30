"""The access log: one JSON line per request on the ``server.access`` logger.

Views add what they know to the WSGI environ under the ``NOTE_*`` keys (the
query's hash, its row count, whether the cache answered); this wrapper, the
outermost, writes them with the method, path, status, size, time and client.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from server.http.clients import client_of

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

__all__ = ["NOTE_CACHE", "NOTE_QUERY_HASH", "NOTE_ROWS", "AccessLog"]

NOTE_QUERY_HASH = "cgkg.query_hash"
NOTE_ROWS = "cgkg.rows"
NOTE_CACHE = "cgkg.cache"

log = logging.getLogger("server.access")


class AccessLog:
    """WSGI wrapper writing one structured line per request."""

    def __init__(self, app: WSGIApplication, trusted_proxies: int) -> None:
        self._app = app
        self._trusted_proxies = trusted_proxies

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        if not log.isEnabledFor(logging.INFO):
            return self._app(environ, start_response)
        started = time.perf_counter()
        seen: dict[str, Any] = {"status": 0, "bytes": 0}

        def respond(
            status: str, headers: list[tuple[str, str]], exc_info: Any = None
        ) -> Callable[[bytes], object]:
            seen["status"] = int(status[:3]) if status[:3].isdigit() else 0
            seen["bytes"] = next((int(v) for k, v in headers if k == "Content-Length"), 0)
            return start_response(status, headers, exc_info)

        try:
            return self._app(environ, respond)
        finally:
            self._write(environ, seen, started)

    def _write(self, environ: WSGIEnvironment, seen: dict[str, Any], started: float) -> None:
        record = {
            "method": environ.get("REQUEST_METHOD"),
            "path": environ.get("PATH_INFO"),
            **seen,
            "ms": round((time.perf_counter() - started) * 1000, 3),
            "client": client_of(environ, self._trusted_proxies),
            "query_hash": environ.get(NOTE_QUERY_HASH),
            "rows": environ.get(NOTE_ROWS),
            "cache": environ.get(NOTE_CACHE),
        }
        log.info(json.dumps(record, separators=(",", ":")))

"""The request-target limit: a URL longer than ``max_url_bytes`` gets 414 before any parsing."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from server.errors import wsgi_error

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

__all__ = ["UrlLimit"]


class UrlLimit:
    """WSGI wrapper answering 414 for a path and query string over ``max_bytes``."""

    def __init__(self, app: WSGIApplication, max_bytes: int) -> None:
        self._app = app
        self._max_bytes = max_bytes

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        target = len(environ.get("PATH_INFO", "")) + len(environ.get("QUERY_STRING", ""))
        if target > self._max_bytes:
            message = (
                f"The request URL is longer than {self._max_bytes} bytes; "
                "send long queries with POST."
            )
            return wsgi_error(environ, start_response, 414, message)
        return self._app(environ, start_response)

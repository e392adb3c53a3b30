"""Request limits checked before any parsing: a URL longer than ``max_url_bytes`` gets 414,
header fields over ``max_header_bytes`` get 431, both in the documented error shape.

The HTTP server (granian) reads a request head into a buffer of ``max_url_bytes`` + 2 ×
``max_header_bytes`` (:func:`server.cli.granian_server`) and refuses a larger head itself,
with an empty 431: the buffer leaves room beyond the header limit so that a head that is
merely too large reaches :class:`HeaderLimit` and gets an answer that says why, while the
memory a connection can hold while its head arrives stays bounded.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from server.errors import wsgi_error

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

__all__ = ["HeaderLimit", "UrlLimit"]


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


class HeaderLimit:
    """WSGI wrapper answering 431 for header fields over ``max_bytes`` in all."""

    def __init__(self, app: WSGIApplication, max_bytes: int) -> None:
        self._app = app
        self._max_bytes = max_bytes

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        if header_bytes(environ) > self._max_bytes:
            message = (
                f"The request's header fields take more than {self._max_bytes} bytes; "
                "send large values (a query, say) in the request body."
            )
            return wsgi_error(environ, start_response, 431, message)
        return self._app(environ, start_response)


def header_bytes(environ: WSGIEnvironment) -> int:
    """The size of the request's header fields as sent: each name, ``: ``, value, CRLF.

    WSGI values are ISO-8859-1 strings of the bytes received, so a length is a byte count.
    """
    size = 0
    for key, value in environ.items():
        if key.startswith("HTTP_"):
            size += len(key) - 5 + len(value) + 4
        elif key in ("CONTENT_TYPE", "CONTENT_LENGTH") and value:
            size += len(key) + len(value) + 4
    return size

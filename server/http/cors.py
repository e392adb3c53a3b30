"""CORS: every response may be read by pages of any origin (``cors_origin``), and
preflight requests (``OPTIONS`` with ``Access-Control-Request-Method``) are answered here."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

__all__ = ["Cors"]

EXPOSED = "ETag, Last-Modified, Retry-After, Content-Disposition, X-Result-Rows, X-Query-Hash"
_PREFLIGHT = [
    ("Access-Control-Allow-Methods", "GET, HEAD, POST, OPTIONS"),
    ("Access-Control-Allow-Headers", "Accept, Content-Type, If-None-Match, If-Modified-Since, "
     "Cache-Control"),
    ("Access-Control-Max-Age", "86400"),
    ("Content-Length", "0"),
]  # fmt: skip


class Cors:
    """WSGI wrapper adding ``Access-Control-*`` headers; a no-op when ``origin`` is empty."""

    def __init__(self, app: WSGIApplication, origin: str) -> None:
        self._app = app
        self._headers = (
            [("Access-Control-Allow-Origin", origin), ("Access-Control-Expose-Headers", EXPOSED)]
            if origin
            else []
        )

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        if not self._headers:
            return self._app(environ, start_response)
        if environ.get("REQUEST_METHOD") == "OPTIONS" and (
            "HTTP_ACCESS_CONTROL_REQUEST_METHOD" in environ
        ):
            start_response("204 No Content", [*_PREFLIGHT, *self._headers])
            return [b""]

        def respond(
            status: str, headers: list[tuple[str, str]], exc_info: Any = None
        ) -> Callable[[bytes], object]:
            return start_response(status, headers + self._headers, exc_info)

        return self._app(environ, respond)

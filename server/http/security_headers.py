"""Security headers on every response: no MIME sniffing, no framing, no referrer leaks,
and a Content-Security-Policy that lets pages load only this server's own scripts,
styles and data (the site fetches nothing from elsewhere, docs/web.md)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from flask import Response, request

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

__all__ = ["CONTENT_SECURITY_POLICY", "SecurityHeaders", "relative_location"]

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; connect-src 'self'; img-src 'self' data:; "
    # The vendored query editor sets style attributes on what it draws.
    "style-src 'self' 'unsafe-inline'; font-src 'self' data:; object-src 'none'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
_HEADERS = [
    ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),
    ("Referrer-Policy", "strict-origin-when-cross-origin"),
]


def relative_location(response: Response) -> Response:
    """A redirect to this host names its target by path (Flask ``after_request``).

    Werkzeug builds the redirects it makes itself (``/dumps`` to ``/dumps/``) from the
    ``Host`` header, which the client chooses: a cached redirect must not carry it.
    """
    location = response.headers.get("Location")
    if location and location.startswith(request.host_url):
        response.headers["Location"] = "/" + location[len(request.host_url) :]
    return response


class SecurityHeaders:
    """WSGI wrapper adding :data:`_HEADERS` to every response, errors included."""

    def __init__(self, app: WSGIApplication) -> None:
        self._app = app

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        def respond(
            status: str, headers: list[tuple[str, str]], exc_info: Any = None
        ) -> Callable[[bytes], object]:
            return start_response(status, headers + _HEADERS, exc_info)

        return self._app(environ, respond)

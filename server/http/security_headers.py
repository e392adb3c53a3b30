"""Security headers on every response: no MIME sniffing, no framing, no referrer leaks,
and a Content-Security-Policy that lets pages load only this server's own scripts,
styles and data (the site fetches nothing from elsewhere, docs/web.md)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from flask import Response, request

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

__all__ = ["CONTENT_SECURITY_POLICY", "FRAMEABLE_PATHS", "SecurityHeaders", "relative_location"]

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
FRAMEABLE_PATHS = ("/reconcile/preview",)
"""Pages other sites may frame: OpenRefine shows reconciliation previews in an iframe.
They run no script and hold no form, so framing them can trick no one into an action."""
_FRAMEABLE_HEADERS = [
    (
        "Content-Security-Policy",
        CONTENT_SECURITY_POLICY.replace("frame-ancestors 'none'", "frame-ancestors *"),
    ),
    *(h for h in _HEADERS if h[0] not in ("Content-Security-Policy", "X-Frame-Options")),
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
        added = _FRAMEABLE_HEADERS if environ.get("PATH_INFO") in FRAMEABLE_PATHS else _HEADERS

        def respond(
            status: str, headers: list[tuple[str, str]], exc_info: Any = None
        ) -> Callable[[bytes], object]:
            return start_response(status, headers + added, exc_info)

        return self._app(environ, respond)

"""HTTP concerns shared by every route: CORS headers."""

from __future__ import annotations

from flask import Flask, Response

from server.settings import ServerSettings

__all__ = ["install"]


def install(app: Flask, settings: ServerSettings) -> None:
    """Add the cross-cutting response headers to ``app``."""
    origin = settings.cors_origin

    @app.after_request
    def _cors(response: Response) -> Response:
        if origin:
            response.headers.setdefault("Access-Control-Allow-Origin", origin)
        return response

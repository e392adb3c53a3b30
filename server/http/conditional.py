"""Conditional requests: ``If-None-Match`` / ``If-Modified-Since`` that still match get 304.

One rule for every response, werkzeug's (:func:`werkzeug.http.is_resource_modified`):
the Flask hook :func:`finish` applies it to each view's response that carries an
``ETag``, and :func:`not_modified` to responses sent from the result cache.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, cast

from flask import Response, request
from werkzeug.http import is_resource_modified

__all__ = ["finish", "not_modified"]


def not_modified(environ: Mapping[str, Any], etag: str, last_modified: datetime | None) -> bool:
    """Whether the client's copy, with validator ``etag`` (quoted), is still good."""
    return not is_resource_modified(
        cast(Any, environ), etag=etag.strip('"'), last_modified=last_modified
    )


def finish(response: Response) -> Response:
    """Flask ``after_request`` hook: 304 for a GET or HEAD whose validators match."""
    if response.direct_passthrough:  # files and cached results apply the rule themselves
        return response
    if request.method in ("GET", "HEAD") and response.get_etag()[0]:
        response.make_conditional(request.environ)
    return response

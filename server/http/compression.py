"""gzip for text responses of at least ``gzip_min_bytes``, for clients that accept it.

``Accept-Encoding`` is read with werkzeug's parser, so ``gzip;q=0`` refuses gzip
and ``*`` accepts it. Every response that could be compressed says
``Vary: Accept-Encoding``, whether or not this one was.
"""

from __future__ import annotations

import gzip
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from flask import Response, request
from werkzeug.datastructures import Accept
from werkzeug.http import parse_accept_header

__all__ = ["accepts_gzip", "compress", "is_compressible"]

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


def is_compressible(content_type: str) -> bool:
    return content_type.startswith(_COMPRESSIBLE)


@lru_cache(maxsize=256)
def _gzip_quality(header: str) -> float:
    return parse_accept_header(header, Accept).quality("gzip")


def accepts_gzip(environ: Mapping[str, Any]) -> bool:
    header = environ.get("HTTP_ACCEPT_ENCODING")
    return bool(header) and _gzip_quality(str(header)) > 0


def compress(response: Response, min_bytes: int) -> Response:
    """Flask ``after_request`` hook: gzip the body when it is worth it and accepted."""
    if response.direct_passthrough or response.is_streamed:
        return response
    if response.status_code != 200 or "Content-Encoding" in response.headers:
        return response
    if not is_compressible(response.mimetype or ""):
        return response
    response.vary.add("Accept-Encoding")
    if not accepts_gzip(request.environ):
        return response
    data = response.get_data()
    if len(data) >= min_bytes:
        response.set_data(gzip.compress(data, compresslevel=6, mtime=0))
        response.headers["Content-Encoding"] = "gzip"
        tag, weak = response.get_etag()
        if tag:
            response.set_etag(tag + "-gz", weak=bool(weak))
    return response

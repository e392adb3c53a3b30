"""Conditional requests and cache headers, by one rule for every cacheable response.

A view marks a response cacheable by giving it an ``ETag``: the data only changes
with a new release, so such a 200 answer to a GET or HEAD also gets
``Last-Modified`` (the release's build time) and ``Cache-Control: public,
max-age=…`` unless the view set its own. ``If-None-Match`` / ``If-Modified-Since``
that still match then get 304, by werkzeug's rule
(:func:`werkzeug.http.is_resource_modified`): the Flask hook :func:`finish`
applies it to each view's response, and :func:`not_modified` to responses sent
from the result cache. :func:`tag_by_request` is the ``ETag`` of an answer fixed by
the release and the request's query string (lookup, reconciliation, search).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from datetime import datetime
from typing import Any, cast

from flask import Response, request
from werkzeug.http import is_resource_modified

__all__ = ["finish", "mark_cacheable", "not_modified", "tag_by_request"]

_VALIDATORS = ("HTTP_IF_NONE_MATCH", "HTTP_IF_MODIFIED_SINCE", "HTTP_IF_MATCH")
"""The headers by which werkzeug's ``is_resource_modified`` can find a copy still good
(``If-Range`` only counts when not ignored, and it is ignored here)."""


def not_modified(environ: Mapping[str, Any], etag: str, last_modified: datetime | None) -> bool:
    """Whether the client's copy, with validator ``etag`` (quoted), is still good."""
    if not any(name in environ for name in _VALIDATORS):
        return False  # most requests: no copy to compare, so skip werkzeug's parsing
    return not is_resource_modified(
        cast(Any, environ), etag=etag.strip('"'), last_modified=last_modified
    )


def tag_by_request(response: Response, build_id: str, name: str, variant: str) -> Response:
    """Mark ``response`` cacheable with an ``ETag`` of the release, the view's ``name``, the
    query string as sent and the representation ``variant`` (what else it varies on)."""
    asked = hashlib.sha256(request.query_string).hexdigest()[:16]
    response.set_etag(f"{build_id}-{name}-{asked}-{variant}")
    return response


def mark_cacheable(response: Response, last_modified: datetime, max_age_s: int) -> None:
    """``Last-Modified`` and ``Cache-Control`` for an answer that lasts as long as its release;
    headers the view set itself are kept."""
    if response.last_modified is None:
        response.last_modified = last_modified
    if "Cache-Control" not in response.headers:
        response.cache_control.public = True
        response.cache_control.max_age = max_age_s


def finish(response: Response, last_modified: datetime, max_age_s: int) -> Response:
    """Flask ``after_request`` hook: cache headers on cacheable answers, then 304 for a
    GET or HEAD whose validators match."""
    if response.direct_passthrough:  # files and cached results apply the rule themselves
        return response
    if request.method in ("GET", "HEAD") and response.get_etag()[0]:
        if response.status_code == 200:
            mark_cacheable(response, last_modified, max_age_s)
        response.make_conditional(request.environ)
    return response

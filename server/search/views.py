"""``GET /search``: full-text search, as JSON for programs and as a page for browsers.

Parameters: ``q`` (the text; phrases as docs/search.md says), ``type`` (one or more
of the index's types, comma-separated or repeated), ``lang`` (a language range:
``zh`` also matches ``zh-Latn-pinyin``), ``limit`` (1-100, default 20) and
``format`` (``json`` or ``html``, else by ``Accept``). A text that cannot be
searched (empty, too long, only punctuation), an unknown type or a bad limit is
a 400 in the one error shape; a browser gets the page with the message.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify, request

from server.errors import BadRequest, NotAcceptable
from server.http.conditional import tag_by_request
from server.search.errors import SearchError
from server.search.index import Hit, SearchRequest
from server.services import current_services
from server.sparql.formats import best_media_type
from server.web.render import current_languages, current_linker, render

__all__ = ["bp", "hit_json"]

bp = Blueprint("search", __name__)

_MEDIA = {"application/json": "json", "text/html": "html"}


def _representation() -> str:
    chosen = request.args.get("format", "")
    if chosen:
        if chosen not in _MEDIA.values():
            raise BadRequest("format must be json or html.")
        return chosen
    media = best_media_type(request.headers.get("Accept"), tuple(_MEDIA))
    if media is None:
        raise NotAcceptable("Search results are available as application/json and text/html.")
    return _MEDIA[media]


def _parsed() -> SearchRequest:
    types = [t for value in request.args.getlist("type") for t in value.split(",") if t]
    limit = request.args.get("limit", "20")
    if not limit.isdigit():
        raise BadRequest("limit must be a whole number between 1 and 100.")
    index = current_services().search.index(current_services().kg)
    try:
        return index.request(
            request.args.get("q", ""), types, request.args.get("lang", ""), int(limit)
        )
    except SearchError as exc:
        raise BadRequest(exc.message) from None


def hit_json(hit: Hit, lang: str = "") -> dict[str, Any]:
    """One result as the API gives it (docs/search.md)."""
    return {
        "iri": hit.iri,
        "label": hit.label(lang),
        "type": hit.type,
        "score": hit.score,
        "passage": hit.passage,
        "highlights": [list(span) for span in hit.highlights],
        "highlighted": hit.highlighted(),
        "property": hit.property,
        "lang": hit.lang,
    }


def _finish(response: Response, variant: str) -> Response:
    services = current_services()
    tag_by_request(response, services.kg.build_id, "search", variant)
    response.cache_control.public = True
    response.cache_control.max_age = services.settings.cache_max_age_s
    response.vary.add("Accept")
    return response


def _page(parsed: SearchRequest | None, hits: list[Hit], error: str = "") -> Response:
    linker = current_linker()
    rows = [(hit, linker.path(hit.iri) or hit.iri) for hit in hits]
    status = 400 if error else 200
    return render(
        "search.html",
        status=status,
        query=request.args.get("q", ""),
        parsed=parsed,
        rows=rows,
        error=error,
        types=current_services().search.index(current_services().kg).types,
    )


@bp.get("/search")
def search() -> Response:
    representation = _representation()
    if representation == "html" and "q" not in request.args:
        return _finish(_page(None, []), f"html-{current_languages().primary}")
    try:
        parsed = _parsed()
    except BadRequest as exc:
        if representation == "json":
            raise
        response = _page(None, [], exc.message)
        response.headers["Cache-Control"] = "no-store"
        return response
    hits = current_services().search.index(current_services().kg).search(parsed)
    if representation == "html":
        return _finish(_page(parsed, hits), f"html-{current_languages().primary}")
    body = {
        "query": parsed.text,
        "types": list(parsed.types),
        "lang": parsed.lang or None,
        "limit": parsed.limit,
        "results": [hit_json(hit, parsed.lang) for hit in hits],
    }
    return _finish(jsonify(body), "json")

"""``GET /lookup?q=…[&type=…][&limit=…]``: divisions, zones, themes, agencies and
initiatives by name (Chinese, pinyin or English, full or short, with or without
parents) or by GB/T 2260 code or code prefix. JSON for programs, an HTML page for
browsers (by ``Accept``, or ``format=json|html``)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify, request

from server.errors import BadRequest
from server.http.conditional import tag_by_request
from server.lookup.describe import describe
from server.lookup.match import find, is_unambiguous
from server.lookup.table import TYPES, NameTable
from server.services import current_services
from server.sparql.formats import best_media_type
from server.web.render import render

__all__ = ["MAX_QUERY_CHARS", "bp", "lookup", "name_table"]

bp = Blueprint("lookup", __name__, template_folder="templates")

MAX_QUERY_CHARS = 200
DEFAULT_LIMIT = 10
MAX_LIMIT = 100


def name_table() -> NameTable:
    """The name table of the release this request is pinned to."""
    services = current_services()
    kg = services.kg
    return services.names.table(kg.release_dir, kg.manifest.raw.get("lookup"))


def lookup(text: str, types: list[str], limit: int) -> dict[str, Any]:
    table = name_table()
    candidates = find(table, text, types)
    unambiguous = is_unambiguous(candidates)
    return {
        "query": text,
        "match": unambiguous,
        "count": len(candidates),
        "candidates": [describe(table, c, unambiguous) for c in candidates[:limit]],
    }


def _arguments() -> tuple[str, list[str], int]:
    text = request.args.get("q", "").strip()
    if not text:
        raise BadRequest("Give a name or a code to look up: /lookup?q=西城区")
    if len(text) > MAX_QUERY_CHARS:
        raise BadRequest(f"The query is longer than {MAX_QUERY_CHARS} characters.")
    types = request.args.getlist("type")
    unknown = [t for t in types if t not in TYPES]
    if unknown:
        raise BadRequest(f"Unknown type {unknown[0]!r}; use one of {', '.join(TYPES)}.")
    raw = request.args.get("limit", str(DEFAULT_LIMIT))
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_LIMIT:
        raise BadRequest(f"limit must be a whole number from 1 to {MAX_LIMIT}.")
    return text, types, int(raw)


def _wants_html() -> bool:
    chosen = request.args.get("format")
    if chosen in ("json", "html"):
        return chosen == "html"
    if chosen is not None:
        raise BadRequest("format must be json or html.")
    accept = request.headers.get("Accept")
    return bool(accept) and best_media_type(accept, ("application/json", "text/html")) == (
        "text/html"
    )


@bp.get("/lookup")
def lookup_view() -> Response:
    html = _wants_html()
    if html and not request.args.get("q", "").strip():
        return render("lookup/results.html", result=None, types=TYPES)
    text, types, limit = _arguments()
    result = lookup(text, types, limit)
    if html:
        return render("lookup/results.html", result=result, types=TYPES)
    response = jsonify(result)
    response.vary.add("Accept")
    # Fixed by the release and the query string: cacheable, revalidated by ETag (304).
    return tag_by_request(response, current_services().kg.build_id, "lookup", "json")

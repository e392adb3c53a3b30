"""``/reconcile``: the manifest (no parameters), batch queries (``queries=``) and data
extension (``extend=``), each as a GET parameter or a form field of a POST; and
``/reconcile/preview``, ``/reconcile/suggest/<entity|type|property>``,
``/reconcile/properties`` (property proposals) and ``/reconcile/schema``."""

from __future__ import annotations

import bisect
import hashlib
from collections.abc import Callable
from typing import Any

from flask import Blueprint, Response, jsonify, request

from server.errors import BadRequest, ContentTooLarge
from server.http.conditional import tag_by_request
from server.lookup.describe import describe, type_ref
from server.lookup.fold import fold
from server.lookup.match import Candidate, TypoBudget
from server.lookup.reconcile.extend import extend, parse_extend, propose
from server.lookup.reconcile.manifest import manifest, schema
from server.lookup.reconcile.properties import PROPERTIES
from server.lookup.reconcile.queries import describe_line, parse_batch, reconcile_batch
from server.lookup.table import TYPES, NameTable
from server.lookup.views import name_table
from server.services import current_services
from server.sparql.cache import CachedResponse
from server.web.render import render

__all__ = ["MAX_FIELD_BYTES", "bp"]

bp = Blueprint("reconcile", __name__, template_folder="../templates")

MAX_FIELD_BYTES = 1 << 20
SUGGEST_LIMIT = 20


def _root() -> str:
    public = current_services().settings.public_url
    return (public or request.host_url).rstrip("/")


def _field(name: str) -> str | None:
    value = request.form.get(name) if request.method == "POST" else None
    value = value if value is not None else request.args.get(name)
    if value is not None and len(value.encode()) > MAX_FIELD_BYTES:
        raise ContentTooLarge(f"{name} is larger than {MAX_FIELD_BYTES} bytes.")
    return value


def _json(doc: dict[str, Any], vary_host: bool = False) -> Response:
    return _cacheable(jsonify(doc), vary_host)


def _cacheable(response: Response, vary_host: bool = False) -> Response:
    """A GET answer is fixed by the release and the URL: an ``ETag`` makes it cacheable
    (server.http.conditional adds the rest and the 304)."""
    variant = "json"
    if vary_host:
        response.vary.add("Host")
        variant += "-" + hashlib.sha256(request.host.encode()).hexdigest()[:8]
    if request.method != "POST":
        tag_by_request(response, current_services().kg.build_id, str(request.endpoint), variant)
    return response


def _batch(kind: str, raw: str, answer: Callable[[], dict[str, Any]]) -> Response:
    """The answer to a batch (``queries`` or ``extend``), kept in the result cache by release
    and batch: OpenRefine sends the same batches again (re-running a column, the next
    extension), and a POST's key is in its body, where no HTTP cache looks."""
    services = current_services()
    key = ("reconcile", services.kg.build_id, kind, hashlib.sha256(raw.encode()).digest())
    kept = services.cache.get(key) if services.cache.enabled else None
    if kept is None:
        body = jsonify(answer()).get_data()
        kept = CachedResponse("200 OK", [], body, etag="", compressible=True)
        services.cache.put(key, kept)
    response = Response(kept.body, mimetype="application/json")
    if request.method == "POST":
        response.headers["Cache-Control"] = "no-store"
        return response
    return _cacheable(response)


@bp.route("/reconcile", methods=["GET", "POST"])
def service() -> Response:
    queries, extension = _field("queries"), _field("extend")
    if queries is not None:
        batch = parse_batch(queries)
        budget = TypoBudget(current_services().settings.max_typo_comparisons)
        return _batch("queries", queries, lambda: reconcile_batch(name_table(), batch, budget))
    if extension is not None:
        ids, pids = parse_extend(extension)
        return _batch("extend", extension, lambda: extend(name_table(), ids, pids))
    services = current_services()
    doc = manifest(_root(), services.base_iri, services.kg.manifest.dataset_version)
    return _json(doc, vary_host=not services.settings.public_url)


@bp.get("/reconcile/preview")
def preview() -> Response:
    table = name_table()
    entry = table.entries.get(request.args.get("id", ""))
    if entry is None:
        raise BadRequest("Give the id of an entry: /reconcile/preview?id=division/110102")
    card = describe(table, Candidate(entry, 100.0), False)
    return render("lookup/preview.html", card=card, line=describe_line(table, entry))


def _prefix() -> str:
    prefix = request.args.get("prefix", "").strip()
    if not prefix or len(prefix) > 200:
        raise BadRequest("Give a prefix of 1 to 200 characters: ?prefix=西城")
    return prefix


@bp.get("/reconcile/suggest/entity")
def suggest_entity() -> Response:
    table, key = name_table(), fold(_prefix())
    types = request.args.getlist("type")
    ids = list(dict.fromkeys(_starting(table, key)))
    entries = [table.entries[i] for i in ids if not types or table.entries[i].type in types]
    result = [
        {
            "id": e.id,
            "name": e.name_zh,
            "description": describe_line(table, e),
            "notable": [type_ref(e.type)],
        }
        for e in entries[:SUGGEST_LIMIT]
    ]
    return _json({"result": result})


def _starting(table: NameTable, key: str) -> list[str]:
    forms = table.form_list
    start = bisect.bisect_left(forms, key)
    found: list[str] = []
    for form in forms[start:]:
        if not form.startswith(key) or len(found) >= SUGGEST_LIMIT * 4:
            break
        found += table.forms[form]
    return found


@bp.get("/reconcile/suggest/type")
def suggest_type() -> Response:
    key = fold(_prefix())
    refs = [type_ref(t) for t in TYPES]
    return _json({"result": [r for r in refs if key in fold(r["id"] + r["name"])]})


@bp.get("/reconcile/suggest/property")
def suggest_property() -> Response:
    key = fold(_prefix())
    found = [p for p in PROPERTIES.values() if key in fold(p.id + p.name)]
    return _json({"result": [{"id": p.id, "name": p.name} for p in found]})


@bp.get("/reconcile/properties")
def properties() -> Response:
    raw = request.args.get("limit", str(len(PROPERTIES)))
    if not raw.isdigit() or int(raw) < 1:
        raise BadRequest("limit must be a positive whole number.")
    return _json(propose(request.args.get("type", "division"), int(raw)))


@bp.get("/reconcile/schema")
def schema_view() -> Response:
    return _json(schema())

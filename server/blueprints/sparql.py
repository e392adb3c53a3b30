"""``/sparql``: the SPARQL 1.1 Protocol query operation and the service description.

A request with a query (:mod:`server.protocol`) is negotiated
(:mod:`server.negotiation`), checked against the SERVICE allow-list
(:mod:`server.service_policy`), looked up in the response cache and otherwise
evaluated in a query process (:mod:`server.query_pool`). A GET without a query
gets the service description: RDF (Turtle unless ``Accept`` prefers another RDF
format). A browser's GET (HTML preferred) gets the query editor of
:mod:`server.blueprints.pages_query` instead, which runs its query through
:func:`run_checked`, the same path as every client query.
"""

from __future__ import annotations

import hashlib
from typing import cast

from flask import Blueprint, Response, current_app, request

from server import protocol, service_policy
from server.blueprints.pages_query import query_ui, wants_query_ui
from server.cache import CachedResponse
from server.errors import (
    BadGateway,
    KGError,
    NotAcceptable,
    QuerySyntaxError,
    ResultTooLarge,
    UpdateForbidden,
)
from server.evaluation import Job, Outcome
from server.http import (
    ENV_CACHE,
    ENV_QUERY_HASH,
    ENV_ROWS,
    current_cache,
    http_date,
    is_compressible,
    raw_key,
    render,
)
from server.kg import KnowledgeGraph, current_kg
from server.negotiation import (
    RDF_FORMATS,
    SOLUTION_FORMATS,
    Format,
    by_name,
    choose,
)
from server.query_pool import current_pool
from server.service_description import ServiceDescriber
from server.settings import ServerSettings, current_settings

__all__ = ["bp", "current_describer", "query_hash", "run_checked"]

DESCRIBER_KEY = "kg_service_describer"

bp = Blueprint("sparql", __name__)

_METHODS = ["GET", "HEAD", "POST"]


def current_describer() -> ServiceDescriber:
    """The app's service describer (statistics are computed on first use)."""
    describer = current_app.extensions.get(DESCRIBER_KEY)
    if describer is None:
        describer = ServiceDescriber(current_kg(), current_settings())
        current_app.extensions[DESCRIBER_KEY] = describer
    return cast(ServiceDescriber, describer)


def query_hash(text: str) -> str:
    """A short, stable identifier of a query text, for logs and ETags."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


@bp.route("/sparql", methods=_METHODS)
@bp.route("/sparql/", methods=_METHODS, endpoint="sparql_slash")
def sparql() -> Response:
    """Answer a SPARQL query, or describe the service when there is none."""
    settings = current_settings()
    parsed = protocol.parse(request, settings.max_query_bytes)
    if request.method == "GET" and wants_query_ui():
        return query_ui(run_checked)
    if parsed is None:
        return _service_description(settings)
    return _query(parsed, settings, current_kg())


def run_checked(job: Job) -> Outcome:
    """Evaluate a job exactly as the endpoint does: SERVICE policy, query process, limits."""
    settings = current_settings()
    service_policy.check(
        job.query, settings.service_allowlist, settings.base_iri or current_kg().base_iri
    )
    return current_pool().execute(job)


def _query(parsed: protocol.QueryRequest, settings: ServerSettings, kg: KnowledgeGraph) -> Response:
    accept = request.headers.get("Accept")
    solutions = choose(accept, SOLUTION_FORMATS, parsed.formats)
    graph = choose(accept, RDF_FORMATS, parsed.formats)
    if solutions is None and graph is None:
        raise NotAcceptable(_not_acceptable_message(parsed, None))
    environ = request.environ
    digest = query_hash(parsed.query)
    environ[ENV_QUERY_HASH] = digest
    key = (
        kg.build_id,
        parsed.query,
        parsed.default_graphs,
        parsed.named_graphs,
        solutions.name if solutions else "",
        graph.name if graph else "",
    )
    cache = current_cache()
    entry = cache.get(key) if cache.enabled else None
    environ[ENV_CACHE] = "hit" if entry is not None else "miss"
    if entry is None:
        job = Job(
            parsed.query,
            parsed.default_graphs,
            parsed.named_graphs,
            solutions.name if solutions else "",
            graph.name if graph else "",
            settings.max_result_rows,
            settings.max_result_bytes,
            settings.base_iri or kg.base_iri,
        )
        outcome = run_checked(job)
        entry = _entry(outcome, parsed, kg, settings, digest)
        if cache.enabled:
            cache.put(key, entry)
    if cache.enabled and request.method in ("GET", "HEAD"):
        cache.put(raw_key(environ), entry)
    environ[ENV_ROWS] = entry.rows
    status, headers, body = render(
        entry, environ, settings.gzip_min_bytes, kg.last_modified, strip_head=False
    )
    return Response(body, status=status, headers=headers, direct_passthrough=True)


def _not_acceptable_message(parsed: protocol.QueryRequest, result: str | None) -> str:
    asked = ", ".join(parsed.formats) if parsed.formats else request.headers.get("Accept", "")
    offers = {
        "solutions": SOLUTION_FORMATS,
        "boolean": SOLUTION_FORMATS,
        "graph": RDF_FORMATS,
    }.get(result or "", SOLUTION_FORMATS + RDF_FORMATS)
    return (
        f"None of the formats you accept ({asked}) can carry this query's results. "
        f"Available: {', '.join(f.media_type for f in offers)}."
    )


def _entry(
    outcome: Outcome,
    parsed: protocol.QueryRequest,
    kg: KnowledgeGraph,
    settings: ServerSettings,
    digest: str,
) -> CachedResponse:
    if outcome.kind == "syntax":
        if protocol.looks_like_update(parsed.query):
            raise UpdateForbidden()
        raise QuerySyntaxError(f"The query does not parse: {outcome.message}")
    if outcome.kind == "not_acceptable":
        raise NotAcceptable(_not_acceptable_message(parsed, outcome.result))
    if outcome.kind == "too_large":
        raise ResultTooLarge(outcome.message)
    if outcome.kind == "error":
        if service_policy.mentions_service(parsed.query):
            raise BadGateway(f"A SERVICE call failed: {outcome.message}")
        raise KGError(f"The query could not be evaluated: {outcome.message}")
    fmt: Format = by_name(outcome.format)
    headers = [
        ("Content-Type", fmt.content_type),
        ("Cache-Control", f"public, max-age={settings.cache_max_age_s}"),
        ("Last-Modified", http_date(kg.last_modified)),
        ("Vary", "Accept, Accept-Encoding"),
        ("X-Result-Rows", str(outcome.rows)),
        ("X-Query-Hash", digest),
    ]
    etag_source = "\x00".join(
        (parsed.query, *parsed.default_graphs, "|", *parsed.named_graphs, fmt.name)
    )
    etag = f'"{kg.build_id}-{hashlib.sha256(etag_source.encode()).hexdigest()[:20]}"'
    return CachedResponse(
        status="200 OK",
        headers=headers,
        body=outcome.body,
        etag=etag,
        compressible=is_compressible(fmt.media_type),
        rows=outcome.rows,
        query_hash=digest,
    )


def _endpoint_url() -> str:
    settings = current_settings()
    if settings.public_url:
        return settings.public_url.rstrip("/") + request.path
    return request.base_url


def _service_description(settings: ServerSettings) -> Response:
    accept = request.headers.get("Accept")
    formats = tuple(request.args.getlist("format") + request.args.getlist("output"))
    fmt = choose(accept, RDF_FORMATS, formats)
    if fmt is None:
        raise NotAcceptable(
            "The service description is RDF; accept one of "
            + ", ".join(f.media_type for f in RDF_FORMATS)
            + "."
        )
    kg = current_kg()
    body = current_describer().body(_endpoint_url(), fmt)
    response = Response(body, content_type=fmt.content_type)
    response.vary.add("Accept")
    response.cache_control.public = True
    response.cache_control.max_age = settings.cache_max_age_s
    response.last_modified = kg.last_modified
    # Blank node labels differ between processes, so the validator names the inputs instead.
    endpoint_digest = hashlib.sha256(_endpoint_url().encode("utf-8")).hexdigest()[:12]
    response.set_etag(f"{kg.build_id}-sd-{fmt.name}-{endpoint_digest}")
    return response

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

from server import protocol
from server.answer import ANSWERER_KEY, QueryAnswerer
from server.blueprints.pages_query import query_ui, wants_query_ui
from server.errors import NotAcceptable
from server.evaluation import Job, Outcome
from server.http import render
from server.kg import current_kg
from server.negotiation import RDF_FORMATS, choose
from server.service_description import ServiceDescriber
from server.settings import ServerSettings, current_settings

__all__ = ["bp", "current_answerer", "current_describer", "run_checked"]

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


def current_answerer() -> QueryAnswerer:
    """The app's query answerer (the same one the WSGI front uses)."""
    return cast(QueryAnswerer, current_app.extensions[ANSWERER_KEY])


def run_checked(job: Job) -> Outcome:
    """Evaluate a job exactly as the endpoint does: SERVICE policy, query process, limits."""
    return current_answerer().run_checked(job)


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
    entry = current_answerer().answer(parsed, request.headers.get("Accept"), request.environ)
    status, headers, body = render(
        entry,
        request.environ,
        settings.gzip_min_bytes,
        current_kg().last_modified,
        strip_head=False,
    )
    return Response(body, status=status, headers=headers, direct_passthrough=True)


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

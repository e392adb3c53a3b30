"""``/sparql``: the SPARQL 1.1 Protocol query operation and the service description.

A request with a query (:mod:`server.sparql.protocol`) is answered by the
:class:`~server.sparql.answer.QueryAnswerer`: negotiation, the result cache,
the SERVICE allow-list, and evaluation in a query process through fair
admission for the request's client. A GET without a query gets the service
description (RDF, Turtle unless ``Accept`` prefers another RDF format). A
browser's GET (HTML preferred over every format a query can be answered in)
gets the page the app plugged in as :attr:`Services.query_page` (the web site's
query editor), when there is one; this package never imports the site.
"""

from __future__ import annotations

import hashlib

from flask import Blueprint, Request, Response, request

from server.errors import NotAcceptable
from server.http.clients import client_of
from server.kg import KnowledgeGraph
from server.services import Services, current_services
from server.sparql import protocol
from server.sparql.answer import render
from server.sparql.formats import FORMATS, RDF_FORMATS, best_media_type, choose

__all__ = ["bp", "prefers_html"]

bp = Blueprint("sparql", __name__)

_METHODS = ["GET", "HEAD", "POST"]
HTML_TYPES = ("text/html", "application/xhtml+xml")
_OFFERS = (*(f.media_type for f in FORMATS), *HTML_TYPES)


def prefers_html(req: Request, parsed: protocol.QueryRequest | None) -> bool:
    """Whether this GET prefers HTML to every result format the endpoint offers.

    A browser names text/html first; SPARQL clients name result or RDF types. An
    explicit ``format`` parameter is a request for data, never for the page.
    """
    if req.method != "GET":
        return False
    if parsed.formats if parsed is not None else ("format" in req.args or "output" in req.args):
        return False
    accept = req.headers.get("Accept")
    return bool(accept) and best_media_type(accept, _OFFERS) in HTML_TYPES


@bp.route("/sparql", methods=_METHODS)
@bp.route("/sparql/", methods=_METHODS, endpoint="sparql_slash")
def sparql() -> Response:
    """Answer a SPARQL query, or describe the service when there is none."""
    services = current_services()
    parsed = protocol.parse(request, services.settings.max_query_bytes)
    if services.query_page is not None and prefers_html(request, parsed):
        return services.query_page()
    kg = services.kg
    if parsed is None:
        return _service_description(services, kg)
    client = client_of(request.environ, services.settings.trusted_proxies)
    entry = services.answerer.answer(
        parsed,
        request.headers.get("Accept"),
        request.environ,
        kg.build_id,
        services.runner_for(client),
        services.base_iri,
    )
    status, headers, body = render(
        entry, request.environ, services.settings.gzip_min_bytes, strip_head=False
    )
    return Response(body, status=status, headers=headers, direct_passthrough=True)


def _endpoint_url(services: Services) -> str:
    if services.settings.public_url:
        return services.settings.public_url.rstrip("/") + request.path
    return request.base_url


def _service_description(services: Services, kg: KnowledgeGraph) -> Response:
    formats = tuple(request.args.getlist("format") + request.args.getlist("output"))
    fmt = choose(request.headers.get("Accept"), RDF_FORMATS, formats)
    if fmt is None:
        raise NotAcceptable(
            "The service description is RDF; accept one of "
            + ", ".join(f.media_type for f in RDF_FORMATS)
            + "."
        )
    endpoint = _endpoint_url(services)
    response = Response(services.describer.body(kg, endpoint, fmt), content_type=fmt.content_type)
    response.vary.add("Accept")
    if not services.settings.public_url:
        response.vary.add("Host")  # the endpoint it names comes from the request
    response.cache_control.public = True
    response.cache_control.max_age = services.settings.cache_max_age_s
    response.last_modified = kg.last_modified
    # Blank node labels differ between processes, so the validator names the inputs instead.
    endpoint_digest = hashlib.sha256(endpoint.encode("utf-8")).hexdigest()[:12]
    response.set_etag(f"{kg.build_id}-sd-{fmt.name}-{endpoint_digest}")
    return response

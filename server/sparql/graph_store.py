"""``/rdf-graph-store``: the read side of the SPARQL 1.1 Graph Store HTTP Protocol.

``GET``/``HEAD ?default`` returns the default graph (here, as at ``/sparql``, the
union of every named graph); ``?graph=IRI`` returns one named graph, 404 if the
store has no such graph. Every RDF format is offered by content negotiation
(``format`` also works); N-Quads and TriG keep the graph name. Writes (``PUT``,
``POST``, ``DELETE``, ``PATCH``) are refused with 405: the store is read-only.
"""

from __future__ import annotations

import hashlib

import pyoxigraph as ox
from flask import Blueprint, Response, request

from server.errors import BadRequest, MethodNotAllowed, NotAcceptable, NotFound
from server.kg import KnowledgeGraph
from server.services import current_services
from server.sparql.formats import RDF_FORMATS, Format, choose, serialize_triples, with_profile

__all__ = ["PATH", "bp", "serialize_graph"]

PATH = "/rdf-graph-store"

bp = Blueprint("graph_store", __name__)


def serialize_graph(kg: KnowledgeGraph, graph: str | None, fmt: Format) -> bytes:
    """One named graph (or the union default graph when ``None``) in ``fmt``."""
    triples = list(dict.fromkeys(kg.triples(graph)))  # the union repeats shared triples
    name = ox.NamedNode(graph) if graph is not None else None
    return serialize_triples(triples, fmt, kg.prefixes, name)


@bp.route(PATH, methods=["GET", "HEAD"])
def read() -> Response:
    """A graph of the store, serialized as the client asks."""
    services = current_services()
    kg = services.kg
    graphs = request.args.getlist("graph")
    if "default" in request.args:
        if graphs:
            raise BadRequest("Ask for either ?default or ?graph=IRI, not both.")
        graph: str | None = None
    elif len(graphs) == 1:
        graph = graphs[0]
        if not kg.has_graph(graph):
            raise NotFound(f"There is no graph <{graph}> in this store.")
    elif graphs:
        raise BadRequest("Ask for one graph at a time.")
    else:
        raise BadRequest(
            "Name the graph: ?default for the default graph (the union of all named graphs) "
            "or ?graph=IRI for a named graph."
        )
    fmt = choose(request.headers.get("Accept"), RDF_FORMATS, tuple(request.args.getlist("format")))
    if fmt is None:
        raise NotAcceptable(
            "Graphs are available as " + ", ".join(f.media_type for f in RDF_FORMATS)
        )
    fmt = with_profile(fmt, request.headers.get("Accept"))
    body = serialize_graph(kg, graph, fmt)
    response = Response(body, content_type=fmt.content_type)
    response.vary.add("Accept")
    response.cache_control.public = True
    response.cache_control.max_age = services.settings.cache_max_age_s
    response.last_modified = kg.last_modified
    digest = hashlib.sha256((graph or "").encode("utf-8")).hexdigest()[:12]
    response.set_etag(f"{kg.build_id}-gsp-{digest}-{fmt.name}")
    return response


@bp.route(PATH, methods=["PUT", "POST", "DELETE", "PATCH"])
def write() -> Response:
    """Refused: the store is read-only."""
    error = MethodNotAllowed(request.method, ("GET", "HEAD", "OPTIONS"))
    error.message = (
        f"The graph store is read-only: {request.method} is not accepted. Use GET or HEAD, "
        "or download the data from /dumps/."
    )
    raise error

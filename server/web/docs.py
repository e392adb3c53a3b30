"""Documents of the release: the ontology, the SHACL shapes, VoID.

`/ontology`, `/shapes` and `/service` (the terms of the SPARQL service
description, ``cgkgsd:``) are HTML documentation for browsers and the release's
`ontology.ttl` / `shapes.ttl` (or another RDF format) by `Accept` or extension;
their terms are hash IRIs (`/ontology#ExperimentalZone`), so each term is an
anchor of the page. `/.well-known/void` is the dataset description (RFC 5785, VoID §7).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from flask import Blueprint, Response, redirect, request
from rdflib import Graph
from werkzeug.wrappers import Response as BaseResponse

from server.errors import NotAcceptable, NotFound
from server.services import current_services
from server.sparql.description import VOCABULARY
from server.sparql.formats import TURTLE, Format, with_profile
from server.web.describe import display_query
from server.web.models.docs import ontology_sections, shape_sections
from server.web.render import (
    VOID_PATH,
    add_dataset_links,
    current_languages,
    current_linker,
    render,
)
from server.web.resources import (
    FORMATS,
    alternates,
    chosen_variant,
    fixed_by_url,
    negotiate,
    serialize,
    split_extension,
)

__all__ = ["bp", "load_graph"]

bp = Blueprint("pages_docs", __name__)


@lru_cache(maxsize=8)
def _parse(path: Path, mtime: float) -> Graph:
    graph = Graph()
    graph.parse(path, format="turtle")
    return graph


def load_graph(path: Path) -> Graph:
    """A Turtle file of the release, parsed once per change."""
    return _parse(path, path.stat().st_mtime)


def _rdf_document(path: Path, fmt: Format) -> Response:
    kg = current_services().kg
    fmt = with_profile(fmt, request.headers.get("Accept"))
    if fmt == TURTLE:
        body = path.read_bytes()
    else:
        body = serialize(load_graph(path), fmt, dict(kg.prefixes))
    response = Response(body, content_type=fmt.content_type)
    response.vary.add("Accept")
    return response


def _document(
    name: str, requested: str, template: str, build: Any, path: Path | None = None
) -> BaseResponse:
    """Serve a Turtle document (the release's ``name``, unless ``path``) as HTML or RDF."""
    kg = current_services().kg
    path = path or kg.path(getattr(kg.manifest, name))
    stem, by_extension, html_asked = split_extension(requested)
    if stem != name:
        raise NotFound(f"There is nothing at /{requested}.")
    chosen = chosen_variant(by_extension, html_asked)
    alts = alternates("/" + name)
    links = [(a.href, "alternate", a.media_type) for a in alts]
    if isinstance(chosen, Format):
        response = _rdf_document(path, chosen)
        add_dataset_links(response, links)
        variant = chosen.name
    else:
        graph = load_graph(path)
        iri = current_linker().iri(name)
        response = render(template, links=links, alternates=alts, iri=iri, **build(graph, iri))
        variant = f"html-{current_languages().primary}"
    response.set_etag(f"{kg.build_id}-{name}-{variant}")
    if by_extension or html_asked:
        fixed_by_url(response, "/" + requested)
    return response


@bp.get("/ontology")
@bp.get("/ontology.<any(ttl, nt, jsonld, rdf, html):ext>")
def ontology(ext: str = "") -> BaseResponse:
    requested = "ontology" + (f".{ext}" if ext else "")
    return _document(
        "ontology",
        requested,
        "docs/ontology.html",
        lambda graph, iri: {
            **ontology_sections(graph, iri, current_linker()),
            "query": display_query(
                current_services().kg.base_iri + "graph/ontology", "docs_ontology"
            ),
        },
    )


@bp.get("/ontology/<version>")
def ontology_version(version: str) -> BaseResponse:
    """The version IRI of the ontology: the current version is served at /ontology."""
    graph = load_graph(current_services().kg.path(current_services().kg.manifest.ontology))
    versions = {
        str(o) for o in graph.objects(None, None) if str(o).endswith("/ontology/" + version)
    }
    if not versions:
        raise NotFound(f"There is no ontology version {version} in this release.")
    return redirect("/ontology", code=303)


@bp.get("/service")
@bp.get("/service.<any(ttl, nt, jsonld, rdf, html):ext>")
def service_vocabulary(ext: str = "") -> BaseResponse:
    """The ``cgkgsd:`` terms of the service description (``https://w3id.org/cgkg/service#``)."""
    return _document(
        "service",
        "service" + (f".{ext}" if ext else ""),
        "docs/ontology.html",
        lambda graph, iri: ontology_sections(graph, iri, current_linker()),
        VOCABULARY,
    )


@bp.get("/shapes")
@bp.get("/shapes.<any(ttl, nt, jsonld, rdf, html):ext>")
def shapes(ext: str = "") -> BaseResponse:
    requested = "shapes" + (f".{ext}" if ext else "")
    return _document(
        "shapes",
        requested,
        "docs/shapes.html",
        lambda graph, iri: shape_sections(graph, iri, current_linker()),
    )


@bp.get(VOID_PATH)
def void() -> BaseResponse:
    """The VoID/DCAT description; browsers are sent to the dataset's page."""
    kg = current_services().kg
    chosen = negotiate(request.headers.get("Accept"))
    if chosen == "html":
        response: BaseResponse = redirect(
            current_linker().path(kg.manifest.dataset_iri) or "/", 303
        )
        response.vary.add("Accept")
        return response
    if not isinstance(chosen, Format):
        raise NotAcceptable("Available as " + ", ".join(f.media_type for f in FORMATS) + ".")
    response = _rdf_document(kg.path(kg.manifest.void), chosen)
    add_dataset_links(response)
    response.set_etag(f"{kg.build_id}-void-{chosen.name}")
    return response

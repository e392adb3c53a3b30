"""Every IRI of the dataset resolves here: `/zone/2015/110102` is `<base>zone/2015/110102`.

A browser gets the HTML page; a linked-data client gets Turtle, N-Triples,
JSON-LD or RDF/XML by `Accept` (q-values honoured) or by a file extension
(`.ttl`, `.nt`, `.jsonld`, `.rdf`; `.html` for the page). Every answer carries
`Vary: Accept` and `Link` headers: one `alternate` per format, `describedby`
(the dataset description) and `license`.

An IRI the release retires (`retired.json` in the release folder, see
docs/web.md) answers 301 to its successor, or 410 with the reason.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox
from flask import Blueprint, Response, redirect, request
from rdflib import Graph, URIRef
from werkzeug.wrappers import Response as BaseResponse

from server.errors import NotAcceptable, error_response
from server.kg import KnowledgeGraph
from server.services import current_services
from server.sparql.formats import (
    RESOURCE_FORMATS,
    TURTLE,
    Format,
    best_media_type,
    format_for_extension,
    serialize_triples,
    with_profile,
)
from server.web.describe import context_graph, describe, display_query
from server.web.models.resource import Alternate, build_page, page_kind
from server.web.models.schema_org import dataset_markup
from server.web.models.terms import Linker
from server.web.render import add_dataset_links, current_languages, current_linker, render

__all__ = [
    "FORMATS",
    "NAMESPACES",
    "Link",
    "Retirement",
    "bp",
    "chosen_variant",
    "fixed_by_url",
    "rdf_response",
    "retirements",
    "serialize",
]

bp = Blueprint("resources", __name__)

# First path segments of the dataset's IRIs (docs/model.md). `ontology` and
# `shapes` are documents of their own (server.web.docs).
NAMESPACES = (
    "agency",
    "catalog",
    "dataset",
    "designation",
    "division",
    "division-status",
    "division-type",
    "document",
    "event",
    "goal",
    "graph",
    "initiative",
    "level",
    "query",
    "scheme",
    "theme",
    "zone",
)

FORMATS = RESOURCE_FORMATS
HTML_TYPES = ("text/html", "application/xhtml+xml")
Link = tuple[str, str, str | None]
"""A ``Link`` header entry: href, rel, media type."""
_CONTEXT_QUERIES = {
    "zone": "resource_zone_context",
    "division": "resource_division_context",
    "theme": "resource_theme_context",
}


@dataclass(frozen=True)
class Retirement:
    """A retired IRI: moved to `successor` (301), or gone (410) for `reason`."""

    iri: str
    successor: str | None
    reason_zh: str
    reason_en: str


@lru_cache(maxsize=8)
def _read_retirements(path: Path, mtime: float) -> dict[str, Retirement]:
    rows = json.loads(path.read_text(encoding="utf-8"))
    return {
        row["iri"]: Retirement(
            row["iri"], row.get("successor"), row.get("reason_zh", ""), row.get("reason_en", "")
        )
        for row in rows
    }


def retirements(kg: KnowledgeGraph) -> dict[str, Retirement]:
    """The release's table of retired IRIs (empty when it has none)."""
    path = kg.path("retired.json")
    if not path.is_file():
        return {}
    return _read_retirements(path, path.stat().st_mtime)


def serialize(graph: Graph, fmt: Format, prefixes: dict[str, str]) -> bytes:
    if fmt.jsonld_form:  # the JSON-LD forms are the endpoint's (server.sparql.jsonld)
        ntriples = graph.serialize(format="nt", encoding="utf-8")
        triples = list(ox.parse(ntriples, format=ox.RdfFormat.N_TRIPLES))
        return serialize_triples(triples, fmt, prefixes)
    for prefix, namespace in prefixes.items():
        graph.bind(prefix, namespace, override=True)
    data: bytes = graph.serialize(format=fmt.rdflib_name, encoding="utf-8")
    return data


def split_extension(path: str) -> tuple[str, Format | None, bool]:
    """(path without extension, format asked by extension, whether `.html` was asked)."""
    stem, dot, ext = path.rpartition(".")
    if not dot or "/" in ext:
        return path, None, False
    if ext == "html":
        return stem, None, True
    fmt = format_for_extension(ext, FORMATS)
    if fmt is None or ext != fmt.extension:
        return path, None, False
    return stem, fmt, False


def negotiate(accept: str | None) -> Format | str | None:
    """A format, "html", or None when nothing offered is acceptable.

    Turtle comes first so that a client with no preference (`*/*`) gets data;
    browsers name text/html explicitly and get the page.
    """
    offers = [TURTLE.media_type, *HTML_TYPES]
    for fmt in FORMATS:
        offers.extend(m for m in (fmt.media_type, *fmt.aliases) if m not in offers)
    best = best_media_type(accept, offers)
    if best is None:
        return None
    if best in HTML_TYPES:
        return "html"
    return next(fmt for fmt in FORMATS if fmt.matches(best))


def chosen_variant(by_extension: Format | None, html_asked: bool) -> Format | str:
    """The extension's format, "html", or what ``Accept`` prefers; 406 when nothing is."""
    chosen = by_extension or ("html" if html_asked else negotiate(request.headers.get("Accept")))
    if chosen is None:
        raise NotAcceptable(
            "Available as text/html, " + ", ".join(fmt.media_type for fmt in FORMATS) + "."
        )
    return chosen


def fixed_by_url(response: BaseResponse, requested: str) -> None:
    """An answer its URL's extension chose: it names its own URL and varies on no ``Accept``."""
    response.headers["Content-Location"] = requested
    kept = [v for v in response.vary if v.lower() != "accept"]  # HeaderSet.discard writes nothing
    if kept:
        response.headers["Vary"] = ", ".join(kept)
    else:
        del response.headers["Vary"]


def alternates(path: str) -> list[Alternate]:
    return [Alternate(fmt.label, fmt.media_type, f"{path}.{fmt.extension}") for fmt in FORMATS] + [
        Alternate("HTML", "text/html", f"{path}.html")
    ]


def _known(kg: KnowledgeGraph, iri: str) -> bool:
    return kg.has_graph(iri) or iri in retirements(kg) or bool(len(describe(kg, iri)))


def not_found(path: str, iri: str) -> Response:
    if negotiate(request.headers.get("Accept")) == "html":
        return render("not_found.html", status=404, iri=iri, path=path)
    response = error_response(404, f"{iri} is not in this dataset.", request.headers.get("Accept"))
    add_dataset_links(response)
    return response


def retired(entry: Retirement, fmt_ext: str) -> BaseResponse:
    linker = current_linker()
    if entry.successor:
        target = linker.path(entry.successor) or entry.successor
        response = redirect(target + fmt_ext, code=301)
        add_dataset_links(response)
        return response
    if negotiate(request.headers.get("Accept")) == "html":
        return render("gone.html", status=410, entry=entry)
    response = error_response(
        410,
        f"{entry.iri} has been retired: {entry.reason_en or entry.reason_zh}".strip(": "),
        request.headers.get("Accept"),
    )
    add_dataset_links(response)
    return response


_FIRST = f"<any({', '.join(repr(n) for n in NAMESPACES)}):first>"


def _valid(iri: str) -> bool:
    """Whether ``iri`` is an IRI at all: a path such as `/zone/a b` names nothing of ours."""
    try:
        ox.NamedNode(iri)
    except ValueError:
        return False
    return True


def _resolve(kg: KnowledgeGraph, requested: str, linker: Linker) -> tuple[str, Format | None, bool]:
    """(path of the IRI, format asked by extension, whether `.html` was asked)."""
    path, by_extension, html_asked = split_extension(requested)
    whole = linker.iri(requested)
    if path != requested and _valid(whole) and _known(kg, whole):
        # An IRI of ours that itself ends like a format (a distribution `…/cgkg.ttl`).
        return requested, None, False
    return path, by_extension, html_asked


def _page(
    kg: KnowledgeGraph, iri: str, description: Graph, alts: list[Alternate], links: list[Link]
) -> Response:
    is_graph = kg.has_graph(iri)
    kind = page_kind(description, URIRef(iri), is_graph)
    context = context_graph(kg, _CONTEXT_QUERIES[kind], iri) if kind in _CONTEXT_QUERIES else None
    page = build_page(
        iri=iri,
        description=description,
        kind=kind,
        context=context,
        linker=current_linker(),
        alternates=alts,
        query=display_query(iri),
        extra={"size": kg.manifest.graphs.get(iri)} if kind == "graph" else None,
    )
    markup = dataset_markup(kg) if iri == kg.manifest.dataset_iri else None
    return render("resources/page.html", links=links, page=page, schema_org=markup)


def rdf_response(kg: KnowledgeGraph, graph: Graph, fmt: Format, links: list[Link]) -> Response:
    """``graph`` in ``fmt``, negotiated: with ``Vary: Accept`` and the ``Link`` headers."""
    response = Response(serialize(graph, fmt, dict(kg.prefixes)), content_type=fmt.content_type)
    response.vary.add("Accept")
    add_dataset_links(response, links)
    return response


@bp.get(f"/{_FIRST}", defaults={"rest": ""})
@bp.get(f"/{_FIRST}.<any(ttl, nt, jsonld, rdf, html):ext>", defaults={"rest": ""})
@bp.get(f"/{_FIRST}/<path:rest>")
def resource(first: str, rest: str, ext: str = "") -> BaseResponse:
    kg = current_services().kg
    requested = first + ("/" + rest if rest else "") + (f".{ext}" if ext else "")
    linker = current_linker()
    path, by_extension, html_asked = _resolve(kg, requested, linker)
    iri = linker.iri(path)
    if not _valid(iri):
        return not_found("/" + path, iri)
    entry = retirements(kg).get(iri)
    if entry is not None:
        return retired(entry, requested[len(path) :])
    description = describe(kg, iri)
    if not len(description) and not kg.has_graph(iri):
        return not_found("/" + path, iri)
    chosen = chosen_variant(by_extension, html_asked)
    alts = alternates("/" + path)
    links: list[Link] = [(a.href, "alternate", a.media_type) for a in alts]
    if isinstance(chosen, Format):
        chosen = with_profile(chosen, request.headers.get("Accept"))
        response = rdf_response(kg, description, chosen, links)
    else:
        response = _page(kg, iri, description, alts, links)
    if by_extension or html_asked:
        fixed_by_url(response, "/" + requested)
    variant = chosen.name if isinstance(chosen, Format) else f"html-{current_languages().primary}"
    response.set_etag(f"{kg.build_id}-{variant}")
    return response

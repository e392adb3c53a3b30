"""Every serialization the server writes, in one table, and content negotiation over it.

:data:`FORMATS` is the only place that knows a format: its name (the key that
also travels to query processes), media type, file extension, ``format=``
keywords, the other media types a client may name to get it, pyoxigraph's
writer, rdflib's name for it, its IRI in the W3C format registry (for the
service description) and its label. Routes read the table through
:data:`SOLUTION_FORMATS`, :data:`RDF_FORMATS`, :data:`RESOURCE_FORMATS` and
:func:`by_name`.

:func:`choose` picks a format from an ``Accept`` header, parsed by werkzeug's
:class:`~werkzeug.datastructures.MIMEAccept` (q-values, wildcards, the most
specific range winning, ``q=0`` exclusions), or from an explicit ``format``
parameter for clients that cannot set headers. ``None`` means nothing
acceptable: answer 406. Negotiated responses must carry ``Vary: Accept``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Literal, cast

import pyoxigraph as ox
from werkzeug.datastructures import MIMEAccept
from werkzeug.http import parse_accept_header

from server.sparql import jsonld

__all__ = [
    "FORMATS",
    "RDF_FORMATS",
    "RESOURCE_FORMATS",
    "SOLUTION_FORMATS",
    "TURTLE",
    "Format",
    "best_media_type",
    "by_name",
    "choose",
    "format_for_extension",
    "parse_accept",
    "serialize_triples",
    "with_profile",
]

_REGISTRY = "http://www.w3.org/ns/formats/"


@dataclass(frozen=True, slots=True)
class Format:
    """One serialization the server can produce."""

    name: str
    """Stable key, e.g. ``"json"`` or ``"turtle"`` (also what travels to query processes)."""
    kind: Literal["solutions", "graph"]
    media_type: str
    """Canonical media type, sent in ``Content-Type``."""
    extension: str
    label: str
    keywords: tuple[str, ...]
    """Values of the ``format`` parameter that select it."""
    aliases: tuple[str, ...]
    """Other media types a client may name to get it (never matched by a wildcard)."""
    writer: ox.RdfFormat | ox.QueryResultsFormat
    registry_name: str
    """Local name in the W3C format registry, ``http://www.w3.org/ns/formats/``."""
    rdflib_name: str = ""
    """rdflib's serializer name, for pages built as rdflib graphs; empty if not used."""
    prefixes: bool = False
    """Whether the format abbreviates IRIs with prefixes."""
    jsonld_form: str = ""
    """For JSON-LD, the document form written (:mod:`server.sparql.jsonld`)."""

    @property
    def content_type(self) -> str:
        """``Content-Type`` header value: every format the server writes is UTF-8."""
        if self.jsonld_form:
            return f'{self.media_type}; profile="{jsonld.PROFILE}{self.jsonld_form}"; charset=utf-8'
        return f"{self.media_type}; charset=utf-8"

    @property
    def registry_iri(self) -> str:
        return _REGISTRY + self.registry_name

    def matches(self, media_type: str) -> bool:
        return media_type == self.media_type or media_type in self.aliases


_R, _Q = ox.RdfFormat, ox.QueryResultsFormat

FORMATS: tuple[Format, ...] = (
    Format("json", "solutions", "application/sparql-results+json", "srj", "SPARQL JSON",
           ("json", "srj"), ("application/json", "text/javascript", "application/javascript"),
           _Q.JSON, "SPARQL_Results_JSON"),
    Format("xml", "solutions", "application/sparql-results+xml", "srx", "SPARQL XML",
           ("xml", "srx"), ("application/xml", "text/xml"), _Q.XML, "SPARQL_Results_XML"),
    Format("csv", "solutions", "text/csv", "csv", "CSV", ("csv",), (), _Q.CSV,
           "SPARQL_Results_CSV"),
    Format("tsv", "solutions", "text/tab-separated-values", "tsv", "TSV", ("tsv",), (), _Q.TSV,
           "SPARQL_Results_TSV"),
    Format("turtle", "graph", "text/turtle", "ttl", "Turtle", ("turtle", "ttl"),
           ("application/x-turtle", "application/turtle"), _R.TURTLE, "Turtle", "turtle", True),
    Format("ntriples", "graph", "application/n-triples", "nt", "N-Triples",
           ("ntriples", "n-triples", "nt"), ("text/plain",), _R.N_TRIPLES, "N-Triples", "nt"),
    Format("jsonld", "graph", "application/ld+json", "jsonld", "JSON-LD",
           ("jsonld", "json-ld", "json"), ("application/json",), _R.JSON_LD, "JSON-LD",
           "json-ld", True, "compacted"),
    Format("rdfxml", "graph", "application/rdf+xml", "rdf", "RDF/XML",
           ("rdfxml", "rdf+xml", "rdf/xml", "rdf", "xml", "owl"), ("application/xml", "text/xml"),
           _R.RDF_XML, "RDF_XML", "xml", True),
    Format("nquads", "graph", "application/n-quads", "nq", "N-Quads", ("nquads", "n-quads", "nq"),
           (), _R.N_QUADS, "N-Quads"),
    Format("trig", "graph", "application/trig", "trig", "TriG", ("trig",), (), _R.TRIG, "TriG",
           "", True),
    Format("n3", "graph", "text/n3", "n3", "N3", ("n3",), ("text/rdf+n3",), _R.N3, "N3", "", True),
)  # fmt: skip

SOLUTION_FORMATS: tuple[Format, ...] = tuple(f for f in FORMATS if f.kind == "solutions")
"""SELECT/ASK results, in the server's order of preference: SPARQL JSON is the default."""

RDF_FORMATS: tuple[Format, ...] = tuple(f for f in FORMATS if f.kind == "graph")
"""Graphs; Turtle is the default. N-Quads and TriG write triples in the default graph."""

RESOURCE_FORMATS: tuple[Format, ...] = tuple(f for f in RDF_FORMATS if f.rdflib_name)
"""The RDF formats of resource pages and documents, each with a file extension of its own."""

_BY_NAME = {f.name: f for f in FORMATS}
_BY_NAME.update(
    (f"jsonld-{form}", replace(_BY_NAME["jsonld"], name=f"jsonld-{form}", jsonld_form=form))
    for form in jsonld.FORMS
    if form != "compacted"
)
TURTLE = _BY_NAME["turtle"]
_UTF8 = ("utf-8", "utf8", "*")


def by_name(name: str) -> Format:
    """The format with this :attr:`Format.name` (``KeyError`` if none)."""
    return _BY_NAME[name]


def with_profile(fmt: Format, accept: str | None) -> Format:
    """``fmt``, or for JSON-LD the variant of the form ``accept``'s ``profile`` asks for."""
    if not fmt.jsonld_form:
        return fmt
    form = jsonld.requested_form(accept)
    return _BY_NAME["jsonld" if form == "compacted" else f"jsonld-{form}"]


def format_for_extension(extension: str, formats: Sequence[Format] = RDF_FORMATS) -> Format | None:
    """The format served for a file extension such as ``"ttl"``, if any."""
    ext = extension.lower().lstrip(".")
    return next((f for f in formats if ext == f.extension or ext in f.keywords), None)


def _usable(item: str) -> str | None:
    """A media range without its parameters; ``None`` if it asks for a charset we never send."""
    media, *params = (part.strip() for part in item.split(";"))
    for param in params:
        key, _, value = param.partition("=")
        if key.strip().lower() == "charset" and value.strip().strip('"').lower() not in _UTF8:
            return None
    return "*/*" if media == "*" else media.lower()  # some old clients send a bare star


@lru_cache(maxsize=1024)
def parse_accept(header: str) -> MIMEAccept:
    """``Accept`` as werkzeug parses it, after dropping ranges for charsets other than UTF-8.

    Every format is written in UTF-8, so ``charset`` decides only whether a range applies.
    """
    parsed = parse_accept_header(header, MIMEAccept)
    kept = [(m, q) for item, q in parsed if (m := _usable(item)) is not None and "/" in m]
    return MIMEAccept(kept)


def best_media_type(accept: str | None, offers: Sequence[str]) -> str | None:
    """The first of ``offers`` with the highest quality under ``accept``.

    A missing, empty or unreadable header accepts anything, so the first offer wins.
    """
    if not offers:
        return None
    if not accept or not accept.strip():
        return offers[0]
    return _best_media_type(accept, tuple(offers))


@lru_cache(maxsize=1024)
def _best_media_type(accept: str, offers: tuple[str, ...]) -> str | None:
    mime = parse_accept(accept)
    if not mime:
        return offers[0]
    return mime.best_match(offers)


def choose(
    accept: str | None, formats: Sequence[Format], format_params: Sequence[str] = ()
) -> Format | None:
    """Pick the format to answer with, or ``None`` if nothing offered is acceptable.

    ``format_params`` (the request's ``format``/``output`` values, each a keyword
    such as ``json`` or a media type) are for clients that cannot set ``Accept``:
    the first value naming one of ``formats`` wins unless ``Accept`` refuses it
    while accepting another of ``formats`` (a compatible header is not overridden).
    Values naming a format of another kind are ignored, as SPARQLWrapper sends
    ``format=turtle`` with ``Accept: */*`` for a SELECT; a value naming no format
    at all gets ``None``.
    """
    by_header = _by_header(accept, tuple(formats))
    asked = _by_parameter(format_params, formats) if format_params else None
    if asked is None:
        unknown = any(v.strip() and _by_parameter((v,), FORMATS) is None for v in format_params)
        return None if unknown else by_header
    if by_header is None or _accepts(accept, asked):
        return asked
    return by_header


def _by_header(accept: str | None, formats: tuple[Format, ...]) -> Format | None:
    if not accept or not accept.strip():
        return formats[0]
    return _by_accept(accept, formats)


def _accepts(accept: str | None, fmt: Format) -> bool:
    """Whether ``accept`` takes ``fmt``: by its media type, or by an alias the client names."""
    mime = parse_accept(accept) if accept and accept.strip() else None
    if not mime:
        return True
    named = {item: q for item, q in mime}
    aliases = [a for a in fmt.aliases if a in named] if named.get(fmt.media_type, 1) > 0 else []
    return mime.best_match([fmt.media_type, *aliases]) is not None


def _by_parameter(values: Sequence[str], formats: Sequence[Format]) -> Format | None:
    for value in values:
        wanted = value.strip().lower()
        media = wanted.split(";", 1)[0].strip()
        for fmt in formats:
            if wanted in fmt.keywords or fmt.matches(media):
                return fmt
    return None


@lru_cache(maxsize=1024)
def _by_accept(accept: str, formats: tuple[Format, ...]) -> Format | None:
    """Each format offered by its media type, and by an alias only when the client names it.

    So ``text/*`` never picks SPARQL JSON through ``text/javascript``, and an explicit
    ``q=0`` on the canonical type excludes the format whatever its aliases say.
    """
    mime = parse_accept(accept)
    if not mime:
        return formats[0]
    named = {item: q for item, q in mime}
    offers: dict[str, Format] = {}
    for fmt in formats:
        offers.setdefault(fmt.media_type, fmt)
        if named.get(fmt.media_type, 1) > 0:
            for alias in fmt.aliases:
                if alias in named:
                    offers.setdefault(alias, fmt)
    best = mime.best_match(list(offers))
    return offers[best] if best is not None else None


def serialize_triples(
    triples: Sequence[ox.Triple],
    fmt: Format,
    prefixes: Mapping[str, str],
    graph_name: ox.NamedNode | None = None,
) -> bytes:
    """``triples`` in the RDF format ``fmt``; dataset formats put them in ``graph_name``
    (the default graph when ``None``)."""
    writer = fmt.writer
    if not isinstance(writer, ox.RdfFormat):
        raise TypeError(f"{fmt.label} is not an RDF format")
    items: Sequence[ox.Triple] | list[ox.Quad] = triples
    if writer.supports_datasets:
        graph = graph_name if graph_name is not None else ox.DefaultGraph()
        items = [ox.Quad(t.subject, t.predicate, t.object, graph) for t in triples]
    if fmt.jsonld_form:
        return jsonld.write(items, cast(jsonld.Form, fmt.jsonld_form), prefixes)
    return (
        ox.serialize(items, format=writer, prefixes=dict(prefixes) if fmt.prefixes else None) or b""
    )

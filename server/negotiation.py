"""Content negotiation: which serialization a client gets.

The server offers two families of formats: :data:`SOLUTION_FORMATS` for SELECT and
ASK results and :data:`RDF_FORMATS` for graphs (CONSTRUCT, DESCRIBE, the Graph
Store, the service description, resource pages). Each list is in the server's
order of preference, so its first entry is the default for a client that
expresses none.

:func:`choose` picks a format from an ``Accept`` header (q-values, wildcards, the
most specific range winning, ``q=0`` exclusions and non-UTF-8 ``charset``
parameters honoured) or from an explicit ``format`` parameter, for clients that
cannot set headers. :func:`best_media_type` does the same over plain media
types, e.g. to decide between HTML and RDF. ``None`` means nothing acceptable:
answer 406 (:class:`server.errors.NotAcceptable`). Responses that were
negotiated must carry ``Vary: Accept``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

__all__ = [
    "ALL_FORMATS",
    "RDF_FORMATS",
    "SOLUTION_FORMATS",
    "Format",
    "MediaRange",
    "best_media_type",
    "by_name",
    "choose",
    "format_for_extension",
    "parse_accept",
]


@dataclass(frozen=True, slots=True)
class Format:
    """One serialization the server can produce."""

    name: str
    """Stable key, e.g. ``"json"`` or ``"turtle"`` (also what travels to query processes)."""
    media_type: str
    """Canonical media type, sent in ``Content-Type``."""
    extension: str
    """File extension, for resource URLs and dump names."""
    keywords: tuple[str, ...] = ()
    """Values of the ``format`` parameter that select it."""
    aliases: tuple[str, ...] = ()
    """Other media types a client may ask for to get it."""

    @property
    def content_type(self) -> str:
        """``Content-Type`` header value: every format the server writes is UTF-8."""
        return f"{self.media_type}; charset=utf-8"

    def matches(self, media_type: str) -> bool:
        return media_type == self.media_type or media_type in self.aliases


SPARQL_JSON = Format(
    "json",
    "application/sparql-results+json",
    "srj",
    ("json", "srj"),
    ("application/json", "text/javascript", "application/javascript"),
)
SPARQL_XML = Format(
    "xml", "application/sparql-results+xml", "srx", ("xml", "srx"), ("application/xml", "text/xml")
)
SPARQL_CSV = Format("csv", "text/csv", "csv", ("csv",))
SPARQL_TSV = Format("tsv", "text/tab-separated-values", "tsv", ("tsv",))

TURTLE = Format(
    "turtle",
    "text/turtle",
    "ttl",
    ("turtle", "ttl"),
    ("application/x-turtle", "application/turtle"),
)
N_TRIPLES = Format(
    "ntriples", "application/n-triples", "nt", ("ntriples", "n-triples", "nt"), ("text/plain",)
)
JSON_LD = Format(
    "jsonld",
    "application/ld+json",
    "jsonld",
    ("jsonld", "json-ld", "json"),
    ("application/json",),
)
RDF_XML = Format(
    "rdfxml",
    "application/rdf+xml",
    "rdf",
    ("rdfxml", "rdf+xml", "rdf/xml", "rdf", "xml", "owl"),
    ("application/xml", "text/xml"),
)
N_QUADS = Format("nquads", "application/n-quads", "nq", ("nquads", "n-quads", "nq"))
TRIG = Format("trig", "application/trig", "trig", ("trig",))
N3 = Format("n3", "text/n3", "n3", ("n3",), ("text/rdf+n3",))

SOLUTION_FORMATS: tuple[Format, ...] = (SPARQL_JSON, SPARQL_XML, SPARQL_CSV, SPARQL_TSV)
"""SELECT/ASK results; SPARQL JSON is the default."""

RDF_FORMATS: tuple[Format, ...] = (TURTLE, N_TRIPLES, JSON_LD, RDF_XML, N_QUADS, TRIG, N3)
"""Graphs; Turtle is the default. N-Quads and TriG write the triples in the default graph."""

ALL_FORMATS: tuple[Format, ...] = SOLUTION_FORMATS + RDF_FORMATS

_BY_NAME = {f.name: f for f in ALL_FORMATS}


def by_name(name: str) -> Format:
    """The format with this :attr:`Format.name` (``KeyError`` if none)."""
    return _BY_NAME[name]


def format_for_extension(extension: str, formats: Sequence[Format] = RDF_FORMATS) -> Format | None:
    """The format served for a file extension such as ``"ttl"``, if any."""
    ext = extension.lower().lstrip(".")
    for fmt in formats:
        if ext == fmt.extension or ext in fmt.keywords:
            return fmt
    return None


@dataclass(frozen=True, slots=True)
class MediaRange:
    """One entry of an ``Accept`` header."""

    type: str
    subtype: str
    q: float
    charset: str | None

    @property
    def specificity(self) -> int:
        if self.type == "*":
            return 0
        if self.subtype == "*":
            return 1
        return 2

    def covers(self, media_type: str) -> bool:
        main, _, sub = media_type.partition("/")
        return (self.type in ("*", main)) and (self.subtype in ("*", sub))


@lru_cache(maxsize=512)
def parse_accept(header: str) -> tuple[MediaRange, ...]:
    """Parse an ``Accept`` header; malformed entries are skipped, as browsers expect."""
    ranges = []
    for item in header.split(","):
        media, *params = (part.strip() for part in item.split(";"))
        main, slash, sub = media.lower().partition("/")
        if not slash or not main or not sub:
            if media == "*":  # some old clients send a bare star
                main, sub = "*", "*"
            else:
                continue
        q = 1.0
        charset = None
        for param in params:
            key, _, value = param.partition("=")
            key = key.strip().lower()
            value = value.strip().strip('"').lower()
            if key == "q":
                try:
                    q = min(max(float(value), 0.0), 1.0)
                except ValueError:
                    q = 0.0
            elif key == "charset":
                charset = value
        ranges.append(MediaRange(main, sub, q, charset))
    return tuple(ranges)


def _quality(ranges: Sequence[MediaRange], media_types: Sequence[str]) -> float:
    """Quality of the best of ``media_types`` (a format and its aliases) under ``ranges``."""
    best = 0.0
    for media_type in media_types:
        chosen: MediaRange | None = None
        for r in ranges:
            if r.covers(media_type) and (chosen is None or r.specificity > chosen.specificity):
                chosen = r
        if chosen is None:
            continue
        if chosen.charset not in (None, "utf-8", "utf8", "*"):
            continue
        best = max(best, chosen.q)
    return best


def _format_quality(ranges: Sequence[MediaRange], fmt: Format) -> float:
    """Quality of ``fmt``: its canonical type under every range, its aliases only when named.

    A wildcard never selects a format through an alias (``text/*`` does not pick
    SPARQL JSON because of ``text/javascript``), and an explicit ``q=0`` on the
    canonical type excludes the format whatever its aliases say.
    """
    quality = _quality(ranges, (fmt.media_type,))
    for r in ranges:
        if r.specificity == 2 and f"{r.type}/{r.subtype}" == fmt.media_type and r.q == 0:
            return 0.0
    for alias in fmt.aliases:
        for r in ranges:
            named = r.specificity == 2 and f"{r.type}/{r.subtype}" == alias
            if named and r.charset in (None, "utf-8", "utf8", "*"):
                quality = max(quality, r.q)
    return quality


def best_media_type(accept: str | None, offers: Sequence[str]) -> str | None:
    """The first of ``offers`` with the highest quality under ``accept``.

    A missing or empty header accepts anything, so the first offer wins.
    """
    if not accept or not accept.strip():
        return offers[0] if offers else None
    ranges = parse_accept(accept)
    if not ranges:
        return offers[0] if offers else None
    best: str | None = None
    best_q = 0.0
    for offer in offers:
        q = _quality(ranges, (offer,))
        if q > best_q:
            best, best_q = offer, q
    return best


def choose(
    accept: str | None, formats: Sequence[Format], format_params: Sequence[str] = ()
) -> Format | None:
    """Pick the format to answer with, or ``None`` if nothing offered is acceptable.

    ``format_params`` (the values of the request's ``format``/``output``
    parameters, each a keyword such as ``json``/``ttl`` or a media type, for
    clients that cannot set headers) override the header: the first value that
    names one of ``formats`` wins, and if none does the answer is ``None``.
    Aliases count as the format they name, so ``application/json`` gets SPARQL
    JSON for a SELECT and JSON-LD for a CONSTRUCT.
    """
    if format_params:
        for value in format_params:
            wanted = value.strip().lower()
            media = wanted.split(";", 1)[0].strip()
            for fmt in formats:
                if wanted in fmt.keywords or fmt.matches(media):
                    return fmt
        return None
    if not accept or not accept.strip():
        return formats[0]
    return _choose_by_accept(accept, tuple(formats))


@lru_cache(maxsize=1024)
def _choose_by_accept(accept: str, formats: tuple[Format, ...]) -> Format | None:
    ranges = parse_accept(accept)
    if not ranges:
        return formats[0]
    best: Format | None = None
    best_q = 0.0
    for fmt in formats:
        q = _format_quality(ranges, fmt)
        if q > best_q:
            best, best_q = fmt, q
    return best

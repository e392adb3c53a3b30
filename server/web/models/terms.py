"""Turning RDF terms into what the HTML pages show: links, labels, languages.

Pages are bilingual: both Chinese and English are always shown, in an order
that follows `?lang=` or the `Accept-Language` header (Chinese first when
neither says otherwise).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDFS, SKOS
from rdflib.term import Node
from werkzeug.datastructures import LanguageAccept

__all__ = [
    "LABEL_PROPERTIES",
    "LANGUAGES",
    "Labels",
    "Languages",
    "Linker",
    "Value",
    "choose_languages",
    "labels_of",
    "lang_key",
]

LANGUAGES = ("zh", "en")
_LINKABLE = ("http://", "https://")
ELI_TITLE = URIRef("http://data.europa.eu/eli/ontology#title")
# Most specific first: a resource's preferred label wins over a title.
LABEL_PROPERTIES = (SKOS.prefLabel, RDFS.label, DCTERMS.title, ELI_TITLE)


@dataclass(frozen=True)
class Languages:
    """The order in which the two page languages are shown."""

    order: tuple[str, str]

    @property
    def primary(self) -> str:
        return self.order[0]

    @property
    def secondary(self) -> str:
        return self.order[1]


def choose_languages(requested: str | None, accept: LanguageAccept) -> Languages:
    """`?lang=` wins, then the first of zh/en in Accept-Language by quality, then zh."""
    if requested in LANGUAGES:
        first = requested
    else:
        first = "zh"
        # Match on the primary subtag so that zh-Hans, zh-CN or en-GB count as zh/en.
        for value, _quality in sorted(accept, key=lambda item: -item[1]):
            primary = value.split("-")[0].lower()
            if primary in LANGUAGES:
                first = primary
                break
    second = next(lang for lang in LANGUAGES if lang != first)
    return Languages((first, second))


def lang_key(tag: str | None) -> str:
    """The page language a literal's tag belongs to ('zh', 'en'), or the tag itself."""
    if not tag:
        return ""
    lowered = tag.lower()
    if lowered in ("zh", "zh-hans", "zh-cn"):
        return "zh"
    if lowered.startswith("en"):
        return "en"
    return lowered


@dataclass(frozen=True)
class Labels:
    """Labels of one resource, one per language key."""

    by_lang: Mapping[str, str] = field(default_factory=dict)

    def get(self, lang: str) -> str | None:
        return self.by_lang.get(lang)

    def __bool__(self) -> bool:
        return bool(self.by_lang)

    def any(self) -> str | None:
        for lang in (*LANGUAGES, ""):
            if lang in self.by_lang:
                return self.by_lang[lang]
        return next(iter(self.by_lang.values()), None)


def labels_of(graph: Graph, subject: Node) -> Labels:
    found: dict[str, str] = {}
    for prop in LABEL_PROPERTIES:
        for obj in sorted(graph.objects(subject, prop), key=str):
            if isinstance(obj, Literal):
                found.setdefault(lang_key(obj.language), str(obj))
    return Labels(found)


@dataclass(frozen=True)
class Value:
    """One RDF term as a page shows it."""

    kind: str  # "iri", "literal" or "bnode"
    text: str
    href: str | None = None
    labels: Labels = field(default_factory=Labels)
    lang: str | None = None
    datatype: str | None = None
    external: bool = False


@dataclass(frozen=True)
class Linker:
    """Maps canonical IRIs to paths on this server, and IRIs to CURIEs."""

    base_iri: str
    prefixes: Mapping[str, str]

    def path(self, iri: str) -> str | None:
        """The path on this server that serves `iri`, or None for someone else's IRI."""
        if not iri.startswith(self.base_iri):
            return None
        local = iri[len(self.base_iri) :]
        # Hash IRIs (ontology terms) are served by their document, with the anchor kept.
        return "/" + local

    def iri(self, path: str) -> str:
        return self.base_iri + path.lstrip("/")

    def curie(self, iri: str) -> str | None:
        best: tuple[str, str] | None = None
        for prefix, namespace in self.prefixes.items():
            if iri.startswith(namespace) and (best is None or len(namespace) > len(best[1])):
                best = (prefix, namespace)
        if best is None:
            return None
        local = iri[len(best[1]) :]
        if not local or any(ch in local for ch in "/#?"):
            return None
        return f"{best[0]}:{local}"

    def href(self, iri: str) -> str | None:
        """Where a link to ``iri`` goes: its page here, or the IRI itself if it is a web
        address. Other schemes (``javascript:``, ``data:``…) are shown, never linked."""
        local = self.path(iri)
        if local is not None:
            return local
        return iri if iri.lower().startswith(_LINKABLE) else None

    def value(self, term: Node, graph: Graph | None = None) -> Value:
        if isinstance(term, URIRef):
            iri = str(term)
            local = self.path(iri)
            labels = labels_of(graph, term) if graph is not None else Labels()
            return Value(
                kind="iri",
                text=self.curie(iri) or (local.lstrip("/") if local else iri),
                href=self.href(iri),
                labels=labels,
                external=local is None,
            )
        if isinstance(term, Literal):
            datatype = self.curie(str(term.datatype)) if term.datatype else None
            return Value(kind="literal", text=str(term), lang=term.language, datatype=datatype)
        if isinstance(term, BNode):
            return Value(kind="bnode", text="_:" + str(term))
        return Value(kind="literal", text=str(term))

    def values(self, terms: Iterable[Node], graph: Graph | None = None) -> list[Value]:
        return [self.value(term, graph) for term in terms]

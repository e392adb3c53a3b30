"""The view model of a resource page, built from its description graph.

Every kind of resource gets the same frame (labels, types, properties,
triples pointing at it, formats, the query that fetches it); zones,
divisions, themes, example queries and graphs add a context section.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, SKOS, TIME
from rdflib.term import Node

from server.web.models.terms import LABEL_PROPERTIES, Linker, Value

__all__ = ["Alternate", "PropertyRow", "ResourcePage", "Segment", "build_page", "page_kind"]

CGKG = Namespace("https://w3id.org/cgkg/ontology#")
SCHEMA_TEXT = URIRef("https://schema.org/text")


@dataclass(frozen=True)
class Alternate:
    name: str
    media_type: str
    href: str


@dataclass(frozen=True)
class PropertyRow:
    property: Value
    values: list[Value] = field(default_factory=list)


@dataclass(frozen=True)
class IncomingRow:
    subject: Value
    property: Value


@dataclass(frozen=True)
class Segment:
    """A piece of task text, highlighted when it is a theme's evidence phrase."""

    text: str
    theme: Value | None = None  # the theme or initiative the phrase is evidence for
    kind: str = ""  # "theme" or "initiative"


@dataclass(frozen=True)
class ResourcePage:
    iri: str
    subject: Value
    kind: str
    types: list[Value]
    properties: list[PropertyRow]
    incoming: list[IncomingRow]
    alternates: list[Alternate]
    query: str
    context: Mapping[str, Any]


def _sorted(nodes: Iterable[Node]) -> list[Node]:
    return sorted(nodes, key=str)


def _first(nodes: Iterable[Node]) -> Node | None:
    return next(iter(_sorted(nodes)), None)


def _sort_key(value: Value) -> tuple[int, str]:
    return (0 if value.kind == "iri" else 1, value.labels.any() or value.text)


def page_kind(graph: Graph, subject: URIRef, is_graph: bool) -> str:
    types = set(graph.objects(subject, RDF.type))
    if CGKG.ExperimentalZone in types:
        return "zone"
    if CGKG.AdministrativeDivision in types:
        return "division"
    if CGKG.Theme in types:
        return "theme"
    if CGKG.ExampleQuery in types or (subject, SCHEMA_TEXT, None) in graph:
        return "query"
    if is_graph:
        return "graph"
    return "resource"


def _properties(graph: Graph, subject: URIRef, linker: Linker) -> list[PropertyRow]:
    first = {prop: index for index, prop in enumerate(LABEL_PROPERTIES)}
    rows: list[tuple[tuple[int, str], PropertyRow]] = []
    for prop in _sorted(set(graph.predicates(subject, None))):
        if prop == RDF.type:
            continue
        value = linker.value(prop, graph)
        values = sorted(linker.values(graph.objects(subject, prop), graph), key=_sort_key)
        rank = first.get(URIRef(str(prop)), len(first))
        rows.append(((rank, value.text), PropertyRow(value, values)))
    return [row for _key, row in sorted(rows, key=lambda item: item[0])]


def _incoming(graph: Graph, subject: URIRef, linker: Linker) -> list[IncomingRow]:
    rows = [
        IncomingRow(linker.value(s, graph), linker.value(p, graph))
        for s, p in graph.subject_predicates(subject)
        if s != subject
    ]
    return sorted(rows, key=lambda row: (row.property.text, _sort_key(row.subject)))


def segments(
    text: str, phrases: Mapping[str, Value], kinds: Mapping[str, str] | None = None
) -> list[Segment]:
    """Split `text` so that every occurrence of each phrase is its own segment.

    Longer phrases win where two overlap, so a phrase inside another is not cut out.
    """
    marks: list[tuple[int, int, Value]] = []
    for phrase in sorted(phrases, key=len, reverse=True):
        start = text.find(phrase)
        while phrase and start >= 0:
            end = start + len(phrase)
            if all(end <= s or start >= e for s, e, _ in marks):
                marks.append((start, end, phrases[phrase]))
            start = text.find(phrase, end)
    out: list[Segment] = []
    position = 0
    for start, end, theme in sorted(marks, key=lambda mark: mark[0]):
        if start > position:
            out.append(Segment(text[position:start]))
        phrase = text[start:end]
        out.append(Segment(phrase, theme, (kinds or {}).get(phrase, "theme")))
        position = end
    if position < len(text):
        out.append(Segment(text[position:]))
    return out


def _literal(graph: Graph, subject: Node, prop: URIRef, lang: str | None = None) -> str | None:
    for obj in _sorted(graph.objects(subject, prop)):
        if isinstance(obj, Literal) and (lang is None or (obj.language or "").startswith(lang)):
            return str(obj)
    return None


def division_chain(graph: Graph, start: Node, linker: Linker) -> list[dict[str, Any]]:
    """The division and its parents up to the province, nearest first."""
    chain: list[dict[str, Any]] = []
    seen: set[Node] = set()
    current: Node | None = start
    while current is not None and current not in seen:
        seen.add(current)
        level = _first(graph.objects(current, CGKG.level))
        chain.append(
            {
                "division": linker.value(current, graph),
                "code": _literal(graph, current, CGKG.divisionCode),
                "level": linker.value(level, graph) if level is not None else None,
                "matches": linker.values(_sorted(graph.objects(current, SKOS.closeMatch))),
            }
        )
        current = _first(graph.objects(current, CGKG.parentDivision))
    return chain


def _evidence(
    graph: Graph, zone: URIRef, linker: Linker
) -> tuple[list[dict[str, Any]], dict[str, Value], dict[str, str]]:
    """The zone's themes with their phrases, and every phrase of the task to highlight:
    what it stands for (a theme, else a local initiative) and which of the two it is."""
    themes = []
    phrases: dict[str, Value] = {}
    for assignment in _sorted(graph.objects(zone, CGKG.themeAssignment)):
        theme = _first(graph.objects(assignment, CGKG.assignedTheme))
        if theme is None:
            continue
        value = linker.value(theme, graph)
        for phrase in _sorted(graph.objects(assignment, CGKG.evidencePhrase)):
            themes.append({"theme": value, "phrase": str(phrase)})
            phrases.setdefault(str(phrase), value)
    kinds = dict.fromkeys(phrases, "theme")
    for initiative in _sorted(graph.objects(zone, CGKG.initiative)):
        for phrase in _sorted(graph.objects(initiative, CGKG.evidencePhrase)):
            if str(phrase) not in phrases:
                phrases[str(phrase)] = linker.value(initiative, graph)
                kinds[str(phrase)] = "initiative"
    return themes, phrases, kinds


def zone_context(graph: Graph, zone: URIRef, linker: Linker) -> dict[str, Any]:
    task = _first(graph.objects(zone, CGKG.task))
    text = _literal(graph, task, CGKG.taskText, "zh") if task is not None else None
    themes, phrases, kinds = _evidence(graph, zone, linker)
    division = _first(graph.objects(zone, CGKG.division))
    designation = _first(graph.objects(zone, CGKG.designation))
    period = (
        _first(graph.objects(designation, CGKG.experimentPeriod))
        if designation is not None
        else None
    )

    def month(prop: URIRef) -> str | None:
        instant = next(iter(graph.objects(period, prop)), None) if period is not None else None
        return _literal(graph, instant, TIME.inXSDgYearMonth) if instant is not None else None

    return {
        "task": linker.value(task, graph) if task is not None else None,
        "task_segments": segments(text, phrases, kinds) if text else [],
        "translation": _literal(graph, task, CGKG.unofficialTranslation, "en") if task else None,
        "themes": themes,
        "chain": division_chain(graph, division, linker) if division is not None else [],
        "designation": linker.value(designation, graph) if designation is not None else None,
        "period_start": month(TIME.hasBeginning),
        "period_end": month(TIME.hasEnd),
        "policies": linker.values(_sorted(graph.objects(zone, CGKG.leadsImplementationOf)), graph),
    }


def theme_context(graph: Graph, theme: URIRef, linker: Linker) -> dict[str, Any]:
    rows = []
    for assignment in graph.subjects(CGKG.assignedTheme, theme):
        for zone in graph.objects(assignment, CGKG.assignedTo):
            division = next(iter(graph.objects(zone, CGKG.division)), None)
            rows.append(
                {
                    "zone": linker.value(zone, graph),
                    "code": _literal(graph, division, CGKG.divisionCode) if division else None,
                    "phrase": _literal(graph, assignment, CGKG.evidencePhrase),
                }
            )
    rows.sort(key=lambda row: str(row["code"] or ""))
    return {"assignments": rows}


def build_page(
    *,
    iri: str,
    description: Graph,
    kind: str,
    context: Graph | None,
    linker: Linker,
    alternates: Iterable[Alternate],
    query: str,
    extra: Mapping[str, Any] | None = None,
) -> ResourcePage:
    subject = URIRef(iri)
    merged = description
    if context is not None:
        merged = description + context
    ctx: dict[str, Any] = dict(extra or {})
    if kind == "zone":
        ctx.update(zone_context(merged, subject, linker))
    elif kind == "division":
        ctx["chain"] = division_chain(merged, subject, linker)
        ctx["zones"] = sorted(
            linker.values(merged.subjects(CGKG.division, subject), merged), key=_sort_key
        )
    elif kind == "theme":
        ctx.update(theme_context(merged, subject, linker))
    elif kind == "query":
        ctx["text"] = _literal(merged, subject, SCHEMA_TEXT)
    return ResourcePage(
        iri=iri,
        subject=linker.value(subject, description),
        kind=kind,
        types=sorted(
            linker.values(description.objects(subject, RDF.type), description), key=_sort_key
        ),
        properties=_properties(description, subject, linker),
        incoming=_incoming(description, subject, linker),
        alternates=list(alternates),
        query=query,
        context=ctx,
    )

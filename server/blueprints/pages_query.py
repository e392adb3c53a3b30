"""The query editor that browsers get at `/sparql`.

The sparql blueprint hands a browser's GET over to :func:`query_ui` (see
:func:`wants_query_ui`). The page is a plain HTML form that works without
JavaScript: a query in the URL is run through the same query processes as
every client query and its results are shown as a table, with download links
in every result format. With JavaScript, the vendored YASGUI editor (syntax
highlighting, result table, charts) replaces the form and talks to `/sparql`
on this same server; nothing is fetched from elsewhere.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from flask import Response, request
from pyparsing import ParseException
from rdflib import Graph
from rdflib.plugins.sparql.parser import parseQuery

from server.errors import KGError
from server.evaluation import Job, Outcome
from server.kg import current_kg, internal_query
from server.negotiation import RDF_FORMATS, SOLUTION_FORMATS, best_media_type
from server.rendering import Linker, Value
from server.rendering_web import current_linker, render
from server.settings import current_settings

__all__ = ["Runner", "query_ui", "results_table", "wants_query_ui"]

Runner = Callable[[Job], Outcome]
"""Runs a job the way the endpoint does (query processes, time limit, caps)."""

HTML_TYPES = ("text/html", "application/xhtml+xml")
GRAPH_FORMATS = tuple(f for f in RDF_FORMATS if f.name != "n3")
DOWNLOAD_FORMATS = (*SOLUTION_FORMATS, *GRAPH_FORMATS)


def wants_query_ui() -> bool:
    """Whether this GET prefers the HTML editor over every result format the endpoint offers.

    A browser asks for text/html first; SPARQL clients ask for result or RDF types.
    An explicit `format` parameter is a request for data, never for the page.
    """
    if request.method != "GET" or request.args.get("format"):
        return False
    offers = [*(f.media_type for f in DOWNLOAD_FORMATS), *HTML_TYPES]
    accept = request.headers.get("Accept")
    if not accept:
        return False
    return best_media_type(accept, offers) in HTML_TYPES


@dataclass(frozen=True)
class Example:
    href: str
    zh: str
    en: str
    description_zh: str
    description_en: str
    text: str


@dataclass
class Results:
    """A result as the page shows it."""

    kind: str  # "solutions", "boolean", "graph" or "error"
    columns: list[str] = field(default_factory=list)
    rows: list[list[Value | None]] = field(default_factory=list)
    boolean: bool | None = None
    message: str = ""


def _text(row: Mapping[str, Any], name: str) -> str:
    return str(row[name].value) if name in row else ""


def _examples() -> list[Example]:
    linker = current_linker()
    out = []
    for row in current_kg().select(internal_query("ui_examples")):
        iri = row["item"].value
        out.append(
            Example(
                href=linker.path(iri) or iri,
                zh=_text(row, "zh"),
                en=_text(row, "en"),
                description_zh=_text(row, "descriptionZh"),
                description_en=_text(row, "descriptionEn"),
                text=_text(row, "text"),
            )
        )
    return out


def _json_term(term: Mapping[str, Any], linker: Linker) -> Value:
    kind = term.get("type")
    text = str(term.get("value", ""))
    if kind == "uri":
        local = linker.path(text)
        return Value(
            kind="iri", text=linker.curie(text) or text, href=local or text, external=local is None
        )
    if kind == "bnode":
        return Value(kind="bnode", text="_:" + text)
    datatype = term.get("datatype")
    return Value(
        kind="literal",
        text=text,
        lang=term.get("xml:lang"),
        datatype=linker.curie(str(datatype)) if datatype else None,
    )


def results_table(outcome: Outcome, linker: Linker) -> Results:
    """The rows of a SPARQL JSON (SELECT/ASK) or N-Triples (CONSTRUCT) outcome."""
    if outcome.result == "graph":
        graph = Graph()
        graph.parse(data=outcome.body.decode("utf-8"), format="nt")
        rows: list[list[Value | None]] = [
            [linker.value(s), linker.value(p), linker.value(o)]
            for s, p, o in sorted(graph, key=lambda t: (str(t[0]), str(t[1]), str(t[2])))
        ]
        return Results("graph", ["subject", "predicate", "object"], rows)
    doc = json.loads(outcome.body)
    if "boolean" in doc:
        return Results("boolean", boolean=bool(doc["boolean"]))
    columns: list[str] = list(doc["head"]["vars"])
    table = [
        [_json_term(binding[c], linker) if c in binding else None for c in columns]
        for binding in doc["results"]["bindings"]
    ]
    return Results("solutions", columns, table)


def _run(query: str, runner: Runner) -> Results:
    settings = current_settings()
    job = Job(
        query, (), (), "json", "ntriples", settings.max_result_rows, settings.max_result_bytes
    )
    try:
        outcome = runner(job)
    except KGError as exc:
        return Results("error", message=exc.message)
    if outcome.kind != "ok":
        return Results("error", message=outcome.message or outcome.kind)
    return results_table(outcome, current_linker())


def query_form(query: str) -> str | None:
    """ "solutions" (SELECT, ASK), "graph" (CONSTRUCT, DESCRIBE), or None if it does not parse."""
    try:
        name = str(parseQuery(query)[1].name)
    except ParseException:
        return None
    return "graph" if name in ("ConstructQuery", "DescribeQuery") else "solutions"


def _downloads(query: str) -> Sequence[tuple[str, str, str]]:
    """A link per result format the query can be answered in."""
    form = query_form(query)
    formats = {"solutions": SOLUTION_FORMATS, "graph": GRAPH_FORMATS}.get(form or "", ())
    return [
        (f.name, f.media_type, "/sparql?" + urlencode({"query": query, "format": f.extension}))
        for f in formats
    ]


def query_ui(runner: Runner | None = None) -> Response:
    """The editor page; with `?query=` and a runner, also the query's results."""
    examples = _examples()
    query = request.args.get("query", "")
    results = _run(query, runner) if query and runner is not None else None
    default = examples[0].text if examples else "SELECT * WHERE { ?s ?p ?o } LIMIT 10"
    response = render(
        "query/editor.html",
        examples=examples,
        query=query or default,
        ran=bool(query),
        results=results,
        downloads=_downloads(query or default),
        base_iri=current_linker().base_iri,
        prefixes=dict(current_kg().prefixes),
    )
    response.headers["Cache-Control"] = "no-cache"
    return response

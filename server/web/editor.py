"""The query editor that browsers get at `/sparql`.

The app plugs :func:`query_page` into the SPARQL endpoint, which hands it a
browser's GET (see :func:`server.sparql.views.prefers_html`). The page is a
plain HTML form that works without JavaScript: a query in the URL is run
through the same query processes as every client query and its results are
shown as a table, with download links in every result format. With
JavaScript, the vendored YASGUI editor (syntax highlighting, result table; the
vendored build has no chart or pivot view) replaces the form and talks to
`/sparql` on this same server; nothing is fetched from elsewhere. Its share
link is ``/sparql?query=…`` (``#query=…`` when too long for a URL), which
``static/query.js`` reads back.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from flask import Response, request
from pyparsing import ParseException
from rdflib import Graph

from server.errors import KGError
from server.http.clients import client_of
from server.services import current_services
from server.sparql.answer import Runner
from server.sparql.evaluation import Outcome
from server.sparql.formats import RDF_FORMATS, SOLUTION_FORMATS
from server.sparql.protocol import QueryRequest
from server.sparql.service_policy import parse_locked
from server.web.describe import site_query
from server.web.models.terms import Linker, Value
from server.web.render import current_linker, render

__all__ = ["query_page", "results_table"]

GRAPH_FORMATS = tuple(f for f in RDF_FORMATS if f.name != "n3")
DOWNLOAD_FORMATS = (*SOLUTION_FORMATS, *GRAPH_FORMATS)


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
    for row in current_services().kg.select(site_query("ui_examples")):
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
            kind="iri",
            text=linker.curie(text) or text,
            href=linker.href(text),
            external=local is None,
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
    services = current_services()
    job = services.answerer.job(QueryRequest(query), "json", "ntriples", services.base_iri)
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
        name = str(parse_locked(query)[1].name)
    except (ParseException, RecursionError):  # rdflib's parser recurses on nested groups
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


def query_page() -> Response:
    """The editor page; with `?query=`, also the query's results, run for this client."""
    services = current_services()
    runner = services.runner_for(client_of(request.environ, services.settings.trusted_proxies))
    examples = _examples()
    query = request.args.get("query", "")
    results = _run(query, runner) if query else None
    default = examples[0].text if examples else "SELECT * WHERE { ?s ?p ?o } LIMIT 10"
    response = render(
        "query/editor.html",
        examples=examples,
        query=query or default,
        ran=bool(query),
        results=results,
        downloads=_downloads(query or default),
        base_iri=current_linker().base_iri,
        prefixes=dict(current_services().kg.prefixes),
        max_url_bytes=services.settings.max_url_bytes,
        cacheable=False,  # the results are of a run just now: a time-out is not the answer
    )
    response.headers["Cache-Control"] = "no-cache"
    return response

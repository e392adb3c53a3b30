"""The example queries of ``queries/``: their header comments become RDF in graph/queries."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from rdflib import Literal

from loader.errors import BuildError, Problem
from loader.graphs import QUERIES, NamedGraphs
from loader.iris import is_slug
from loader.namespaces import CGKG, DCTERMS, RDF, SCHEMA

_HEADER = re.compile(r"^#\s*(?P<key>title|description)@(?P<lang>zh|en):\s*(?P<text>.+?)\s*$")
REQUIRED = (("title", "zh"), ("title", "en"), ("description", "zh"), ("description", "en"))


@dataclass(frozen=True)
class ExampleQuery:
    stem: str
    file: str
    text: str
    header: dict[tuple[str, str], str]


def read_queries(queries_dir: Path) -> list[ExampleQuery]:
    """Every ``*.rq`` file, sorted by name; a file without its four header lines is an error."""
    queries, problems = [], []
    for path in sorted(queries_dir.glob("*.rq")):
        display = f"queries/{path.name}"
        if not is_slug(path.stem):
            problems.append(
                Problem(
                    "query-file-name",
                    "file name must be lower-case words and digits joined by hyphens",
                    display,
                    None,
                    None,
                    path.name,
                )
            )
            continue
        text = path.read_text(encoding="utf-8")
        header: dict[tuple[str, str], str] = {}
        for line in text.splitlines():
            match = _HEADER.match(line)
            if match:
                header.setdefault((match["key"], match["lang"]), match["text"])
        missing = [f"# {key}@{lang}:" for key, lang in REQUIRED if (key, lang) not in header]
        if missing:
            problems.append(
                Problem(
                    "query-header",
                    f"missing header line(s) {', '.join(missing)}",
                    display,
                    1,
                    None,
                    None,
                )
            )
        queries.append(ExampleQuery(path.stem, display, text, header))
    if problems:
        raise BuildError(problems)
    return queries


def map_queries(out: NamedGraphs, queries: list[ExampleQuery]) -> None:
    for query in queries:
        iri = out.iris.query(query.stem)
        out.add(QUERIES, iri, RDF.type, CGKG.ExampleQuery)
        for (key, lang), text in sorted(query.header.items()):
            predicate = DCTERMS.title if key == "title" else DCTERMS.description
            out.add(QUERIES, iri, predicate, Literal(text, lang=lang))
        out.add(QUERIES, iri, SCHEMA.text, Literal(query.text))
        out.add(QUERIES, iri, DCTERMS.isPartOf, out.iris.dataset)

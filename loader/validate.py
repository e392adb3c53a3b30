"""SHACL validation with pySHACL: non-conformance is a result; the pipeline decides to stop."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from pyshacl import validate as shacl_validate
from rdflib import Graph, URIRef
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.sparql import Query
from rdflib.term import Node

from loader.errors import Problem
from loader.namespaces import SH
from loader.sources import Origin


@lru_cache(maxsize=256)
def _prepared(text: str) -> Query:
    return prepareQuery(text)


class _PreparedQueryGraph(Graph):
    """A data graph that parses each distinct SPARQL text once.

    pySHACL runs a SPARQL constraint once per focus node with the same text and
    new bindings; parsing it every time took over 90% of the validation time.
    """

    def query(self, query_object: Any, *args: Any, **kwargs: Any) -> Any:
        if isinstance(query_object, str):
            query_object = _prepared(query_object)
        return super().query(query_object, *args, **kwargs)


@dataclass(frozen=True)
class ValidationReport:
    conforms: bool
    graph: Graph
    problems: list[Problem]


def validate(
    data: Graph, shapes: Graph, ontology: Graph, origins: dict[URIRef, Origin]
) -> ValidationReport:
    """Validate ``data`` against ``shapes`` with the ontology mixed in (no inference)."""
    target = _PreparedQueryGraph()
    target += data
    conforms, report, _text = shacl_validate(
        target,
        shacl_graph=shapes,
        ont_graph=ontology,
        inference="none",
        abort_on_first=False,
        allow_warnings=True,
        advanced=True,
        inplace=True,  # ``target`` is our own copy; keeps its query cache in use
    )
    assert isinstance(report, Graph)  # noqa: S101 - pyshacl returns a Graph for Graph inputs
    return ValidationReport(bool(conforms), report, _problems(report, origins))


def _problems(report: Graph, origins: dict[URIRef, Origin]) -> list[Problem]:
    problems = []
    for result in report.subjects(SH.resultSeverity, SH.Violation):
        focus = report.value(result, SH.focusNode)
        origin = origins.get(focus) if isinstance(focus, URIRef) else None
        shape = report.value(result, SH.sourceShape)
        path = report.value(result, SH.resultPath)
        value = report.value(result, SH.value)
        messages = sorted(str(m) for m in report.objects(result, SH.resultMessage))
        rule = _name(shape) + (f" {_name(path)}" if path is not None else "")
        problems.append(
            Problem(
                rule=rule,
                message=" / ".join(messages) or "constraint violated",
                file=origin.file if origin else None,
                line=origin.line if origin else None,
                resource=str(focus),
                value=str(value) if value is not None else None,
            )
        )
    return sorted(problems, key=lambda p: (p.file or "", p.line or 0, p.rule, p.resource or ""))


def _name(node: Node | None) -> str:
    text = str(node)
    return text.rsplit("#", 1)[-1].rsplit("/", 1)[-1] if isinstance(node, URIRef) else text

"""SHACL validation: non-conformance is a result; the pipeline decides to stop."""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox
from pyshacl_turbo import validate as shacl_validate
from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

from loader.errors import Problem
from loader.namespaces import RDF, SH
from loader.sources import Origin
from loader.sparql_constraints import check, sparql_constraints


@dataclass(frozen=True)
class ValidationReport:
    conforms: bool
    graph: Graph
    problems: list[Problem]


def validate(store: ox.Store, shapes: Graph, origins: dict[URIRef, Origin]) -> ValidationReport:
    """Validate the union of the store's graphs (the ontology among them) against ``shapes``.

    Two engines, one report: pyshacl-turbo (SHACL Core in Rust, pySHACL's verdicts)
    for every constraint but the SPARQL ones, which run once each over the whole
    store (loader/sparql_constraints.py): per focus node they made validation
    quadratic in the number of zones.
    """
    conforms, report, root = validate_core(store, shapes)
    if not validate_sparql(store, shapes, report, root):
        conforms = False
    report.set((root, SH.conforms, Literal(bool(conforms))))
    return ValidationReport(bool(conforms), report, _problems(report, origins))


def validate_core(store: ox.Store, shapes: Graph) -> tuple[bool, Graph, Node]:
    """SHACL Core in pyshacl-turbo (the SPARQL constraints left out): whether the store
    conforms, the report, and the report's ``sh:ValidationReport`` node."""
    core = Graph()
    for triple in shapes:
        if triple[1] != SH.sparql:
            core.add(triple)
    conforms, report, _text = shacl_validate(
        store,
        shacl_graph=core,
        inference="none",
        abort_on_first=False,
        allow_warnings=True,
        advanced=True,
    )
    assert isinstance(report, Graph)  # noqa: S101 - the report is a Graph unless serialised
    root = report.value(None, RDF.type, SH.ValidationReport, any=False)
    assert root is not None  # noqa: S101 - every report has one sh:ValidationReport
    return bool(conforms), report, root


def validate_sparql(store: ox.Store, shapes: Graph, report: Graph, root: Node) -> bool:
    """The SPARQL constraints, each once over the store, their results added to ``report``;
    False when one of them finds a violation."""
    conforms = True
    for constraint in sparql_constraints(shapes):
        if check(store, constraint, report, root) and constraint.severity == SH.Violation:
            conforms = False
    return conforms


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

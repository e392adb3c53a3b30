"""SHACL validation: non-conformance is a result; the pipeline decides to stop."""

from __future__ import annotations

import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from pyshacl_turbo import validate as shacl_validate
from rdflib import Graph, URIRef
from rdflib.term import Node

from loader.errors import Problem
from loader.namespaces import SH
from loader.sources import Origin


@dataclass(frozen=True)
class ValidationReport:
    conforms: bool
    graph: Graph
    problems: list[Problem]


def validate(
    triples: Iterable[ox.Triple], shapes: Graph, origins: dict[URIRef, Origin]
) -> ValidationReport:
    """Validate the union of ``triples`` (the ontology among them) against ``shapes``.

    pyshacl-turbo (SHACL in Rust, pySHACL's API and verdicts) reads the data as an
    N-Triples file it parses itself: no rdflib graph of the data is built. Given a
    pyoxigraph store instead, pyshacl-turbo 0.6.5 misses the SPARQL constraint of
    DivisionMergedShape (tests/test_shapes.py runs every fixture this way).
    """
    with tempfile.TemporaryDirectory(prefix="cgkg-shacl-") as folder:
        data = Path(folder) / "data.nt"
        ox.serialize(triples, output=str(data), format=ox.RdfFormat.N_TRIPLES)
        conforms, report, _text = shacl_validate(
            str(data),
            data_graph_format="nt",
            shacl_graph=shapes,
            inference="none",
            abort_on_first=False,
            allow_warnings=True,
            advanced=True,
        )
    assert isinstance(report, Graph)  # noqa: S101 - the report is a Graph unless serialised
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

"""The shapes' SPARQL constraints, each run once over the whole store in Oxigraph.

A SHACL-SPARQL engine runs a constraint's SELECT once per focus node with ``$this``
bound; at 40,000 zones that made validation quadratic (pyshacl-turbo 0.6.5 took
minutes at 4,000). Here each SELECT runs once with ``$this`` free, and a solution
counts when its ``$this`` is a focus node of the shape (an instance of its
``sh:targetClass``, subclasses included). For SELECTs whose every branch binds
``$this`` by a triple pattern, as ours do, the solutions are the same; the results
are written as pySHACL writes them (tests/test_shapes.py compares all of them).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from importlib.resources import files

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from loader.namespaces import RDF, SH
from loader.terms import to_rdflib

TARGETS_QUERY = files("loader").joinpath("sparql/class_members.rq").read_text(encoding="utf-8")
_PLACEHOLDER = re.compile(r"\{[?$](\w+)\}")


@dataclass(frozen=True)
class SparqlConstraint:
    shape: URIRef
    constraint: Node
    target_class: URIRef
    severity: URIRef
    messages: tuple[Literal, ...]
    select: str
    prefixes: dict[str, str]


def sparql_constraints(shapes: Graph) -> list[SparqlConstraint]:
    """Every active SPARQL constraint of a node shape with a ``sh:targetClass``."""
    found = []
    for shape, constraint in sorted(shapes.subject_objects(SH.sparql)):
        if Literal(True) in (
            *shapes.objects(shape, SH.deactivated),
            *shapes.objects(constraint, SH.deactivated),
        ):
            continue
        targets = list(shapes.objects(shape, SH.targetClass))
        if len(targets) != 1 or not isinstance(shape, URIRef):
            raise ValueError(f"{shape}: a SPARQL constraint needs one sh:targetClass here")
        messages = tuple(shapes.objects(constraint, SH.message)) or tuple(
            shapes.objects(shape, SH.message)
        )
        found.append(
            SparqlConstraint(
                shape=shape,
                constraint=constraint,
                target_class=URIRef(str(targets[0])),
                severity=URIRef(str(shapes.value(shape, SH.severity) or SH.Violation)),
                messages=tuple(m for m in messages if isinstance(m, Literal)),
                select=str(shapes.value(constraint, SH.select)),
                prefixes=_prefixes(shapes, constraint),
            )
        )
    return found


def _prefixes(shapes: Graph, constraint: Node) -> dict[str, str]:
    declared = {}
    for owner in shapes.objects(constraint, SH.prefixes):
        for declaration in shapes.objects(owner, SH.declare):
            prefix = shapes.value(declaration, SH.prefix)
            namespace = shapes.value(declaration, SH.namespace)
            if prefix is not None and namespace is not None:
                declared[str(prefix)] = str(namespace)
    return declared


def check(store: ox.Store, constraint: SparqlConstraint, report: Graph, root: Node) -> int:
    """Add the constraint's results to ``report`` (under ``root``); returns how many."""
    targets = set(_members(store, constraint.target_class))
    solutions = store.query(
        constraint.select, prefixes=constraint.prefixes, use_default_graph_as_union=True
    )
    assert isinstance(solutions, ox.QuerySolutions)  # noqa: S101 - sh:select is a SELECT
    names = [v.value for v in solutions.variables]
    count = 0
    for solution in solutions:
        bound = {name: solution[name] for name in names if solution[name] is not None}
        if bound.get("this") not in targets:
            continue
        _result(report, root, constraint, {k: to_rdflib(v) for k, v in bound.items()})
        count += 1
    return count


def _members(store: ox.Store, target: URIRef) -> Iterator[ox.NamedNode | ox.BlankNode]:
    solutions = store.query(
        TARGETS_QUERY,
        substitutions={ox.Variable("class"): ox.NamedNode(str(target))},
        use_default_graph_as_union=True,
    )
    assert isinstance(solutions, ox.QuerySolutions)  # noqa: S101 - the query is a SELECT
    for member, _class in solutions:
        assert isinstance(member, ox.NamedNode | ox.BlankNode)  # noqa: S101 - a subject
        yield member


def _result(report: Graph, root: Node, c: SparqlConstraint, bound: dict[str, Node]) -> None:
    """One sh:ValidationResult, with the triples pySHACL gives a SPARQL constraint's result."""
    result = BNode()
    report.add((root, SH.result, result))
    report.add((result, RDF.type, SH.ValidationResult))
    report.add((result, SH.sourceConstraintComponent, SH.SPARQLConstraintComponent))
    report.add((result, SH.sourceShape, c.shape))
    report.add((result, SH.resultSeverity, c.severity))
    report.add((result, SH.focusNode, bound["this"]))
    report.add((result, SH.sourceConstraint, c.constraint))
    if "value" in bound:
        report.add((result, SH.value, bound["value"]))
    if "path" in bound:
        report.add((result, SH.resultPath, bound["path"]))
    for message in c.messages:
        text = _PLACEHOLDER.sub(lambda m: str(bound.get(m[1], m[0])), str(message))
        report.add((result, SH.resultMessage, Literal(text)))

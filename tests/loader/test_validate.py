"""The build's validation (pyshacl-turbo) gives pySHACL's verdicts on the real data."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from pyshacl import validate as pyshacl_validate
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, SH
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.sparql import Query
from rdflib.term import Node

from loader.validate import ValidationReport, validate

ROOT = Path(__file__).resolve().parents[2]
CGKG = "https://w3id.org/cgkg/ontology#"


@lru_cache(maxsize=256)
def _prepared(text: str) -> Query:
    return prepareQuery(text)


class PreparedQueryGraph(Graph):
    """pySHACL parses each SPARQL constraint per focus node; parse each text once (1 s, not 17)."""

    def query(self, query_object: Any, *args: Any, **kwargs: Any) -> Any:
        if isinstance(query_object, str):
            query_object = _prepared(query_object)
        return super().query(query_object, *args, **kwargs)


@pytest.fixture(scope="module")
def shapes() -> Graph:
    graph = Graph()
    for path in sorted((ROOT / "shapes").glob("*.ttl")):
        graph.parse(path, format="turtle")
    return graph


@pytest.fixture(scope="module")
def real_triples(release_dir: Path) -> list[ox.Triple]:
    """Every triple the build validated: the union of the content graphs and the ontology."""
    path = release_dir / "dumps" / "cgkg.nt"
    return list(ox.parse(path=str(path), format=ox.RdfFormat.N_TRIPLES))


def by_build(triples: list[ox.Triple], shapes: Graph) -> ValidationReport:
    store = ox.Store()
    store.extend(
        ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode("urn:x-test:g")) for t in triples
    )
    return validate(store, shapes, {})


def by_pyshacl(triples: list[ox.Triple], shapes: Graph) -> tuple[bool, Graph]:
    data = PreparedQueryGraph()
    data.parse(data=ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES), format="nt")
    conforms, report, _ = pyshacl_validate(
        data, shacl_graph=shapes, inference="none", advanced=True, allow_warnings=True, inplace=True
    )
    assert isinstance(report, Graph)
    return bool(conforms), report


def keys(report: Graph) -> set[tuple[Node | None, ...]]:
    fields = (SH.focusNode, SH.sourceShape, SH.resultPath, SH.value)
    return {
        tuple(report.value(r, f) for f in fields)
        for r in report.subjects(RDF.type, SH.ValidationResult)
    }


def test_the_real_data_conforms_for_the_build_and_for_pyshacl(real_triples, shapes):
    build = by_build(real_triples, shapes)
    conforms, report = by_pyshacl(real_triples, shapes)
    assert build.conforms
    assert conforms
    assert keys(build.graph) == keys(report) == set()


def test_a_real_zone_without_its_themes_fails_the_same_way_in_both(real_triples, shapes):
    zone = ox.NamedNode("https://w3id.org/cgkg/zone/2015/110102")
    dropped = {
        ox.NamedNode(CGKG + "themeAssignment"),
        ox.NamedNode("http://purl.org/dc/terms/subject"),
    }
    broken = [t for t in real_triples if not (t.subject == zone and t.predicate in dropped)]
    build = by_build(broken, shapes)
    conforms, report = by_pyshacl(broken, shapes)
    assert not build.conforms
    assert not conforms
    assert keys(build.graph) == keys(report)
    assert URIRef(zone.value) in {k[0] for k in keys(report)}


def test_problems_name_the_focus_node_and_the_shape(real_triples, shapes):
    level = ox.NamedNode(CGKG + "level")
    division = ox.NamedNode("https://w3id.org/cgkg/division/110102")
    broken = [t for t in real_triples if not (t.subject == division and t.predicate == level)]
    report = by_build(broken, shapes)
    assert [(p.resource, p.rule) for p in report.problems] == [
        (division.value, "DivisionShape-level level")
    ]
    assert Literal(False) in set(report.graph.objects(None, SH.conforms))

"""The SHACL shapes: they are well-formed SHACL, the hand-written valid graph conforms, and
each invalid graph fails with exactly the shapes its one defect breaks."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from importlib.resources import files
from pathlib import Path

import pyoxigraph
import pytest
from pyshacl import validate
from pyshacl.graph_abstraction import DataGraph
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, SH, XSD
from rdflib.term import Node

from loader.validate import validate as loader_validate

ROOT = Path(__file__).resolve().parent.parent
SHAPES_DIR = ROOT / "shapes"
ONTOLOGY_FILE = ROOT / "ontology" / "cgkg.ttl"
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "shapes"
VALID = sorted((FIXTURES / "valid").glob("*.ttl"))
INVALID = sorted((FIXTURES / "invalid").glob("*.ttl"))

CGKGSH = Namespace("https://w3id.org/cgkg/shapes#")

# Invalid fixture (file stem) -> every shape its defect breaks (local names in cgkgsh:).
# Most defects break one shape; where one defect necessarily breaks a second rule too
# (e.g. a zone with a second division no longer ends with that division's code), both
# are listed.
EXPECTED: dict[str, frozenset[str]] = {
    "agency-missing-en-label": frozenset({"PrefLabelEnShape"}),
    "broken-hierarchy": frozenset({"DivisionProvinceShape"}),
    "change-iri-date-mismatch": frozenset({"DivisionChangeIriShape"}),
    "change-unknown-kind": frozenset({"DivisionChangeShape-changeKind"}),
    "code-prefix-not-province": frozenset({"DivisionCodePrefixShape"}),
    "division-code-not-string": frozenset({"DivisionShape-divisionCode"}),
    "division-missing-zh-label": frozenset({"PrefLabelZhShape"}),
    "duplicate-division": frozenset({"ZoneDivisionUniqueShape"}),
    "end-before-start": frozenset({"PeriodOrderShape"}),
    "evidence-not-in-task": frozenset({"ThemeEvidenceShape"}),
    "goal-two-zh-labels": frozenset({"PrefLabelShape"}),
    "initiative-bare-class": frozenset({"InitiativeKindShape"}),
    "initiative-evidence-not-in-task": frozenset({"InitiativeEvidenceShape"}),
    "merged-into-current-division": frozenset({"DivisionMergedShape"}),
    "notation-five-digits": frozenset({"DivisionShape-notation", "DivisionCodeShape"}),
    "parent-level-not-higher": frozenset({"DivisionParentLevelShape"}),
    "policy-without-goals": frozenset({"PolicyDocumentShape-goal"}),
    "policy-without-issuer": frozenset({"PolicyDocumentShape-passedBy"}),
    "policy-without-number": frozenset({"PolicyDocumentShape-idLocal"}),
    "prefecture-without-parent": frozenset({"DivisionParentRequiredShape"}),
    "province-in-other-province": frozenset({"DivisionProvinceShape", "DivisionCodePrefixShape"}),
    "province-with-parent": frozenset(
        {"ProvinceNoParentShape", "DivisionParentLevelShape", "DivisionProvinceShape"}
    ),
    "query-without-en-title": frozenset({"ExampleQueryShape-title-en"}),
    "subject-not-assigned": frozenset({"ZoneSubjectShape"}),
    "successor-of-current-division": frozenset({"DivisionSuccessorShape"}),
    "task-two-translations": frozenset({"TaskShape-unofficialTranslation"}),
    "task-without-text": frozenset({"TaskShape-taskText", "ThemeEvidenceShape"}),
    "theme-missing-en-definition": frozenset({"ThemeShape-definition-en"}),
    "unit-name-in-english": frozenset({"ZoneShape-unitName"}),
    "unknown-level": frozenset({"DivisionShape-level"}),
    "zone-count-mismatch": frozenset({"DesignationZoneCountShape"}),
    "zone-iri-not-code": frozenset({"ZoneIriCodeShape"}),
    "zone-two-divisions": frozenset({"ZoneShape-division", "ZoneIriCodeShape"}),
    "zone-without-theme": frozenset({"ZoneShape-themeAssignment", "ZoneShape-subject"}),
}

Validator = Callable[[Path, Graph, Graph], Graph]


def load_shapes() -> Graph:
    graph = Graph()
    for path in sorted(SHAPES_DIR.glob("*.ttl")):
        graph.parse(path, format="turtle")
    return graph


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return load_shapes()


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return Graph().parse(ONTOLOGY_FILE, format="turtle")


def as_graph(report: object) -> Graph:
    assert isinstance(report, Graph)
    return report


def validate_with_pyshacl(data_file: Path, shapes: Graph, ontology: Graph) -> Graph:
    """The plain pySHACL call: rdflib data graph, ontology mixed in, no inference."""
    data = Graph().parse(data_file, format="turtle")
    _conforms, report, _text = validate(
        data, shacl_graph=shapes, ont_graph=ontology, inference="none"
    )
    return as_graph(report)


def validate_like_the_build(data_file: Path, shapes: Graph, ontology: Graph) -> Graph:
    """The build's own validation step (loader/validate.py: pyshacl-turbo)."""
    store = pyoxigraph.Store()
    store.load(path=str(data_file), format=pyoxigraph.RdfFormat.TURTLE)
    store.load(path=str(ONTOLOGY_FILE), format=pyoxigraph.RdfFormat.TURTLE)
    return loader_validate(store, shapes, {}).graph


def validate_in_oxigraph(data_file: Path, shapes: Graph, ontology: Graph) -> Graph:
    """pySHACL over a pyoxigraph store, so the SPARQL constraints run in Oxigraph.

    The ontology is loaded into the store: pySHACL cannot mix an rdflib ontology
    holding RDF lists into an Oxigraph store.
    """
    store = pyoxigraph.Store()
    store.load(path=str(data_file), format=pyoxigraph.RdfFormat.TURTLE)
    store.load(path=str(ONTOLOGY_FILE), format=pyoxigraph.RdfFormat.TURTLE)
    data = DataGraph.from_oxigraph_store(store)
    _conforms, report, _text = validate(data, shacl_graph=shapes, inference="none")
    return as_graph(report)


ENGINES: dict[str, Validator] = {
    "pyshacl": validate_with_pyshacl,
    "build": validate_like_the_build,
    "oxigraph": validate_in_oxigraph,
}


def results(report: Graph) -> Iterator[Node]:
    return report.subjects(RDF.type, SH.ValidationResult)


def conforms(report: Graph) -> bool:
    return list(report.objects(None, SH.conforms)) == [Literal(True)]


def failing_shapes(report: Graph) -> set[str]:
    """Local names of the sh:sourceShape of every result."""
    names = set()
    for result in results(report):
        shape = report.value(result, SH.sourceShape)
        assert isinstance(shape, URIRef), f"result from an anonymous shape: {shape!r}"
        names.add(shape.removeprefix(str(CGKGSH)))
    return names


def shacl_shacl() -> Graph:
    """The W3C SHACL shapes for SHACL shapes graphs, as shipped with pySHACL."""
    source = files("pyshacl") / "assets" / "shacl-shacl.ttl"
    return Graph().parse(data=source.read_text(encoding="utf-8"), format="turtle")


def reported_shapes(shapes: Graph) -> set[Node]:
    """Shapes that can appear as sh:sourceShape: targeted node shapes and their property shapes."""
    targeted = {
        s
        for p in (SH.targetClass, SH.targetObjectsOf, SH.targetSubjectsOf, SH.targetNode)
        for s in shapes.subjects(p, None)
    }
    return targeted | {o for s in targeted for o in shapes.objects(s, SH.property)}


_NODE_LEVEL_CONSTRAINTS = (SH.nodeKind, SH["or"], SH.xone, SH["not"], SH["and"], SH["class"])


def message_carriers(shapes: Graph) -> set[Node]:
    """Where a result's message comes from: property shapes, node shapes with a node-level
    constraint, and SPARQL constraints."""
    reported = reported_shapes(shapes)
    own = {
        s
        for s in reported
        if (s, RDF.type, SH.PropertyShape) in shapes
        or any((s, p, None) in shapes for p in _NODE_LEVEL_CONSTRAINTS)
    }
    return own | {o for s in reported for o in shapes.objects(s, SH.sparql)}


def english_messages(shapes: Graph, node: Node) -> list[str]:
    return [
        str(m)
        for m in shapes.objects(node, SH.message)
        if isinstance(m, Literal) and m.language == "en"
    ]


# --- the shapes graph ---------------------------------------------------------------------


@pytest.mark.parametrize("path", sorted(SHAPES_DIR.glob("*.ttl")), ids=lambda p: p.name)
def test_shape_file_parses_alone(path: Path) -> None:
    assert len(Graph().parse(path, format="turtle")) > 0


def test_shapes_are_valid_shacl(shapes: Graph) -> None:
    _conforms, report, text = validate(shapes, shacl_graph=shacl_shacl(), inference="none")
    assert conforms(as_graph(report)), text


def test_every_reported_shape_declares_its_severity(shapes: Graph) -> None:
    nodes = reported_shapes(shapes)
    assert nodes
    without = sorted(str(s) for s in nodes if shapes.value(s, SH.severity) is None)
    assert without == []


def test_every_constraint_has_an_english_message(shapes: Graph) -> None:
    nodes = message_carriers(shapes)
    assert nodes
    without = sorted(str(n) for n in nodes if not english_messages(shapes, n))
    assert without == []


def test_every_reported_shape_is_named(shapes: Graph) -> None:
    # Reports name the broken rule by sh:sourceShape; a blank node would name nothing.
    anonymous = [s for s in reported_shapes(shapes) if not isinstance(s, URIRef)]
    assert anonymous == []


# --- fixtures -----------------------------------------------------------------------------


def test_every_invalid_fixture_has_an_expectation() -> None:
    assert sorted(p.stem for p in INVALID) == sorted(EXPECTED)


@pytest.mark.parametrize("engine", sorted(ENGINES))
@pytest.mark.parametrize("path", VALID, ids=lambda p: p.stem)
def test_valid_fixture_conforms(path: Path, engine: str, shapes: Graph, ontology: Graph) -> None:
    report = ENGINES[engine](path, shapes, ontology)
    assert failing_shapes(report) == set()
    assert conforms(report)


# The plain pySHACL call parses each SPARQL constraint once per focus node (about a
# second per fixture), so the invalid fixtures run on the two fast engines only: the
# build's (pyshacl-turbo) and pySHACL with its SPARQL run in Oxigraph.
@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.stem)
def test_invalid_fixture_breaks_exactly_its_shapes(
    path: Path, shapes: Graph, ontology: Graph
) -> None:
    build = validate_like_the_build(path, shapes, ontology)
    pyshacl = validate_in_oxigraph(path, shapes, ontology)
    for report in (build, pyshacl):
        assert not conforms(report)
        assert failing_shapes(report) == set(EXPECTED[path.stem])
    # the same results, not only the same shapes
    assert result_keys(build) == result_keys(pyshacl)


def result_keys(report: Graph) -> set[tuple[Node | None, ...]]:
    """What each result says: focus node, shape, path, value and severity."""
    keys = (SH.focusNode, SH.sourceShape, SH.resultPath, SH.value, SH.resultSeverity)
    return {tuple(plain(report.value(r, k)) for k in keys) for r in results(report)}


def plain(term: Node | None) -> Node | None:
    """``"x"^^xsd:string`` as ``"x"``: one literal in RDF 1.1 (Oxigraph writes the first)."""
    if isinstance(term, Literal) and term.datatype == XSD.string:
        return Literal(str(term))
    return term

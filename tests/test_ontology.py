"""The OWL ontology: header, bilingual documentation of every term, and agreement with
docs/model.md and shapes/."""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph
import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS, XSD

ROOT = Path(__file__).resolve().parent.parent
ONTOLOGY_FILE = ROOT / "ontology" / "cgkg.ttl"
SHAPES_DIR = ROOT / "shapes"
MODEL_DOC = ROOT / "docs" / "model.md"

CGKG = Namespace("https://w3id.org/cgkg/ontology#")
ONTOLOGY = URIRef("https://w3id.org/cgkg/ontology")
VANN = Namespace("http://purl.org/vocab/vann/")
GEO = Namespace("http://www.opengis.net/ont/geosparql#")
PROV = Namespace("http://www.w3.org/ns/prov#")

TERM_TYPES = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, RDFS.Datatype)
PROPERTY_TYPES = (OWL.ObjectProperty, OWL.DatatypeProperty)

# `cgkg:Name` written in Turtle, SPARQL or prose; not `cgkgsh:` and not a bare `cgkg:`.
_CGKG_CURIE = re.compile(r"(?<![\w-])cgkg:([A-Za-z_]\w*)")
_FENCED_BLOCK = re.compile(r"^```[^\n]*\n(.*?)^```", re.MULTILINE | re.DOTALL)
_INLINE_CODE = re.compile(r"`([^`]+)`")  # a span may wrap onto the next line


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return Graph().parse(ONTOLOGY_FILE, format="turtle")


def declared_terms(graph: Graph) -> set[URIRef]:
    """cgkg: IRIs typed as a class, property or datatype."""
    return {
        term
        for kind in TERM_TYPES
        for term in graph.subjects(RDF.type, kind)
        if isinstance(term, URIRef) and term.startswith(str(CGKG))
    }


def properties(graph: Graph) -> set[URIRef]:
    return {
        t for t in declared_terms(graph) if any((t, RDF.type, k) in graph for k in PROPERTY_TYPES)
    }


def terms_in_text(text: str) -> set[URIRef]:
    return {CGKG[name] for name in _CGKG_CURIE.findall(text)}


def model_doc_terms() -> set[URIRef]:
    """Every cgkg: term in the code blocks and inline code of docs/model.md."""
    text = MODEL_DOC.read_text(encoding="utf-8")
    prose = _FENCED_BLOCK.sub("", text)
    snippets = _FENCED_BLOCK.findall(text) + _INLINE_CODE.findall(prose)
    return set().union(*(terms_in_text(s) for s in snippets))


def shape_terms() -> set[URIRef]:
    """cgkg: terms the shapes use, as IRIs in the graph or prefixed names in SPARQL/messages."""
    found: set[URIRef] = set()
    for path in sorted(SHAPES_DIR.glob("*.ttl")):
        found |= terms_in_text(path.read_text(encoding="utf-8"))
        graph = Graph().parse(path, format="turtle")
        found |= {
            node
            for triple in graph
            for node in triple
            if isinstance(node, URIRef) and node.startswith(str(CGKG))
        }
    return found


def literal_languages(graph: Graph, subject: URIRef, predicate: URIRef) -> set[str | None]:
    return {o.language for o in graph.objects(subject, predicate) if isinstance(o, Literal)}


def names(terms: set[URIRef]) -> list[str]:
    return sorted(t.removeprefix(str(CGKG)) for t in terms)


# --- parsing and header -------------------------------------------------------------------


def test_ontology_declares_itself(ontology: Graph) -> None:
    assert (ONTOLOGY, RDF.type, OWL.Ontology) in ontology


def test_ontology_parses_in_the_store_engine() -> None:
    store = pyoxigraph.Store()
    store.load(path=str(ONTOLOGY_FILE), format=pyoxigraph.RdfFormat.TURTLE)
    assert len(store) > 0


def test_header_has_version_iri(ontology: Graph) -> None:
    assert ontology.value(ONTOLOGY, OWL.versionIRI) == URIRef(
        "https://w3id.org/cgkg/ontology/1.0.0"
    )


def test_header_has_version_info(ontology: Graph) -> None:
    assert ontology.value(ONTOLOGY, OWL.versionInfo) == Literal("1.0.0")


def test_header_has_cc_by_licence(ontology: Graph) -> None:
    assert ontology.value(ONTOLOGY, DCTERMS.license) == URIRef(
        "https://creativecommons.org/licenses/by/4.0/"
    )


def test_header_names_its_creator(ontology: Graph) -> None:
    assert ontology.value(ONTOLOGY, DCTERMS.creator) == Literal("cgkg project")


@pytest.mark.parametrize(
    ("predicate", "value"),
    [
        (VANN.preferredNamespacePrefix, Literal("cgkg")),
        (VANN.preferredNamespaceUri, Literal(str(CGKG))),
    ],
    ids=["prefix", "namespace"],
)
def test_header_gives_preferred_namespace(
    ontology: Graph, predicate: URIRef, value: Literal
) -> None:
    assert ontology.value(ONTOLOGY, predicate) == value


@pytest.mark.parametrize(
    "predicate", [DCTERMS.title, DCTERMS.description], ids=["title", "description"]
)
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_header_is_bilingual(ontology: Graph, predicate: URIRef, lang: str) -> None:
    assert lang in literal_languages(ontology, ONTOLOGY, predicate)


# --- terms --------------------------------------------------------------------------------


@pytest.mark.parametrize("predicate", [RDFS.label, RDFS.comment], ids=["label", "comment"])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_term_is_documented_in(ontology: Graph, predicate: URIRef, lang: str) -> None:
    terms = declared_terms(ontology)
    assert terms
    missing = {t for t in terms if lang not in literal_languages(ontology, t, predicate)}
    assert names(missing) == []


def test_every_term_is_defined_by_the_ontology(ontology: Graph) -> None:
    missing = {
        t for t in declared_terms(ontology) if (t, RDFS.isDefinedBy, ONTOLOGY) not in ontology
    }
    assert names(missing) == []


@pytest.mark.parametrize("predicate", [RDFS.domain, RDFS.range], ids=["domain", "range"])
def test_every_property_has(ontology: Graph, predicate: URIRef) -> None:
    props = properties(ontology)
    assert props
    missing = {p for p in props if ontology.value(p, predicate) is None}
    assert names(missing) == []


def test_no_property_is_both_object_and_datatype_property(ontology: Graph) -> None:
    both = {
        p
        for p in properties(ontology)
        if all((p, RDF.type, kind) in ontology for kind in PROPERTY_TYPES)
    }
    assert names(both) == []


def test_every_term_used_in_the_model_is_declared(ontology: Graph) -> None:
    used = model_doc_terms()
    assert CGKG.ExperimentalZone in used  # the doc parser found the model's terms
    assert names(used - declared_terms(ontology)) == []


def test_ontology_mints_only_what_the_model_uses(ontology: Graph) -> None:
    assert names(declared_terms(ontology) - model_doc_terms()) == []


def test_every_term_used_in_the_shapes_is_declared(ontology: Graph) -> None:
    used = shape_terms()
    assert CGKG.ExperimentalZone in used  # the shapes were read
    assert names(used - declared_terms(ontology)) == []


@pytest.mark.parametrize(
    ("sub", "sup"),
    [
        (CGKG.AdministrativeDivision, GEO.Feature),
        (CGKG.Designation, PROV.Activity),
        (CGKG.Theme, SKOS.Concept),
        (CGKG.LocalModel, CGKG.LocalInitiative),
        (CGKG.InformationPlatform, CGKG.LocalInitiative),
    ],
    ids=lambda term: str(term).rsplit("#", 1)[-1],
)
def test_class_specialises(ontology: Graph, sub: URIRef, sup: URIRef) -> None:
    assert (sub, RDFS.subClassOf, sup) in ontology


@pytest.mark.parametrize(
    ("sub", "sup"),
    [(CGKG.parentDivision, GEO.sfWithin), (CGKG.designatedBy, PROV.wasAssociatedWith)],
    ids=lambda term: str(term).rsplit("#", 1)[-1],
)
def test_property_specialises(ontology: Graph, sub: URIRef, sup: URIRef) -> None:
    assert (sub, RDFS.subPropertyOf, sup) in ontology


@pytest.mark.parametrize(
    "prop",
    [CGKG.division, CGKG.task, CGKG.designation, CGKG.unitName, CGKG.taskText, CGKG.assignedTo],
    ids=lambda term: str(term).rsplit("#", 1)[-1],
)
def test_single_valued_property_is_functional(ontology: Graph, prop: URIRef) -> None:
    assert (prop, RDF.type, OWL.FunctionalProperty) in ontology


def test_theme_assignment_and_assigned_to_are_inverses(ontology: Graph) -> None:
    assert (CGKG.themeAssignment, OWL.inverseOf, CGKG.assignedTo) in ontology


def test_zone_and_division_are_disjoint(ontology: Graph) -> None:
    assert (CGKG.ExperimentalZone, OWL.disjointWith, CGKG.AdministrativeDivision) in ontology


def gbt2260_pattern(graph: Graph) -> tuple[URIRef | None, str]:
    """The base datatype and xsd:pattern of cgkg:GBT2260Code's restriction."""
    definition = graph.value(CGKG.GBT2260Code, OWL.equivalentClass)
    assert definition is not None
    base = graph.value(definition, OWL.onDatatype)
    facets = graph.value(definition, OWL.withRestrictions)
    pattern = graph.value(graph.value(facets, RDF.first), XSD.pattern)
    return (base if isinstance(base, URIRef) else None), str(pattern)


def test_division_code_datatype_restricts_strings(ontology: Graph) -> None:
    assert gbt2260_pattern(ontology)[0] == XSD.string


@pytest.mark.parametrize(
    ("code", "valid"),
    [("110102", True), ("340200", True), ("11010", False), ("011010", False), ("1101020", False)],
)
def test_division_code_datatype_accepts_six_digits(ontology: Graph, code: str, valid: bool) -> None:
    # XSD patterns are anchored at both ends.
    pattern = gbt2260_pattern(ontology)[1]
    assert bool(re.fullmatch(pattern, code)) is valid

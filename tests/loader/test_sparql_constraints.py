"""SPARQL constraints run once over the store: focus nodes by target class, pySHACL's results."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import SH

from loader.sparql_constraints import check, sparql_constraints

SHAPES = r'''
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix ex: <http://example.org/> .
ex:Shape a sh:NodeShape ; sh:targetClass ex:Thing ;
  sh:sparql [ sh:message "bad {?value} on {$this}, {?other} kept"@en ;
              sh:select """SELECT $this ?value
                  WHERE { $this <http://example.org/p> ?value FILTER(?value > 1) }""" ] .
'''
DATA = """
@prefix ex: <http://example.org/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
ex:Sub rdfs:subClassOf ex:Thing .
ex:a a ex:Sub ; ex:p 2 .
ex:b a ex:Thing ; ex:p 1 .
ex:c ex:p 5 .
"""


def run(shapes_text: str) -> Graph:
    store = ox.Store()
    store.load(DATA.encode(), format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode("urn:g"))
    report, root = Graph(), BNode()
    for constraint in sparql_constraints(Graph().parse(data=shapes_text, format="turtle")):
        check(store, constraint, report, root)
    return report


def test_only_focus_nodes_of_the_target_class_and_its_subclasses_are_reported():
    report = run(SHAPES)
    assert set(report.objects(None, SH.focusNode)) == {URIRef("http://example.org/a")}


def test_the_message_names_the_bound_variables_and_keeps_the_others():
    messages = set(run(SHAPES).objects(None, SH.resultMessage))
    assert messages == {Literal("bad 2 on http://example.org/a, {?other} kept")}


def test_a_deactivated_constraint_is_skipped():
    deactivated = SHAPES.replace("sh:sparql [", "sh:sparql [ sh:deactivated true ;")
    assert len(run(deactivated)) == 0


def test_a_sparql_constraint_without_a_target_class_is_refused():
    with pytest.raises(ValueError, match="sh:targetClass"):
        run(SHAPES.replace("sh:targetClass ex:Thing ;", ""))

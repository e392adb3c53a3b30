"""evaluate(): every result form and format, and the caps that refuse instead of cutting."""

from __future__ import annotations

import json

import pyoxigraph as ox
import pytest

from server.kg import KnowledgeGraph
from server.sparql.evaluation import Job, evaluate

ZONES = "SELECT ?z WHERE { ?z a <https://w3id.org/cgkg/ontology#ExperimentalZone> }"


def job(query: str, solutions: str = "json", graph: str = "turtle", rows: int = 10_000) -> Job:
    return Job(query, (), (), solutions, graph, rows, 10_000_000)


@pytest.mark.parametrize("fmt", ["json", "xml", "csv", "tsv"])
def test_select_in_each_format_has_every_zone(kg: KnowledgeGraph, fmt: str) -> None:
    outcome = evaluate(kg, job(ZONES, solutions=fmt))
    assert (outcome.kind, outcome.format, outcome.rows) == ("ok", fmt, 40)


def test_select_json_parses_back_to_the_same_rows(kg: KnowledgeGraph) -> None:
    outcome = evaluate(kg, job(ZONES))
    direct = kg.query(ZONES)
    assert isinstance(direct, ox.QuerySolutions)
    expected = sorted(row["z"].value for row in direct)
    bindings = json.loads(outcome.body)["results"]["bindings"]
    assert sorted(b["z"]["value"] for b in bindings) == expected


def test_terms_survive_the_row_count_round_trip(kg: KnowledgeGraph) -> None:
    query = (
        'SELECT ?a ?b WHERE { VALUES (?a ?b) { ("x\\ty\\nz"@zh-Hans 1.5) '
        '(<https://w3id.org/cgkg/x> "2015-07"^^<http://www.w3.org/2001/XMLSchema#gYearMonth>) '
        "(UNDEF true) } }"
    )
    outcome = evaluate(kg, job(query))
    direct = kg.query(query)
    assert isinstance(direct, ox.QuerySolutions)
    assert outcome.body == direct.serialize(format=ox.QueryResultsFormat.JSON)


def test_ask_gives_a_boolean(kg: KnowledgeGraph) -> None:
    outcome = evaluate(kg, job("ASK { ?s ?p ?o }"))
    assert (outcome.result, json.loads(outcome.body)["boolean"]) == ("boolean", True)


@pytest.mark.parametrize("fmt", ["turtle", "ntriples", "jsonld", "rdfxml", "nquads", "trig", "n3"])
def test_construct_in_each_format_parses_back(kg: KnowledgeGraph, fmt: str) -> None:
    outcome = evaluate(
        kg, job(f"CONSTRUCT {{ ?z a ?t }} WHERE {{ ?z a ?t . {ZONES[17:-1]} }}", graph=fmt)
    )
    parsed = list(
        ox.parse(
            outcome.body,
            {
                "turtle": ox.RdfFormat.TURTLE,
                "ntriples": ox.RdfFormat.N_TRIPLES,
                "jsonld": ox.RdfFormat.JSON_LD,
                "rdfxml": ox.RdfFormat.RDF_XML,
                "nquads": ox.RdfFormat.N_QUADS,
                "trig": ox.RdfFormat.TRIG,
                "n3": ox.RdfFormat.N3,
            }[fmt],
        )
    )
    assert (outcome.kind, len(parsed)) == ("ok", outcome.rows)


def test_exactly_the_cap_is_returned_whole(kg: KnowledgeGraph) -> None:
    outcome = evaluate(kg, job(ZONES, rows=40))
    assert (outcome.kind, outcome.rows) == ("ok", 40)


def test_one_row_over_the_cap_is_refused_not_cut(kg: KnowledgeGraph) -> None:
    outcome = evaluate(kg, job(ZONES, rows=39))
    assert (outcome.kind, outcome.body) == ("too_large", b"")
    assert "39" in outcome.message


def test_construct_over_the_cap_is_refused(kg: KnowledgeGraph) -> None:
    outcome = evaluate(kg, job("CONSTRUCT WHERE { ?s ?p ?o }", rows=100))
    assert outcome.kind == "too_large"


def test_byte_cap_is_refused(kg: KnowledgeGraph) -> None:
    outcome = evaluate(
        kg, Job("SELECT * WHERE { ?s ?p ?o }", (), (), "json", "turtle", 10**6, 1000)
    )
    assert outcome.kind == "too_large"


def test_select_when_only_graph_formats_are_acceptable(kg: KnowledgeGraph) -> None:
    outcome = evaluate(kg, job(ZONES, solutions=""))
    assert (outcome.kind, outcome.result) == ("not_acceptable", "solutions")


def test_syntax_error_carries_the_position(kg: KnowledgeGraph) -> None:
    outcome = evaluate(kg, job("SELECT * WHERE { ?s ?p "))
    assert outcome.kind == "syntax"
    assert "1:" in outcome.message


def test_named_default_graph_restricts_the_data(kg: KnowledgeGraph) -> None:
    notice = "https://w3id.org/cgkg/graph/notice"
    only_ontology = Job(
        ZONES, ("https://w3id.org/cgkg/graph/ontology",), (), "json", "", 100, 10**6
    )
    with_notice = Job(ZONES, (notice,), (), "json", "", 100, 10**6)
    assert (evaluate(kg, only_ontology).rows, evaluate(kg, with_notice).rows) == (0, 40)


def test_wire_round_trip_keeps_the_job() -> None:
    original = Job("ASK {}", ("http://g/1",), ("http://g/2",), "json", "turtle", 5, 6)
    assert Job.from_wire(original.to_wire()) == original

"""search:score and search:snippet in SPARQL: evaluated by the query processes."""

from __future__ import annotations

import json

from flask.testing import FlaskClient
from rdflib import Graph, Namespace, URIRef

from tests.server.search.conftest import zones_containing

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
SEARCH = Namespace("https://w3id.org/cgkg/search#")

ZONES_MATCHING = """
PREFIX search: <https://w3id.org/cgkg/search#>
PREFIX cgkg: <https://w3id.org/cgkg/ontology#>
SELECT ?zone ?score ?snippet WHERE {
  ?zone a cgkg:ExperimentalZone .
  BIND(search:score(?zone, ?text) AS ?score)
  FILTER(BOUND(?score))
  BIND(search:snippet(?zone, ?text) AS ?snippet)
}
ORDER BY DESC(?score) ?zone
"""


def _select(client: FlaskClient, query: str) -> tuple[int, list[dict[str, dict[str, str]]]]:
    response = client.get(
        "/sparql",
        query_string={"query": query},
        headers={"Accept": "application/sparql-results+json"},
    )
    if response.status_code != 200:
        return response.status_code, []
    return 200, json.loads(response.data)["results"]["bindings"]


def _matching(client: FlaskClient, text: str) -> list[dict[str, dict[str, str]]]:
    status, rows = _select(client, ZONES_MATCHING.replace("?text", json.dumps(text)))
    assert status == 200
    return rows


def test_sparql_finds_the_zones_whose_task_holds_the_phrase(client, zone_tasks):
    rows = _matching(client, "三社联动")
    assert {r["zone"]["value"] for r in rows} == zones_containing(zone_tasks, "三社联动")


def test_sparql_gives_the_same_zones_in_the_same_order_as_the_api(client):
    api = client.get("/search?q=协商&type=zone&limit=100", headers={"Accept": "application/json"})
    expected = [(r["iri"], r["score"]) for r in api.json["results"]]
    rows = _matching(client, "协商")
    assert [(r["zone"]["value"], float(r["score"]["value"])) for r in rows] == expected


def test_snippet_is_html_with_the_match_marked(client):
    snippet = _matching(client, "三社联动")[0]["snippet"]
    assert snippet["datatype"] == "http://www.w3.org/1999/02/22-rdf-syntax-ns#HTML"
    assert "<mark>三社联动</mark>" in snippet["value"]


def test_a_search_text_with_nothing_to_search_makes_the_query_a_400(client):
    status, _ = _select(client, ZONES_MATCHING.replace("?text", '"，。"'))
    assert status == 400


def test_the_service_description_names_the_functions(client):
    response = client.get("/sparql", headers={"Accept": "text/turtle"})
    graph = Graph().parse(data=response.data, format="turtle")
    endpoint = URIRef("http://localhost/sparql")
    assert set(graph.objects(endpoint, SD.extensionFunction)) == {SEARCH.score, SEARCH.snippet}
    assert (SEARCH.score, None, SD.Function) in graph

"""JSON-LD forms by the ``profile`` parameter: expanded, compacted, flattened, each expanding
(with pyld) to the same graph as Turtle, for CONSTRUCT results, resources and dumps."""

from __future__ import annotations

import json
from typing import Any

import pyoxigraph as ox
import pytest
from pyld import jsonld as pyld
from rdflib import Graph
from rdflib.compare import isomorphic

from server.sparql.jsonld import PROFILE, requested_form

CONSTRUCT = (
    "CONSTRUCT { ?z ?p ?o } WHERE { VALUES ?z { <https://w3id.org/cgkg/zone/2015/110102> } "
    "?z ?p ?o }"
)
FORMS = ("expanded", "compacted", "flattened")


def _accept(form: str) -> str:
    return f'application/ld+json; profile="{PROFILE}{form}"'


def _graph(document: Any) -> Graph:
    """The triples a JSON-LD document means, as pyld (not our code) reads it."""
    nquads = pyld.to_rdf(document, {"format": "application/n-quads"})
    triples = {q.triple for q in ox.parse(nquads, format=ox.RdfFormat.N_QUADS)}
    data = ox.serialize(list(triples), format=ox.RdfFormat.N_TRIPLES) or b""
    return Graph().parse(data=data, format="nt")


@pytest.mark.parametrize(
    ("accept", "form"),
    [
        (None, "compacted"),
        ("application/ld+json", "compacted"),
        (_accept("expanded"), "expanded"),
        (_accept("flattened"), "flattened"),
        (_accept("compacted"), "compacted"),
        (f'application/ld+json;profile="{PROFILE}flattened {PROFILE}compacted"', "flattened"),
        (f'text/turtle, application/ld+json;q=0;profile="{PROFILE}expanded"', "compacted"),
        ('application/ld+json; profile="http://example.org/other"', "compacted"),
    ],
)
def test_profile_parameter_names_the_form(accept, form):
    assert requested_form(accept) == form


@pytest.mark.parametrize("form", FORMS)
def test_construct_results_in_each_form_are_the_turtle_graph(client, form):
    response = client.get(
        "/sparql", query_string={"query": CONSTRUCT}, headers={"Accept": _accept(form)}
    )
    assert response.status_code == 200
    assert f'profile="{PROFILE}{form}"' in response.headers["Content-Type"]
    document = json.loads(response.data)
    assert ("@context" in json.dumps(document)) == (form != "expanded")
    turtle = client.get(
        "/sparql", query_string={"query": CONSTRUCT}, headers={"Accept": "text/turtle"}
    )
    assert isomorphic(_graph(document), Graph().parse(data=turtle.data, format="turtle"))


@pytest.mark.parametrize("form", FORMS)
def test_resource_in_each_form_is_the_turtle_graph(client, form):
    response = client.get("/zone/2015/110102", headers={"Accept": _accept(form)})
    assert response.status_code == 200
    assert "Accept" in response.headers["Vary"]
    turtle = client.get("/zone/2015/110102.ttl")
    assert isomorphic(
        _graph(json.loads(response.data)), Graph().parse(data=turtle.data, format="turtle")
    )


def test_compacted_resource_uses_the_dataset_prefixes(client):
    document = json.loads(client.get("/zone/2015/110102.jsonld").data)
    assert document["@context"] == client.get("/context.jsonld").get_json()["@context"]
    assert "zone:110102" in {node["@id"] for node in document["@graph"]}


@pytest.mark.parametrize(
    ("form", "name"), [("expanded", "cgkg.expanded.jsonld"), ("flattened", "cgkg.flattened.jsonld")]
)
def test_jsonld_dump_is_sent_in_the_form_asked(client, form, name):
    with client.get("/dumps/cgkg.jsonld", headers={"Accept": _accept(form)}) as response:
        assert response.status_code == 200
        assert name in response.headers["Content-Disposition"]
        assert "Accept" in response.headers["Vary"]


def test_context_is_served_at_a_stable_iri_and_is_the_dumps_context(client):
    served = client.get("/context.jsonld")
    assert served.mimetype == "application/ld+json"
    with client.get("/dumps/cgkg.jsonld") as response:
        dump = json.loads(response.data)
    assert dump["@context"] == served.get_json()["@context"]
    assert served.get_json()["@context"]["cgkg"] == "https://w3id.org/cgkg/ontology#"

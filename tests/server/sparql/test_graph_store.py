"""Graph Store Protocol, read side: ?default, ?graph=IRI, every RDF format, 404, read-only."""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox
import pytest
from flask.testing import FlaskClient

NOTICE = "https://w3id.org/cgkg/graph/notice"


def manifest(built_out: Path) -> dict[str, object]:
    data: dict[str, object] = json.loads((built_out / "current" / "manifest.json").read_text())
    return data


def test_named_graph_has_its_triples(client: FlaskClient, built_out: Path) -> None:
    response = client.get(
        "/rdf-graph-store",
        query_string={"graph": NOTICE},
        headers={"Accept": "application/n-triples"},
    )
    graphs = manifest(built_out)["graphs"]
    assert isinstance(graphs, dict)
    assert len(list(ox.parse(response.data, ox.RdfFormat.N_TRIPLES))) == graphs[NOTICE]


def test_default_graph_is_the_union(client: FlaskClient) -> None:
    response = client.get("/rdf-graph-store?default", headers={"Accept": "application/n-triples"})
    triples = set(ox.parse(response.data, ox.RdfFormat.N_TRIPLES))
    union = client.get(
        "/sparql",
        query_string={"query": "SELECT (COUNT(*) AS ?n) { SELECT DISTINCT ?s ?p ?o { ?s ?p ?o } }"},
    )
    assert len(triples) == int(json.loads(union.data)["results"]["bindings"][0]["n"]["value"])


@pytest.mark.parametrize(
    "fmt",
    [
        ox.RdfFormat.TURTLE,
        ox.RdfFormat.JSON_LD,
        ox.RdfFormat.RDF_XML,
        ox.RdfFormat.N_QUADS,
        ox.RdfFormat.TRIG,
    ],
)
def test_every_rdf_format(client: FlaskClient, fmt: ox.RdfFormat) -> None:
    response = client.get(
        "/rdf-graph-store", query_string={"graph": NOTICE}, headers={"Accept": fmt.media_type}
    )
    assert (response.mimetype, len(list(ox.parse(response.data, fmt))) > 0) == (
        fmt.media_type,
        True,
    )


def test_quads_keep_the_graph_name(client: FlaskClient) -> None:
    response = client.get(
        "/rdf-graph-store",
        query_string={"graph": NOTICE},
        headers={"Accept": "application/n-quads"},
    )
    names = {q.graph_name for q in ox.parse(response.data, ox.RdfFormat.N_QUADS)}
    assert names == {ox.NamedNode(NOTICE)}


def test_unknown_graph_is_404(client: FlaskClient) -> None:
    response = client.get(
        "/rdf-graph-store", query_string={"graph": "https://w3id.org/cgkg/graph/nope"}
    )
    assert response.status_code == 404


def test_head_sends_no_body(client: FlaskClient) -> None:
    response = client.head("/rdf-graph-store", query_string={"graph": NOTICE})
    assert (response.status_code, response.data) == (200, b"")


def test_no_graph_named_is_400(client: FlaskClient) -> None:
    assert client.get("/rdf-graph-store").status_code == 400


def test_both_default_and_graph_is_400(client: FlaskClient) -> None:
    assert (
        client.get("/rdf-graph-store", query_string={"default": "", "graph": NOTICE}).status_code
        == 400
    )


def test_revalidation_gets_304(client: FlaskClient) -> None:
    etag = client.get("/rdf-graph-store", query_string={"graph": NOTICE}).headers["ETag"]
    again = client.get(
        "/rdf-graph-store", query_string={"graph": NOTICE}, headers={"If-None-Match": etag}
    )
    assert again.status_code == 304


@pytest.mark.parametrize("method", ["put", "post", "delete", "patch"])
def test_writes_are_405(client: FlaskClient, method: str) -> None:
    response = getattr(client, method)(
        "/rdf-graph-store", query_string={"graph": NOTICE}, data="<a> <b> <c> ."
    )
    assert (response.status_code, b"read-only" in response.data) == (405, True)
    assert response.headers["Allow"] == "GET, HEAD, OPTIONS"

"""A release built without a search index: /search says so, SPARQL has no search functions."""

from __future__ import annotations

import pyoxigraph as ox

Q = ox.NamedNode("https://w3id.org/cgkg/zone/2015/110102")
LABEL = ox.NamedNode("http://www.w3.org/2004/02/skos/core#prefLabel")
NOTICE = ox.NamedNode("https://w3id.org/cgkg/graph/notice")


def test_a_release_without_an_index_answers_503_with_the_reason(make_release, make_app):
    out = make_release([ox.Quad(Q, LABEL, ox.Literal("西城区", language="zh"), NOTICE)])
    client = make_app(out_dir=out).test_client()
    response = client.get("/search?q=西城", headers={"Accept": "application/json"})
    assert response.status_code == 503
    assert "built without a search index" in response.json["message"]
    description = client.get("/sparql", headers={"Accept": "text/turtle"}).data.decode()
    assert "extensionFunction" not in description

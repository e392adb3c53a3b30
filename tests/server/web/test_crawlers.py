"""robots.txt and the sitemap: every resource page listed, crawlers kept off the queries."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from xml.etree import ElementTree as ET

import pyoxigraph as ox
import pytest
from flask import Flask
from flask.testing import FlaskClient

from server.web.resources import NAMESPACES

BASE = "https://w3id.org/cgkg/"
NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}


@pytest.fixture(scope="module")
def dump_iris(built_out: Path) -> set[str]:
    """Every IRI of the N-Quads dump: subject, object or graph name."""
    quads = ox.parse(path=built_out / "current" / "dumps" / "cgkg.nq", format=ox.RdfFormat.N_QUADS)
    return {
        term.value
        for quad in quads
        for term in (quad.subject, quad.object, quad.graph_name)
        if isinstance(term, ox.NamedNode)
    }


def locations(client: FlaskClient) -> list[str]:
    response = client.get("/sitemap.xml")
    assert response.mimetype == "application/xml"
    root = ET.fromstring(response.data)  # noqa: S314 (our own answer, in process)
    return [loc.text or "" for loc in root.iterfind("sm:url/sm:loc", NS)]


def test_sitemap_lists_every_resource_page(client: FlaskClient, dump_iris: set[str]) -> None:
    pages = {
        iri
        for iri in dump_iris
        if iri.startswith(BASE) and "#" not in iri and iri[len(BASE) :].split("/")[0] in NAMESPACES
    }
    listed = {loc.replace("http://localhost/", BASE) for loc in locations(client)}
    assert pages <= listed
    assert len(pages) > 300


def test_sitemap_gives_each_page_the_build_time(client: FlaskClient) -> None:
    root = ET.fromstring(client.get("/sitemap.xml").data)  # noqa: S314 (our own answer)
    lastmods = {m.text or "" for m in root.iterfind("sm:url/sm:lastmod", NS)}
    assert len(lastmods) == 1
    assert lastmods.pop().endswith("Z")


def test_sitemap_pages_answer(client: FlaskClient) -> None:
    by_namespace: dict[str, str] = {}
    for loc in locations(client):
        by_namespace.setdefault(loc.split("/")[3], loc.replace("http://localhost", ""))
    for path in by_namespace.values():
        assert client.get(path, headers={"Accept": "text/html"}).status_code == 200, path


def test_sitemap_is_under_the_public_url_when_set(make_app: Callable[..., Flask]) -> None:
    client = make_app(public_url="https://kg.example.org").test_client()
    response = client.get("/sitemap.xml")
    locs = locations(client)
    assert all(loc.startswith("https://kg.example.org/") for loc in locs)
    assert "Host" not in response.headers["Vary"]


def test_sitemap_under_the_request_host_varies_on_host(client: FlaskClient) -> None:
    assert "Host" in client.get("/sitemap.xml").headers["Vary"]


def test_robots_names_the_sitemap(client: FlaskClient) -> None:
    text = client.get("/robots.txt").get_data(as_text=True)
    assert "Sitemap: http://localhost/sitemap.xml" in text.splitlines()


def test_robots_keeps_crawlers_off_queries(client: FlaskClient) -> None:
    lines = client.get("/robots.txt").get_data(as_text=True).splitlines()
    assert {"Disallow: /sparql", "Disallow: /rdf-graph-store"} <= set(lines)

"""The query page browsers get at /sparql, and the vendored editor it loads."""

from __future__ import annotations

import hashlib
import json
import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlencode

import pytest

ROOT = Path(__file__).resolve().parents[3]
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
SELECT = "SELECT ?zone WHERE { ?zone a <https://w3id.org/cgkg/ontology#ExperimentalZone> }"
CONSTRUCT = (
    "CONSTRUCT { ?zone a ?type } WHERE { ?zone a ?type . "
    "FILTER(?zone = <https://w3id.org/cgkg/zone/2015/110102>) }"
)


def query_page(client, query: str | None = None) -> str:  # type: ignore[no-untyped-def]
    params = {"query": query} if query else {}
    response = client.get("/sparql", query_string=params, headers={"Accept": BROWSER})
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    return str(response.get_data(as_text=True))


@pytest.mark.parametrize(
    ("accept", "html"),
    [
        (BROWSER, True),
        ("text/html", True),
        ("application/sparql-results+json", False),
        ("application/sparql-results+xml", False),
        ("*/*", False),
        ("text/html;q=0.5, application/sparql-results+json", False),
    ],
)
def test_only_clients_preferring_html_get_the_query_page(client, accept, html):
    response = client.get("/sparql", query_string={"query": SELECT}, headers={"Accept": accept})
    assert response.status_code == 200
    assert (response.mimetype == "text/html") is html


def test_format_parameter_gets_data_even_for_browsers(client):
    response = client.get(
        "/sparql", query_string={"query": SELECT, "format": "csv"}, headers={"Accept": BROWSER}
    )
    assert response.mimetype == "text/csv"


def test_query_page_offers_every_example_of_queries_dir(client):
    html = query_page(client)
    stems = sorted(p.stem for p in (ROOT / "queries").glob("*.rq"))
    linked = re.findall(r'<small><a href="/query/([^"]+)">RDF</a></small>', html)
    assert linked == stems


def test_select_runs_without_javascript_into_a_linked_table(client):
    html = query_page(client, SELECT)
    rows = re.findall(r'<tr><td class="num">\d+</td><td><a href="(/zone/2015/\d{6})"', html)
    assert len(rows) == 40


def test_construct_runs_without_javascript_into_a_triple_table(client):
    html = query_page(client, CONSTRUCT)
    assert 'href="/zone/2015/110102"' in html
    assert 'href="/ontology#ExperimentalZone"' in html


def test_broken_query_shows_the_parser_message(client):
    html = query_page(client, "SELECT WHERE {")
    assert 'class="error"' in html


def test_download_links_cover_every_format_of_the_result_kind(client):
    select = re.findall(r'data-format="([a-z]+)"', query_page(client, SELECT))
    construct = re.findall(r'data-format="([a-z]+)"', query_page(client, CONSTRUCT))
    assert select == ["srj", "srx", "csv", "tsv"]
    assert set(construct) >= {"ttl", "nt", "jsonld", "rdf"}


@pytest.mark.parametrize("fmt", ["srj", "srx", "csv", "tsv"])
def test_download_links_answer_in_their_format(client, fmt):
    html = query_page(client, SELECT)
    href = re.search(rf'data-format="{fmt}" href="([^"]+)"', html)
    assert href is not None
    response = client.get(href.group(1).replace("&amp;", "&"), headers={"Accept": BROWSER})
    assert response.status_code == 200
    assert response.mimetype != "text/html"


def test_editor_scripts_are_served_by_this_server(client):
    html = query_page(client)
    sources = re.findall(r'<(?:script|link)[^>]+(?:src|href)="([^"]+\.(?:js|css))"', html)
    assert sources
    for source in sources:
        assert source.startswith("/static/")
        response = client.get(source)
        response.close()
        assert response.status_code == 200


def test_vendored_editor_matches_the_npm_lock():
    vendor = ROOT / "server" / "web" / "static" / "vendor" / "yasgui"
    record = json.loads((vendor / "VERSION.json").read_text(encoding="utf-8"))
    lock = json.loads((ROOT / "package-lock.json").read_text(encoding="utf-8"))
    locked = lock["packages"]["node_modules/" + record["package"]]
    assert record["version"] == locked["version"]
    assert record["integrity"] == locked["integrity"]
    for name, digest in record["files"].items():
        assert hashlib.sha256((vendor / name).read_bytes()).hexdigest() == digest


@pytest.mark.parametrize("scheme", ["javascript:alert(1)", "data:text/html,x", "JavaScript:x"])
def test_an_iri_of_another_scheme_in_results_is_shown_not_linked(client, scheme):
    html = query_page(client, f"SELECT ?x WHERE {{ BIND(<{scheme}> AS ?x) }}")
    assert f'href="{scheme}' not in html
    assert scheme.split(":")[0] + ":" in html


def test_web_iris_in_results_are_linked(client):
    html = query_page(client, "SELECT ?x WHERE { BIND(<https://www.wikidata.org/wiki/Q1> AS ?x) }")
    assert 'href="https://www.wikidata.org/wiki/Q1"' in html


def test_a_deeply_nested_query_still_gets_its_page(client):
    deep = "SELECT * WHERE " + "{ " * 200 + "?s ?p ?o" + " }" * 200
    assert "<!doctype html>" in query_page(client, deep)  # query_page asserts the 200


def test_concurrent_query_pages_get_no_500_from_rdflibs_shared_parser(client):
    query = "SELECT ?s WHERE { ?s ?p ?o OPTIONAL { ?s ?q ?r } FILTER(?o != 1) } LIMIT 1"

    def get(i):
        path = "/sparql?" + urlencode({"query": f"{query} # {i}"})
        return client.get(path, headers={"Accept": "text/html"}).status_code

    with ThreadPoolExecutor(16) as pool:
        assert set(pool.map(get, range(200))) == {200}

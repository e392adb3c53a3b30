"""Resource IRIs resolve: HTML or RDF by Accept or extension, Link headers, 404, 301/410."""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDFS, SKOS

BASE = "https://w3id.org/cgkg/"
CGKG = "https://w3id.org/cgkg/ontology#"
ZONE = "/zone/2015/110102"
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
PARSERS = {
    "text/turtle": "turtle",
    "application/n-triples": "nt",
    "application/ld+json": "json-ld",
    "application/rdf+xml": "xml",
}


@pytest.fixture
def client(engine_client: FlaskClient) -> FlaskClient:
    """Every test of this module taking ``client`` runs against each engine."""
    return engine_client


def parse(response) -> Graph:  # type: ignore[no-untyped-def]
    media = response.headers["Content-Type"].split(";")[0]
    return Graph().parse(data=response.get_data(as_text=True), format=PARSERS[media])


@pytest.mark.parametrize(
    ("accept", "media_type"),
    [
        (BROWSER, "text/html"),
        ("text/turtle", "text/turtle"),
        ("application/n-triples", "application/n-triples"),
        ("application/ld+json", "application/ld+json"),
        ("application/rdf+xml", "application/rdf+xml"),
        ("text/turtle;q=0.5, application/ld+json", "application/ld+json"),
        ("text/html;q=0.1, application/rdf+xml;q=0.9", "application/rdf+xml"),
        ("application/json", "application/ld+json"),
        ("*/*", "text/turtle"),
        ("", "text/turtle"),
    ],
)
def test_accept_header_chooses_the_representation(client, accept, media_type):
    response = client.get(ZONE, headers={"Accept": accept} if accept else {})
    assert response.status_code == 200
    assert response.headers["Content-Type"].split(";")[0] == media_type
    assert "Accept" in response.headers["Vary"]


@pytest.mark.parametrize(
    ("extension", "media_type"),
    [
        ("ttl", "text/turtle"),
        ("nt", "application/n-triples"),
        ("jsonld", "application/ld+json"),
        ("rdf", "application/rdf+xml"),
        ("html", "text/html"),
    ],
)
def test_extension_overrides_accept(client, extension, media_type):
    response = client.get(f"{ZONE}.{extension}", headers={"Accept": "image/png, text/csv;q=0.1"})
    assert response.status_code == 200
    assert response.headers["Content-Type"].split(";")[0] == media_type


def test_an_answer_chosen_by_extension_does_not_vary_on_accept(client):
    response = client.get(f"{ZONE}.ttl")
    assert (response.headers["Content-Location"], response.headers["Vary"]) == (
        f"{ZONE}.ttl",
        "Accept-Encoding",
    )


def test_nothing_acceptable_is_406(client):
    assert client.get(ZONE, headers={"Accept": "image/png"}).status_code == 406


@pytest.mark.parametrize("accept", [BROWSER, "text/turtle"])
def test_link_headers_name_every_format_the_description_and_the_licence(client, accept):
    links = client.get(ZONE, headers={"Accept": accept}).headers["Link"]
    for ext, media in [
        ("ttl", "text/turtle"),
        ("nt", "application/n-triples"),
        ("jsonld", "application/ld+json"),
        ("rdf", "application/rdf+xml"),
    ]:
        assert f'<{ZONE}.{ext}>; rel="alternate"; type="{media}"' in links
    assert 'rel="describedby"' in links
    assert '<https://creativecommons.org/licenses/by/4.0/>; rel="license"' in links


def test_request_path_maps_onto_the_canonical_base_iri(client):
    graph = parse(
        client.get(ZONE, headers={"Accept": "text/turtle"}, base_url="http://example.test:9999")
    )
    zone = URIRef(BASE + ZONE.lstrip("/"))
    assert (zone, None, None) in graph
    assert not any("example.test" in str(term) for triple in graph for term in triple)


def test_description_holds_own_incoming_and_label_triples(client):
    graph = parse(client.get("/division/110102", headers={"Accept": "text/turtle"}))
    division = URIRef(BASE + "division/110102")
    zone = URIRef(BASE + "zone/2015/110102")
    parent = URIRef(BASE + "division/110000")
    assert (division, SKOS.prefLabel, Literal("西城区", lang="zh")) in graph
    assert (zone, URIRef(CGKG + "division"), division) in graph  # pointing at it
    assert (parent, SKOS.prefLabel, Literal("北京市", lang="zh")) in graph  # mentioned resource
    assert (URIRef(CGKG + "division"), RDFS.label, None) in graph  # and the property


def test_conditional_get_answers_304(client):
    first = client.get(ZONE, headers={"Accept": "text/turtle"})
    again = client.get(
        ZONE, headers={"Accept": "text/turtle", "If-None-Match": first.headers["ETag"]}
    )
    assert again.status_code == 304


def test_unknown_iri_is_a_helpful_404_page(client):
    response = client.get("/zone/2015/999999", headers={"Accept": BROWSER})
    assert response.status_code == 404
    page = response.get_data(as_text=True)
    assert "https://w3id.org/cgkg/zone/2015/999999" in page
    assert 'href="/zones"' in page
    assert 'href="/sparql"' in page
    assert "Traceback" not in page


def test_unknown_iri_is_404_for_data_clients_too(client):
    response = client.get("/theme/no-such-theme", headers={"Accept": "application/json"})
    assert response.status_code == 404
    assert json.loads(response.get_data())["status"] == 404


def release_with_retirements(built_out: Path, tmp_path: Path, rows: list[dict[str, str]]) -> Path:
    """A build folder whose current release is the real one plus a retired.json."""
    real = (built_out / "current").resolve()
    release = tmp_path / "releases" / real.name
    release.mkdir(parents=True)
    for entry in real.iterdir():
        if entry.name not in ("retired.json", "manifest.json"):  # written below, never through
            os.symlink(entry, release / entry.name)  # a link to the real ones
    retired = json.dumps(rows).encode("utf-8")
    (release / "retired.json").write_bytes(retired)
    manifest = json.loads((real / "manifest.json").read_text(encoding="utf-8"))
    for entry in manifest["files"]:  # as the build would list it
        if entry["path"] == "retired.json":
            entry.update(bytes=len(retired), sha256=hashlib.sha256(retired).hexdigest())
    (release / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    (tmp_path / "current").symlink_to(Path("releases") / real.name)
    return tmp_path


@pytest.fixture
def retiring_client(built_out: Path, tmp_path: Path, make_app: Callable[..., Flask]) -> FlaskClient:
    rows = [
        {"iri": BASE + "zone/2015/110100", "successor": BASE + "zone/2015/110102"},
        {
            "iri": BASE + "theme/old-theme",
            "reason_zh": "已并入其他主题",
            "reason_en": "merged into another theme",
        },
    ]
    return make_app(out_dir=release_with_retirements(built_out, tmp_path, rows)).test_client()


def test_retired_iri_with_successor_redirects_301(retiring_client):
    response = retiring_client.get("/zone/2015/110100.ttl")
    assert response.status_code == 301
    assert response.headers["Location"].endswith("/zone/2015/110102.ttl")


def test_retired_iri_without_successor_is_410_with_the_reason(retiring_client):
    response = retiring_client.get("/theme/old-theme", headers={"Accept": BROWSER})
    assert response.status_code == 410
    assert "merged into another theme" in response.get_data(as_text=True)


def test_release_without_retirements_serves_current_iris(client):
    assert client.get("/zone/2015/110100").status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "/zone/2015/a%20b",
        "/zone/%3C",
        "/zone/%22",
        "/zone/%7B",
        "/zone/%5C",
        "/zone/%",
        "/zone/%FF",
    ],
)
@pytest.mark.parametrize("accept", ["text/html", "text/turtle"])
def test_a_path_that_is_no_iri_is_not_found(client, path, accept):
    assert client.get(path, headers={"Accept": accept}).status_code == 404


@pytest.mark.parametrize("path", ["/theme/%ED%A0%80.ttl", "/zone/%3C.html", "/zone/a%20b.nt"])
def test_a_path_that_is_no_iri_with_a_format_extension_is_not_found(client, path):
    assert client.get(path).status_code == 404

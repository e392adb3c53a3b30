"""The HTML pages: bilingual, with the facts each kind of resource needs, and their documents."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import OWL, RDF, SKOS

BASE = "https://w3id.org/cgkg/"
CGKG = Namespace(BASE + "ontology#")
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


@pytest.fixture(scope="module")
def dump(built_out: Path) -> Graph:
    return Graph().parse(built_out / "current" / "dumps" / "cgkg.ttl")


def page(client: FlaskClient, path: str, **headers: str) -> str:
    response = client.get(path, headers={"Accept": BROWSER, **headers})
    assert response.status_code == 200, path
    return response.get_data(as_text=True)


class Spans(HTMLParser):
    """The lang attribute of every element, in document order."""

    def __init__(self) -> None:
        super().__init__()
        self.langs: list[str] = []
        self.html_lang = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        lang = dict(attrs).get("lang")
        if tag == "html":
            self.html_lang = lang or ""
        elif lang:
            self.langs.append(lang)


def langs_of(html: str) -> Spans:
    spans = Spans()
    spans.feed(html)
    return spans


@pytest.mark.parametrize(
    ("query", "headers", "first"),
    [
        ("", {}, "zh"),
        ("?lang=en", {}, "en"),
        ("?lang=zh", {"Accept-Language": "en"}, "zh"),
        ("", {"Accept-Language": "en-GB,en;q=0.9"}, "en"),
        ("", {"Accept-Language": "zh-CN,zh;q=0.9,en;q=0.8"}, "zh"),
        ("", {"Accept-Language": "fr, en;q=0.5, zh-Hans;q=0.9"}, "zh"),
    ],
)
def test_language_order_follows_lang_parameter_then_accept_language(client, query, headers, first):
    spans = langs_of(page(client, "/zone/2015/110102" + query, **headers))
    assert spans.html_lang == first
    assert spans.langs[0] == first
    assert {"zh", "en"} <= set(spans.langs)


def test_zone_page_highlights_each_evidence_phrase_inside_the_task(client, dump):
    zone = URIRef(BASE + "zone/2015/110102")
    cgkg = "https://w3id.org/cgkg/ontology#"
    phrases = {
        str(p)
        for a in dump.objects(zone, URIRef(cgkg + "themeAssignment"))
        for p in dump.objects(a, URIRef(cgkg + "evidencePhrase"))
    }
    assert phrases
    html = page(client, "/zone/2015/110102")
    task = re.search(r'<blockquote lang="zh"[^>]*>(.*?)</blockquote>', html, re.S)
    assert task is not None
    marked = set(re.findall(r"<mark[^>]*><a [^>]*>(.*?)</a></mark>", task.group(1)))
    assert phrases <= marked


def test_zone_page_shows_division_chain_up_to_the_province_with_codes(client):
    html = page(client, "/zone/2015/131003")
    chain = re.search(r'<ol class="chain">(.*?)</ol>', html, re.S)
    assert chain is not None
    codes = re.findall(r"<code>(\d{6})</code>", chain.group(1))
    assert codes == ["131003", "131000", "130000"]


def test_zone_page_shows_period_policy_and_wikidata_link(client):
    html = page(client, "/zone/2015/110102")
    assert "2015-07" in html
    assert "2018-06" in html
    assert 'href="/document/minfa-2013-170"' in html
    assert 'href="http://www.wikidata.org/entity/Q30138"' in html


def test_theme_page_lists_its_zones(client, dump):
    theme = URIRef(BASE + "theme/three-social-linkage")
    zones = set(dump.subjects(URIRef("http://purl.org/dc/terms/subject"), theme))
    html = page(client, "/theme/three-social-linkage")
    for zone in zones:
        assert f'href="/{str(zone)[len(BASE) :]}"' in html


@pytest.mark.parametrize(
    "path",
    [
        "/division/110102",
        "/document/minfa-2013-170",
        "/agency/mca",
        "/initiative/365-work-system",
        "/designation/2015",
        "/scheme/themes",
        "/graph/notice",
        "/dataset",
        "/query/01-zones-per-province",
    ],
)
def test_every_kind_of_resource_has_a_page_with_its_fetching_query(client, path):
    html = page(client, path)
    assert '<a href="/sparql?query=' in html
    assert f"VALUES ?resource {{ &lt;{BASE}{path.lstrip('/')}&gt; }}" in html


def test_home_page_counts_zones_and_charts_them_per_province(client, dump):
    html = page(client, "/")
    zones = set(dump.subjects(RDF.type, URIRef("https://w3id.org/cgkg/ontology#ExperimentalZone")))
    assert f"<strong>{len(zones)}</strong>" in html
    charts = re.findall(r"<svg .*?</svg>", html, re.S)
    assert len(charts) == 2
    bars = [int(n) for n in re.findall(r"<title>[^<]*: (\d+)</title>", charts[0])]
    assert sum(bars) == len(zones)


@pytest.mark.parametrize(
    ("path", "rows"), [("/zones", 40), ("/themes", None), ("/divisions", None)]
)
def test_browse_lists_link_every_item(client, dump, path, rows):
    html = page(client, path)
    body = re.search(r"<tbody>(.*?)</tbody>", html, re.S)
    assert body is not None
    found = body.group(1).count("<tr>")
    kind = {
        "/zones": "ExperimentalZone",
        "/themes": "Theme",
        "/divisions": "AdministrativeDivision",
    }[path]
    expected = len(set(dump.subjects(RDF.type, URIRef("https://w3id.org/cgkg/ontology#" + kind))))
    assert found == expected
    if rows is not None:
        assert found == rows


LIST_CLASSES = {
    "/zones": "ExperimentalZone",
    "/themes": "Theme",
    "/divisions": "AdministrativeDivision",
}


@pytest.mark.parametrize("path", sorted(LIST_CLASSES))
def test_browse_lists_are_rdf_by_accept(client, dump, path):
    response = client.get(path, headers={"Accept": "text/turtle"})
    assert (response.mimetype, "Accept" in response.headers["Vary"]) == ("text/turtle", True)
    graph = Graph().parse(data=response.data, format="turtle")
    kind = URIRef("https://w3id.org/cgkg/ontology#" + LIST_CLASSES[path])
    assert set(graph.subjects(RDF.type, kind)) == set(dump.subjects(RDF.type, kind))


@pytest.mark.parametrize(
    ("extension", "rdflib_format"),
    [("ttl", "turtle"), ("nt", "nt"), ("jsonld", "json-ld"), ("rdf", "xml")],
)
def test_browse_lists_are_rdf_by_extension(client, dump, extension, rdflib_format):
    response = client.get(f"/initiatives.{extension}", headers={"Accept": BROWSER})
    graph = Graph().parse(data=response.data, format=rdflib_format)
    labels = {(s, o) for s, o in graph.subject_objects(SKOS.prefLabel) if "initiative/" in str(s)}
    expected = {(s, o) for s, o in dump.subject_objects(SKOS.prefLabel) if "initiative/" in str(s)}
    assert (len(labels), labels) == (len(expected), expected)


def test_browse_list_rdf_holds_what_its_table_shows(client, dump):
    graph = Graph().parse(data=client.get("/zones.nt").data, format="nt")
    zone = URIRef(BASE + "zone/2015/110102")
    division = URIRef(BASE + "division/110102")
    assert set(graph.triples((division, None, None))) == {
        (division, CGKG.divisionCode, Literal("110102")),
        (division, CGKG.province, URIRef(BASE + "division/110000")),
    }
    assert set(graph.objects(zone, SKOS.prefLabel)) == set(dump.objects(zone, SKOS.prefLabel))


@pytest.mark.parametrize("path", ["/", "/zones", "/zone/2015/110102", "/ontology"])
@pytest.mark.parametrize(("lang", "value"), [("zh", "zh, en"), ("en", "en, zh")])
def test_pages_say_their_two_languages_first_one_first(client, path, lang, value):
    response = client.get(path, query_string={"lang": lang}, headers={"Accept": BROWSER})
    assert response.headers["Content-Language"] == value


@pytest.mark.parametrize(
    ("path", "varies"), [("/", False), ("/downloads", False), ("/zones", True)]
)
def test_pages_vary_on_accept_only_where_it_is_negotiated(client, path, varies):
    vary = client.get(path, headers={"Accept": BROWSER}).headers["Vary"]
    assert ("Accept" in [v.strip() for v in vary.split(",")]) is varies


def test_service_vocabulary_resolves_with_an_anchor_per_term(client):
    """``cgkgsd:`` terms of the service description resolve at /service#term."""
    graph = Graph().parse(data=client.get("/service", headers={"Accept": "text/turtle"}).data)
    terms = {str(s) for s in graph.subjects(RDF.type, OWL.DatatypeProperty)}
    terms |= {str(s) for s in graph.subjects(RDF.type, OWL.ObjectProperty)}
    html = page(client, "/service")
    anchors = set(re.findall(r'id="([^"]+)"', html))
    assert {t.removeprefix(BASE + "service#") for t in terms} <= anchors
    assert all(t.startswith(BASE + "service#") for t in terms)
    assert len(terms) == 9


def test_ontology_page_has_an_anchor_for_every_class_and_property(client, built_out):
    ontology = Graph().parse(built_out / "current" / "ontology.ttl")
    html = page(client, "/ontology")
    for kind in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty):
        for term in ontology.subjects(RDF.type, kind):
            if isinstance(term, URIRef):
                assert f'id="{str(term).split("#")[1]}"' in html


@pytest.mark.parametrize(
    ("name", "accept"),
    [
        ("ontology", "text/turtle"),
        ("ontology", "application/rdf+xml"),
        ("shapes", "text/turtle"),
        ("shapes", "application/ld+json"),
    ],
)
def test_ontology_and_shapes_are_rdf_by_accept(client, built_out, name, accept):
    response = client.get(f"/{name}", headers={"Accept": accept})
    assert response.status_code == 200
    fmt = {"text/turtle": "turtle", "application/rdf+xml": "xml", "application/ld+json": "json-ld"}[
        accept
    ]
    served = Graph().parse(data=response.get_data(as_text=True), format=fmt)
    assert isomorphic(served, Graph().parse(built_out / "current" / f"{name}.ttl"))


def test_shapes_page_lists_every_node_shape(client, built_out):
    shapes = Graph().parse(built_out / "current" / "shapes.ttl")
    node_shapes = set(shapes.subjects(RDF.type, URIRef("http://www.w3.org/ns/shacl#NodeShape")))
    html = page(client, "/shapes")
    assert html.count('<article class="term"') == len(node_shapes)


def test_downloads_page_lists_every_dump_with_size_hash_and_licence(client, built_out):
    manifest = json.loads((built_out / "current" / "manifest.json").read_text(encoding="utf-8"))
    html = page(client, "/downloads")
    for dump in manifest["dumps"]:
        assert dump["sha256"] in html
        assert f"{dump['bytes']:,}" in html
        assert Path(dump["path"]).name in html
    assert html.count('rel="license"') >= len(manifest["dumps"])


def test_download_links_are_versioned_and_serve_the_file(client, built_out):
    manifest = json.loads((built_out / "current" / "manifest.json").read_text(encoding="utf-8"))
    html = page(client, "/downloads")
    links = re.findall(r'<a href="([^"]+)" type="[^"]+" download>', html)
    assert len(links) == len(manifest["dumps"])
    for link, dump in zip(links, manifest["dumps"], strict=True):
        assert manifest["dataset_version"] in link
        response = client.get(link)
        body = response.get_data()
        response.close()
        assert response.status_code == 200
        assert len(body) == dump["bytes"]


def test_well_known_void_is_the_dataset_description(client):
    response = client.get("/.well-known/void", headers={"Accept": "text/turtle"})
    assert response.status_code == 200
    graph = Graph().parse(data=response.get_data(as_text=True), format="turtle")
    assert (URIRef(BASE + "dataset"), RDF.type, None) in graph


def test_well_known_void_sends_browsers_to_the_dataset_page(client):
    response = client.get("/.well-known/void", headers={"Accept": BROWSER})
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/dataset")


def test_pages_need_no_javascript(client):
    # JSON-LD data blocks (schema.org markup) are data, never run
    data_block = re.compile(r'<script type="application/ld\+json">.*?</script>', re.S)
    for path in ("/", "/zone/2015/110102", "/themes", "/ontology", "/downloads", "/dataset"):
        assert "<script" not in data_block.sub("", page(client, path))


def test_zone_page_marks_the_initiatives_its_task_names(client, dump):
    zone = URIRef(BASE + "zone/2015/210203")
    initiatives = set(dump.objects(zone, URIRef("https://w3id.org/cgkg/ontology#initiative")))
    assert initiatives
    html = page(client, "/zone/2015/210203")
    task = re.search(r'<blockquote lang="zh"[^>]*>(.*?)</blockquote>', html, re.S)
    assert task is not None
    marked = set(re.findall(r'<mark class="initiative"[^>]*><a href="([^"]+)"', task.group(1)))
    assert marked
    assert marked <= {"/" + str(i)[len(BASE) :] for i in initiatives}


def query_links(html: str) -> list[str]:
    return re.findall(r'<a href="(/sparql\?query=[^"]+)"', html)


@pytest.mark.parametrize(("path", "count"), [("/", 3), ("/ontology", 1)])
def test_home_and_ontology_pages_show_queries_that_run(client, path, count):
    links = query_links(page(client, path))
    assert len(links) == count
    for link in links:
        answer = client.get(
            link.replace("&amp;", "&"),
            headers={"Accept": "text/turtle, application/sparql-results+json"},
        )
        assert answer.status_code == 200
        assert answer.get_data()


def test_ontology_page_query_fetches_the_ontology(client, built_out):
    link = query_links(page(client, "/ontology"))[0].replace("&amp;", "&")
    fetched = Graph().parse(
        data=client.get(link, headers={"Accept": "text/turtle"}).get_data(as_text=True),
        format="turtle",
    )
    published = Graph().parse(built_out / "current" / "ontology.ttl", format="turtle")
    assert isomorphic(fetched, published)

"""The whole site, crawled from the home page, and every subject of the Turtle dump, resolved."""

from __future__ import annotations

import re
from collections import deque
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qsl, urldefrag, urlencode, urljoin, urlsplit

import pytest
from flask.testing import FlaskClient
from rdflib import BNode, Graph, URIRef
from rdflib.term import Node

BASE = "https://w3id.org/cgkg/"
ORIGIN = "http://localhost"
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
IRI = re.compile(r"<[^<>\s]*>")
ALTERNATE = re.compile(r"/(?P<kind>[a-z-]+)/.*\.(?P<ext>ttl|nt|jsonld|rdf|html)")
RDF_TYPES = {
    "text/turtle": "turtle",
    "application/n-triples": "nt",
    "application/ld+json": "json-ld",
    "application/rdf+xml": "xml",
}


class Links(HTMLParser):
    """Every URL a page links to or loads (a, link, script, img, form)."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        for name in ("href", "src", "action"):
            value = found.get(name)
            if value:
                self.urls.append(value)


def internal(url: str) -> str | None:
    """The path and query of a link to this site, without fragment; None for others' sites."""
    absolute = urldefrag(urljoin(ORIGIN + "/", url)).url
    parts = urlsplit(absolute)
    if f"{parts.scheme}://{parts.netloc}" != ORIGIN:
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def template(path: str) -> str:
    """A link's shape, visited once: editor links (`/sparql?query=…`) that differ only in
    the IRIs the query names are the same page run for another resource; the alternate
    formats of a resource (`/zone/…/x.ttl`) are made alike for every resource of its kind,
    and each resource's own triples in every format are checked by the dump tests below."""
    parts = urlsplit(path)
    extension = ALTERNATE.fullmatch(parts.path)
    if extension is not None and not parts.query:
        return f"/{extension['kind']}/*.{extension['ext']}"
    if parts.path != "/sparql" or not parts.query:
        return path
    params = sorted((k, IRI.sub("<>", v)) for k, v in parse_qsl(parts.query))
    return "/sparql?" + urlencode(params)


def crawl(client: FlaskClient, start: str) -> tuple[dict[str, int], dict[str, list[str]]]:
    """Status of every internal URL reachable from `start` (one per editor-link shape), and
    which page linked to it."""
    seen: dict[str, int] = {}
    sources: dict[str, list[str]] = {}
    shapes: set[str] = set()
    queue = deque([start])
    while queue:
        url = queue.popleft()
        if url in seen or template(url) in shapes:
            continue
        shapes.add(template(url))
        response = client.get(url, headers={"Accept": BROWSER})
        body = response.get_data()
        response.close()
        seen[url] = response.status_code
        targets: list[str] = []
        if response.status_code in (301, 302, 303, 307, 308):
            targets = [response.headers["Location"]]
        elif response.mimetype == "text/html":
            parser = Links()
            parser.feed(body.decode("utf-8"))
            targets = parser.urls
        for target in targets:
            path = internal(target)
            if path is not None:
                sources.setdefault(path, []).append(url)
                if path not in seen:
                    queue.append(path)
    return seen, sources


@pytest.mark.slow
def test_every_link_from_the_home_page_answers(client):
    statuses, sources = crawl(client, "/")
    broken = {
        url: (code, sources.get(url, [])[:2])
        for url, code in statuses.items()
        if code not in (200, 301, 303)
    }
    assert not broken
    assert len(statuses) > 500  # zones, divisions, themes, each kind's formats, the queries…
    assert sum(url.startswith("/sparql?") for url in statuses) > 20  # each editor-link shape
    assert statuses["/sparql"] == 200


@pytest.fixture(scope="module")
def dump(built_out: Path) -> Graph:
    return Graph().parse(built_out / "current" / "dumps" / "cgkg.ttl")


def documents(dump: Graph) -> list[str]:
    """Every IRI document the dump's subjects live in (hash IRIs share their document)."""
    subjects = {str(s) for s in dump.subjects() if isinstance(s, URIRef)}
    return sorted({s.split("#")[0] for s in subjects})


def own_triples(dump: Graph, document: str) -> set[tuple[Node, Node, Node]]:
    """The dump's triples whose subject is the document or one of its hash IRIs."""
    return {
        (s, p, o)
        for s, p, o in dump
        if isinstance(s, URIRef)
        and str(s).split("#")[0] == document
        and not isinstance(o, BNode)  # blank nodes are renamed by every parser
    }


@pytest.mark.slow
def test_every_subject_of_the_dump_resolves_in_html(client, dump):
    for document in documents(dump):
        path = "/" + document[len(BASE) :]
        response = client.get(path, headers={"Accept": BROWSER})
        assert (path, response.status_code, response.mimetype) == (path, 200, "text/html")


@pytest.mark.slow
@pytest.mark.parametrize("media_type", sorted(RDF_TYPES))
def test_every_subject_of_the_dump_resolves_to_its_own_triples(client, dump, media_type):
    docs = documents(dump)
    assert all(d.startswith(BASE) for d in docs)
    for document in docs:
        path = "/" + document[len(BASE) :]
        response = client.get(path, headers={"Accept": media_type})
        assert (path, response.status_code) == (path, 200)
        assert response.mimetype == media_type
        served = Graph().parse(data=response.get_data(as_text=True), format=RDF_TYPES[media_type])
        missing = own_triples(dump, document) - set(served)
        assert not missing, (path, sorted(missing)[:3])

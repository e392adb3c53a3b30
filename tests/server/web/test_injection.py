"""Script injection: whatever a client puts in a query, an IRI, ``lang``, a path or a query
result, no HTML page comes back with anything of it live (a script, an event handler, a
link of another scheme than http(s))."""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import quote, urlencode

import pytest
from flask.testing import FlaskClient

PAYLOADS = [
    "<script>alert('cgkg')</script>",
    '"><img src=x onerror=alert(1)>',
    "'><svg onload=alert(1)>",
    "</textarea><script>alert(1)</script>",
    "</title><script>alert(1)</script>",
    "javascript:alert(1)",
    "<a href=javascript:alert(1)>x</a>",
    '<iframe srcdoc="<script>alert(1)</script>">',
]
_LIVE_SCHEMES = ("javascript:", "data:", "vbscript:")
# A data block (the schema.org JSON-LD) is never run by a browser; what is in it must not end
# it early, which the parser shows as markup or an inline script after it.
_DATA_BLOCKS = ("application/ld+json",)


class _Live(HTMLParser):
    """Collects what would run or navigate: scripts, handlers, hrefs of other schemes."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "script" and dict(attrs).get("type") not in _DATA_BLOCKS:
            src = dict(attrs).get("src") or ""
            if not src.startswith("/static/"):
                self.found.append(f"<script src={src!r}>")
            self._in_script = True
        if tag in ("iframe", "object", "embed", "frame", "base"):
            self.found.append(f"<{tag}>")
        for name, value in attrs:
            text = (value or "").strip().lower()
            if name.startswith("on"):
                self.found.append(f"{tag} {name}=")
            if name in ("href", "src", "action", "formaction") and text.startswith(_LIVE_SCHEMES):
                self.found.append(f"{tag} {name}={value}")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script and data.strip():
            self.found.append("inline script")


def live_parts(html: str) -> list[str]:
    parser = _Live()
    parser.feed(html)
    return parser.found


def html_get(client: FlaskClient, path: str) -> str:
    response = client.get(path, headers={"Accept": "text/html"})
    assert response.status_code < 500, path
    return response.get_data(as_text=True)


def query_page(query: str) -> str:
    return "/sparql?" + urlencode({"query": query})


def test_the_checker_finds_what_would_run() -> None:
    page = '<p onclick="x()"><a href="JavaScript:x">a</a><script>alert(1)</script></p>'
    assert live_parts(page) == [
        "p onclick=",
        "a href=JavaScript:x",
        "<script src=''>",
        "inline script",
    ]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_nothing_in_the_query_text_is_live_on_the_query_page(
    client: FlaskClient, payload: str
) -> None:
    for query in (f"SELECT * WHERE {{ ?s ?p ?o }} # {payload}", f"SELECT {payload}"):
        assert live_parts(html_get(client, query_page(query))) == []


@pytest.mark.parametrize("payload", PAYLOADS)
def test_nothing_in_query_results_is_live(client: FlaskClient, payload: str) -> None:
    literal = payload.replace("\\", "\\\\").replace('"', '\\"')
    queries = [
        f'SELECT ?x WHERE {{ VALUES ?x {{ "{literal}" "{literal}"@en }} }}',
        f'SELECT ?x WHERE {{ BIND(IRI("{quote(payload, safe=":/")}") AS ?x) }}',
        f'CONSTRUCT {{ <urn:a> <urn:b> "{literal}" }} WHERE {{}}',
    ]
    for query in queries:
        assert live_parts(html_get(client, query_page(query))) == []


@pytest.mark.parametrize(
    "scheme",
    [
        "javascript:alert(1)",
        "data:text/html,<script>x</script>",
        "vbscript:x",
        "JAVASCRIPT:alert(1)",
    ],
)
def test_an_iri_result_of_another_scheme_is_not_live(client: FlaskClient, scheme: str) -> None:
    query = f'SELECT ?x WHERE {{ BIND(IRI("{scheme}") AS ?x) }}'
    assert live_parts(html_get(client, query_page(query))) == []


@pytest.mark.parametrize("payload", PAYLOADS)
@pytest.mark.parametrize("page", ["/", "/zones", "/zone/2015/110102", "/sparql", "/ontology"])
def test_nothing_in_lang_is_live(client: FlaskClient, payload: str, page: str) -> None:
    assert live_parts(html_get(client, page + "?" + urlencode({"lang": payload}))) == []


@pytest.mark.parametrize("payload", PAYLOADS)
@pytest.mark.parametrize("prefix", ["/zone/2015/", "/theme/", "/nothing-here/", "/dumps/"])
def test_nothing_in_a_path_or_an_iri_is_live(
    client: FlaskClient, payload: str, prefix: str
) -> None:
    assert live_parts(html_get(client, prefix + quote(payload, safe=""))) == []

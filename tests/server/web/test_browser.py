"""The site in a real headless browser (Debian's chromium via Playwright), against the
production server (granian).

The browser may reach 127.0.0.1 only: every other request is aborted and
recorded, and a test fails if its page tried one. Screenshots are written to
test-artifacts/ (git-ignored) for people to look at.
"""

from __future__ import annotations

import json
import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, Route, sync_playwright

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts"


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (apt-get install chromium)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield chromium
        chromium.close()


class Session:
    """A page whose requests outside 127.0.0.1 are blocked and remembered."""

    def __init__(self, page: Page, origin: str) -> None:
        self.page = page
        self.origin = origin
        self.blocked: list[str] = []
        self.errors: list[str] = []
        self.refused: list[str] = []
        """What the Content-Security-Policy refused, from the console."""
        page.route("**/*", self._route)
        page.on("pageerror", lambda error: self.errors.append(str(error)))
        page.on("console", self._console)

    def _console(self, message: Any) -> None:
        if message.type == "error" and "Content Security Policy" in message.text:
            self.refused.append(message.text)

    def _route(self, route: Route) -> None:
        if route.request.url.startswith("http://127.0.0.1:"):
            route.continue_()
        else:
            self.blocked.append(route.request.url)
            route.abort()

    def goto(self, path: str) -> None:
        response = self.page.goto(self.origin + path)
        assert response is not None
        assert response.status == 200, path

    def shot(self, name: str) -> None:
        ARTIFACTS.mkdir(exist_ok=True)
        self.page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


@pytest.fixture
def session(browser: Browser, live_server: Any) -> Iterator[Session]:
    context = browser.new_context(viewport={"width": 1200, "height": 900}, locale="zh-CN")
    session = Session(context.new_page(), live_server.url)
    yield session
    context.close()
    assert not session.blocked, "the page tried to leave 127.0.0.1"
    assert not session.errors
    assert not session.refused, "the Content-Security-Policy refused part of the page"


def test_home_page_shows_counts_and_charts(session):
    session.goto("/")
    page = session.page
    assert page.locator("html").get_attribute("lang") == "zh"
    assert page.locator("ul.counts li").count() >= 4
    assert page.locator("figure.chart svg rect.bar").count() > 25
    session.shot("home")


def test_zone_page_highlights_evidence_and_fits_a_phone(browser: Browser, live_server: Any) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
    session = Session(context.new_page(), live_server.url)
    try:
        session.goto("/zone/2015/210203")
        page = session.page
        assert page.locator("blockquote[lang=zh] mark").count() >= 1
        assert page.locator("ol.chain li").count() == 3
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390
        session.shot("zone-phone")
    finally:
        context.close()
    assert not session.blocked


def test_zone_page_in_english_first(session):
    session.goto("/zone/2015/110102?lang=en")
    assert session.page.locator("html").get_attribute("lang") == "en"
    assert session.page.locator("h1 span").first.get_attribute("lang") == "en"
    session.shot("zone-en")


def test_query_editor_runs_an_example_and_shows_the_results_table(session):
    session.goto("/sparql")
    page = session.page
    page.wait_for_selector(".yasqe .CodeMirror", timeout=20_000)
    assert page.locator("#plain-form").is_hidden()
    page.locator("a.example").first.click()
    table = page.wait_for_selector(".yasr table tbody tr", timeout=20_000)
    assert table is not None
    assert page.locator(".yasr table tbody tr").count() > 1
    assert page.locator(".CodeMirror .cm-keyword").count() > 0  # highlighted SPARQL
    session.shot("query-editor")


def test_query_form_works_without_javascript(browser: Browser, live_server: Any) -> None:
    context = browser.new_context(
        java_script_enabled=False, viewport={"width": 1200, "height": 900}
    )
    session = Session(context.new_page(), live_server.url)
    try:
        session.goto("/sparql")
        page = session.page
        assert page.locator("#plain-form").is_visible()
        page.locator("a.example").first.click()
        page.wait_for_selector("table.results tbody tr")
        assert page.locator("table.results tbody tr").count() > 1
        session.shot("query-no-javascript")
    finally:
        context.close()
    assert not session.blocked


SHARED = "SELECT ?zone WHERE { ?zone a <https://w3id.org/cgkg/ontology#ExperimentalZone> } LIMIT 3"


def editor_text(page: Page) -> str:
    return str(page.evaluate("document.querySelector('.CodeMirror').CodeMirror.getValue()"))


def share_link(session: Session, query: str) -> str:
    """What YASGUI's share button gives for ``query`` typed into the editor."""
    session.goto("/sparql")
    page = session.page
    page.wait_for_selector(".yasqe .CodeMirror", timeout=20_000)
    page.evaluate("q => document.querySelector('.CodeMirror').CodeMirror.setValue(q)", query)
    page.locator(".yasqe_share").click()
    return page.locator(".yasqe_sharePopup input").input_value()


def test_query_editor_share_link_restores_the_query(session):
    link = share_link(session, SHARED)
    assert link.startswith(session.origin + "/sparql?query=")
    page = session.page
    response = page.goto(link)
    assert response is not None
    assert response.status == 200
    page.wait_for_selector(".yasr table tbody tr", timeout=20_000)
    assert editor_text(page) == SHARED
    assert page.locator(".yasr table tbody tr").count() == 3
    session.shot("query-shared")


def test_query_editor_share_link_of_a_long_query_keeps_it_in_the_fragment(session):
    long_query = SHARED + "\n# " + "x" * 9000  # over the server's 8 KiB URL limit
    link = share_link(session, long_query)
    assert link.startswith(session.origin + "/sparql#query=")
    session.goto("/")  # else the link only moves to a fragment of the same page
    page = session.page
    page.goto(link)
    page.wait_for_selector(".yasr table tbody tr", timeout=20_000)
    assert editor_text(page) == long_query


SEARCH_ZONES = """PREFIX cgkg: <https://w3id.org/cgkg/ontology#>
PREFIX search: <https://w3id.org/cgkg/search#>
SELECT ?zone WHERE {
  ?zone a cgkg:ExperimentalZone .
  BIND(search:score(?zone, "三社联动") AS ?score) FILTER(BOUND(?score))
} ORDER BY DESC(?score) ?zone"""


def test_search_box_finds_what_the_api_and_sparql_find(session, live_server):
    session.goto("/zones")
    page = session.page
    page.fill("header form.search input[name=q]", "三社联动")
    page.press("header form.search input[name=q]", "Enter")
    page.wait_for_selector("ol.search-results li")
    shown = [li.get_attribute("data-iri") for li in page.locator("ol.search-results li").all()]
    assert page.locator("ol.search-results mark").first.inner_text() == "三社联动"
    session.shot("search")
    status, body = live_server.get(
        "/search?" + urllib.parse.urlencode({"q": "三社联动"}), {"Accept": "application/json"}
    )
    assert status == 200
    assert shown == [r["iri"] for r in json.loads(body)["results"]]
    status, body = live_server.get(
        "/sparql?" + urllib.parse.urlencode({"query": SEARCH_ZONES}),
        {"Accept": "application/sparql-results+json"},
    )
    zones = [b["zone"]["value"] for b in json.loads(body)["results"]["bindings"]]
    assert status == 200
    assert zones == [iri for iri in shown if "/zone/" in str(iri)]

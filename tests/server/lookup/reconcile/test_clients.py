"""/reconcile through the production server (granian), as OpenRefine's two sides reach it:
its Java back end POSTs form-encoded batches (here: requests), its web page fetches
suggestions across origins and frames previews (here: headless Chromium on a page served
from another port of 127.0.0.1, as OpenRefine serves its own at 127.0.0.1:3333)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import requests
from playwright.sync_api import Browser, Page, sync_playwright

from tests.server.support import LiveServer

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"]


class _Page(BaseHTTPRequestHandler):
    """Stands in for OpenRefine's web page: another origin (port) on this machine."""

    body = b""

    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(self.body)))
        self.end_headers()
        self.wfile.write(self.body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def other_origin() -> Iterator[tuple[str, type[_Page]]]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Page)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}", _Page
    server.shutdown()
    server.server_close()


def test_back_end_batch_and_extension_over_http(live_server: LiveServer) -> None:
    url = live_server.url + "/reconcile"
    assert requests.get(url, timeout=30).json()["identifierSpace"] == "https://w3id.org/cgkg/"
    batch = {"q0": {"query": "江苏省南京市鼓楼区", "type": "division"}, "q1": {"query": "鼓楼区"}}
    answer = requests.post(url, data={"queries": json.dumps(batch)}, timeout=30).json()
    assert [(r["id"], r["match"]) for r in answer["q0"]["result"]] == [("division/320106", True)]
    assert len(answer["q1"]["result"]) == 2
    extend = {"ids": ["division/320106"], "properties": [{"id": "parent"}]}
    rows = requests.post(url, data={"extend": json.dumps(extend)}, timeout=30).json()["rows"]
    assert rows["division/320106"]["parent"] == [{"id": "division/320100", "name": "南京市"}]


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (apt-get install chromium)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield chromium
        chromium.close()


def page_of_other_origin(
    browser: Browser, other_origin: tuple[str, type[_Page]], body: str
) -> Page:
    origin, handler = other_origin
    handler.body = body.encode()
    page = browser.new_page()
    page.goto(f"{origin}/project")
    return page


@pytest.mark.browser
def test_preview_shows_in_an_iframe_of_another_site(
    browser: Browser, live_server: LiveServer, other_origin: tuple[str, type[_Page]]
) -> None:
    src = f"{live_server.url}/reconcile/preview?id=division/330103"
    page = page_of_other_origin(browser, other_origin, f'<iframe id="p" src="{src}"></iframe>')
    try:
        frame = page.frame_locator("#p")
        assert "拱墅区 (330105)" in frame.locator("body").inner_text(timeout=10_000)
    finally:
        page.close()


@pytest.mark.browser
def test_suggest_answers_a_page_of_another_origin(
    browser: Browser, live_server: LiveServer, other_origin: tuple[str, type[_Page]]
) -> None:
    page = page_of_other_origin(browser, other_origin, "<p>project</p>")
    try:
        url = f"{live_server.url}/reconcile/suggest/entity?prefix=" + "鼓楼"
        ids = page.evaluate(
            "async (url) => (await (await fetch(url)).json()).result.map(r => r.id)", url
        )
        assert ids[:2] == ["division/320106", "division/350102"]
    finally:
        page.close()

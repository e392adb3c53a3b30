"""GET /search: the JSON API, the results page, the box on every page, the 400s."""

from __future__ import annotations

import re

import pytest
from flask.testing import FlaskClient

from tests.server.search.conftest import zones_containing

JSON = {"Accept": "application/json"}
HTML = {"Accept": "text/html"}


def _api(client: FlaskClient, **params: object) -> list[dict[str, object]]:
    response = client.get("/search", query_string=params, headers=JSON)
    assert response.status_code == 200, response.data
    results: list[dict[str, object]] = response.json["results"]  # type: ignore[index]
    return results


def test_api_finds_the_zones_whose_task_holds_the_phrase(client, zone_tasks):
    results = _api(client, q="三社联动", type="zone", limit=100)
    assert {r["iri"] for r in results} == zones_containing(zone_tasks, "三社联动")


def test_api_result_has_iri_label_type_score_and_highlighted_passage(client):
    result = _api(client, q="三社联动", type="zone", limit=1)[0]
    assert set(result) >= {"iri", "label", "type", "score", "passage", "highlights"}
    assert result["type"] == "zone"
    assert str(result["label"]).endswith("实验区")
    assert "<mark>三社联动</mark>" in str(result["highlighted"])
    start, end = result["highlights"][0]  # type: ignore[index]
    assert str(result["passage"])[start:end] == "三社联动"


def test_api_and_page_list_the_same_resources_in_the_same_order(client):
    api = [r["iri"] for r in _api(client, q="协商", limit=100)]
    page = client.get("/search", query_string={"q": "协商", "limit": 100}, headers=HTML)
    assert page.status_code == 200
    assert re.findall(r'<li data-iri="([^"]+)"', page.data.decode()) == api


def test_page_marks_the_match(client):
    page = client.get("/search", query_string={"q": "三社联动"}, headers=HTML).data.decode()
    assert "<mark>三社联动</mark>" in page


@pytest.mark.parametrize("path", ["/", "/zones", "/zone/2015/110102", "/search"])
def test_every_page_has_the_search_box(client, path):
    page = client.get(path, headers=HTML).data.decode()
    assert '<form class="search" action="/search" method="get" role="search">' in page


@pytest.mark.parametrize(
    ("q", "message"),
    [
        ("", "empty"),
        ("，。、；", "no letters, digits or Chinese characters"),
        ("协" * 201, "at most 200"),
    ],
    ids=["empty", "punctuation", "too-long"],
)
def test_unsearchable_text_is_a_400_in_the_error_shape(client, q, message):
    response = client.get("/search", query_string={"q": q}, headers=JSON)
    assert response.status_code == 400
    body = response.json
    assert set(body) == {"ok", "status", "error", "message"}
    assert (body["ok"], body["status"], body["error"]) == (False, 400, "Bad Request")
    assert message in body["message"]


def test_a_missing_q_is_a_400_for_programs(client):
    assert client.get("/search", headers=JSON).status_code == 400


def test_a_browser_gets_the_page_with_the_reason(client):
    response = client.get("/search", query_string={"q": "。。"}, headers=HTML)
    assert response.status_code == 400
    assert "no letters, digits or Chinese characters" in response.data.decode()


@pytest.mark.parametrize("limit", ["0", "101", "ten", "-1"])
def test_a_bad_limit_is_a_400(client, limit):
    response = client.get("/search", query_string={"q": "协商", "limit": limit}, headers=JSON)
    assert response.status_code == 400


def test_results_carry_a_validator_per_query(client):
    one = client.get("/search?q=协商", headers=JSON).headers["ETag"]
    two = client.get("/search?q=法治", headers=JSON).headers["ETag"]
    assert one != two
    assert client.get("/search?q=协商", headers={**JSON, "If-None-Match": one}).status_code == 304

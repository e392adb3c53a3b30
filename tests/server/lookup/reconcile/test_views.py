"""/reconcile as OpenRefine 3.x uses it: manifest, batches (form field and GET parameter),
preview, suggest, property proposals and data extension; every response validated
against the v0.2 schemas."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from jsonschema import ValidationError

from server.lookup.table import NameTable
from server.services import EXTENSION_KEY

Validate = Callable[[str, Any], None]
Reconcile = Callable[..., dict[str, Any]]


def test_manifest_validates_and_names_every_service(
    client: FlaskClient, validate: Validate
) -> None:
    doc = client.get("/reconcile").get_json()
    validate("manifest", doc)
    assert doc["identifierSpace"] == "https://w3id.org/cgkg/"
    assert {"view", "preview", "suggest", "extend", "defaultTypes"} <= set(doc)
    assert [t["id"] for t in doc["defaultTypes"]] == [
        "division",
        "zone",
        "theme",
        "initiative",
        "agency",
    ]


def test_schema_check_refuses_a_broken_manifest(client: FlaskClient, validate: Validate) -> None:
    doc = client.get("/reconcile").get_json()
    del doc["identifierSpace"]
    with pytest.raises(ValidationError):
        validate("manifest", doc)


def test_view_template_leads_to_the_resource_page(client: FlaskClient) -> None:
    url = client.get("/reconcile").get_json()["view"]["url"]
    path = url.replace("{{id}}", "division/110102").split("//", 1)[1].split("/", 1)[1]
    assert client.get("/" + path, headers={"Accept": "text/html"}).status_code == 200


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("北京市西城区", "division/110102"),
        ("西城区", "division/110102"),
        ("江苏省苏州市姑苏区", "division/320508"),
        ("姑苏区", "division/320508"),
        ("Xicheng District", "division/110102"),
        ("北京市西成区", "division/110102"),
        ("320106", "division/320106"),
    ],
)
def test_top_candidate_is_right(reconcile: Reconcile, query: str, expected: str) -> None:
    body = reconcile(q0={"query": query, "type": "division"})
    assert body["q0"]["result"][0]["id"] == expected


def test_name_with_its_province_is_a_match(reconcile: Reconcile) -> None:
    result = reconcile(q0={"query": "江苏省苏州市姑苏区", "type": "division"})["q0"]["result"]
    assert [(r["id"], r["match"]) for r in result] == [("division/320508", True)]


def test_typo_is_found_but_not_a_match(reconcile: Reconcile) -> None:
    first = reconcile(q0={"query": "北京市西成区", "type": "division"})["q0"]["result"][0]
    assert first["match"] is False
    assert first["score"] < 100


def test_ambiguous_name_gives_several_candidates_and_no_match(reconcile: Reconcile) -> None:
    result = reconcile(q0={"query": "鼓楼区", "type": "division"})["q0"]["result"]
    assert [r["id"] for r in result] == ["division/320106", "division/350102"]
    assert not any(r["match"] for r in result)
    assert result[0]["description"].startswith("江苏省 南京市")


@pytest.mark.parametrize(
    ("pid", "value", "expected"),
    [
        ("parent", "福州市", "division/350102"),
        ("province", "江苏", "division/320106"),
        ("parent", {"id": "division/350100", "name": "福州市"}, "division/350102"),
        ("parent_code", "320100", "division/320106"),
    ],
)
def test_property_picks_one_of_the_two_gulou(
    reconcile: Reconcile, pid: str, value: Any, expected: str
) -> None:
    query = {"query": "鼓楼区", "type": "division", "properties": [{"pid": pid, "v": value}]}
    result = reconcile(q0=query)["q0"]["result"]
    assert [(r["id"], r["match"]) for r in result] == [(expected, True)]


def test_code_alone_as_a_property_reconciles(reconcile: Reconcile) -> None:
    result = reconcile(q0={"properties": [{"pid": "code", "v": "350102"}]})["q0"]["result"]
    assert result[0]["id"] == "division/350102"
    assert result[0]["match"] is True


def test_batch_as_get_parameter_gives_the_same_answer(
    client: FlaskClient, reconcile: Reconcile
) -> None:
    batch = {"q0": {"query": "鼓楼区"}, "q1": {"query": "Xicheng"}}
    got = client.get("/reconcile", query_string={"queries": json.dumps(batch)}).get_json()
    assert got == reconcile(**batch)


def test_limit_cuts_the_candidates(reconcile: Reconcile) -> None:
    assert len(reconcile(q0={"query": "鼓楼区", "limit": 1})["q0"]["result"]) == 1


@pytest.mark.parametrize(
    "queries",
    [
        "not json",
        "[]",
        "{}",
        '{"q0": 3}',
        '{"q0": {"query": 3}}',
        '{"q0": {"qury": "x"}}',
        '{"q0": {"query": "x", "type": "planet"}}',
        '{"q0": {"query": "x", "properties": [{"pid": "colour", "v": "red"}]}}',
    ],
)
def test_malformed_batch_is_400(client: FlaskClient, queries: str) -> None:
    response = client.post("/reconcile", data={"queries": queries})
    assert response.status_code == 400
    assert response.get_data(as_text=True).startswith("400 Bad Request: ")


def test_extension_returns_codes_and_parents(client: FlaskClient, validate: Validate) -> None:
    query = {
        "ids": ["division/320106", "division/350102", "division/330103", "division/999999"],
        "properties": [{"id": p} for p in ("code", "parent", "province_code", "successor")],
    }
    validate("data-extension-query", query)
    body = client.post("/reconcile", data={"extend": json.dumps(query)}).get_json()
    validate("data-extension-response", body)
    rows = body["rows"]
    assert rows["division/320106"]["code"] == [{"str": "320106"}]
    assert rows["division/320106"]["parent"] == [{"id": "division/320100", "name": "南京市"}]
    assert rows["division/350102"]["parent"] == [{"id": "division/350100", "name": "福州市"}]
    assert rows["division/350102"]["province_code"] == [{"str": "350000"}]
    assert rows["division/330103"]["successor"] == [{"id": "division/330105", "name": "拱墅区"}]
    assert rows["division/999999"] == {
        p: [] for p in ("code", "parent", "province_code", "successor")
    }


def test_extension_of_zone_names_its_division(client: FlaskClient) -> None:
    query = {"ids": ["zone/2015/110102"], "properties": [{"id": "division"}, {"id": "code"}]}
    rows = client.get("/reconcile", query_string={"extend": json.dumps(query)}).get_json()["rows"]
    assert rows["zone/2015/110102"]["division"] == [{"id": "division/110102", "name": "西城区"}]


def test_extension_with_unknown_property_is_400(client: FlaskClient) -> None:
    query = {"ids": ["division/110102"], "properties": [{"id": "colour"}]}
    assert client.post("/reconcile", data={"extend": json.dumps(query)}).status_code == 400


def test_property_proposals_for_divisions(client: FlaskClient) -> None:
    body = client.get("/reconcile/properties?type=division").get_json()
    assert body["type"] == "division"
    ids = [p["id"] for p in body["properties"]]
    assert {"code", "parent", "province", "level", "wikidata", "zone"} <= set(ids)


def test_property_proposals_for_unknown_type_are_400(client: FlaskClient) -> None:
    assert client.get("/reconcile/properties?type=planet").status_code == 400


def test_suggest_entity_completes_a_prefix(client: FlaskClient, validate: Validate) -> None:
    body = client.get("/reconcile/suggest/entity?prefix=鼓楼&type=division").get_json()
    validate("suggest-entities-response", body)
    assert [r["id"] for r in body["result"]] == ["division/320106", "division/350102"]


def test_suggest_type_and_property(client: FlaskClient, validate: Validate) -> None:
    types = client.get("/reconcile/suggest/type?prefix=zone").get_json()
    validate("suggest-types-response", types)
    assert [t["id"] for t in types["result"]] == ["zone"]
    props = client.get("/reconcile/suggest/property?prefix=parent").get_json()
    validate("suggest-properties-response", props)
    assert [p["id"] for p in props["result"]] == ["parent", "parent_code"]


def test_suggest_without_prefix_is_400(client: FlaskClient) -> None:
    assert client.get("/reconcile/suggest/entity").status_code == 400


def test_preview_shows_parents_and_successor(client: FlaskClient) -> None:
    page = client.get("/reconcile/preview?id=division/330103").get_data(as_text=True)
    assert "浙江省 杭州市" in page
    assert "拱墅区 (330105)" in page


def test_preview_of_unknown_id_is_400(client: FlaskClient) -> None:
    assert client.get("/reconcile/preview?id=division/999999").status_code == 400


@pytest.mark.parametrize(
    "url",
    [
        "/reconcile",
        "/reconcile?queries=" + json.dumps({"q0": {"query": "西城区"}}),
        "/reconcile?extend="
        + json.dumps({"ids": ["division/110102"], "properties": [{"id": "code"}]}),
        "/reconcile/suggest/entity?prefix=西城",
        "/reconcile/properties?type=division",
    ],
)
def test_get_answer_is_cacheable_and_revalidates_to_304(client: FlaskClient, url: str) -> None:
    first = client.get(url)
    assert first.status_code == 200
    assert first.headers["Last-Modified"]
    assert first.cache_control.public
    again = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304


def test_each_get_batch_has_its_own_validator(client: FlaskClient) -> None:
    one = client.get("/reconcile", query_string={"queries": '{"q0": {"query": "西城区"}}'})
    other = client.get(
        "/reconcile",
        query_string={"queries": '{"q0": {"query": "鼓楼区"}}'},
        headers={"If-None-Match": one.headers["ETag"]},
    )
    assert other.status_code == 200


def test_manifest_validator_follows_the_host_it_names(client: FlaskClient) -> None:
    here = client.get("/reconcile", base_url="http://a.example").headers["ETag"]
    there = client.get("/reconcile", base_url="http://b.example", headers={"If-None-Match": here})
    assert there.status_code == 200
    assert "Host" in there.vary


def test_posted_batch_is_not_for_http_caches(client: FlaskClient) -> None:
    response = client.post("/reconcile", data={"queries": '{"q0": {"query": "西城区"}}'})
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert "ETag" not in response.headers


def test_posted_batch_sent_again_comes_from_the_result_cache(
    app: Flask, client: FlaskClient
) -> None:
    cache = app.extensions[EXTENSION_KEY].cache
    form = {"queries": '{"q0": {"query": "北京市西城区", "type": "division"}}'}
    first = client.post("/reconcile", data=form)
    hits = cache.hits
    again = client.post("/reconcile", data=form)
    assert cache.hits == hits + 1
    assert again.get_json() == first.get_json()
    assert again.get_json()["q0"]["result"][0]["id"] == "division/110102"


def test_posted_extension_sent_again_comes_from_the_result_cache(
    app: Flask, client: FlaskClient
) -> None:
    cache = app.extensions[EXTENSION_KEY].cache
    form = {"extend": json.dumps({"ids": ["division/320102"], "properties": [{"id": "code"}]})}
    first = client.post("/reconcile", data=form)
    hits = cache.hits
    again = client.post("/reconcile", data=form)
    assert cache.hits == hits + 1
    assert again.get_data() == first.get_data()


def _typos(count: int) -> dict[str, str]:
    queries = {f"q{i}": {"query": f"北京市西丁{'区' * (i + 1)}"} for i in range(count)}
    return {"queries": json.dumps(queries)}


def test_batch_of_typos_over_the_work_budget_is_413(
    make_app: Callable[..., Flask], names: NameTable
) -> None:
    client = make_app(max_typo_comparisons=2 * len(names.form_list)).test_client()
    response = client.post("/reconcile", data=_typos(3))
    assert response.status_code == 413
    assert "Send smaller batches" in response.get_data(as_text=True)


def test_batch_of_typos_within_the_work_budget_is_answered(
    make_app: Callable[..., Flask], names: NameTable
) -> None:
    client = make_app(max_typo_comparisons=2 * len(names.form_list)).test_client()
    response = client.post("/reconcile", data=_typos(2))
    assert response.status_code == 200
    assert response.get_json()["q0"]["result"][0]["id"] == "division/110102"


def test_exact_names_take_nothing_from_the_work_budget(make_app: Callable[..., Flask]) -> None:
    client = make_app(max_typo_comparisons=0).test_client()
    queries = {f"q{i}": {"query": "北京市西城区"} for i in range(50)}
    response = client.post("/reconcile", data={"queries": json.dumps(queries)})
    assert response.status_code == 200

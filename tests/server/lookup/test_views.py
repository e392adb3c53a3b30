"""GET /lookup: JSON for programs, HTML for browsers, 400 for bad input."""

from __future__ import annotations

from flask.testing import FlaskClient


def test_json_candidate_has_iri_labels_level_parents_and_zone(client: FlaskClient) -> None:
    body = client.get("/lookup", query_string={"q": "北京市西城区"}).get_json()
    first = body["candidates"][0]
    assert body["match"] is True
    assert first["iri"] == "https://w3id.org/cgkg/division/110102"
    assert first["label"] == {"zh": "西城区", "en": "Xicheng District", "pinyin": "Xīchéng Qū"}
    assert first["level"] == "county"
    assert [p["code"] for p in first["parents"]] == ["110000"]
    assert first["zone"]["iri"] == "https://w3id.org/cgkg/zone/2015/110102"


def test_ambiguous_name_gives_candidates_told_apart_by_parents(client: FlaskClient) -> None:
    body = client.get("/lookup", query_string={"q": "鼓楼区", "type": "division"}).get_json()
    assert body["match"] is False
    assert [[p["label"]["zh"] for p in c["parents"]] for c in body["candidates"]] == [
        ["南京市", "江苏省"],
        ["福州市", "福建省"],
    ]


def test_abolished_code_resolves_with_status_and_successor(client: FlaskClient) -> None:
    first = client.get("/lookup?q=330103").get_json()["candidates"][0]
    assert first["status"] == "abolished"
    assert first["successor"]["code"] == "330105"
    assert [c["kind"] for c in first["changes"]] == ["merged-into"]


def test_code_kept_after_a_territory_change_says_so(client: FlaskClient) -> None:
    first = client.get("/lookup?q=310106").get_json()["candidates"][0]
    assert first["status"] == "current"
    assert [(c["date"], c["kind"]) for c in first["changes"]] == [("2015-11", "territory-changed")]


def test_code_prefix_lists_the_divisions_under_suzhou(client: FlaskClient) -> None:
    body = client.get("/lookup?q=3205").get_json()
    assert [c["code"] for c in body["candidates"]] == ["320500", "320508"]


def test_browser_gets_an_html_page(client: FlaskClient) -> None:
    response = client.get("/lookup?q=鼓楼区", headers={"Accept": "text/html"})
    assert response.content_type.startswith("text/html")
    page = response.get_data(as_text=True)
    assert "南京市" in page
    assert "福州市" in page


def test_html_form_without_query_is_the_empty_page(client: FlaskClient) -> None:
    response = client.get("/lookup", headers={"Accept": "text/html"})
    assert response.status_code == 200
    assert 'name="q"' in response.get_data(as_text=True)


def test_missing_query_is_400(client: FlaskClient) -> None:
    response = client.get("/lookup", headers={"Accept": "application/json"})
    assert response.status_code == 400
    assert response.get_json()["error"] == "Bad Request"


def test_overlong_query_is_400(client: FlaskClient) -> None:
    assert client.get("/lookup", query_string={"q": "区" * 201}).status_code == 400


def test_unknown_type_is_400(client: FlaskClient) -> None:
    assert client.get("/lookup?q=西城区&type=planet").status_code == 400


def test_limit_out_of_range_is_400(client: FlaskClient) -> None:
    assert client.get("/lookup?q=3&limit=0").status_code == 400


def test_json_answer_carries_validators_and_cache_headers(client: FlaskClient) -> None:
    response = client.get("/lookup", query_string={"q": "西城区"})
    assert response.headers["ETag"]
    assert response.headers["Last-Modified"]
    assert response.cache_control.public
    assert response.cache_control.max_age == 300
    assert "Accept" in response.vary


def test_json_answer_revalidates_to_304(client: FlaskClient) -> None:
    first = client.get("/lookup", query_string={"q": "西城区"})
    again = client.get(
        "/lookup", query_string={"q": "西城区"}, headers={"If-None-Match": first.headers["ETag"]}
    )
    assert again.status_code == 304
    assert again.get_data() == b""


def test_each_query_has_its_own_validator(client: FlaskClient) -> None:
    xicheng = client.get("/lookup", query_string={"q": "西城区"}).headers["ETag"]
    gulou = client.get("/lookup", query_string={"q": "鼓楼区"}, headers={"If-None-Match": xicheng})
    assert gulou.status_code == 200
    assert gulou.headers["ETag"] != xicheng


def test_json_and_html_have_different_validators(client: FlaskClient) -> None:
    json_tag = client.get("/lookup?q=西城区&format=json").headers["ETag"]
    html = client.get("/lookup?q=西城区", headers={"Accept": "text/html"})
    assert html.headers["ETag"] != json_tag

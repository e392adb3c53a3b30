"""The schema.org Dataset markup of the home and dataset pages, read back as JSON-LD."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from flask.testing import FlaskClient
from pyld import jsonld

BLOCK = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)


def _markup(client: FlaskClient, path: str) -> list[dict[str, Any]]:
    html = client.get(path, headers={"Accept": "text/html"}).get_data(as_text=True)
    blocks = BLOCK.findall(html)
    assert len(blocks) == 1
    document = json.loads(blocks[0])
    assert document["@context"] == "https://schema.org/"
    # expand with a local copy of the one context term used: no network in tests
    local = {**document, "@context": {"@vocab": "https://schema.org/"}}
    expanded: list[dict[str, Any]] = jsonld.expand(local)
    return expanded


def _values(node: dict[str, Any], key: str) -> list[Any]:
    return [v.get("@value", v.get("@id")) for v in node.get(f"https://schema.org/{key}", [])]


@pytest.mark.parametrize("path", ["/", "/dataset"])
def test_page_has_a_schema_org_dataset(client, path):
    (dataset,) = _markup(client, path)
    assert dataset["@type"] == ["https://schema.org/Dataset"]
    assert dataset["@id"] == "https://w3id.org/cgkg/dataset"
    names = {(v["@language"], v["@value"]) for v in dataset["https://schema.org/name"]}
    assert {lang for lang, _ in names} == {"zh", "en"}
    assert _values(dataset, "temporalCoverage") == ["2015-07/2018-06"]
    assert _values(dataset, "license") == ["https://creativecommons.org/licenses/by/4.0/"]
    assert _values(dataset, "isAccessibleForFree") == [True]
    assert _values(dataset, "version") == ["1.1.0"]
    assert _values(dataset, "keywords")


def test_markup_names_every_dump(client, built_out):
    (dataset,) = _markup(client, "/")
    manifest = json.loads((built_out / "current" / "manifest.json").read_text(encoding="utf-8"))
    downloads = dataset["https://schema.org/distribution"]
    urls = {d["https://schema.org/contentUrl"][0]["@value"] for d in downloads}
    assert urls == {d["download_url"] for d in manifest["dumps"]}
    for download in downloads:
        assert download["@type"] == ["https://schema.org/DataDownload"]
        assert download["https://schema.org/encodingFormat"]


def test_markup_names_creator_and_publisher(client):
    (dataset,) = _markup(client, "/")
    for key in ("creator", "publisher"):
        (agent,) = dataset[f"https://schema.org/{key}"]
        assert agent["@type"] == ["https://schema.org/Organization"]
        assert _values(agent, "name") == ["cgkg project"]


def test_other_resource_pages_carry_no_dataset_markup(client):
    html = client.get("/zone/2015/110102", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert not BLOCK.search(html)

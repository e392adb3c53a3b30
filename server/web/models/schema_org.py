"""The schema.org ``Dataset`` of the home and dataset pages (for Google Dataset Search and
other crawlers that read schema.org rather than DCAT).

Everything comes from the release: the dataset's description in ``graph/metadata``
(names, descriptions, keywords, licence, version, dates, temporal coverage,
publisher) and the manifest's list of dumps (one ``DataDownload`` each).
"""

from __future__ import annotations

from typing import Any

import pyoxigraph as ox

from server.kg import KnowledgeGraph, query_file

__all__ = ["dataset_markup"]

_LISTS = ("name", "description", "keywords")


def _rows(kg: KnowledgeGraph) -> dict[str, list[ox.NamedNode | ox.Literal]]:
    found: dict[str, list[ox.NamedNode | ox.Literal]] = {}
    dataset = ox.NamedNode(kg.manifest.dataset_iri)
    for row in kg.select(query_file("server.web", "schema_dataset"), {"dataset": dataset}):
        found.setdefault(row["key"].value, []).append(row["value"])
    return found


def _text(term: ox.NamedNode | ox.Literal) -> dict[str, str] | str:
    if isinstance(term, ox.Literal) and term.language:
        return {"@value": term.value, "@language": term.language}
    return term.value


def _agent(found: dict[str, list[ox.NamedNode | ox.Literal]]) -> dict[str, Any]:
    agent: dict[str, Any] = {"@type": "Organization"}
    if found.get("publisherName"):
        agent["name"] = found["publisherName"][0].value
    if found.get("publisherUrl"):
        agent["url"] = found["publisherUrl"][0].value
    return agent


def _downloads(kg: KnowledgeGraph) -> list[dict[str, Any]]:
    downloads = []
    for dump in kg.manifest.dumps:
        url = str(dump.get("download_url") or "")
        if not url:
            continue
        gzipped = dump.get("encoding") == "gzip"
        downloads.append(
            {
                "@type": "DataDownload",
                "name": str(dump["path"]).rsplit("/", 1)[-1],
                "contentUrl": url,
                "encodingFormat": "application/gzip" if gzipped else str(dump["media_type"]),
                "contentSize": f"{dump['bytes']} B",
            }
        )
    return downloads


def dataset_markup(kg: KnowledgeGraph) -> dict[str, Any]:
    """The JSON-LD object of the page's ``<script type="application/ld+json">``."""
    found = _rows(kg)
    markup: dict[str, Any] = {
        "@context": "https://schema.org/",
        "@type": "Dataset",
        "@id": kg.manifest.dataset_iri,
        "identifier": kg.manifest.dataset_iri,
        "isAccessibleForFree": True,
        "inLanguage": ["zh", "en"],
        "spatialCoverage": {
            "@type": "Place",
            "name": [{"@value": "中国", "@language": "zh"}, {"@value": "China", "@language": "en"}],
        },
    }
    for key in _LISTS:
        markup[key] = [_text(term) for term in found.get(key, [])]
    for key in ("license", "version", "datePublished", "dateModified", "url"):
        if found.get(key):
            markup[key] = found[key][0].value
    if found.get("start") and found.get("end"):
        markup["temporalCoverage"] = f"{found['start'][0].value}/{found['end'][0].value}"
    markup["creator"] = markup["publisher"] = _agent(found)
    markup["distribution"] = _downloads(kg)
    markup["includedInDataCatalog"] = {
        "@type": "DataCatalog",
        "@id": kg.base_iri + "catalog",
        "url": kg.base_iri,
    }
    return markup

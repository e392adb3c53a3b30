"""KnowledgeGraph: the manifest, the graphs, and the trusted-query helpers views use."""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox
import pytest

from server.kg import KnowledgeGraph, Manifest, ReleaseError, internal_query

ZONE = "https://w3id.org/cgkg/zone/2015/110102"


@pytest.fixture(scope="module")
def kg(built_out: Path) -> KnowledgeGraph:
    return KnowledgeGraph.open(built_out / "current")


def test_manifest_fields_come_from_the_release(kg: KnowledgeGraph, built_out: Path) -> None:
    raw = json.loads((built_out / "current" / "manifest.json").read_text())
    assert (kg.build_id, kg.manifest.triples, dict(kg.manifest.graphs)) == (
        raw["build_id"],
        raw["triples"],
        raw["graphs"],
    )


def test_build_time_is_timezone_aware(kg: KnowledgeGraph) -> None:
    assert kg.last_modified.tzinfo is not None


def test_graph_names_are_the_manifests(kg: KnowledgeGraph) -> None:
    assert kg.graph_names == frozenset(kg.manifest.graphs)


def test_triples_of_a_graph_match_its_count(kg: KnowledgeGraph) -> None:
    notice = "https://w3id.org/cgkg/graph/notice"
    assert len(list(kg.triples(notice))) == kg.manifest.graphs[notice]


def test_substitutions_bind_values_without_pasting_text(kg: KnowledgeGraph) -> None:
    rows = kg.select("SELECT ?s ?p WHERE { ?s ?p ?o } LIMIT 1", {"s": ox.NamedNode(ZONE)})
    assert [row["s"] for row in rows] == [ox.NamedNode(ZONE)]


def test_describe_has_what_the_resource_says(kg: KnowledgeGraph) -> None:
    subjects = {t.subject for t in kg.describe(ZONE)}
    assert ox.NamedNode(ZONE) in subjects


def test_exists_tells_known_from_unknown(kg: KnowledgeGraph) -> None:
    assert (kg.exists(ZONE), kg.exists(ZONE + "-nope")) == (True, False)


def test_internal_queries_are_read_from_files() -> None:
    assert "?resource" in internal_query("describe")


def test_unreadable_manifest_is_a_release_error(tmp_path: Path) -> None:
    (tmp_path / "manifest.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(ReleaseError, match="unreadable"):
        Manifest.load(tmp_path / "manifest.json")


def test_missing_store_is_a_release_error(tmp_path: Path, built_out: Path) -> None:
    manifest = (built_out / "current" / "manifest.json").read_text(encoding="utf-8")
    (tmp_path / "manifest.json").write_text(manifest, encoding="utf-8")
    with pytest.raises(ReleaseError, match="cannot open the store"):
        KnowledgeGraph.open(tmp_path)

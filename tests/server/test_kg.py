"""KnowledgeGraph: the manifest, the graphs, the trusted-query helpers views use, and the
checks a release must pass before it is served."""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox
import pytest

from server.kg import KnowledgeGraph, query_file
from server.release import Lease, Manifest, ReleaseError

ZONE = "https://w3id.org/cgkg/zone/2015/110102"


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


def test_trusted_queries_are_read_from_their_packages_files() -> None:
    assert "?resource" in query_file("server.web", "resource_describe")


def test_unreadable_manifest_is_a_release_error(tmp_path: Path) -> None:
    (tmp_path / "manifest.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(ReleaseError, match="unreadable"):
        Manifest.load(tmp_path / "manifest.json")


def test_missing_store_is_a_release_error(tmp_path: Path, built_out: Path) -> None:
    manifest = (built_out / "current" / "manifest.json").read_text(encoding="utf-8")
    (tmp_path / "manifest.json").write_text(manifest, encoding="utf-8")
    with pytest.raises(ReleaseError, match="cannot open the store"):
        KnowledgeGraph.open(Lease(tmp_path))

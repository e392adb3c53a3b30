"""Synthetic data at 2x: generated, built and validated like data/, under its own IRI space."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from loader.pipeline import BuildResult, build
from loader.settings import BuildSettings
from loader.synthetic import MAX_SCALE, SYNTHETIC_BASE_IRI, place, write_synthetic

REAL_BASE = "https://w3id.org/cgkg/"
ZONES = """SELECT (COUNT(?z) AS ?n) WHERE {
  ?z a <https://w3id.org/cgkg/ontology#ExperimentalZone> }"""
ZONE_COUNT = """SELECT ?n WHERE { ?d <https://w3id.org/cgkg/ontology#zoneCount> ?n }"""
SUBJECTS = "SELECT DISTINCT ?g ?s WHERE { GRAPH ?g { ?s ?p ?o } }"


def files_of(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


@pytest.fixture(scope="module")
def synthetic_build(tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    data = tmp_path_factory.mktemp("synthetic") / "data"
    write_synthetic(data, scale=2, seed=7)
    out = tmp_path_factory.mktemp("synthetic-build")
    return build(BuildSettings(data_dir=data, out_dir=out, base_iri=SYNTHETIC_BASE_IRI))


@pytest.fixture(scope="module")
def store(synthetic_build: BuildResult) -> ox.Store:
    return ox.Store.read_only(str(synthetic_build.release_dir / "store"))


def count(store: ox.Store, query: str) -> int:
    solutions = store.query(query, use_default_graph_as_union=True)
    assert isinstance(solutions, ox.QuerySolutions)
    return int(next(iter(solutions))[0].value)


def test_the_same_scale_and_seed_give_the_same_bytes(tmp_path):
    write_synthetic(tmp_path / "a", scale=1, seed=3)
    write_synthetic(tmp_path / "b", scale=1, seed=3)
    assert files_of(tmp_path / "a") == files_of(tmp_path / "b")


def test_another_seed_gives_other_tasks(tmp_path):
    write_synthetic(tmp_path / "a", scale=1, seed=3)
    write_synthetic(tmp_path / "b", scale=1, seed=4)
    notice = "sources/mca-notice-40-experimental-zones.txt"
    assert files_of(tmp_path / "a")[notice] != files_of(tmp_path / "b")[notice]


def test_two_times_builds_80_zones_and_says_so(store):
    assert count(store, ZONES) == 80
    assert count(store, ZONE_COUNT) == 80


def test_two_times_holds_about_twice_the_real_triples_per_zone(synthetic_build, build_result):
    # The real release has ~4.3 k triples, of which ~1.2 k (ontology, queries, metadata)
    # do not grow with the zones; 2x must hold between 1.5 and 2.5 times the rest.
    def zone_part(result: BuildResult) -> int:
        graphs = result.manifest["graphs"]
        assert isinstance(graphs, dict)
        return sum(n for g, n in graphs.items() if g.rsplit("/", 1)[-1] in CONTENT_GRAPHS)

    ratio = zone_part(synthetic_build) / zone_part(build_result)
    assert 1.5 < ratio < 2.5


CONTENT_GRAPHS = ("notice", "divisions", "themes", "translations")


def test_every_resource_is_under_the_synthetic_iri_space(store):
    ontology = ox.NamedNode(f"{SYNTHETIC_BASE_IRI}graph/ontology")
    solutions = store.query(SUBJECTS)
    assert isinstance(solutions, ox.QuerySolutions)
    subjects = [s for g, s in solutions if g != ontology]
    named = [s.value for s in subjects if isinstance(s, ox.NamedNode)]
    assert len(named) > 80
    assert all(iri.startswith(SYNTHETIC_BASE_IRI) for iri in named)
    assert not any(iri.startswith(REAL_BASE) for iri in named)


def test_synthetic_data_is_refused_under_the_real_base_iri(tmp_path):
    write_synthetic(tmp_path / "data", scale=1, seed=0)
    settings = BuildSettings(data_dir=tmp_path / "data", out_dir=tmp_path / "out")
    with pytest.raises(ValueError, match="KG_BASE_IRI=https://synthetic"):
        build(settings)
    assert not (tmp_path / "out" / "current").exists()


@pytest.mark.parametrize("scale", [0, MAX_SCALE + 1])
def test_a_scale_out_of_range_is_refused(tmp_path, scale):
    with pytest.raises(ValueError, match="scale must be between"):
        write_synthetic(tmp_path / "data", scale=scale, seed=0)


def test_a_folder_with_files_is_not_overwritten(tmp_path):
    (tmp_path / "keep.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(FileExistsError):
        write_synthetic(tmp_path, scale=1, seed=0)
    assert (tmp_path / "keep.txt").read_text(encoding="utf-8") == "mine"


def test_ten_thousand_times_still_has_distinct_valid_codes():
    scale = 10_000
    codes = {place(i, scale).county for i in range(0, 40 * scale, 997)}
    last = place(40 * scale - 1, scale)
    assert len(codes) == len(range(0, 40 * scale, 997))
    assert last.county[:2] == last.province[:2]
    assert last.county[:4] == last.prefecture[:4]
    assert int(last.county[4:]) <= 49
    assert int(last.prefecture[2:4]) <= 99

"""The lookup's name table, the divisions crosswalk and the Wikidata linkset of a build
of the real data, checked against data/ itself."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pyoxigraph as ox
import pytest

from loader.crosswalk import COLUMNS

DATA = Path(__file__).resolve().parents[2] / "data"
VOID = "http://rdfs.org/ns/void#"


def data_rows() -> dict[str, dict[str, str]]:
    """Every division data/ gives, by code, with the columns the crosswalk copies."""
    rows: dict[str, dict[str, str]] = {}
    with (DATA / "reference/divisions.csv").open(encoding="utf-8") as f:
        for r in csv.DictReader(f):
            rows[r["division_code"]] = {
                "name_zh": r["division_name_zh"],
                "name_en_unofficial": r["name_en"],
                "pinyin": r["pinyin"],
                "parent_code": r["parent_code"],
                "province_code": r["province_code"],
                "wikidata": r["wikidata_qid"],
            }
    with (DATA / "reference/provinces.csv").open(encoding="utf-8") as f:
        for r in csv.DictReader(f):
            rows[r["code"]] = {
                "name_zh": r["name_zh"],
                "name_en_unofficial": r["name_en"],
                "pinyin": r["pinyin"],
                "parent_code": r["parent_province_code"],
                "wikidata": r["wikidata_qid"],
            }
    with (DATA / "extra_divisions.csv").open(encoding="utf-8") as f:
        for r in csv.DictReader(f):
            rows[r["code"]] = {
                "name_zh": r["name_zh"],
                "name_en_unofficial": r["name_en"],
                "pinyin": r["pinyin"],
                "parent_code": r["parent_code"],
                "wikidata": "",
            }
    return rows


def crosswalk(release_dir: Path) -> list[dict[str, str]]:
    text = (release_dir / "dumps/cgkg-divisions.csv").read_text(encoding="utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def test_crosswalk_has_one_row_per_division_of_data(release_dir: Path) -> None:
    assert sorted(r["code"] for r in crosswalk(release_dir)) == sorted(data_rows())


def test_crosswalk_columns_are_the_documented_ones(release_dir: Path) -> None:
    assert list(crosswalk(release_dir)[0]) == [c for c, _ in COLUMNS]


@pytest.mark.parametrize("column", ["name_zh", "name_en_unofficial", "pinyin", "parent_code"])
def test_crosswalk_values_are_those_of_data(release_dir: Path, column: str) -> None:
    given = data_rows()
    assert {r["code"]: r[column] for r in crosswalk(release_dir)} == {
        code: row[column] for code, row in given.items()
    }


def test_crosswalk_wikidata_cell_is_empty_where_data_gives_no_item(release_dir: Path) -> None:
    given = data_rows()
    for row in crosswalk(release_dir):
        qid = given[row["code"]]["wikidata"]
        assert row["wikidata"] == (f"http://www.wikidata.org/entity/{qid}" if qid else "")


def test_crosswalk_abolished_code_has_its_successor(release_dir: Path) -> None:
    by_code = {r["code"]: r for r in crosswalk(release_dir)}
    with (DATA / "division_changes.csv").open(encoding="utf-8") as f:
        changes = list(csv.DictReader(f))
    for change in changes:
        row = by_code[change["division_code"]]
        abolished = change["kind"] == "merged-into"
        assert row["status"] == ("abolished" if abolished else "current")
        assert row["successor_code"] == change["successor_code"]


def test_crosswalk_json_holds_the_csv_rows(release_dir: Path) -> None:
    records = json.loads((release_dir / "dumps/cgkg-divisions.json").read_text(encoding="utf-8"))
    assert [{k: v or "" for k, v in r.items()} for r in records] == crosswalk(release_dir)


def test_crosswalk_files_are_dumps_of_the_manifest(release_dir: Path) -> None:
    manifest = json.loads((release_dir / "manifest.json").read_text(encoding="utf-8"))
    paths = {d["path"] for d in manifest["dumps"]}
    assert {"dumps/cgkg-divisions.csv", "dumps/cgkg-divisions.json"} <= paths


def void_store(release_dir: Path) -> ox.Store:
    store = ox.Store()
    store.load(path=str(release_dir / "dumps/void.ttl"), format=ox.RdfFormat.TURTLE)
    return store


def test_dcat_lists_the_crosswalk_distributions(release_dir: Path) -> None:
    found = {
        s["url"].value.rsplit("/", 1)[-1]
        for s in void_store(release_dir).query(  # type: ignore[union-attr]
            "SELECT ?url WHERE { ?d <http://www.w3.org/ns/dcat#downloadURL> ?url }"
        )
    }
    assert {"cgkg-divisions.csv", "cgkg-divisions.json", "cgkg-wikidata-links.nt"} <= found


def test_linkset_count_is_the_links_of_the_store(release_dir: Path) -> None:
    store = ox.Store.read_only(str(release_dir / "store"))
    links = store.query(
        "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g {"
        " ?s <http://www.w3.org/2004/02/skos/core#closeMatch> ?o"
        ' FILTER(STRSTARTS(STR(?o), "http://www.wikidata.org/entity/")) } }'
    )
    assert isinstance(links, ox.QuerySolutions)
    expected = int(next(iter(links))["n"].value)
    counted = void_store(release_dir).query(
        f"SELECT ?n WHERE {{ ?l a <{VOID}Linkset> ; <{VOID}triples> ?n }}"
    )
    assert [int(s["n"].value) for s in counted] == [expected]  # type: ignore[union-attr]
    dump = (release_dir / "dumps/cgkg-wikidata-links.nt").read_text(encoding="utf-8")
    assert len(dump.splitlines()) == expected > 0


def lookup(release_dir: Path) -> dict[str, object]:
    manifest = json.loads((release_dir / "manifest.json").read_text(encoding="utf-8"))
    table: dict[str, object] = json.loads(
        (release_dir / manifest["lookup"]).read_text(encoding="utf-8")
    )
    return table


def test_name_table_is_a_verified_file_of_the_release(release_dir: Path) -> None:
    manifest = json.loads((release_dir / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["lookup"] in {f["path"] for f in manifest["files"]}


def test_name_table_lists_every_division_with_short_forms(release_dir: Path) -> None:
    divisions = {d["code"]: d for d in lookup(release_dir)["divisions"]}  # type: ignore[attr-defined]
    assert sorted(divisions) == sorted(data_rows())
    assert divisions["110102"]["forms"][:2] == ["西城区", "西城"]


def test_name_table_records_the_changes_of_data(release_dir: Path) -> None:
    divisions = {d["code"]: d for d in lookup(release_dir)["divisions"]}  # type: ignore[attr-defined]
    assert divisions["330103"]["successor"] == "330105"
    assert [c["date"] for c in divisions["310106"]["changes"]] == ["2015-11"]

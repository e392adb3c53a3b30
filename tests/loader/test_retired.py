"""Retired IRIs: checked against the graph and written for the server."""

import json

import pyoxigraph as ox
import pytest

from loader.errors import BuildError
from loader.retired import check_retired, read_retired, write_retired

BASE = "https://w3id.org/cgkg/"
LIVE = f"{BASE}theme/community-consultation"
QUADS = [
    ox.Quad(
        ox.NamedNode(LIVE),
        ox.NamedNode("http://x/p"),
        ox.Literal("v"),
        ox.NamedNode(f"{BASE}graph/themes"),
    )
]


def table(tmp_path, *rows):
    text = "iri,successor,reason_zh,reason_en\n" + "".join(f"{row}\n" for row in rows)
    (tmp_path / "retired_iris.csv").write_text(text, encoding="utf-8")
    return read_retired(tmp_path)


def test_the_real_data_retires_nothing(project_root, release_dir):
    assert read_retired(project_root / "data") == []
    assert json.loads((release_dir / "retired.json").read_text(encoding="utf-8")) == []


def test_a_moved_iri_is_written_with_its_successor(tmp_path):
    retired = table(tmp_path, f"{BASE}theme/consultation,{LIVE},,")
    check_retired(retired, QUADS, BASE)
    write_retired(tmp_path / "retired.json", retired)
    assert json.loads((tmp_path / "retired.json").read_text(encoding="utf-8")) == [
        {"iri": f"{BASE}theme/consultation", "successor": LIVE}
    ]


def test_a_gone_iri_is_written_with_its_reasons(tmp_path):
    retired = table(tmp_path, f"{BASE}theme/old,,已删除,removed")
    check_retired(retired, QUADS, BASE)
    write_retired(tmp_path / "retired.json", retired)
    entry = json.loads((tmp_path / "retired.json").read_text(encoding="utf-8"))[0]
    assert (entry["reason_zh"], entry["reason_en"]) == ("已删除", "removed")


@pytest.mark.parametrize(
    ("row", "rule"),
    [
        (f"{LIVE},,已删除,removed", "retired-unused"),
        (f"{BASE}theme/old,{BASE}theme/nowhere,,", "retired-successor"),
        (f"{BASE}theme/old,,,", "retired-reason"),
        ("http://example.org/x,,已删除,removed", "retired-ours"),
    ],
)
def test_an_inconsistent_retirement_is_an_error(tmp_path, row, rule):
    with pytest.raises(BuildError, match=rf"data/retired_iris.csv:2: \[{rule}\]"):
        check_retired(table(tmp_path, row), QUADS, BASE)

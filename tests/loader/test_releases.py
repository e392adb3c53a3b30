"""data/releases.toml: the release history, checked against dataset.toml and CHANGELOG.md."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from loader.errors import BuildError
from loader.releases import read_releases
from loader.settings import PROJECT_ROOT
from loader.sources import read_dataset

DATASET = {"version": "1.1.0", "modified": "2026-12-01"}
ENTRY = 'version = "{v}"\nissued = "{d}"\nnotes_zh = "说明"\nnotes_en = "Notes"\n'


def _write(tmp_path: Path, *entries: tuple[str, str]) -> None:
    text = "".join("[[release]]\n" + ENTRY.format(v=v, d=d) for v, d in entries)
    (tmp_path / "releases.toml").write_text(text, encoding="utf-8")


def test_the_newest_release_is_the_one_dataset_toml_names():
    dataset = read_dataset(PROJECT_ROOT / "data/dataset.toml")
    releases = read_releases(PROJECT_ROOT / "data", dataset)
    assert releases[-1].version == dataset["version"]


def test_a_newest_release_other_than_dataset_toml_s_is_refused(tmp_path):
    _write(tmp_path, ("1.0.0", "2026-11-28"))
    with pytest.raises(BuildError, match="release-current"):
        read_releases(tmp_path, DATASET)


def test_releases_out_of_order_are_refused(tmp_path):
    _write(tmp_path, ("1.1.0", "2026-12-01"), ("1.0.0", "2026-11-28"), ("1.1.0", "2026-12-01"))
    with pytest.raises(BuildError, match="release-order"):
        read_releases(tmp_path, DATASET)


def test_a_release_without_notes_is_refused(tmp_path):
    (tmp_path / "releases.toml").write_text(
        '[[release]]\nversion = "1.1.0"\nissued = "2026-12-01"\n', encoding="utf-8"
    )
    with pytest.raises(BuildError, match="notes_zh and notes_en"):
        read_releases(tmp_path, DATASET)


def test_changelog_has_a_heading_for_every_release():
    dataset = read_dataset(PROJECT_ROOT / "data/dataset.toml")
    headings = re.findall(
        r"^## \[([0-9.]+)\] - ([0-9-]+)$",
        (PROJECT_ROOT / "CHANGELOG.md").read_text(encoding="utf-8"),
        re.MULTILINE,
    )
    releases = read_releases(PROJECT_ROOT / "data", dataset)
    assert sorted(headings) == sorted((r.version, r.issued) for r in releases)


def test_citation_file_names_the_current_version_and_date():
    citation = (PROJECT_ROOT / "CITATION.cff").read_text(encoding="utf-8")
    dataset = read_dataset(PROJECT_ROOT / "data/dataset.toml")
    assert f'version: "{dataset["version"]}"' in citation
    assert f'date-released: "{dataset["modified"]}"' in citation

"""Each corruption of the inputs fails the build with a message naming the place and the rule,
and leaves the published release byte-identical."""

import hashlib
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from loader.errors import BuildError
from loader.pipeline import build
from loader.settings import BuildSettings

INPUTS = ("data", "ontology", "shapes", "queries")


def replace_once(root: Path, name: str, old: str, new: str) -> None:
    path = root / name
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {name}: the corruption no longer applies"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def delete_lines(root: Path, name: str, containing: str) -> None:
    path = root / name
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    kept = [line for line in lines if containing not in line]
    assert len(kept) < len(lines), f"no line of {name} contains {containing!r}"
    path.write_text("".join(kept), encoding="utf-8")


def duplicate_line(root: Path, name: str, containing: str) -> None:
    path = root / name
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    line = next(line for line in lines if containing in line)
    path.write_text("".join(lines) + line, encoding="utf-8")


Corruption = Callable[[Path], object]

# (id, corruption, text expected in the message: the file[:line], the rule, the value)
CASES: list[tuple[str, Corruption, list[str]]] = [
    (
        "missing-code",
        lambda r: replace_once(r, "data/zones.csv", "110102,北京市西城区", ",北京市西城区"),
        ["data/zones.csv:2", "required-value", "division_code"],
    ),
    (
        "malformed-code",
        lambda r: replace_once(r, "data/zones.csv", "110102,北京市西城区", "11010X,北京市西城区"),
        ["data/zones.csv:2", "code-format", "11010X"],
    ),
    (
        "duplicate-zone",
        lambda r: duplicate_line(r, "data/zones.csv", "110108,北京市海淀区"),
        ["data/zones.csv:", "zone-unique", "北京市海淀区"],
    ),
    (
        "unit-missing-from-notice",
        lambda r: replace_once(
            r, "data/sources/mca-notice-40-experimental-zones.txt", "北京市海淀区:", "北京市东城区:"
        ),
        ["zone-in-notice", "北京市海淀区", "zone-in-table", "北京市东城区"],
    ),
    (
        "unit-missing-from-table",
        lambda r: delete_lines(r, "data/zones.csv", "北京市海淀区"),
        ["data/sources/mca-notice-40-experimental-zones.txt:5", "zone-in-table", "北京市海淀区"],
    ),
    (
        "evidence-not-in-task",
        lambda r: replace_once(
            r,
            "data/theme_assignments.csv",
            "110102,three-social-linkage,",
            "110102,three-social-linkage,并不存在的短语",
        ),
        ["data/theme_assignments.csv:", "zone/2015/110102/theme/three-social-linkage"],
    ),
    (
        "zone-without-theme",
        lambda r: delete_lines(r, "data/theme_assignments.csv", "110102,"),
        ["data/zones.csv:2", "zone/2015/110102", "themeAssignment"],
    ),
    (
        "end-before-start",
        lambda r: replace_once(
            r, "data/sources/mca-notice-40-experimental-zones.txt", "至2018年6月", "至2014年6月"
        ),
        ["data/sources/mca-notice-40-experimental-zones.txt:2", "notice-period"],
    ),
    (
        "headline-count-mismatch",
        lambda r: replace_once(
            r, "data/sources/mca-notice-40-experimental-zones.txt", "等40个单位", "等41个单位"
        ),
        ["notice-count", "41"],
    ),
    (
        "missing-zh-label",
        lambda r: replace_once(r, "data/themes.csv", "三社联动,", ","),
        ["data/themes.csv:", "required-value", "label_zh"],
    ),
    (
        "missing-en-label",
        lambda r: replace_once(r, "data/agencies.csv", "Ministry of Civil Affairs", ""),
        ["data/agencies.csv:2", "required-value", "label_en"],
    ),
    (
        "unknown-province",
        lambda r: replace_once(
            r,
            "data/reference/divisions.csv",
            ",110000,北京市,39.912235",
            ",990000,北京市,39.912235",
        ),
        ["data/reference/divisions.csv:2", "division-province", "990000"],
    ),
    (
        "broken-hierarchy",
        lambda r: replace_once(
            r,
            "data/reference/provinces.csv",
            "廊坊市,Langfang,地级市,prefecture-level,130000",
            "廊坊市,Langfang,地级市,prefecture-level,120000",
        ),
        ["data/reference/provinces.csv:", "division-parent-province", "131000"],
    ),
    (
        "bad-csv-row",
        lambda r: replace_once(
            r, "data/zones.csv", "110102,北京市西城区,", "110102,北京市西城区,extra,"
        ),
        ["data/zones.csv:2", "csv-row-shape"],
    ),
    (
        "unknown-theme",
        lambda r: replace_once(
            r,
            "data/theme_assignments.csv",
            "110102,three-social-linkage",
            "110102,three-social-links",
        ),
        ["data/theme_assignments.csv:2", "assignment-theme", "three-social-links"],
    ),
    (
        "unparseable-ontology",
        lambda r: (r / "ontology/cgkg.ttl").write_text(
            (r / "ontology/cgkg.ttl").read_text(encoding="utf-8") + "\ncgkg:Broken a ;;; .\n",
            encoding="utf-8",
        ),
        ["ontology/cgkg.ttl", "turtle-syntax"],
    ),
    (
        "unparseable-shapes",
        lambda r: (r / "shapes/zone.shapes.ttl").write_text("@prefix sh: <", encoding="utf-8"),
        ["shapes/zone.shapes.ttl", "turtle-syntax"],
    ),
    (
        "missing-table",
        lambda r: (r / "data/initiatives.csv").unlink(),
        ["data/initiatives.csv", "source-present"],
    ),
    (
        "not-utf8",
        lambda r: (r / "data/themes.csv").write_bytes("slug,label_zh\n社区".encode("gb18030")),
        ["data/themes.csv", "source-utf8"],
    ),
    (
        "quote-not-in-notice",
        lambda r: replace_once(
            r, "data/policy_goals.csv", "acceptance,一站式受理\n", "acceptance,一站式办理\n"
        ),
        ["data/policy_goals.csv:2", "quote-in-notice", "一站式办理"],
    ),
    (
        "initiative-evidence-not-in-task",
        lambda r: replace_once(
            r, "data/initiatives.csv", "work system,“365”工作体系", "work system,“366”工作体系"
        ),
        ["data/initiatives.csv:2", "initiative/"],
    ),
    (
        "abolished-without-change",
        lambda r: delete_lines(r, "data/division_changes.csv", "330103,"),
        ["data/reference/divisions.csv:", "division-status", "abolished 2021-04"],
    ),
    (
        "dataset-without-licence",
        lambda r: replace_once(r, "data/dataset.toml", "license = ", "licence = "),
        ["data/dataset.toml", "dataset-field", "license"],
    ),
    (
        "query-without-header",
        lambda r: replace_once(r, "queries/01-zones-per-province.rq", "# title@en:", "# name@en:"),
        ["queries/01-zones-per-province.rq", "query-header"],
    ),
]


def copy_inputs(root: Path, target: Path) -> None:
    for name in INPUTS:
        shutil.copytree(root / name, target / name)


def settings_for(inputs: Path, out: Path) -> BuildSettings:
    return BuildSettings(
        data_dir=inputs / "data",
        ontology_dir=inputs / "ontology",
        shapes_dir=inputs / "shapes",
        queries_dir=inputs / "queries",
        out_dir=out,
    )


def tree_digest(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def published(project_root, tmp_path_factory):
    """A build folder with a good release published from a copy of the inputs."""
    inputs = tmp_path_factory.mktemp("good-inputs")
    copy_inputs(project_root, inputs)
    out = tmp_path_factory.mktemp("out")
    build(settings_for(inputs, out))
    return out


@pytest.mark.parametrize(("corrupt", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_corruption_fails_the_build_and_keeps_the_release(
    project_root, published, tmp_path, corrupt, expected
):
    current = published / "current"
    before_target = current.resolve()
    before = tree_digest(before_target)
    copy_inputs(project_root, tmp_path)
    corrupt(tmp_path)
    with pytest.raises(BuildError) as failure:
        build(settings_for(tmp_path, published))
    message = str(failure.value)
    for text in expected:
        assert text in message, f"{text!r} missing from:\n{message}"
    assert current.resolve() == before_target
    assert tree_digest(before_target) == before
    assert not [p for p in (published / "releases").iterdir() if p.name.startswith(".tmp")]


def test_the_corpus_has_at_least_15_distinct_corruptions():
    assert len({case[0] for case in CASES}) >= 15

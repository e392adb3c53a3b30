"""Synthetic data in the shape of ``data/``, at a chosen scale, for load and query benchmarks.

``write_synthetic(out, scale, seed)`` writes a folder that ``cgkg build`` reads like
``data/`` (``KG_DATA_DIR``): ``40 × scale`` zones, each with its county-level division
under a prefecture and a province, a task whose text quotes every evidence phrase, one
to four themes, sometimes an initiative, and now and then a division change, as in the
real tables. The national part (agencies, events, the policy document, its goals, the
themes) is copied from the real tables so every shape has something to check.

Every name says it is synthetic (合成, "Synthetic"), and the folder declares its own
IRI space in ``dataset.toml`` (``synthetic_base_iri``): the build refuses it under any
other base IRI, so synthetic resources never appear under the real one. The same
scale and seed always give the same bytes.
"""

from __future__ import annotations

import csv
import io
import random
import shutil
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from loader.settings import PROJECT_ROOT

SYNTHETIC_BASE_IRI = "https://synthetic.cgkg.invalid/"
BASE_KEY = "synthetic_base_iri"
REAL_ZONES = 40
# Provinces 11..99 × prefectures 01..99 × counties 01..49 (50..98 hold merger successors).
MAX_PROVINCES, COUNTIES_PER_PREFECTURE, MAX_PREFECTURES = 89, 49, 99
MAX_SCALE = MAX_PROVINCES * MAX_PREFECTURES * COUNTIES_PER_PREFECTURE // REAL_ZONES
# Shares of the real tables: 25 provincial-level units, 15 initiatives, 3 changes per 40 zones.
REAL_PROVINCES, INITIATIVE_SHARE = 25, 15 / 40
CHANGE_TERRITORY, CHANGE_MERGED = 13, 27  # zone numbers (mod 40) that get a change
COPIED = ("agencies.csv", "guiding_events.csv", "policy_documents.csv", "policy_goals.csv")
NOTICE = "sources/mca-notice-40-experimental-zones.txt"
NOTICE_INTRO = "各实验区实验任务如下:"


@dataclass(frozen=True)
class Place:
    """One zone's county and the prefecture and province above it."""

    province: str
    prefecture: str
    county: str

    @property
    def unit(self) -> str:
        return f"合成省{self.province[:2]}合成市{self.prefecture[:4]}合成区{self.county}"


def place(index: int, scale: int) -> Place:
    """Zone ``index``'s codes: zones spread over the provinces, 49 per prefecture."""
    provinces = min(MAX_PROVINCES, REAL_PROVINCES * scale)
    p, rank = 11 + index % provinces, index // provinces
    m, c = rank // COUNTIES_PER_PREFECTURE + 1, rank % COUNTIES_PER_PREFECTURE + 1
    return Place(f"{p:02d}0000", f"{p:02d}{m:02d}00", f"{p:02d}{m:02d}{c:02d}")


def write_synthetic(out: Path, scale: int, seed: int, real_data: Path | None = None) -> int:
    """Write the synthetic data folder ``out`` (new or empty); returns the number of zones."""
    if not 1 <= scale <= MAX_SCALE:
        raise ValueError(f"scale must be between 1 and {MAX_SCALE}: {scale}")
    if out.exists() and any(out.iterdir()):
        raise FileExistsError(f"refusing to write into a folder that is not empty: {out}")
    real = real_data or PROJECT_ROOT / "data"
    themes = _read(real / "themes.csv")
    # One generator per zone: zone i is the same whatever else is drawn.
    rngs = (random.Random(f"{seed}:{i}") for i in range(REAL_ZONES * scale))  # noqa: S311
    zones = [_zone(i, scale, rng, themes) for i, rng in enumerate(rngs)]
    (out / "sources").mkdir(parents=True, exist_ok=True)
    (out / "reference").mkdir(exist_ok=True)
    for name in (*COPIED, "themes.csv"):
        shutil.copyfile(real / name, out / name)
    _write_notice(out / NOTICE, real / NOTICE, zones)
    (out / "dataset.toml").write_text(_dataset_toml(scale, seed), encoding="utf-8")
    for name, rows in _tables(zones).items():
        (out / name).write_text(_csv(COLUMNS[name], rows), encoding="utf-8")
    return len(zones)


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@dataclass(frozen=True)
class Zone:
    index: int
    place: Place
    themes: list[dict[str, str]]
    initiative: str | None  # "model" or "platform"
    task: str


def _zone(index: int, scale: int, rng: random.Random, themes: list[dict[str, str]]) -> Zone:
    where = place(index, scale)
    chosen = sorted(rng.sample(range(len(themes)), rng.randint(1, 4)))
    picked = [themes[t] for t in chosen]
    initiative = rng.choice(("model", "platform")) if rng.random() < INITIATIVE_SHARE else None
    phrases = [_evidence(t) for t in picked]
    if initiative:
        phrases.append(_initiative_label(where.county, initiative))
    task = f"围绕{'、'.join(phrases)}开展合成实验（合成数据，非真实任务）。"
    return Zone(index, where, picked, initiative, task)


def _evidence(theme: Mapping[str, str]) -> str:
    return f"{theme['label_zh']}合成举措"


def _initiative_label(code: str, kind: str) -> str:
    return f"“合成{code}”{'工作模式' if kind == 'model' else '信息平台'}"


def _write_notice(path: Path, real_notice: Path, zones: list[Zone]) -> None:
    """Title and lead marked synthetic, one unit line per zone, the real closing paragraph.

    The closing paragraph is the one that quotes the guiding events, the policy
    document and its issuers: the copied national tables quote it.
    """
    closing = real_notice.read_text(encoding="utf-8").rstrip("\n").splitlines()[-1]
    count = len(zones)
    lines = [
        f"合成数据：确认{count}个全国社区治理和服务创新实验区（非真实）",
        f"(合成数据生成器) 近期,民政部同意将{zones[0].place.unit}等{count}个单位确认为"
        "“全国社区治理和服务创新实验区”,实验时间从2015年7月至2018年6月,为期三年。",
        NOTICE_INTRO,
        *(f"{z.place.unit}:{z.task}" for z in zones),
        closing,
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _dataset_toml(scale: int, seed: int) -> str:
    return f"""# Synthetic data shaped like data/ (loader/synthetic.py): not real, never to publish.
version = "1.0.0"
issued = "2026-11-28"
modified = "2026-11-28"
license = "https://creativecommons.org/licenses/by/4.0/"
publisher_name = "cgkg synthetic data generator"
{BASE_KEY} = "{SYNTHETIC_BASE_IRI}"

[title]
zh = "合成数据（非真实）：{scale}倍规模，种子{seed}"
en = "Synthetic data (not real): scale {scale}, seed {seed}"

[description]
zh = "按真实数据的形状生成的合成数据，用于性能测试；其中的实验区、行政区划与任务均非真实。"
en = "Synthetic data shaped like the real graph, for benchmarks; its zones, divisions \
and tasks are not real."
"""


Rows = list[dict[str, str]]
# The generated tables and their columns, as in data/.
COLUMNS = {
    "zones.csv": ("division_code", "unit_name_zh", "task_en"),
    "theme_assignments.csv": ("division_code", "theme", "evidence_phrase"),
    "initiatives.csv": ("slug", "division_code", "kind", "label_zh", "label_en", "evidence_phrase"),
    "reference/divisions.csv": (
        "zone_name_zh",
        "division_code",
        "division_name_zh",
        "division_level",
        "division_type",
        "parent_code",
        "parent_name_zh",
        "province_code",
        "province_name_zh",
        "lat",
        "lon",
        "coord_source",
        "status_2026",
        "wikidata_qid",
        "qid_source",
        "name_en",
        "pinyin",
    ),
    "reference/provinces.csv": (
        "code",
        "name_zh",
        "name_en",
        "type",
        "level",
        "parent_province_code",
        "wikidata_qid",
        "pinyin",
        "code_sources",
    ),
    "extra_divisions.csv": (
        "code",
        "name_zh",
        "name_en",
        "type",
        "level",
        "parent_code",
        "pinyin",
        "source",
    ),
    "division_changes.csv": (
        "division_code",
        "date",
        "kind",
        "successor_code",
        "description_zh",
        "description_en",
        "source",
    ),
    "retired_iris.csv": ("iri", "successor", "reason_zh", "reason_en"),
}


def _tables(zones: list[Zone]) -> dict[str, Rows]:
    tables: dict[str, Rows] = {name: [] for name in COLUMNS}
    seen: set[str] = set()
    for zone in zones:
        for name, row in _zone_rows(zone):
            tables[name].append(row)
        for row in _parent_rows(zone.place, seen):
            tables["reference/provinces.csv"].append(row)
    tables["reference/provinces.csv"].sort(key=lambda r: r["code"])
    return tables


def _zone_rows(zone: Zone) -> Iterator[tuple[str, dict[str, str]]]:
    p, code = zone.place, zone.place.county
    yield (
        "zones.csv",
        {
            "division_code": code,
            "unit_name_zh": p.unit,
            "task_en": f"Synthetic experiment task of Synthetic District {code} (not real).",
        },
    )
    for theme in zone.themes:
        yield (
            "theme_assignments.csv",
            {
                "division_code": code,
                "theme": theme["slug"],
                "evidence_phrase": _evidence(theme),
            },
        )
    if zone.initiative:
        label = _initiative_label(code, zone.initiative)
        yield (
            "initiatives.csv",
            {
                "slug": f"synthetic-{code}-{zone.initiative}",
                "division_code": code,
                "kind": zone.initiative,
                "label_zh": label,
                "label_en": f"“Synthetic {code}” {zone.initiative}",
                "evidence_phrase": label,
            },
        )
    merged = zone.index % REAL_ZONES == CHANGE_MERGED
    yield "reference/divisions.csv", _division_row(p, merged)
    yield from _change_rows(zone, merged)


def _division_row(p: Place, merged: bool) -> dict[str, str]:
    return {
        "zone_name_zh": p.unit,
        "division_code": p.county,
        "division_name_zh": f"合成区{p.county}",
        "division_level": "county-level",
        "division_type": "区",
        "parent_code": p.prefecture,
        "parent_name_zh": f"合成市{p.prefecture[:4]}",
        "province_code": p.province,
        "province_name_zh": f"合成省{p.province[:2]}",
        "lat": "",
        "lon": "",
        "coord_source": "",
        "status_2026": "abolished; synthetic" if merged else "current; synthetic",
        "wikidata_qid": "",
        "qid_source": "",
        "name_en": f"Synthetic District {p.county}",
        "pinyin": f"Héchéng Qū {p.county}",
    }


def _change_rows(zone: Zone, merged: bool) -> Iterator[tuple[str, dict[str, str]]]:
    p = zone.place
    if zone.index % REAL_ZONES == CHANGE_TERRITORY:
        yield "division_changes.csv", _change(p.county, "territory-changed", "")
    if merged:
        successor = f"{int(p.county) + COUNTIES_PER_PREFECTURE + 1}"
        yield "division_changes.csv", _change(p.county, "merged-into", successor)
        yield (
            "extra_divisions.csv",
            {
                "code": successor,
                "name_zh": f"合成区{successor}",
                "name_en": f"Synthetic District {successor}",
                "type": "区",
                "level": "county-level",
                "parent_code": p.prefecture,
                "pinyin": f"Héchéng Qū {successor}",
                "source": "synthetic",
            },
        )


def _change(code: str, kind: str, successor: str) -> dict[str, str]:
    return {
        "division_code": code,
        "date": "2017-01",
        "kind": kind,
        "successor_code": successor,
        "description_zh": "合成变更记录（非真实）。",
        "description_en": "Synthetic change record (not real).",
        "source": "synthetic",
    }


def _parent_rows(p: Place, seen: set[str]) -> Iterator[dict[str, str]]:
    for code, name_zh, name_en, kind in (
        (p.province, f"合成省{p.province[:2]}", f"Synthetic Province {p.province[:2]}", "省"),
        (p.prefecture, f"合成市{p.prefecture[:4]}", f"Synthetic City {p.prefecture[:4]}", "地级市"),
    ):
        if code in seen:
            continue
        seen.add(code)
        province = kind == "省"
        yield {
            "code": code,
            "name_zh": name_zh,
            "name_en": name_en,
            "type": kind,
            "level": "province-level" if province else "prefecture-level",
            "parent_province_code": "" if province else p.province,
            "wikidata_qid": "",
            "pinyin": f"Héchéng {'Shěng' if province else 'Shì'} {code}",
            "code_sources": "synthetic",
        }


def _csv(columns: tuple[str, ...], rows: Rows) -> str:
    """Header and rows; a field is quoted only when it must be, as in data/."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def required_base_iri(dataset: Mapping[str, Any]) -> str | None:
    """The IRI space a synthetic data folder must be built under (None for real data)."""
    value = dataset.get(BASE_KEY)
    return str(value) if value else None


def check_base_iri(dataset: Mapping[str, Any], base_iri: str) -> None:
    """Refuse to build synthetic data under another IRI space than its own."""
    required = required_base_iri(dataset)
    if required is not None and required != base_iri:
        raise ValueError(
            f"this data folder is synthetic and must be built under its own IRI space: "
            f"set KG_BASE_IRI={required} (not {base_iri})"
        )

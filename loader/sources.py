"""Typed records read from ``data/``: the notice, the curated tables, the reference tables.

No RDF here; each record remembers the file and line it came from.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from loader.errors import BuildError, Problem, fail
from loader.iris import is_division_code, is_slug, is_year_month
from loader.notice import Notice, read_notice
from loader.tables import Row, read_table

NOTICE_FILE = "sources/mca-notice-40-experimental-zones.txt"
LEVELS = {"province-level": "province", "prefecture-level": "prefecture", "county-level": "county"}
TYPES = {
    "省": "province",
    "自治区": "autonomous-region",
    "直辖市": "municipality",
    "地级市": "prefecture-level-city",
    "区": "district",
    "县": "county",
    "县级市": "county-level-city",
}
INITIATIVE_KINDS = ("model", "platform")
CHANGE_KINDS = ("merged-into", "territory-changed", "internal-change")


@dataclass(frozen=True)
class Origin:
    file: str
    line: int


@dataclass(frozen=True)
class Zone:
    code: str
    unit_name_zh: str
    task_en: str
    origin: Origin


@dataclass(frozen=True)
class Theme:
    slug: str
    label_zh: str
    label_en: str
    definition_zh: str
    definition_en: str
    broader: str | None
    origin: Origin


@dataclass(frozen=True)
class Assignment:
    code: str
    theme: str
    evidence: str
    origin: Origin


@dataclass(frozen=True)
class Initiative:
    slug: str
    code: str
    kind: str
    label_zh: str
    label_en: str
    evidence: str
    origin: Origin


@dataclass(frozen=True)
class Named:
    """An agency or a guiding event: a label pair and the notice phrase naming it."""

    slug: str
    label_zh: str
    label_en: str
    evidence: str
    origin: Origin


@dataclass(frozen=True)
class PolicyDocument:
    slug: str
    number: str
    title_zh: str
    title_en: str
    year: str
    issuers: tuple[str, ...]
    evidence: str
    origin: Origin


@dataclass(frozen=True)
class Goal:
    slug: str
    document: str
    label_zh: str
    label_en: str
    evidence: str
    origin: Origin


@dataclass(frozen=True)
class Division:
    code: str
    name_zh: str
    name_en: str
    pinyin: str
    level: str  # province | prefecture | county
    type: str  # a TYPES value
    parent_code: str | None
    wikidata_qid: str | None
    origin: Origin


@dataclass(frozen=True)
class ZoneUnit:
    """The reference table's reading of a zone: which division the notice's unit is."""

    unit_name_zh: str
    code: str
    province_code: str
    status: str
    origin: Origin


@dataclass(frozen=True)
class DivisionChange:
    code: str
    date: str
    kind: str
    successor: str | None
    description_zh: str
    description_en: str
    source: str
    origin: Origin


@dataclass(frozen=True)
class Sources:
    """Everything the mapping needs, already checked for shape."""

    notice: Notice
    dataset: dict[str, object]
    zones: list[Zone]
    themes: list[Theme]
    assignments: list[Assignment]
    initiatives: list[Initiative]
    agencies: list[Named]
    events: list[Named]
    documents: list[PolicyDocument]
    goals: list[Goal]
    divisions: list[Division]
    zone_units: list[ZoneUnit]
    changes: list[DivisionChange]
    files: list[Path]


R = TypeVar("R")


def _records(rows: list[Row], build: Callable[[Row, Origin], R], checks: dict[str, str]) -> list[R]:
    """Turn rows into records after checking cells: ``checks`` maps column → kind of value."""
    problems: list[Problem] = []
    records: list[R] = []
    for row in rows:
        row_problems = [p for column, kind in checks.items() if (p := _check(row, column, kind))]
        if row_problems:
            problems.extend(row_problems)
        else:
            records.append(build(row, Origin(row.file, row.line)))
    if problems:
        raise BuildError(problems)
    return records


VALUE_CHECKS: dict[str, Callable[[str], bool]] = {
    "code": is_division_code,
    "slug": is_slug,
    "year-month": is_year_month,
    "year": lambda v: v.isdigit() and len(v) == 4,
    "text": lambda v: True,
    "qid": lambda v: v.startswith("Q") and v[1:].isdigit(),
    "level": lambda v: v in LEVELS,
    "type": lambda v: v in TYPES,
    "initiative-kind": lambda v: v in INITIATIVE_KINDS,
    "change-kind": lambda v: v in CHANGE_KINDS,
}


def _check(row: Row, column: str, kind: str) -> Problem | None:
    value = row[column]
    optional = kind.endswith("?")
    kind = kind.rstrip("?")
    if not value:
        return None if optional else row.problem("required-value", f"{column} is empty", column)
    valid = VALUE_CHECKS[kind](value)
    return (
        None if valid else row.problem(f"{kind}-format", f"{column} is not a valid {kind}", column)
    )


def read_sources(data_dir: Path) -> Sources:
    """Read every input under ``data_dir``; raises BuildError naming file and line on bad input."""
    files: list[Path] = []

    def table(name: str, columns: tuple[str, ...]) -> list[Row]:
        files.append(data_dir / name)
        return read_table(data_dir / name, f"data/{name}", columns)

    files.append(data_dir / NOTICE_FILE)
    notice = read_notice(data_dir / NOTICE_FILE, f"data/{NOTICE_FILE}")
    files.append(data_dir / "dataset.toml")
    dataset = _read_dataset(data_dir / "dataset.toml")
    return Sources(
        notice=notice,
        dataset=dataset,
        zones=_zones(table("zones.csv", ("division_code", "unit_name_zh", "task_en"))),
        themes=_themes(
            table(
                "themes.csv",
                ("slug", "label_zh", "label_en", "definition_zh", "definition_en", "broader"),
            )
        ),
        assignments=_assignments(
            table("theme_assignments.csv", ("division_code", "theme", "evidence_phrase"))
        ),
        initiatives=_initiatives(
            table(
                "initiatives.csv",
                ("slug", "division_code", "kind", "label_zh", "label_en", "evidence_phrase"),
            )
        ),
        agencies=_named(table("agencies.csv", ("slug", "label_zh", "label_en", "evidence_phrase"))),
        events=_named(
            table("guiding_events.csv", ("slug", "label_zh", "label_en", "evidence_phrase"))
        ),
        documents=_documents(
            table(
                "policy_documents.csv",
                ("slug", "number", "title_zh", "title_en", "year", "issuers", "evidence_phrase"),
            )
        ),
        goals=_goals(
            table(
                "policy_goals.csv", ("slug", "document", "label_zh", "label_en", "evidence_phrase")
            )
        ),
        divisions=_hierarchy(table("reference/provinces.csv", _PROVINCE_COLUMNS))
        + _zone_divisions(table("reference/divisions.csv", _DIVISION_COLUMNS))
        + _extra_divisions(
            table(
                "extra_divisions.csv",
                ("code", "name_zh", "name_en", "type", "level", "parent_code", "pinyin"),
            )
        ),
        zone_units=_zone_units(table("reference/divisions.csv", _DIVISION_COLUMNS)),
        changes=_changes(
            table(
                "division_changes.csv",
                (
                    "division_code",
                    "date",
                    "kind",
                    "successor_code",
                    "description_zh",
                    "description_en",
                    "source",
                ),
            )
        ),
        files=sorted(set(files)),
    )


def _read_dataset(path: Path) -> dict[str, object]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise fail("source-present", "required file is missing", file="data/dataset.toml") from exc
    except tomllib.TOMLDecodeError as exc:
        raise fail("toml-syntax", str(exc), file="data/dataset.toml") from exc


def _zones(rows: list[Row]) -> list[Zone]:
    return _records(
        rows,
        lambda r, o: Zone(r["division_code"], r["unit_name_zh"], r["task_en"], o),
        {"division_code": "code", "unit_name_zh": "text", "task_en": "text"},
    )


def _themes(rows: list[Row]) -> list[Theme]:
    return _records(
        rows,
        lambda r, o: Theme(
            r["slug"],
            r["label_zh"],
            r["label_en"],
            r["definition_zh"],
            r["definition_en"],
            r["broader"] or None,
            o,
        ),
        {
            "slug": "slug",
            "label_zh": "text",
            "label_en": "text",
            "definition_zh": "text",
            "definition_en": "text",
            "broader": "slug?",
        },
    )


def _assignments(rows: list[Row]) -> list[Assignment]:
    return _records(
        rows,
        lambda r, o: Assignment(r["division_code"], r["theme"], r["evidence_phrase"], o),
        {"division_code": "code", "theme": "slug", "evidence_phrase": "text"},
    )


def _initiatives(rows: list[Row]) -> list[Initiative]:
    return _records(
        rows,
        lambda r, o: Initiative(
            r["slug"],
            r["division_code"],
            r["kind"],
            r["label_zh"],
            r["label_en"],
            r["evidence_phrase"],
            o,
        ),
        {
            "slug": "slug",
            "division_code": "code",
            "kind": "initiative-kind",
            "label_zh": "text",
            "label_en": "text",
            "evidence_phrase": "text",
        },
    )


def _named(rows: list[Row]) -> list[Named]:
    return _records(
        rows,
        lambda r, o: Named(r["slug"], r["label_zh"], r["label_en"], r["evidence_phrase"], o),
        {"slug": "slug", "label_zh": "text", "label_en": "text", "evidence_phrase": "text"},
    )


def _documents(rows: list[Row]) -> list[PolicyDocument]:
    return _records(
        rows,
        lambda r, o: PolicyDocument(
            r["slug"],
            r["number"],
            r["title_zh"],
            r["title_en"],
            r["year"],
            tuple(s.strip() for s in r["issuers"].split(";") if s.strip()),
            r["evidence_phrase"],
            o,
        ),
        {
            "slug": "slug",
            "number": "text",
            "title_zh": "text",
            "title_en": "text",
            "year": "year",
            "issuers": "text",
            "evidence_phrase": "text",
        },
    )


def _goals(rows: list[Row]) -> list[Goal]:
    return _records(
        rows,
        lambda r, o: Goal(
            r["slug"], r["document"], r["label_zh"], r["label_en"], r["evidence_phrase"], o
        ),
        {
            "slug": "slug",
            "document": "slug",
            "label_zh": "text",
            "label_en": "text",
            "evidence_phrase": "text",
        },
    )


_PROVINCE_COLUMNS = (
    "code",
    "name_zh",
    "name_en",
    "type",
    "level",
    "parent_province_code",
    "wikidata_qid",
    "pinyin",
)
_DIVISION_COLUMNS = (
    "zone_name_zh",
    "division_code",
    "division_name_zh",
    "division_level",
    "division_type",
    "parent_code",
    "province_code",
    "status_2026",
    "wikidata_qid",
    "name_en",
    "pinyin",
)


def _hierarchy(rows: list[Row]) -> list[Division]:
    return _records(
        rows,
        lambda r, o: Division(
            r["code"],
            r["name_zh"],
            r["name_en"],
            r["pinyin"],
            LEVELS[r["level"]],
            TYPES[r["type"]],
            r["parent_province_code"] or None,
            r["wikidata_qid"] or None,
            o,
        ),
        {
            "code": "code",
            "name_zh": "text",
            "name_en": "text",
            "type": "type",
            "level": "level",
            "parent_province_code": "code?",
            "wikidata_qid": "qid?",
            "pinyin": "text",
        },
    )


def _zone_divisions(rows: list[Row]) -> list[Division]:
    return _records(
        rows,
        lambda r, o: Division(
            r["division_code"],
            r["division_name_zh"],
            r["name_en"],
            r["pinyin"],
            LEVELS[r["division_level"]],
            TYPES[r["division_type"]],
            r["parent_code"],
            r["wikidata_qid"] or None,
            o,
        ),
        {
            "division_code": "code",
            "division_name_zh": "text",
            "name_en": "text",
            "pinyin": "text",
            "division_level": "level",
            "division_type": "type",
            "parent_code": "code",
            "wikidata_qid": "qid?",
        },
    )


def _zone_units(rows: list[Row]) -> list[ZoneUnit]:
    return _records(
        rows,
        lambda r, o: ZoneUnit(
            r["zone_name_zh"], r["division_code"], r["province_code"], r["status_2026"], o
        ),
        {
            "zone_name_zh": "text",
            "division_code": "code",
            "province_code": "code",
            "status_2026": "text",
        },
    )


def _extra_divisions(rows: list[Row]) -> list[Division]:
    return _records(
        rows,
        lambda r, o: Division(
            r["code"],
            r["name_zh"],
            r["name_en"],
            r["pinyin"],
            LEVELS[r["level"]],
            TYPES[r["type"]],
            r["parent_code"] or None,
            None,
            o,
        ),
        {
            "code": "code",
            "name_zh": "text",
            "name_en": "text?",
            "type": "type",
            "level": "level",
            "parent_code": "code?",
            "pinyin": "text?",
        },
    )


def _changes(rows: list[Row]) -> list[DivisionChange]:
    return _records(
        rows,
        lambda r, o: DivisionChange(
            r["division_code"],
            r["date"],
            r["kind"],
            r["successor_code"] or None,
            r["description_zh"],
            r["description_en"],
            r["source"],
            o,
        ),
        {
            "division_code": "code",
            "date": "year-month",
            "kind": "change-kind",
            "successor_code": "code?",
            "description_zh": "text",
            "description_en": "text",
            "source": "text",
        },
    )

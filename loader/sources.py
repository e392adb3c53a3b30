"""Typed records read from ``data/``: the notice, the curated tables, the reference tables.

No RDF here; each record remembers the file and line it came from. Each table
is declared once (:class:`Table`): its file, the record it fills, and for each
column the record field and the kind of value it must hold.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, TypeVar

from loader.errors import BuildError, Problem, fail
from loader.iris import is_division_code, is_slug, is_year_month
from loader.notice import Notice, read_notice
from loader.tables import Row, read_table

NOTICE_FILE = "sources/mca-notice-40-experimental-zones.txt"
DATASET_FILE = "dataset.toml"
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


@dataclass(frozen=True, kw_only=True)
class Zone:
    code: str
    unit_name_zh: str
    task_en: str
    origin: Origin


@dataclass(frozen=True, kw_only=True)
class Theme:
    slug: str
    label_zh: str
    label_en: str
    definition_zh: str
    definition_en: str
    broader: str | None
    origin: Origin


@dataclass(frozen=True, kw_only=True)
class Assignment:
    code: str
    theme: str
    evidence: str
    origin: Origin


@dataclass(frozen=True, kw_only=True)
class Initiative:
    slug: str
    code: str
    kind: str
    label_zh: str
    label_en: str
    evidence: str
    origin: Origin


@dataclass(frozen=True, kw_only=True)
class Named:
    """An agency or a guiding event: a label pair and the notice phrase naming it."""

    slug: str
    label_zh: str
    label_en: str
    evidence: str
    origin: Origin


@dataclass(frozen=True, kw_only=True)
class PolicyDocument:
    slug: str
    number: str
    title_zh: str
    title_en: str
    year: str
    issuers: tuple[str, ...]
    evidence: str
    origin: Origin


@dataclass(frozen=True, kw_only=True)
class Goal:
    slug: str
    document: str
    label_zh: str
    label_en: str
    evidence: str
    origin: Origin


@dataclass(frozen=True, kw_only=True)
class Division:
    code: str
    name_zh: str
    name_en: str | None = None
    pinyin: str | None = None
    level: str  # province | prefecture | county
    type: str  # a TYPES value
    parent_code: str | None = None
    wikidata_qid: str | None = None
    origin: Origin


@dataclass(frozen=True, kw_only=True)
class ZoneUnit:
    """The reference table's reading of a zone: which division the notice's unit is."""

    unit_name_zh: str
    code: str
    province_code: str
    status: str  # free text that starts with "current" or "abolished"
    origin: Origin


@dataclass(frozen=True, kw_only=True)
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
    dataset: dict[str, Any]
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


@dataclass(frozen=True)
class Kind:
    """What a cell may hold and how it becomes a field value (empty optional cells: None)."""

    name: str
    valid: Callable[[str], bool]
    convert: Callable[[str], object] = str
    optional: bool = False

    @property
    def maybe(self) -> Kind:
        return Kind(self.name, self.valid, self.convert, optional=True)


CODE = Kind("code", is_division_code)
SLUG = Kind("slug", is_slug)
TEXT = Kind("text", lambda v: True)
YEAR_MONTH = Kind("year-month", is_year_month)
YEAR = Kind("year", lambda v: v.isdigit() and len(v) == 4)
QID = Kind("qid", lambda v: v.startswith("Q") and v[1:].isdigit())
LEVEL = Kind("level", lambda v: v in LEVELS, LEVELS.__getitem__)
TYPE = Kind("type", lambda v: v in TYPES, TYPES.__getitem__)
INITIATIVE_KIND = Kind("initiative-kind", lambda v: v in INITIATIVE_KINDS)
CHANGE_KIND = Kind("change-kind", lambda v: v in CHANGE_KINDS)
SLUG_LIST = Kind(
    "slug-list",
    lambda v: all(is_slug(s.strip()) for s in v.split(";")),
    lambda v: tuple(s.strip() for s in v.split(";")),
)

R = TypeVar("R")


@dataclass(frozen=True)
class Table(Generic[R]):
    """A CSV file under data/ and how its columns fill a record: column → (field, kind)."""

    file: str
    record: Callable[..., R]
    columns: dict[str, tuple[str, Kind]]

    def read(self, data_dir: Path) -> list[R]:
        rows = read_table(data_dir / self.file, f"data/{self.file}", tuple(self.columns))
        problems = [p for row in rows for p in self._problems(row)]
        if problems:
            raise BuildError(problems)
        return [self._record(row) for row in rows]

    def _problems(self, row: Row) -> list[Problem]:
        problems = []
        for column, (_, kind) in self.columns.items():
            value = row[column]
            if not value and not kind.optional:
                problems.append(row.problem("required-value", f"{column} is empty", column))
            elif value and not kind.valid(value):
                message = f"{column} is not a valid {kind.name}"
                problems.append(row.problem(f"{kind.name}-format", message, column))
        return problems

    def _record(self, row: Row) -> R:
        fields = {
            name: kind.convert(row[column]) if row[column] else None
            for column, (name, kind) in self.columns.items()
        }
        return self.record(**fields, origin=Origin(row.file, row.line))


def _same(*columns: str, kind: Kind = TEXT) -> dict[str, tuple[str, Kind]]:
    """Columns named like their fields."""
    return {column: (column, kind) for column in columns}


LABELS = _same("label_zh", "label_en")
EVIDENCE = {"evidence_phrase": ("evidence", TEXT)}

ZONES = Table(
    "zones.csv", Zone, {"division_code": ("code", CODE), **_same("unit_name_zh", "task_en")}
)
THEMES = Table(
    "themes.csv",
    Theme,
    {
        "slug": ("slug", SLUG),
        **LABELS,
        **_same("definition_zh", "definition_en"),
        "broader": ("broader", SLUG.maybe),
    },
)
ASSIGNMENTS = Table(
    "theme_assignments.csv",
    Assignment,
    {"division_code": ("code", CODE), "theme": ("theme", SLUG), **EVIDENCE},
)
INITIATIVES = Table(
    "initiatives.csv",
    Initiative,
    {
        "slug": ("slug", SLUG),
        "division_code": ("code", CODE),
        "kind": ("kind", INITIATIVE_KIND),
        **LABELS,
        **EVIDENCE,
    },
)
AGENCIES = Table("agencies.csv", Named, {"slug": ("slug", SLUG), **LABELS, **EVIDENCE})
EVENTS = Table("guiding_events.csv", Named, {"slug": ("slug", SLUG), **LABELS, **EVIDENCE})
DOCUMENTS = Table(
    "policy_documents.csv",
    PolicyDocument,
    {
        "slug": ("slug", SLUG),
        **_same("number", "title_zh", "title_en"),
        "year": ("year", YEAR),
        "issuers": ("issuers", SLUG_LIST),
        **EVIDENCE,
    },
)
GOALS = Table(
    "policy_goals.csv",
    Goal,
    {"slug": ("slug", SLUG), "document": ("document", SLUG), **LABELS, **EVIDENCE},
)
PROVINCES = Table(
    "reference/provinces.csv",
    Division,
    {
        "code": ("code", CODE),
        **_same("name_zh", "name_en", "pinyin"),
        "type": ("type", TYPE),
        "level": ("level", LEVEL),
        "parent_province_code": ("parent_code", CODE.maybe),
        "wikidata_qid": ("wikidata_qid", QID.maybe),
    },
)
ZONE_DIVISIONS = Table(
    "reference/divisions.csv",
    Division,
    {
        "division_code": ("code", CODE),
        "division_name_zh": ("name_zh", TEXT),
        **_same("name_en", "pinyin"),
        "division_level": ("level", LEVEL),
        "division_type": ("type", TYPE),
        "parent_code": ("parent_code", CODE),
        "wikidata_qid": ("wikidata_qid", QID.maybe),
    },
)
ZONE_UNITS = Table(
    "reference/divisions.csv",
    ZoneUnit,
    {
        "zone_name_zh": ("unit_name_zh", TEXT),
        "division_code": ("code", CODE),
        "province_code": ("province_code", CODE),
        "status_2026": ("status", TEXT),
    },
)
EXTRA_DIVISIONS = Table(
    "extra_divisions.csv",
    Division,
    {
        "code": ("code", CODE),
        "name_zh": ("name_zh", TEXT),
        "name_en": ("name_en", TEXT.maybe),
        "type": ("type", TYPE),
        "level": ("level", LEVEL),
        "parent_code": ("parent_code", CODE.maybe),
        "pinyin": ("pinyin", TEXT.maybe),
    },
)
CHANGES = Table(
    "division_changes.csv",
    DivisionChange,
    {
        "division_code": ("code", CODE),
        "date": ("date", YEAR_MONTH),
        "kind": ("kind", CHANGE_KIND),
        "successor_code": ("successor", CODE.maybe),
        **_same("description_zh", "description_en", "source"),
    },
)


def read_sources(data_dir: Path) -> Sources:
    """Read every input under ``data_dir``; raises BuildError naming file and line on bad input."""
    return Sources(
        notice=read_notice(data_dir / NOTICE_FILE, f"data/{NOTICE_FILE}"),
        dataset=read_dataset(data_dir / DATASET_FILE),
        zones=ZONES.read(data_dir),
        themes=THEMES.read(data_dir),
        assignments=ASSIGNMENTS.read(data_dir),
        initiatives=INITIATIVES.read(data_dir),
        agencies=AGENCIES.read(data_dir),
        events=EVENTS.read(data_dir),
        documents=DOCUMENTS.read(data_dir),
        goals=GOALS.read(data_dir),
        divisions=[
            *PROVINCES.read(data_dir),
            *ZONE_DIVISIONS.read(data_dir),
            *EXTRA_DIVISIONS.read(data_dir),
        ],
        zone_units=ZONE_UNITS.read(data_dir),
        changes=CHANGES.read(data_dir),
    )


# Keys of dataset.toml, dotted for its tables.
DATASET_KEYS = (
    "version",
    "issued",
    "modified",
    "license",
    "publisher_name",
    "title.zh",
    "title.en",
    "description.zh",
    "description.en",
)


def read_dataset(path: Path) -> dict[str, Any]:
    display = f"data/{DATASET_FILE}"
    try:
        dataset = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise fail("source-present", "required file is missing", file=display) from exc
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise fail("toml-syntax", str(exc), file=display) from exc
    missing = [key for key in DATASET_KEYS if not _lookup(dataset, key)]
    if missing:
        raise fail("dataset-field", f"missing or empty: {', '.join(missing)}", file=display)
    return dataset


def _lookup(table: dict[str, Any], dotted: str) -> object:
    value: object = table
    for part in dotted.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value

"""The divisions as one flat table (CSV and JSON), for joins with other tables.

Every cell is a value of the graph, which is built from ``data/`` alone; a value the
data does not give (a pinyin, a Wikidata item, a successor) is an empty cell in the
CSV and ``null`` in the JSON, never filled in. ``level``, ``type`` and ``status`` are
the slugs of the graph's concepts (``level/county``, ``division-type/district``,
``division-status/abolished``). English names are the project's own, unofficial.
"""

from __future__ import annotations

import csv
import io
import json

from loader.lookup_table import Row

CROSSWALK_STEM = "cgkg-divisions"
COLUMNS = (
    ("code", "code"),
    ("name_zh", "name_zh"),
    ("name_en_unofficial", "name_en"),
    ("pinyin", "pinyin"),
    ("level", "level"),
    ("type", "type"),
    ("parent_code", "parent_code"),
    ("province_code", "province_code"),
    ("status", "status"),
    ("successor_code", "successor_code"),
    ("wikidata", "wikidata"),
    ("zone", "zone"),
)
_SLUGS = ("level", "type", "status")


def crosswalk_records(rows: list[Row]) -> list[dict[str, str | None]]:
    """One record per division, columns in :data:`COLUMNS` order."""
    records = []
    for row in rows:
        record = {column: row[key] for column, key in COLUMNS}
        for column in _SLUGS:
            value = record[column]
            record[column] = value.rsplit("/", 1)[-1] if value else None
        records.append(record)
    return records


def crosswalk_csv(records: list[dict[str, str | None]]) -> bytes:
    """UTF-8 with a BOM (spreadsheet programs then read the Chinese names right)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([column for column, _ in COLUMNS])
    for record in records:
        writer.writerow([record[column] or "" for column, _ in COLUMNS])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def crosswalk_json(records: list[dict[str, str | None]]) -> bytes:
    return (json.dumps(records, ensure_ascii=False, indent=1) + "\n").encode("utf-8")

"""Retired IRIs: ``data/retired_iris.csv`` becomes ``retired.json`` in the release.

A published IRI never changes; when a resource goes, its IRI answers 301 to a
successor or 410 with a reason. The server reads ``retired.json``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from loader.errors import BuildError, Problem
from loader.sources import Origin
from loader.tables import read_table

FILE = "retired_iris.csv"
COLUMNS = ("iri", "successor", "reason_zh", "reason_en")


@dataclass(frozen=True)
class Retirement:
    iri: str
    successor: str | None
    reason_zh: str
    reason_en: str
    origin: Origin


def read_retired(data_dir: Path) -> list[Retirement]:
    rows = read_table(data_dir / FILE, f"data/{FILE}", COLUMNS)
    return [
        Retirement(
            r["iri"], r["successor"] or None, r["reason_zh"], r["reason_en"], Origin(r.file, r.line)
        )
        for r in rows
    ]


def check_retired(retired: list[Retirement], quads: list[ox.Quad], base_iri: str) -> None:
    """A retired IRI is ours and describes nothing any more; a successor is described."""
    subjects = {q.subject.value for q in quads if isinstance(q.subject, ox.NamedNode)}
    problems = []
    for r in retired:
        where = (r.origin.file, r.origin.line)
        if not r.iri.startswith(base_iri):
            problems.append(
                Problem("retired-ours", "not an IRI under the base", *where, None, r.iri)
            )
        elif r.iri in subjects:
            problems.append(
                Problem("retired-unused", "a retired IRI still has triples", *where, None, r.iri)
            )
        if r.successor is None and not (r.reason_zh and r.reason_en):
            problems.append(
                Problem(
                    "retired-reason",
                    "without a successor, give the reason in zh and en",
                    *where,
                    None,
                    r.iri,
                )
            )
        if r.successor is not None and r.successor not in subjects:
            problems.append(
                Problem(
                    "retired-successor", "successor is not described", *where, None, r.successor
                )
            )
    if problems:
        raise BuildError(problems)


def write_retired(path: Path, retired: list[Retirement]) -> None:
    entries = []
    for r in retired:
        entry = {"iri": r.iri}
        entry.update(
            {"successor": r.successor}
            if r.successor
            else {"reason_zh": r.reason_zh, "reason_en": r.reason_en}
        )
        entries.append(entry)
    path.write_text(json.dumps(entries, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")

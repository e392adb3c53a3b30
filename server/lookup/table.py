"""The release's name table (``lookup.json``), loaded and indexed for matching.

:class:`NameTable` holds every entry (divisions and the other named things) by
id, the folded name forms that lead to each, the divisions by code (sorted, for
code prefixes) and, for each division, its chain of parents. :class:`NameTables`
keeps one table per release, so a request uses the table of the release it was
pinned to.
"""

from __future__ import annotations

import bisect
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from server.errors import ServiceUnavailable
from server.lookup.fold import fold

__all__ = ["TYPES", "Entry", "NameTable", "NameTables"]

TYPES = {
    "division": ("行政区划", "Administrative division"),
    "zone": ("实验区", "Experimental zone"),
    "theme": ("治理主题", "Governance theme"),
    "initiative": ("地方创新举措", "Local initiative"),
    "agency": ("发文机关", "Issuing agency"),
}
"""Type ids in the order candidates of equal score are listed."""
_FORMAT = 1


@dataclass(frozen=True)
class Entry:
    """One thing that can be found: its id (IRI relative to the base), type and record."""

    id: str
    type: str
    record: dict[str, Any]
    code: str | None
    """The division code this entry stands at: its own, or its zone's division."""

    @property
    def name_zh(self) -> str:
        return str(self.record["name_zh"])

    @property
    def name_en(self) -> str | None:
        value = self.record.get("name_en")
        return str(value) if value else None


@dataclass
class NameTable:
    base_iri: str
    entries: dict[str, Entry] = field(default_factory=dict)
    forms: dict[str, list[str]] = field(default_factory=dict)
    """Folded name form → ids of the entries it names."""
    by_code: dict[str, Entry] = field(default_factory=dict)
    codes: list[str] = field(default_factory=list)
    form_list: list[str] = field(default_factory=list)
    """Every distinct folded form, for the typo search."""
    parent_forms: set[str] = field(default_factory=set)
    _folded: dict[str, list[str]] = field(default_factory=dict)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> NameTable:
        if data.get("format") != _FORMAT:
            raise ValueError(f"unknown name table format {data.get('format')!r}")
        table = cls(str(data["base_iri"]))
        for record in data["divisions"]:
            table._add(Entry(record["id"], "division", record, record["code"]))
        for record in data["entities"]:
            table._add(Entry(record["id"], record["type"], record, record.get("division")))
        table.codes = sorted(table.by_code)
        table.form_list = sorted(table.forms)
        for entry in table.by_code.values():
            if entry.record.get("parent"):
                parent = table.by_code.get(entry.record["parent"])
                table.parent_forms.update(table.folded_forms(parent) if parent else ())
        return table

    def _add(self, entry: Entry) -> None:
        self.entries[entry.id] = entry
        if entry.type == "division" and entry.code:
            self.by_code[entry.code] = entry
        self._folded[entry.id] = list(
            dict.fromkeys(f for f in map(fold, entry.record["forms"]) if f)
        )
        for form in self._folded[entry.id]:
            ids = self.forms.setdefault(form, [])
            if entry.id not in ids:
                ids.append(entry.id)

    def folded_forms(self, entry: Entry) -> list[str]:
        """The entry's name forms, folded (computed once, when the table is loaded)."""
        return self._folded[entry.id]

    def division(self, code: str | None) -> Entry | None:
        return self.by_code.get(code) if code else None

    def parents(self, entry: Entry) -> list[Entry]:
        """The divisions above ``entry``, nearest first (for a zone: its division first)."""
        chain: list[Entry] = []
        current = self.division(entry.code)
        if current is not None and entry.type != "division":
            chain.append(current)
        while current is not None and len(chain) < 10:
            current = self.division(current.record.get("parent"))
            if current is not None:
                chain.append(current)
        return chain

    def under(self, prefix: str) -> Iterator[Entry]:
        """Divisions whose code starts with ``prefix``, by code."""
        start = bisect.bisect_left(self.codes, prefix)
        for code in self.codes[start:]:
            if not code.startswith(prefix):
                break
            yield self.by_code[code]

    def iri(self, entry: Entry) -> str:
        return self.base_iri + entry.id


class NameTables:
    """One :class:`NameTable` per release folder, loaded on first use."""

    def __init__(self) -> None:
        self._tables: dict[Path, NameTable] = {}
        self._lock = threading.Lock()

    def table(self, release_dir: Path, file_name: str | None) -> NameTable:
        table = self._tables.get(release_dir)
        if table is not None:
            return table
        with self._lock:
            table = self._tables.get(release_dir)
            if table is None:
                table = _load(release_dir, file_name)
                self._tables = {release_dir: table, **dict(list(self._tables.items())[:1])}
            return table


def _load(release_dir: Path, file_name: str | None) -> NameTable:
    if not file_name:
        raise ServiceUnavailable("This release has no name table: rebuild it with `cgkg build`.")
    try:
        data = json.loads((release_dir / file_name).read_text(encoding="utf-8"))
        return NameTable.from_json(data)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ServiceUnavailable(f"The release's name table cannot be read: {exc}") from None

"""The properties of the service: what a query's ``properties`` may constrain and what
data extension can fetch, with the value each entry has for them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from server.lookup.fold import fold
from server.lookup.table import Entry, NameTable

__all__ = ["PROPERTIES", "Property", "satisfies"]

Value = dict[str, str]
"""One value as data extension returns it: ``{"str": …}`` or ``{"id": …, "name": …}``."""


@dataclass(frozen=True)
class Property:
    id: str
    name: str
    types: tuple[str, ...]
    values: Callable[[NameTable, Entry], list[Value]]


def _text(key: str) -> Callable[[NameTable, Entry], list[Value]]:
    def values(table: NameTable, entry: Entry) -> list[Value]:
        value = entry.record.get(key)
        return [{"str": str(value)}] if value else []

    return values


def _code(table: NameTable, entry: Entry) -> list[Value]:
    return [{"str": entry.code}] if entry.code else []


def _ref(table: NameTable, entry: Entry | None) -> list[Value]:
    return [{"id": entry.id, "name": entry.name_zh}] if entry else []


def _link(key: str) -> Callable[[NameTable, Entry], list[Value]]:
    def values(table: NameTable, entry: Entry) -> list[Value]:
        return _ref(table, table.division(entry.record.get(key)))

    return values


def _link_code(key: str) -> Callable[[NameTable, Entry], list[Value]]:
    def values(table: NameTable, entry: Entry) -> list[Value]:
        linked = table.division(entry.record.get(key))
        return [{"str": str(linked.code)}] if linked else []

    return values


def _zone(table: NameTable, entry: Entry) -> list[Value]:
    return _ref(table, table.entries.get(entry.record.get("zone") or ""))


def _division(table: NameTable, entry: Entry) -> list[Value]:
    return _ref(table, table.division(entry.code)) if entry.type != "division" else []


_D = ("division",)
_DZ = ("division", "zone")
_ALL = ("division", "zone", "theme", "initiative", "agency")
PROPERTIES = {
    p.id: p
    for p in (
        Property("code", "GB/T 2260 code", _DZ, _code),
        Property("name_zh", "Name (Chinese)", _ALL, _text("name_zh")),
        Property("name_en", "Name (English, unofficial)", _ALL, _text("name_en")),
        Property("pinyin", "Name (pinyin)", _D, _text("pinyin")),
        Property("level", "Level", _D, _text("level")),
        Property("type", "Division type", _D, _text("type")),
        Property("status", "Status", _D, _text("status")),
        Property("parent", "Parent division", _D, _link("parent")),
        Property("parent_code", "Parent code", _D, _link_code("parent")),
        Property("province", "Province-level division", _D, _link("province")),
        Property("province_code", "Province code", _D, _link_code("province")),
        Property("successor", "Successor (abolished codes)", _D, _link("successor")),
        Property("wikidata", "Wikidata item", _D, _text("wikidata")),
        Property("zone", "Experimental zone", _D, _zone),
        Property("division", "Division", ("zone", "initiative"), _division),
    )
}

QUALIFYING = ("code", "parent", "parent_code", "province", "province_code")
"""Constraints that say where a place is, so a bare county name becomes unambiguous."""


def satisfies(table: NameTable, entry: Entry, pid: str, wanted: list[Any]) -> bool:
    """Whether ``entry`` has one of the ``wanted`` values for ``pid``. A parent is any
    division above the entry; names compare folded, in any of their forms."""
    keys = {_key(v) for v in wanted} - {""}
    if not keys:
        return True
    if pid == "parent":
        linked = table.parents(entry)
    elif pid == "province":
        linked = [p for p in [table.division(_province(table, entry))] if p]
    else:
        return any(_key(v) in keys for v in _own_values(table, entry, pid))
    return any(p.id in keys or p.code in keys or keys & set(table.folded_forms(p)) for p in linked)


def _province(table: NameTable, entry: Entry) -> str | None:
    division = table.division(entry.code)
    return division.record.get("province") if division else None


def _own_values(table: NameTable, entry: Entry, pid: str) -> list[str]:
    prop = PROPERTIES.get(pid)
    if prop is None:
        return []
    return [v.get("str") or v.get("id", "") for v in prop.values(table, entry)]


def _key(value: Any) -> str:
    if isinstance(value, dict):
        return str(value.get("id") or "")
    return fold(str(value)) if not str(value).startswith(("division/", "zone/")) else str(value)

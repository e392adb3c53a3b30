"""Data extension: ``extend={"ids": […], "properties": [{"id": …}]}`` → the values of those
properties for those entries, and the property proposals for a type."""

from __future__ import annotations

import json
from typing import Any

from server.errors import BadRequest
from server.lookup.describe import type_ref
from server.lookup.reconcile.properties import PROPERTIES
from server.lookup.table import TYPES, NameTable

__all__ = ["MAX_IDS", "extend", "parse_extend", "propose"]

MAX_IDS = 10_000


def parse_extend(raw: str) -> tuple[list[str], list[str]]:
    try:
        query = json.loads(raw)
    except ValueError as exc:
        raise BadRequest(f"extend is not JSON: {exc}") from None
    if not isinstance(query, dict) or not isinstance(query.get("ids"), list):
        raise BadRequest('extend must be {"ids": […], "properties": [{"id": …}]}.')
    ids, props = query["ids"], query.get("properties")
    if not isinstance(props, list) or not all(isinstance(p, dict) and "id" in p for p in props):
        raise BadRequest('extend needs "properties": [{"id": …}, …].')
    if len(ids) > MAX_IDS or not all(isinstance(i, str) for i in ids):
        raise BadRequest(f"extend takes at most {MAX_IDS} ids, each a string.")
    unknown = [p["id"] for p in props if p["id"] not in PROPERTIES]
    if unknown:
        raise BadRequest(f"Unknown property {unknown[0]!r}; see /reconcile/properties.")
    return ids, [str(p["id"]) for p in props]


def extend(table: NameTable, ids: list[str], pids: list[str]) -> dict[str, Any]:
    """Values per id and property; an id the table does not hold gets empty lists."""
    rows: dict[str, dict[str, list[dict[str, str]]]] = {}
    for entry_id in ids:
        entry = table.entries.get(entry_id)
        rows[entry_id] = {
            pid: PROPERTIES[pid].values(table, entry) if entry else [] for pid in pids
        }
    meta = [_meta(pid) for pid in pids]
    return {"meta": meta, "rows": rows}


def _meta(pid: str) -> dict[str, Any]:
    meta: dict[str, Any] = {"id": pid, "name": PROPERTIES[pid].name}
    if pid in ("parent", "province", "successor"):
        meta["type"] = type_ref("division")
    elif pid in ("zone", "division"):
        meta["type"] = type_ref("zone" if pid == "zone" else "division")
    return meta


def propose(type_id: str, limit: int) -> dict[str, Any]:
    if type_id not in TYPES:
        raise BadRequest(f"Unknown type {type_id!r}; use one of {', '.join(TYPES)}.")
    chosen = [p for p in PROPERTIES.values() if type_id in p.types][:limit]
    return {
        "type": type_id,
        "limit": limit,
        "properties": [{"id": p.id, "name": p.name} for p in chosen],
    }

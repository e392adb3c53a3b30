"""An entry as the lookup answers it: IRI, labels, level, parent chain, zone, status and
successor (for a code that was abolished), and the recorded changes."""

from __future__ import annotations

from typing import Any

from server.lookup.match import Candidate
from server.lookup.table import TYPES, Entry, NameTable

__all__ = ["describe", "parent_names", "summary", "type_ref"]


def summary(table: NameTable, entry: Entry) -> dict[str, Any]:
    """IRI, code and labels: how an entry is named inside another one's description."""
    record = entry.record
    out: dict[str, Any] = {
        "id": entry.id,
        "iri": table.iri(entry),
        "type": entry.type,
        "label": {"zh": entry.name_zh, "en": entry.name_en, "pinyin": record.get("pinyin")},
    }
    if entry.type == "division":
        out["code"] = entry.code
    return out


def describe(table: NameTable, candidate: Candidate, unambiguous: bool) -> dict[str, Any]:
    entry = candidate.entry
    record = entry.record
    out = summary(table, entry)
    out["score"] = candidate.score
    out["match"] = unambiguous and candidate.score >= 100
    out["parents"] = [summary(table, p) for p in table.parents(entry)]
    if entry.type == "division":
        out["level"] = record.get("level")
        out["division_type"] = record.get("type")
        out["status"] = record.get("status")
        successor = table.division(record.get("successor"))
        out["successor"] = summary(table, successor) if successor else None
        out["wikidata"] = record.get("wikidata")
        out["changes"] = [_change(table, c) for c in record.get("changes", [])]
    zone = table.entries.get(record.get("zone") or "")
    if entry.type == "division":
        out["zone"] = summary(table, zone) if zone else None
    elif entry.type in ("zone", "initiative") and entry.code:
        division = table.division(entry.code)
        out["division"] = summary(table, division) if division else None
    return out


def _change(table: NameTable, change: dict[str, Any]) -> dict[str, Any]:
    return {
        "iri": table.base_iri + str(change["change"]),
        "date": change.get("date"),
        "kind": change.get("kind"),
        "description": {"zh": change.get("comment_zh"), "en": change.get("comment_en")},
    }


def parent_names(table: NameTable, entry: Entry) -> str:
    """The parent chain in Chinese, outermost first (江苏省 南京市), to tell namesakes apart."""
    return " ".join(p.name_zh for p in reversed(table.parents(entry)))


def type_ref(type_id: str) -> dict[str, str]:
    zh, en = TYPES[type_id]
    return {"id": type_id, "name": f"{en} ({zh})"}

"""Reconciliation queries: a batch ``{"q0": {"query": …, "type": …, "limit": …,
"properties": [{"pid": …, "v": …}]}, …}`` in, candidates per query out.

``properties`` narrow the candidates: one that has none of a constraint's values
is dropped. A constraint that says where the place is (code, parent, province)
qualifies a bare county name, so it can be a match.
"""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

from server.errors import BadRequest, ContentTooLarge
from server.lookup.describe import parent_names, type_ref
from server.lookup.match import Candidate, OverBudget, TypoBudget, find, is_unambiguous
from server.lookup.reconcile.properties import PROPERTIES, QUALIFYING, satisfies
from server.lookup.table import TYPES, Entry, NameTable

__all__ = ["MAX_BATCH", "parse_batch", "reconcile_batch"]

MAX_BATCH = 1000
DEFAULT_LIMIT = 10
_KEYS = {"query", "type", "limit", "properties", "type_strict"}


def parse_batch(raw: str) -> dict[str, dict[str, Any]]:
    """The batch as sent, checked; :class:`BadRequest` saying what is wrong."""
    try:
        batch = json.loads(raw)
    except ValueError as exc:
        raise BadRequest(f"queries is not JSON: {exc}") from None
    if not isinstance(batch, dict) or not batch:
        raise BadRequest('queries must be a JSON object of queries: {"q0": {"query": "…"}}')
    if len(batch) > MAX_BATCH:
        raise BadRequest(f"A batch holds at most {MAX_BATCH} queries; this one has {len(batch)}.")
    for key, query in batch.items():
        _check(key, query)
    return batch


def _check(key: str, query: Any) -> None:
    if not isinstance(query, dict):
        raise BadRequest(f"Query {key!r} is not an object.")
    extra = set(query) - _KEYS
    if extra:
        raise BadRequest(f"Query {key!r} has unknown fields: {', '.join(sorted(extra))}.")
    if not isinstance(query.get("query", ""), str):
        raise BadRequest(f"Query {key!r}: query must be a string.")
    if "query" not in query and not query.get("properties"):
        raise BadRequest(f"Query {key!r} has neither a query nor properties.")
    limit = query.get("limit", DEFAULT_LIMIT)
    if isinstance(limit, bool) or not isinstance(limit, int | float) or limit < 1:
        raise BadRequest(f"Query {key!r}: limit must be a positive number.")
    for prop in query.get("properties") or []:
        if not isinstance(prop, dict) or "pid" not in prop or "v" not in prop:
            raise BadRequest(f'Query {key!r}: each property is {{"pid": …, "v": …}}.')
        if prop["pid"] not in PROPERTIES:
            raise BadRequest(f"Query {key!r}: unknown property {prop['pid']!r}.")
    _types(key, query)


def _types(key: str, query: dict[str, Any]) -> list[str]:
    given = query.get("type")
    types = [given] if isinstance(given, str) else list(given or [])
    unknown = [t for t in types if t not in TYPES]
    if unknown:
        raise BadRequest(f"Query {key!r}: unknown type {unknown[0]!r}; use {', '.join(TYPES)}.")
    return types


def reconcile_batch(
    table: NameTable, batch: dict[str, dict[str, Any]], budget: TypoBudget
) -> dict[str, Any]:
    """Candidates per query; :class:`ContentTooLarge` when the batch's typos would take
    more than ``budget``. The rate limit counts requests, so one request must not cost
    half a minute of CPU: at 1,000x synthetic data (276,165 name forms) one typo takes
    about 35 ms (docs/benchmarks.md), so a batch of 1,000 typos would take about 35 s."""
    try:
        return {
            key: {"result": _reconcile(table, key, query, budget)} for key, query in batch.items()
        }
    except OverBudget as over:
        names = over.budget // max(1, over.forms)
        raise ContentTooLarge(
            f"This batch holds too many names that are not found exactly: each is compared "
            f"with all {over.forms:,} name forms, and a batch may make {over.budget:,} such "
            f"comparisons (about {names:,} of its names). Send smaller batches (in "
            "OpenRefine, a smaller batch size)."
        ) from None


def _reconcile(
    table: NameTable, key: str, query: dict[str, Any], budget: TypoBudget
) -> list[dict[str, Any]]:
    constraints = [
        (str(p["pid"]), p["v"] if isinstance(p["v"], list) else [p["v"]])
        for p in query.get("properties") or []
    ]
    text = str(query.get("query", "")).strip()
    if not text:
        text = next((str(v[0]) for pid, v in constraints if pid == "code" and v), "")
    candidates = [
        _narrowed(table, c, constraints)
        for c in find(table, text, _types(key, query), budget)
        if all(satisfies(table, c.entry, pid, values) for pid, values in constraints)
    ]
    unambiguous = is_unambiguous(candidates)
    limit = int(query.get("limit", DEFAULT_LIMIT))
    return [_result(table, c, unambiguous) for c in candidates[:limit]]


def _narrowed(
    table: NameTable, c: Candidate, constraints: list[tuple[str, list[Any]]]
) -> Candidate:
    if any(
        pid in QUALIFYING and any(str(v).strip() for v in values) for pid, values in constraints
    ):
        return replace(c, qualified=True)
    return c


def _result(table: NameTable, candidate: Candidate, unambiguous: bool) -> dict[str, Any]:
    entry = candidate.entry
    return {
        "id": entry.id,
        "name": entry.name_zh,
        "description": describe_line(table, entry),
        "type": [type_ref(entry.type)],
        "score": candidate.score,
        "match": unambiguous and candidate.score >= 100,
    }


def describe_line(table: NameTable, entry: Entry) -> str:
    """Parents, code and English name: what tells namesakes apart in OpenRefine's list."""
    parts = [parent_names(table, entry), entry.code or "", entry.name_en or ""]
    if entry.record.get("status") == "abolished":
        parts.append("abolished")
    return " · ".join(p for p in parts if p)

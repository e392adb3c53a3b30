"""The name table of the lookup and reconciliation services (``lookup.json``), read back
from the built store with the queries in ``loader/sparql/lookup_*.rq``.

It lists every division (code, names, level, type, parent, province, status,
successor, changes, Wikidata item, zone) and every zone, theme, agency and
initiative, each with the name forms it is found by (:mod:`loader.names`). The
server reads only this file to answer lookups, so it needs no store to do so.
Identifiers are IRIs relative to the base IRI (``division/110102``).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from importlib.resources import files

import pyoxigraph as ox

from loader.names import latin_forms, zh_forms

LOOKUP_FILE = "lookup.json"
LOOKUP_FORMAT = 1
_SPARQL = files("loader").joinpath("sparql")
DIVISIONS_QUERY = _SPARQL.joinpath("lookup_divisions.rq").read_text(encoding="utf-8")
CHANGES_QUERY = _SPARQL.joinpath("lookup_changes.rq").read_text(encoding="utf-8")
ENTITIES_QUERY = _SPARQL.joinpath("lookup_entities.rq").read_text(encoding="utf-8")

Row = dict[str, str | None]


def select(store: ox.Store, query: str) -> Iterator[Row]:
    """The solutions of a SELECT over the union of the graphs, as plain strings."""
    result = store.query(query, use_default_graph_as_union=True)
    assert isinstance(result, ox.QuerySolutions)  # noqa: S101 - the queries are SELECTs
    names = [v.value for v in result.variables]
    for solution in result:
        yield {name: _text(solution[name]) for name in names}


def _text(term: object) -> str | None:
    if isinstance(term, ox.Literal | ox.NamedNode):
        return term.value
    return None


def division_rows(store: ox.Store) -> list[Row]:
    """One row per division; a field with several values (never so in data/) keeps them all,
    separated by ``;``, so nothing is dropped silently."""
    merged: dict[str, Row] = {}
    for row in select(store, DIVISIONS_QUERY):
        code = str(row["code"])
        if code not in merged:
            merged[code] = row
            continue
        kept = merged[code]
        for key, value in row.items():
            values = (kept[key] or "").split(";") if kept[key] else []
            if value is not None and value not in values:
                kept[key] = ";".join([*values, value])
    return [merged[code] for code in sorted(merged)]


def lookup_table(store: ox.Store, base_iri: str, divisions: list[Row]) -> bytes:
    """``lookup.json``: divisions and the other named things, with their name forms."""
    changes: dict[str, list[Row]] = {}
    for row in select(store, CHANGES_QUERY):
        changes.setdefault(str(row.pop("code")), []).append(row)
    table = {
        "format": LOOKUP_FORMAT,
        "base_iri": base_iri,
        "divisions": [_division(r, base_iri, changes.get(str(r["code"]), [])) for r in divisions],
        "entities": _entities(store, base_iri),
    }
    return json.dumps(table, ensure_ascii=False, sort_keys=True).encode("utf-8")


def _relative(iri: str | None, base_iri: str) -> str | None:
    if iri is None:
        return None
    return iri[len(base_iri) :] if iri.startswith(base_iri) else iri


def _slug(iri: str | None) -> str | None:
    return iri.rsplit("/", 1)[-1] if iri else None


def _division(row: Row, base_iri: str, changes: list[Row]) -> dict[str, object]:
    name_zh = str(row["name_zh"])
    return {
        "id": _relative(row["division"], base_iri),
        "code": row["code"],
        "name_zh": name_zh,
        "name_en": row["name_en"],
        "pinyin": row["pinyin"],
        "level": _slug(row["level"]),
        "type": _slug(row["type"]),
        "parent": row["parent_code"],
        "province": row["province_code"],
        "status": _slug(row["status"]),
        "successor": row["successor_code"],
        "wikidata": row["wikidata"],
        "zone": _relative(row["zone"], base_iri),
        "changes": [{**c, "change": _relative(c["change"], base_iri)} for c in changes],
        "forms": _forms(name_zh, row["name_en"], row["pinyin"]),
    }


def _forms(name_zh: str, *latin: str | None) -> list[str]:
    forms = zh_forms(name_zh)
    for name in latin:
        forms += [f for f in latin_forms(name) if f not in forms]
    return forms


def _entities(store: ox.Store, base_iri: str) -> list[dict[str, object]]:
    """Zones, themes, agencies, initiatives; a zone is also found by its unit's name."""
    found: dict[str, dict[str, object]] = {}
    for row in select(store, ENTITIES_QUERY):
        entity = str(_relative(row["entity"], base_iri))
        if entity in found:
            continue
        label_zh = str(row["label_zh"])
        # Labels whole (a zone's label ends in 实验区, which is no suffix to drop).
        forms = [label_zh, *(f for f in latin_forms(row["label_en"]) if f != label_zh)]
        if row["unit_name"]:
            forms += [f for f in zh_forms(row["unit_name"]) if f not in forms]
        found[entity] = {
            "id": entity,
            "type": row["kind"],
            "name_zh": label_zh,
            "name_en": row["label_en"],
            "division": row["division_code"],
            "forms": forms,
        }
    return [found[key] for key in sorted(found)]

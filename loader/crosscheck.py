"""Cross-check the curated tables against the notice and against each other.

Each problem names the file, the line and the offending value; all problems
are reported together so one run shows everything that needs fixing.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace

from loader.errors import BuildError, Problem
from loader.sources import Division, Origin, Sources


def _at(origin: Origin, rule: str, message: str, value: str | None = None) -> Problem:
    return Problem(rule, message, origin.file, origin.line, None, value)


def crosscheck(sources: Sources) -> Sources:
    """Return the sources with divisions de-duplicated; raise BuildError listing every problem."""
    divisions, problems = _merge_divisions(sources.divisions)
    sources = replace(sources, divisions=divisions)
    for check in (
        _status_matches_changes,
        _zones_match_notice,
        _zones_match_reference,
        _references,
        _notice_phrases,
        _hierarchy,
        _theme_tree,
    ):
        problems.extend(check(sources))
    if problems:
        raise BuildError(problems)
    return sources


def _merge_divisions(divisions: list[Division]) -> tuple[list[Division], list[Problem]]:
    """One record per code; a code described twice must be described the same way."""
    by_code: dict[str, Division] = {}
    problems = []
    for division in divisions:
        first = by_code.setdefault(division.code, division)
        same = (first.name_zh, first.level, first.type, first.parent_code) == (
            division.name_zh,
            division.level,
            division.type,
            division.parent_code,
        )
        if not same:
            problems.append(
                _at(
                    division.origin,
                    "division-consistent",
                    f"code described differently in {first.origin.file}:{first.origin.line}",
                    division.code,
                )
            )
    return sorted(by_code.values(), key=lambda d: d.code), problems


def _zones_match_notice(s: Sources) -> list[Problem]:
    notice_units = {u.unit: u for u in s.notice.units}
    table_units = {z.unit_name_zh for z in s.zones}
    problems = [
        _at(z.origin, "zone-in-notice", "unit is not in the notice's list", z.unit_name_zh)
        for z in s.zones
        if z.unit_name_zh not in notice_units
    ]
    problems += [
        Problem(
            "zone-in-table",
            "the notice lists this unit but data/zones.csv has no row for it",
            s.notice.path,
            u.line,
            None,
            u.unit,
        )
        for name, u in notice_units.items()
        if name not in table_units
    ]
    return problems + _zones_unique_and_counted(s)


def _zones_unique_and_counted(s: Sources) -> list[Problem]:
    names = Counter(z.unit_name_zh for z in s.zones)
    codes = Counter(z.code for z in s.zones)
    problems = [
        _at(z.origin, "zone-unique", "unit appears more than once", z.unit_name_zh)
        for z in s.zones
        if names[z.unit_name_zh] > 1
    ]
    problems += [
        _at(z.origin, "zone-unique", "division code appears more than once", z.code)
        for z in s.zones
        if codes[z.code] > 1 and names[z.unit_name_zh] == 1
    ]
    if len(s.zones) != s.notice.headline_count:
        problems.append(
            Problem(
                "zone-count",
                f"the notice's headline says "
                f"{s.notice.headline_count} units, data/zones.csv has "
                f"{len(s.zones)}",
                "data/zones.csv",
                None,
                None,
                None,
            )
        )
    return problems


def _zones_match_reference(s: Sources) -> list[Problem]:
    reference = {u.unit_name_zh: u for u in s.zone_units}
    problems = []
    for zone in s.zones:
        unit = reference.get(zone.unit_name_zh)
        if unit is None:
            problems.append(
                _at(
                    zone.origin,
                    "zone-in-reference",
                    "unit has no row in data/reference/divisions.csv",
                    zone.unit_name_zh,
                )
            )
        elif unit.code != zone.code:
            problems.append(
                _at(
                    zone.origin,
                    "zone-code-matches-reference",
                    f"reference gives {unit.code} for {zone.unit_name_zh}",
                    zone.code,
                )
            )
    notice_units = {u.unit for u in s.notice.units}
    problems += [
        _at(u.origin, "reference-in-notice", "unit is not in the notice's list", u.unit_name_zh)
        for u in s.zone_units
        if u.unit_name_zh not in notice_units
    ]
    return problems


def _references(s: Sources) -> list[Problem]:
    return _assignment_references(s) + _other_references(s)


def _assignment_references(s: Sources) -> list[Problem]:
    zones = {z.code for z in s.zones}
    themes = {t.slug for t in s.themes}
    problems = [
        _at(a.origin, "assignment-zone", "no zone with this code", a.code)
        for a in s.assignments
        if a.code not in zones
    ]
    problems += [
        _at(a.origin, "assignment-theme", "no theme with this slug", a.theme)
        for a in s.assignments
        if a.theme not in themes
    ]
    pairs = Counter((a.code, a.theme) for a in s.assignments)
    problems += [
        _at(a.origin, "assignment-unique", "theme assigned to the zone twice", a.theme)
        for a in s.assignments
        if pairs[(a.code, a.theme)] > 1
    ]
    return problems


def _other_references(s: Sources) -> list[Problem]:
    zones = {z.code for z in s.zones}
    agencies = {a.slug for a in s.agencies}
    documents = {d.slug for d in s.documents}
    divisions = {d.code for d in s.divisions}
    problems = [
        _at(i.origin, "initiative-zone", "no zone with this code", i.code)
        for i in s.initiatives
        if i.code not in zones
    ]
    problems += [
        _at(d.origin, "document-issuer", "no agency with this slug", issuer)
        for d in s.documents
        for issuer in d.issuers
        if issuer not in agencies
    ]
    problems += [
        _at(g.origin, "goal-document", "no policy document with this slug", g.document)
        for g in s.goals
        if g.document not in documents
    ]
    problems += [
        _at(c.origin, "change-division", "no division with this code", code)
        for c in s.changes
        for code in (c.code, c.successor)
        if code is not None and code not in divisions
    ]
    problems += [
        _at(u.origin, "zone-division", "no division with this code", u.code)
        for u in s.zone_units
        if u.code not in divisions
    ]
    return problems


def _status_matches_changes(s: Sources) -> list[Problem]:
    """A division the reference calls abolished has a merged-into change, and only then."""
    merged = {c.code for c in s.changes if c.kind == "merged-into"}
    return [
        _at(
            u.origin,
            "division-status",
            "status_2026 disagrees with data/division_changes.csv "
            "(abolished exactly when merged into a successor)",
            u.status,
        )
        for u in s.zone_units
        if u.status.startswith("abolished") != (u.code in merged)
    ]


def _notice_phrases(s: Sources) -> list[Problem]:
    """Everything said to come from the notice must quote it."""
    text = s.notice.text
    quoted = [(r.origin, r.evidence) for r in (*s.agencies, *s.events)]
    quoted += [(r.origin, r.evidence) for r in s.goals]
    quoted += [(d.origin, phrase) for d in s.documents for phrase in (d.evidence, d.number)]
    return [
        _at(origin, "quote-in-notice", "phrase does not occur in the notice", phrase)
        for origin, phrase in quoted
        if phrase not in text
    ]


def _hierarchy(s: Sources) -> list[Problem]:
    by_code = {d.code: d for d in s.divisions}
    problems = [p for d in s.divisions if (p := _parent_problem(d, by_code)) is not None]
    province_of = {u.code: u.province_code for u in s.zone_units}
    for code, province in province_of.items():
        division = by_code.get(code)
        if division is not None and _province(division, by_code) != province:
            problems.append(
                _at(
                    division.origin,
                    "division-province",
                    "province_code disagrees with the parent chain",
                    province,
                )
            )
    return problems


def _parent_problem(d: Division, by_code: dict[str, Division]) -> Problem | None:
    """What is wrong with a division's parent, if anything: one problem at most."""
    parent = by_code.get(d.parent_code) if d.parent_code else None
    if d.level == "province" and d.parent_code:
        return _at(
            d.origin, "province-no-parent", "a provincial-level unit has a parent", d.parent_code
        )
    if d.level != "province" and parent is None:
        return _at(
            d.origin, "division-parent", "parent code is missing or unknown", d.parent_code or ""
        )
    if parent is not None and parent.code[:2] != d.code[:2]:
        return _at(
            d.origin,
            "division-parent-province",
            f"parent {parent.code} is in another province",
            d.code,
        )
    return None


def _province(division: Division, by_code: dict[str, Division]) -> str | None:
    seen: set[str] = set()
    current: Division | None = division
    while current is not None and current.level != "province" and current.code not in seen:
        seen.add(current.code)
        current = by_code.get(current.parent_code) if current.parent_code else None
    return current.code if current is not None and current.level == "province" else None


def _theme_tree(s: Sources) -> list[Problem]:
    themes = {t.slug: t for t in s.themes}
    problems = [
        _at(t.origin, "theme-unique", "slug appears more than once", t.slug)
        for t in s.themes
        if sum(1 for o in s.themes if o.slug == t.slug) > 1
    ]
    for theme in s.themes:
        seen = {theme.slug}
        broader = theme.broader
        while broader is not None:
            if broader not in themes:
                problems.append(
                    _at(theme.origin, "theme-broader", "broader theme is not defined", broader)
                )
                break
            if broader in seen:
                problems.append(_at(theme.origin, "theme-cycle", "broader chain loops", broader))
                break
            seen.add(broader)
            broader = themes[broader].broader
    return problems

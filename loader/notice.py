"""Parse the Ministry's notice: headline count, period, issuer, the unit/task lines, the closing."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from loader.errors import BuildError, Problem, fail

_HEADLINE = re.compile(r"同意将(?P<first>\S+?)等(?P<count>\d+)个单位确认为")
_PERIOD = re.compile(r"实验时间从(\d{4})年(\d{1,2})月至(\d{4})年(\d{1,2})月")
_ISSUER = re.compile(r"近期[,，](?P<issuer>\S+?)同意将")
_PORTAL = re.compile(r"^[(（](?P<portal>[^)）]+)[)）]")
_TASKS_INTRO = "各实验区实验任务如下"
_UNIT_LINE = re.compile(r"^(?P<unit>[^:：,，]{2,30}?)[:：](?P<task>.+)$")


@dataclass(frozen=True)
class NoticeUnit:
    """One line of the list: a unit and its experiment task, verbatim."""

    unit: str
    task: str
    line: int


@dataclass(frozen=True)
class Notice:
    """What the build takes from the notice."""

    path: str
    text: str
    title: str
    portal: str
    issuer: str
    headline_count: int
    period_start: str  # YYYY-MM
    period_end: str  # YYYY-MM
    units: tuple[NoticeUnit, ...]
    closing: str


def read_notice(path: Path, display: str) -> Notice:
    """Read and parse the notice at ``path``; ``display`` names it in messages."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise fail("source-readable", f"cannot read the notice: {exc}", file=display) from exc
    return parse_notice(text, display)


def parse_notice(text: str, display: str) -> Notice:
    lines = text.splitlines()
    if len(lines) < 4:
        raise fail("notice-structure", "the notice has fewer than 4 lines", file=display)
    lead = lines[1]
    headline = _search(
        _HEADLINE, lead, "notice-headline", "no '同意将…等N个单位确认为' sentence", display, 2
    )
    period = _search(
        _PERIOD, lead, "notice-period", "no '实验时间从YYYY年M月至YYYY年M月'", display, 2
    )
    issuer = _search(_ISSUER, lead, "notice-issuer", "no issuer before '同意将'", display, 2)
    portal = _search(_PORTAL, lead, "notice-portal", "no '(publisher)' at the start", display, 2)
    start_line = _tasks_start(lines, display)
    units, closing = _units(lines, start_line, display)
    notice = Notice(
        path=display,
        text=text,
        title=lines[0].strip(),
        portal=portal.group("portal"),
        issuer=issuer.group("issuer"),
        headline_count=int(headline.group("count")),
        period_start=f"{period.group(1)}-{int(period.group(2)):02d}",
        period_end=f"{period.group(3)}-{int(period.group(4)):02d}",
        units=tuple(units),
        closing=closing,
    )
    _check_consistency(notice, headline.group("first"))
    return notice


def _search(
    pattern: re.Pattern[str], text: str, rule: str, message: str, display: str, line: int
) -> re.Match[str]:
    match = pattern.search(text)
    if match is None:
        raise fail(rule, message, file=display, line=line, value=text[:60])
    return match


def _tasks_start(lines: list[str], display: str) -> int:
    for index, line in enumerate(lines):
        if line.startswith(_TASKS_INTRO):
            return index + 1
    raise fail("notice-structure", f"no line starting with {_TASKS_INTRO!r}", file=display)


def _units(lines: list[str], start: int, display: str) -> tuple[list[NoticeUnit], str]:
    units: list[NoticeUnit] = []
    problems: list[Problem] = []
    body = [(number, line.strip()) for number, line in enumerate(lines, 1)][start:]
    body = [(number, line) for number, line in body if line]
    if not body:
        raise fail("notice-structure", "no unit lines and no closing paragraph", file=display)
    *unit_lines, (_, closing) = body
    for number, line in unit_lines:
        match = _UNIT_LINE.match(line)
        if match is None:
            problems.append(
                Problem(
                    "notice-unit-line", "expected '<unit>:<task>'", display, number, None, line[:40]
                )
            )
            continue
        units.append(NoticeUnit(match.group("unit"), match.group("task").strip(), number))
    seen: dict[str, int] = {}
    for unit in units:
        if unit.unit in seen:
            problems.append(
                Problem(
                    "notice-duplicate-unit",
                    f"unit listed twice (first on line {seen[unit.unit]})",
                    display,
                    unit.line,
                    None,
                    unit.unit,
                )
            )
        seen.setdefault(unit.unit, unit.line)
    if problems:
        raise BuildError(problems)
    return units, closing


def _check_consistency(notice: Notice, first_named: str) -> None:
    problems: list[Problem] = []
    if notice.headline_count != len(notice.units):
        problems.append(
            Problem(
                "notice-count",
                f"the headline says {notice.headline_count} units but "
                f"{len(notice.units)} unit lines were parsed",
                notice.path,
                2,
                None,
                str(notice.headline_count),
            )
        )
    if notice.units and notice.units[0].unit != first_named:
        problems.append(
            Problem(
                "notice-first-unit",
                f"the headline names {first_named} first but the list "
                f"starts with {notice.units[0].unit}",
                notice.path,
                notice.units[0].line,
                None,
                notice.units[0].unit,
            )
        )
    if notice.period_end <= notice.period_start:
        problems.append(
            Problem(
                "notice-period",
                "the period ends before it starts",
                notice.path,
                2,
                None,
                f"{notice.period_start}..{notice.period_end}",
            )
        )
    if problems:
        raise BuildError(problems)

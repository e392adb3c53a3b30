"""Finding the entries a name or code stands for, with a score (0-100) each.

In order, stopping at the first step that finds something:

1. a code: six digits name one division (and its zone); fewer digits are a code
   prefix (``3205`` → the divisions under 苏州市);
2. an exact name form (folded, :mod:`server.lookup.fold`): score 100;
   or a name form after the names of parents, in either order (北京市西城区,
   北京西城, Xicheng District Beijing): score 100, but only for entries whose
   parents those are, so 南京市鼓楼区 is never 福州's 鼓楼区;
3. a typo: the closest name forms by edit distance (rapidfuzz's normalised
   Indel similarity), after known parent names at the start are taken off;
   scores stay below 100.

A score of 100 is an exact reading; whether it is also *unambiguous* is the
caller's decision (:func:`is_unambiguous`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from server.lookup.fold import fold
from server.lookup.table import TYPES, Entry, NameTable

__all__ = ["Candidate", "OverBudget", "TypoBudget", "find", "is_unambiguous"]

EXACT = 100.0
TYPO_CUTOFF = 60.0
"""Least similarity (0-100) a typo candidate needs: one wrong character in a
three-character Chinese name scores 66.7."""
TYPO_WEIGHT = 0.95
"""Typo scores are scaled so that they stay below any exact reading."""
_TYPO_POOL = 50


class OverBudget(Exception):
    """A request's typo steps would compare more name forms than its budget allows."""

    def __init__(self, budget: int, forms: int) -> None:
        super().__init__(budget, forms)
        self.budget = budget
        self.forms = forms


class TypoBudget:
    """The name-form comparisons one request's typo steps may still make. A typo step
    compares against every form of the table, so its cost is known before it runs:
    the budget refuses the step that would overrun it, and the work never happens."""

    def __init__(self, comparisons: int) -> None:
        self.total = comparisons
        self.left = comparisons

    def spend(self, table: NameTable) -> None:
        cost = len(table.form_list)
        if cost > self.left:
            raise OverBudget(self.total, cost)
        self.left -= cost


@dataclass(frozen=True)
class Candidate:
    entry: Entry
    score: float
    qualified: bool = True
    """False when only a county-level name was given, with no parent or code: the table
    holds only the zones' divisions, and such names repeat across China (朝阳区 is in
    长春, which the data holds, and in 北京, which it does not)."""


def find(
    table: NameTable, text: str, types: Sequence[str] = (), budget: TypoBudget | None = None
) -> list[Candidate]:
    """Candidates for ``text``, best first, of the given types (all when empty). With a
    ``budget``, the typo step is paid from it first (:class:`OverBudget` when it cannot be)."""
    key = fold(text)
    if not key:
        return []
    for step in (_by_code, _by_name, _by_typo):
        if step is _by_typo and budget is not None:
            budget.spend(table)
        found = [c for c in step(table, key) if not types or c.entry.type in types]
        if found:
            return sorted(found, key=_order)
    return []


def is_unambiguous(candidates: Sequence[Candidate]) -> bool:
    """One place read exactly, and qualified: a division and its own zone count as one."""
    exact = [c for c in candidates if c.score >= EXACT]
    places = {c.entry.code or c.entry.id for c in exact}
    return len(places) == 1 and all(c.qualified for c in exact)


def _order(candidate: Candidate) -> tuple[float, int, str]:
    return (-candidate.score, list(TYPES).index(candidate.entry.type), candidate.entry.id)


def _by_code(table: NameTable, key: str) -> Iterable[Candidate]:
    if not key.isdigit() or len(key) > 6:
        return []
    if len(key) < 6:
        return [Candidate(e, EXACT) for e in table.under(key)]
    return [Candidate(table.entries[i], EXACT) for i in _with_zone(table, table.division(key))]


def _with_zone(table: NameTable, division: Entry | None) -> list[str]:
    if division is None:
        return []
    zone = division.record.get("zone")
    return [division.id, *([zone] if zone in table.entries else [])]


def _by_name(table: NameTable, key: str) -> Iterable[Candidate]:
    """Exact name forms, alone or with the names of parents."""
    found = {
        i: Candidate(table.entries[i], EXACT, _qualified(table, i, key))
        for i in table.forms.get(key, ())
    }
    for entry_id, candidate in _by_parents(table, key).items():
        found.setdefault(entry_id, candidate)
    return found.values()


def _qualified(table: NameTable, entry_id: str, key: str) -> bool:
    entry = table.entries[entry_id]
    division = table.division(entry.code)
    if division is None or division.record.get("level") != "county":
        return True
    return key not in table.folded_forms(division)


def _by_parents(table: NameTable, key: str) -> dict[str, Candidate]:
    found: dict[str, Candidate] = {}
    for cut in range(1, len(key)):
        for head, tail, before in ((key[:cut], key[cut:], True), (key[cut:], key[:cut], False)):
            for entry_id in table.forms.get(tail, ()):
                entry = table.entries[entry_id]
                if _spells_parents(table, entry, head, before):
                    found[entry_id] = Candidate(entry, EXACT)
    return found


def _spells_parents(table: NameTable, entry: Entry, text: str, before: bool) -> bool:
    """Whether ``text`` is the names of some of ``entry``'s parents, outermost first when
    they come ``before`` the name (北京市西城区), nearest first when after."""
    chain = table.parents(entry)
    levels = [table.folded_forms(p) for p in (reversed(chain) if before else chain)]
    return _consumes(text, levels, 0)


def _consumes(text: str, levels: list[list[str]], start: int) -> bool:
    if not text:
        return True
    return any(
        _consumes(text[len(form) :], levels, index + 1)
        for index in range(start, len(levels))
        for form in levels[index]
        if text.startswith(form)
    )


def _by_typo(table: NameTable, key: str) -> Iterable[Candidate]:
    head, rest = _known_parents(table, key)
    matches = process.extract(
        rest, table.form_list, scorer=fuzz.ratio, score_cutoff=TYPO_CUTOFF, limit=_TYPO_POOL
    )
    best: dict[str, Candidate] = {}
    for form, score, _ in matches:
        for entry_id in table.forms[form]:
            entry = table.entries[entry_id]
            if head and not _spells_parents(table, entry, head, True):
                continue
            candidate = Candidate(entry, round(score * TYPO_WEIGHT, 1), bool(head))
            if entry_id not in best or best[entry_id].score < candidate.score:
                best[entry_id] = candidate
    return best.values()


def _known_parents(table: NameTable, key: str) -> tuple[str, str]:
    """Parent names at the start of ``key`` (longest first), and what follows them."""
    head = ""
    while True:
        rest = key[len(head) :]
        step = next(
            (rest[:n] for n in range(len(rest) - 1, 0, -1) if rest[:n] in table.parent_forms),
            "",
        )
        if not step:
            return head, rest
        head += step

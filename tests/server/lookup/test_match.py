"""Matching names and codes against the real data's name table (server/lookup/match.py)."""

from __future__ import annotations

import pytest

from server.lookup.match import (
    TYPO_CUTOFF,
    Candidate,
    OverBudget,
    TypoBudget,
    find,
    is_unambiguous,
)
from server.lookup.table import NameTable


def top(names: NameTable, text: str, *types: str) -> str:
    return find(names, text, types)[0].entry.id


@pytest.mark.parametrize(
    "text", ["西城区", "北京市西城区", "北京西城", "Xicheng", "Xicheng District", "Xīchéng Qū"]
)
def test_every_way_of_writing_xicheng_finds_it(names: NameTable, text: str) -> None:
    assert top(names, text, "division") == "division/110102"


def test_english_name_with_parent_after_it_is_found(names: NameTable) -> None:
    candidates = find(names, "Gulou District, Fuzhou")
    assert [c.entry.id for c in candidates] == ["division/350102"]


def test_bare_namesake_gives_both_and_is_ambiguous(names: NameTable) -> None:
    candidates = find(names, "鼓楼区", ["division"])
    assert [c.entry.id for c in candidates] == ["division/320106", "division/350102"]
    assert not is_unambiguous(candidates)


@pytest.mark.parametrize(
    ("text", "code"), [("南京市鼓楼区", "320106"), ("福建省福州市鼓楼区", "350102")]
)
def test_parent_in_the_name_picks_the_namesake(names: NameTable, text: str, code: str) -> None:
    candidates = find(names, text, ["division"])
    assert [c.entry.code for c in candidates] == [code]
    assert is_unambiguous(candidates)


def test_wrong_parent_finds_nothing_exact(names: NameTable) -> None:
    assert all(c.score < 100 for c in find(names, "福州市建邺区"))


def test_bare_county_name_is_never_unambiguous(names: NameTable) -> None:
    # 朝阳区 is also in 北京, which the data does not hold.
    candidates = find(names, "朝阳区", ["division"])
    assert [c.entry.code for c in candidates] == ["220104"]
    assert not is_unambiguous(candidates)


def test_six_digit_code_finds_the_division_and_its_zone(names: NameTable) -> None:
    assert [c.entry.id for c in find(names, "320106")] == ["division/320106", "zone/2015/320106"]


def test_code_prefix_finds_the_divisions_under_it(names: NameTable) -> None:
    found = [c.entry.code for c in find(names, "3205")]
    assert found == sorted(code for code in names.by_code if code.startswith("3205"))
    assert "320508" in found


def test_typo_finds_the_division_below_an_exact_score(names: NameTable) -> None:
    candidates = find(names, "北京市西成区")
    assert candidates[0].entry.id == "division/110102"
    assert TYPO_CUTOFF * 0.9 < candidates[0].score < 100
    assert not is_unambiguous(candidates)


def test_latin_typo_ranks_the_closest_first(names: NameTable) -> None:
    assert top(names, "Xichen District") == "division/110102"


@pytest.mark.parametrize(
    ("text", "entry"),
    [
        ("三社联动", "theme/three-social-linkage"),
        ("民政部", "agency/mca"),
        ("“365”工作体系", "initiative/365-work-system"),
    ],
)
def test_other_named_things_are_found(names: NameTable, text: str, entry: str) -> None:
    assert top(names, text) == entry


def test_type_filter_keeps_only_that_type(names: NameTable) -> None:
    assert {c.entry.type for c in find(names, "北京市西城区", ["zone"])} == {"zone"}


def test_nothing_like_the_name_finds_nothing(names: NameTable) -> None:
    assert find(names, "完全不相干的名字啊") == []


def test_a_typo_is_paid_for_by_every_name_form(names: NameTable) -> None:
    budget = TypoBudget(10 * len(names.form_list))
    find(names, "北京市西丁区", budget=budget)
    assert budget.left == 9 * len(names.form_list)


def test_an_exact_name_costs_nothing(names: NameTable) -> None:
    budget = TypoBudget(1)
    assert top_of(find(names, "北京市西城区", budget=budget)) == "division/110102"
    assert budget.left == 1


def test_a_typo_the_budget_cannot_pay_for_is_refused_before_it_runs(names: NameTable) -> None:
    budget = TypoBudget(len(names.form_list) - 1)
    with pytest.raises(OverBudget):
        find(names, "北京市西丁区", budget=budget)
    assert budget.left == len(names.form_list) - 1


def top_of(candidates: list[Candidate]) -> str:
    return candidates[0].entry.id

"""Short name forms for matching (loader/names.py)."""

from __future__ import annotations

import pytest

from loader.names import latin_forms, zh_forms


@pytest.mark.parametrize(
    ("name", "forms"),
    [
        ("西城区", ["西城区", "西城"]),
        ("北京市", ["北京市", "北京"]),
        ("德清县", ["德清县", "德清"]),
        ("内蒙古自治区", ["内蒙古自治区", "内蒙古"]),
        ("新疆维吾尔自治区", ["新疆维吾尔自治区", "新疆"]),
    ],
)
def test_zh_suffix_is_dropped_for_the_short_form(name: str, forms: list[str]) -> None:
    assert zh_forms(name) == forms


def test_zh_short_form_keeps_two_characters() -> None:
    assert zh_forms("城区") == ["城区"]


@pytest.mark.parametrize(
    ("name", "forms"),
    [
        ("Xicheng District", ["Xicheng District", "Xicheng"]),
        ("Xīchéng Qū", ["Xīchéng Qū", "Xīchéng"]),
        ("Zhijiang City", ["Zhijiang City", "Zhijiang"]),
        ("Inner Mongolia", ["Inner Mongolia"]),
    ],
)
def test_latin_generic_word_is_dropped_for_the_short_form(name: str, forms: list[str]) -> None:
    assert latin_forms(name) == forms


def test_latin_forms_of_no_name_are_none() -> None:
    assert latin_forms(None) == []

"""Query text as the index reads it: phrases, refusals, highlights."""

from __future__ import annotations

import pytest

from server.search.analysis import MAX_QUERY_CHARS
from server.search.errors import SearchError


@pytest.mark.parametrize(
    ("text", "phrases"),
    [
        ("协商", [("协", "商")]),
        ("三社联动 法治", [("三", "社", "联", "动"), ("法", "治")]),
        ("“365”工作体系", [("365",), ("工", "作", "体", "系")]),
        ("Consultations", [("consult",)]),
        ('"community services"', [("communiti", "servic")]),
        ("Xīchéng", [("xicheng",)]),
        ("协商 协商", [("协", "商")]),
    ],
)
def test_phrases(index, text, phrases):
    assert index.analysis.phrases(text) == phrases


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("，。！？", "no letters, digits or Chinese characters"),
        ("...", "no letters, digits or Chinese characters"),
        ("社" * (MAX_QUERY_CHARS + 1), f"at most {MAX_QUERY_CHARS}"),
    ],
)
def test_texts_that_cannot_be_searched_are_refused(index, text, message):
    with pytest.raises(SearchError, match=message):
        index.analysis.phrases(text)


def test_highlights_are_character_offsets_of_contiguous_matches(index):
    text = "健全三社联动机制，三社、联动"
    spans = index.analysis.highlights(text, index.analysis.phrases("三社联动"))
    assert [text[a:b] for a, b in spans] == ["三社联动"]


def test_touching_highlights_merge(index):
    text = "社区协商议事"
    spans = index.analysis.highlights(text, index.analysis.phrases("社区 协商"))
    assert spans == [(0, 4)]

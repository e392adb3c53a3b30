"""The release's search index: what a phrase finds, checked against the store's texts."""

from __future__ import annotations

import pytest

from server.search.errors import SearchError
from server.search.index import SearchIndex
from tests.server.search.conftest import zones_containing


def _zones(index: SearchIndex, text: str, **kw: object) -> set[str]:
    hits = index.search(index.request(text, types=["zone"], limit=100, **kw))  # type: ignore[arg-type]
    return {hit.iri for hit in hits}


@pytest.mark.parametrize("phrase", ["三社联动", "社区公共服务综合信息平台", "协商", "法治"])
def test_a_phrase_finds_exactly_the_zones_whose_task_holds_it(index, zone_tasks, phrase):
    expected = zones_containing(zone_tasks, phrase)
    assert expected, f"no task holds {phrase}: the test would prove nothing"
    assert _zones(index, phrase) == expected


def test_a_phrase_whose_characters_are_apart_finds_nothing(index, zone_tasks):
    # 联 and 动 both occur in tasks holding 三社, but 三社动 occurs nowhere contiguously.
    assert not zones_containing(zone_tasks, "三社动")
    assert zones_containing(zone_tasks, "三社")
    assert _zones(index, "三社动") == set()


def test_an_english_query_finds_the_unofficial_translation(index, zone_tasks):
    expected = {z for z, (_, en) in zone_tasks.items() if "consultation" in en.lower()}
    hits = index.search(index.request("consultation", types=["zone"], lang="en", limit=100))
    assert expected
    assert {h.iri for h in hits} == expected
    assert all(h.property.endswith("#unofficialTranslation") for h in hits)


def test_language_filter_keeps_chinese_out_of_an_english_search(index):
    hits = index.search(index.request("协商", lang="en", limit=100))
    assert hits == []


def test_the_passage_highlights_each_occurrence(index):
    hit = index.search(index.request("三社联动", types=["zone"], limit=100))[0]
    marked = [hit.passage[a:b] for a, b in hit.highlights]
    assert marked == ["三社联动"] * hit.passage.count("三社联动")
    assert hit.highlighted().count("<mark>三社联动</mark>") == len(marked)


def test_a_label_match_ranks_above_a_task_text_match(index):
    hits = index.search(index.request("三社联动", limit=5))
    assert (hits[0].type, hits[0].passage) == ("theme", "三社联动")
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)


def test_each_resource_comes_once(index):
    # 社区 is in nearly every text; each zone has it in several (labels, task text).
    hits = index.search(index.request("社区", limit=100))
    assert len({h.iri for h in hits}) == len(hits) > 40


def test_pinyin_is_found_without_its_tone_marks(index):
    hits = index.search(index.request("Xicheng", types=["division"], limit=5))
    assert [h.names["zh"] for h in hits] == ["西城区"]


@pytest.mark.parametrize(
    ("kw", "message"),
    [
        ({"types": ["planet"]}, "Unknown type planet"),
        ({"lang": "zh_CN!"}, "is not a language tag"),
        ({"limit": 0}, "limit must be between 1 and 100"),
        ({"limit": 101}, "limit must be between 1 and 100"),
    ],
)
def test_bad_filters_are_refused(index, kw, message):
    with pytest.raises(SearchError, match=message):
        index.request("协商", **kw)

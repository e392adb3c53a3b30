"""Parsing the Ministry's notice."""

import pytest

from loader.errors import BuildError
from loader.notice import parse_notice, read_notice

NOTICE = "data/sources/mca-notice-40-experimental-zones.txt"


@pytest.fixture(scope="module")
def notice(project_root):
    return read_notice(project_root / NOTICE, NOTICE)


@pytest.fixture(scope="module")
def text(project_root):
    return (project_root / NOTICE).read_text(encoding="utf-8")


def test_headline_count_is_40(notice):
    assert notice.headline_count == 40


def test_forty_unit_lines_are_parsed_in_order(notice):
    assert len(notice.units) == 40
    assert notice.units[0].unit == "北京市西城区"
    assert notice.units[-1].unit == "新疆维吾尔自治区克拉玛依市克拉玛依区"


def test_period_is_2015_07_to_2018_06(notice):
    assert (notice.period_start, notice.period_end) == ("2015-07", "2018-06")


def test_issuer_and_portal(notice):
    assert (notice.issuer, notice.portal) == ("民政部", "民政部门户网站")


def test_task_text_is_verbatim(notice, text):
    for unit in notice.units:
        assert f"{unit.unit}:{unit.task}" in text


def test_unit_lines_remember_their_line_number(notice):
    assert notice.units[0].line == 4


def test_closing_paragraph_names_the_policy_document(notice):
    assert "民发〔2013〕170号" in notice.closing


def test_a_headline_count_that_disagrees_with_the_list_is_an_error(text):
    with pytest.raises(BuildError, match=r"notice-count.*41"):
        parse_notice(text.replace("等40个单位", "等41个单位"), NOTICE)


def test_a_line_without_a_colon_is_an_error_naming_its_line(text):
    broken = text.replace("北京市海淀区:", "北京市海淀区", 1)
    with pytest.raises(BuildError, match=rf"{NOTICE}:5: \[notice-unit-line\]"):
        parse_notice(broken, NOTICE)


def test_a_period_ending_before_it_starts_is_an_error(text):
    with pytest.raises(BuildError, match="notice-period"):
        parse_notice(text.replace("至2018年6月", "至2014年6月"), NOTICE)

"""Text folding (server/lookup/fold.py)."""

from __future__ import annotations

import pytest

from server.lookup.fold import fold


@pytest.mark.parametrize(
    ("typed", "folded"),
    [
        ("Xīchéng Qū", "xichengqu"),
        ("ＸＩＣＨＥＮＧ　District", "xichengdistrict"),
        ("Xi'an", "xian"),
        ("北京市 西城区", "北京市西城区"),
        ("“365”工作体系", "365工作体系"),
        ("３２０１０６", "320106"),
    ],
)
def test_fold_removes_width_tones_case_and_punctuation(typed: str, folded: str) -> None:
    assert fold(typed) == folded

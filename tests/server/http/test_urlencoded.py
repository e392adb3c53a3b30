"""URL-encoded text decodes exactly as urllib decodes it, only faster."""

from __future__ import annotations

import random
from urllib.parse import parse_qsl, urlencode

import pytest

from server.http.urlencoded import parse_pairs

ALPHABET = "ab%=+&;é \t_~-.25AF0fFz\n中"


def reference(text: str) -> list[tuple[str, str]] | str:
    try:
        return parse_qsl(text, keep_blank_values=True, errors="strict")
    except UnicodeDecodeError:
        return "not UTF-8"


def ours(text: str) -> list[tuple[str, str]] | str:
    try:
        return parse_pairs(text)
    except UnicodeDecodeError:
        return "not UTF-8"


@pytest.mark.parametrize("seed", range(4))
def test_random_text_decodes_as_urllib_decodes_it(seed: int) -> None:
    rng = random.Random(seed)  # noqa: S311 - test data, not secrets
    texts = ["".join(rng.choice(ALPHABET) for _ in range(rng.randint(0, 16))) for _ in range(5000)]
    assert [t for t in texts if ours(t) != reference(t)] == []


@pytest.mark.parametrize(
    "text",
    ["query=%E4%B8%AD+%3D%25", "a=%zz&b=%", "x=1=2&&y", "q=%2B+%20", "k=%C3%28", "=v&n="],
)
def test_edge_cases_decode_as_urllib_decodes_them(text: str) -> None:
    assert ours(text) == reference(text)


def test_a_real_query_round_trips() -> None:
    query = 'SELECT ?z WHERE { ?z rdfs:label "三社联动"@zh } # 100% + = & ;'
    assert parse_pairs(urlencode({"query": query, "format": "json"})) == [
        ("query", query),
        ("format", "json"),
    ]

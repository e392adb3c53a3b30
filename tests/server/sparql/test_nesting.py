"""Nesting depth is read as the grammar reads it, and refused past the limit with a 400."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from server.errors import BadRequest
from server.sparql.nesting import MAX_DEPTH, check, depth


def nested(levels: int) -> str:
    return "SELECT * WHERE " + "{ " * levels + "?s ?p ?o " + "} " * levels


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("ASK {}", 1),
        ("SELECT * { { ?s ?p ?o } UNION { ?s ?p (1) } }", 3),
        ("SELECT * { ?s ?p '{{{{' }", 1),
        ('SELECT * { ?s ?p """((((""" } # {{{{', 1),
        ("SELECT * { ?s ?p <http://a/(((> }", 1),
        ("SELECT * \\u007B \\u007B ?s ?p ?o } }", 2),
    ],
)
def test_depth_counts_brackets_outside_strings_iris_and_comments(query: str, expected: int) -> None:
    assert depth(query) == expected


def test_the_limit_itself_passes() -> None:
    check(nested(MAX_DEPTH))


def test_one_level_more_is_refused() -> None:
    with pytest.raises(BadRequest, match=f"nests {MAX_DEPTH + 1} levels"):
        check(nested(MAX_DEPTH + 1))


def test_deep_nesting_is_a_400_not_a_crash_of_the_query_process(client: FlaskClient) -> None:
    response = client.post(
        "/sparql",
        data=nested(5000),
        headers={"Content-Type": "application/sparql-query", "Accept": "application/json"},
    )
    assert (response.status_code, response.json and response.json["status"]) == (400, 400)

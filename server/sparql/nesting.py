"""Nesting depth: a query nested deeper than the engine's parser can recurse is refused first.

pyoxigraph's parser recurses once per nested group; some thousands of levels overflow the
query process's stack, which dies (a 503 for a query that is simply malformed). Real
queries nest a few levels; :func:`check` refuses more than :data:`MAX_DEPTH` with a 400,
reading the query as the grammar does (codepoint escapes first, then brackets outside
strings, IRIs and comments).
"""

from __future__ import annotations

from server.errors import BadRequest
from server.sparql.service_policy import code_only

__all__ = ["MAX_DEPTH", "check", "depth"]

MAX_DEPTH = 256
_OPEN = frozenset("{([")
_CLOSE = frozenset("})]")


def depth(query: str) -> int:
    """How deeply ``query``'s brackets nest, outside its strings, IRIs and comments."""
    deepest = level = 0
    for char in code_only(query):
        if char in _OPEN:
            level += 1
            deepest = max(deepest, level)
        elif char in _CLOSE:
            level = max(0, level - 1)
    return deepest


def check(query: str) -> None:
    """Raise :class:`~server.errors.BadRequest` for a query nested over :data:`MAX_DEPTH`."""
    if query.count("{") + query.count("(") + query.count("[") + query.count("\\") <= MAX_DEPTH:
        return  # cannot nest deeper: no need to read it
    found = depth(query)
    if found > MAX_DEPTH:
        raise BadRequest(
            f"This query nests {found} levels of brackets deep; this endpoint reads at most "
            f"{MAX_DEPTH}. Flatten the query."
        )

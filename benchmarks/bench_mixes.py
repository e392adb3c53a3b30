"""The request mixes of bench.py: what each request asks, and the answers to expect.

* ``examples``: the example queries of ``queries/`` (every ``*.rq`` but the
  ``*-violation`` checks and those calling the endpoint's own full-text search
  functions, which no other engine has), cycled in file order; repeated, so a
  result cache hits.
* ``unique``: the same queries, each request made unique by a SPARQL comment
  line ``# <salt>-<slot>-<counter>`` appended to the query text (see
  :func:`unique_variant` and ``mix.lua``): the bytes of the request, the query
  text and so every cache key differ, and the answer does not.
* ``lookup``: one administrative division by its GB/T 2260 code
  (``cgkg:divisionCode``), the code written into the query text; every code
  of the release, cycled; repeated.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pyoxigraph as ox

__all__ = [
    "MIX_NAMES",
    "Mix",
    "build_mixes",
    "division_codes",
    "example_queries",
    "lookup_query",
    "request_target",
    "unique_variant",
]

ROOT = Path(__file__).resolve().parents[1]
MIX_NAMES = ("examples", "unique", "lookup")
SEARCH_FUNCTIONS = "https://w3id.org/cgkg/search#"
"""Queries naming this namespace run on our embedded store only (docs/search.md)."""
UNIQUE_MARK = "\n# "
"""What mix.lua and loadgen.py append (URL-encoded, then a tag) to make a request unique."""

_CODES = """
PREFIX cgkg: <https://w3id.org/cgkg/ontology#>
SELECT ?division ?code WHERE { ?division a cgkg:AdministrativeDivision ; cgkg:divisionCode ?code }
ORDER BY ?code
"""

_LOOKUP = """PREFIX cgkg: <https://w3id.org/cgkg/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?division ?name_zh ?level ?parent WHERE {{
  ?division cgkg:divisionCode "{code}" ;
            skos:prefLabel ?name_zh ;
            cgkg:level ?level .
  FILTER(LANG(?name_zh) = "zh")
  OPTIONAL {{ ?division cgkg:parentDivision ?parent }}
}}"""


@dataclass(frozen=True)
class Mix:
    """One mix: the query texts cycled, whether each request is made unique, expectations."""

    name: str
    queries: tuple[str, ...]
    unique: bool
    expected_division: tuple[str, ...] = ()
    """For ``lookup``: the division IRI each query must return as its only row."""


def example_queries() -> tuple[str, ...]:
    """The example queries every engine can run: non-violation ``*.rq`` files without search."""
    files = sorted(p for p in (ROOT / "queries").glob("*.rq") if not p.stem.endswith("violation"))
    texts = (p.read_text(encoding="utf-8") for p in files)
    return tuple(text for text in texts if SEARCH_FUNCTIONS not in text)


def division_codes(store_dir: Path) -> list[tuple[str, str]]:
    """``(division IRI, code)`` of every division in the release's store, by code."""
    store = ox.Store.read_only(str(store_dir))
    solutions = store.query(_CODES, use_default_graph_as_union=True)
    if not isinstance(solutions, ox.QuerySolutions):
        raise TypeError("the division query is a SELECT")
    pairs = []
    for row in solutions:
        division, code = row["division"], row["code"]
        if isinstance(division, ox.NamedNode) and isinstance(code, ox.Literal):
            pairs.append((division.value, code.value))
    return pairs


def lookup_query(code: str) -> str:
    """The lookup of one division by its code (digits only: safe in a string literal)."""
    if not code.isdigit():
        raise ValueError(f"not a GB/T 2260 code: {code!r}")
    return _LOOKUP.format(code=code)


def unique_variant(query: str, tag: str) -> str:
    """``query`` as a unique request sends it: with a trailing comment line naming ``tag``."""
    return query + UNIQUE_MARK + tag


def request_target(path: str, query: str) -> str:
    """``path?query=...``; ``query`` is the last parameter, so a suffix extends the query."""
    return f"{path}?query={quote(query, safe='')}"


def _spread(pairs: list[tuple[str, str]], most: int) -> list[tuple[str, str]]:
    """At most ``most`` of ``pairs``, evenly spaced (every one when there are fewer)."""
    if len(pairs) <= most:
        return pairs
    return [pairs[i * len(pairs) // most] for i in range(most)]


def build_mixes(names: list[str], store_dir: Path, lookup_codes: int = 500) -> list[Mix]:
    """The mixes called ``names``, in that order; ``lookup`` takes at most ``lookup_codes``
    codes, evenly spaced (a 1,000x release has some 40,000: checking each would take long)."""
    examples = example_queries()
    mixes = []
    for name in names:
        if name == "examples":
            mixes.append(Mix(name, examples, unique=False))
        elif name == "unique":
            mixes.append(Mix(name, examples, unique=True))
        elif name == "lookup":
            pairs = _spread(division_codes(store_dir), lookup_codes)
            queries = tuple(lookup_query(code) for _, code in pairs)
            mixes.append(Mix(name, queries, False, tuple(iri for iri, _ in pairs)))
        else:
            raise ValueError(f"unknown mix {name!r}; choose from {', '.join(MIX_NAMES)}")
    return mixes

"""Checks bench.py runs on every target before timing it: is the load what it claims to be?

* the target holds the release: as many quads as the manifest counts;
* every query of every mix succeeds (2xx);
* a unique request gets the same answer as the query it varies;
* each lookup returns exactly its division, as one row;
* the targets agree with each other (a difference is reported, not fatal:
  engines may differ in how they write the same answer).

A query a target stops at its own time limit (503 or 504) or refuses for its
result size (422: ours caps rows and bytes, Oxigraph does not) is not a wrong
answer: it is reported as a disagreement and measured as it is (an error in
its cells), since that is what a client of that target gets.

Answers are compared normalized: solutions as a multiset of bindings (ties
of ORDER BY may come in any order), graphs as a set of triples with blank
nodes blanked out.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Hashable
from urllib.parse import urlencode

import pyoxigraph as ox
from bench_clients import ACCEPT
from bench_mixes import Mix, unique_variant
from bench_targets import HOST, Target

__all__ = ["CheckError", "TimeLimit", "check_target", "disagreements"]

_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_COUNT = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"

Answers = dict[tuple[str, int], Hashable]


class CheckError(RuntimeError):
    """A target answered a query of a mix wrongly or not at all."""


class TimeLimit(CheckError):
    """A target stopped a query at one of its own limits: time (503, 504) or result
    size (422, a result over its row or byte cap)."""


def fetch(target: Target, query: str) -> tuple[str, bytes]:
    """(media type, body) of the answer to ``query``; CheckError unless it is 2xx."""
    url = f"http://{HOST}:{target.port}{target.path}?{urlencode({'query': query})}"
    request = urllib.request.Request(url, headers={"Accept": ACCEPT})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            media = response.headers.get_content_type()
            return media, response.read()
    except urllib.error.HTTPError as exc:
        detail = exc.read()[:300].decode("utf-8", "replace")
        kind = TimeLimit if exc.code in (422, 503, 504) else CheckError
        raise kind(f"{target.name}: HTTP {exc.code} for {query[:80]!r}: {detail}") from exc
    except TimeoutError as exc:  # no time limit of its own: this check's 60 s
        raise TimeLimit(f"{target.name}: no answer within 60 s for {query[:80]!r}") from exc


def _term(term: dict[str, str]) -> tuple[str, ...]:
    if term.get("type") == "bnode":
        return ("bnode",)
    datatype = term.get("datatype", "")
    return (
        term["type"],
        term["value"],
        term.get("xml:lang", ""),
        "" if datatype == _XSD_STRING else datatype,
    )


def normalize(media: str, body: bytes) -> Hashable:
    """An answer in a form that two engines writing the same answer agree on."""
    if media.endswith("json"):
        data = json.loads(body)
        if "boolean" in data:
            return ("boolean", data["boolean"])
        rows = (
            tuple(sorted((var, _term(term)) for var, term in row.items()))
            for row in data["results"]["bindings"]
        )
        return ("solutions", tuple(data["head"]["vars"]), tuple(sorted(rows)))
    quads = ox.parse(body, format=ox.RdfFormat.from_media_type(media))
    return (
        "graph",
        tuple(sorted(" ".join(map(_blanked, (q.subject, q.predicate, q.object))) for q in quads)),
    )


def _blanked(term: object) -> str:
    return "_:b" if isinstance(term, ox.BlankNode) else str(term)


def _rows(answer: Hashable) -> tuple[tuple[tuple[str, tuple[str, ...]], ...], ...]:
    if not (isinstance(answer, tuple) and answer[0] == "solutions"):
        raise CheckError(f"expected solutions, got {answer!r:.200}")
    rows: tuple[tuple[tuple[str, tuple[str, ...]], ...], ...] = answer[2]
    return rows


def _check_lookup(target: Target, mix: Mix, index: int, answer: Hashable) -> None:
    rows = _rows(answer)
    divisions = [term[1] for row in rows for var, term in row if var == "division"]
    if divisions != [mix.expected_division[index]]:
        raise CheckError(f"{target.name}: lookup {index} gave {divisions}")


def check_target(target: Target, mixes: list[Mix], triples: int) -> Answers:
    """Run the checks on ``target``; its normalized answers, by (mix, query index)."""
    count = _rows(normalize(*fetch(target, _COUNT)))
    if int(count[0][0][1][1]) != triples:
        raise CheckError(f"{target.name} holds {count[0][0][1][1]} quads, not {triples}")
    answers: Answers = {}
    for mix in mixes:
        for index, query in enumerate(mix.queries):
            try:
                plain = normalize(*fetch(target, query))
            except TimeLimit as exc:
                print(f"warning: {exc}")
                answers[(mix.name, index)] = ("time limit",)
                continue
            answers[(mix.name, index)] = plain
            if mix.unique:
                try:
                    varied = normalize(*fetch(target, unique_variant(query, f"check-{index}")))
                except TimeLimit as exc:  # the first answer came just within the limit
                    print(f"warning: {exc}")
                    continue
                if varied != plain:
                    raise CheckError(f"{target.name}: unique query {index} changes the answer")
            if mix.expected_division:
                _check_lookup(target, mix, index, plain)
    return answers


def disagreements(by_target: dict[str, Answers]) -> list[str]:
    """Queries whose normalized answer differs from the first target's."""
    names = list(by_target)
    if not names:
        return []
    first = by_target[names[0]]
    found = []
    for name in names[1:]:
        for key, answer in by_target[name].items():
            if first.get(key) != answer:
                found.append(f"{name} differs from {names[0]} on {key[0]} query {key[1]}")
    return found

"""Lookup and reconciliation latency over HTTP, on the real data and on synthetic data at
N x, side by side in one run with what a user has without them: SPARQL ``REGEX``.

    flock /work/heavy.lock .venv/bin/python benchmarks/lookup_benchmark.py \\
        [--synthetic OUT | --scale 1000] [--names 100] [--json FILE]

For each release (benchmarks/bench_http.py: the real data built here; the synthetic
one given by ``--synthetic`` or generated and built at ``--scale``), our server runs as
``cgkg serve`` runs it (granian, two workers, the query broker; no rate limit, no
access log), and one keep-alive HTTP client (``http.client``) sends, one at a time:

* ``lookup``: ``GET /lookup?q=NAME`` for each of ``--names`` names (bare county
  names, names after their parents, English, pinyin, and one-character typos, drawn
  from the release's own name table with ``--seed``), ``--rounds`` rounds;
* ``reconcile_batch``: the same names as one batch of queries (type ``division``),
  POSTed as OpenRefine does (form field ``queries``). Each round's batch has its own
  keys, so it is matched anew and not answered from the result cache;
  ``reconcile_batch_again`` is one batch sent again (the result cache answers);
* ``peer_regex``: per name, the query a user writes today, ``FILTER(REGEX(STR(?label),
  NAME, "i"))`` over the divisions' labels, POSTed to the same server's ``/sparql``
  (each with its own comment line, so the result cache never answers).

Ratios are p50 over p50 within the run: lookup against one REGEX query, the batch
against one REGEX query per name. Every measure stops starting new rounds after
``--budget-s`` seconds. Figures go to docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path
from typing import Any

import pyoxigraph as ox

sys.path.insert(0, str(Path(__file__).resolve().parent))  # bench_http is a sibling module
from bench_http import (  # type: ignore[import-not-found, unused-ignore]
    Client,
    Release,
    add_release_arguments,
    percentiles,
    run,
    served,
    timed,
)

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from server.lookup.table import NameTable  # noqa: E402

PEER_QUERY = """PREFIX cgkg: <https://w3id.org/cgkg/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT DISTINCT ?division ?label WHERE {{
  ?division a cgkg:AdministrativeDivision ; skos:prefLabel|skos:altLabel ?label .
  FILTER(REGEX(STR(?label), {pattern}, "i"))
}}
# {salt}
"""
"""What a user sends today. It goes over HTTP as text, so the name is written in as a
literal serialized by pyoxigraph (quotes and backslashes escaped); the comment line
makes each request new to the result cache."""
JSON = "application/json"


def sample_names(table: NameTable, count: int, seed: int) -> list[str]:
    """Bare names, names after their parents, English, pinyin and one-character typos."""
    rng = random.Random(seed)  # noqa: S311 - a reproducible sample, not a secret
    counties = [e for e in table.by_code.values() if e.record["level"] == "county"]
    rng.shuffle(counties)
    # The real data has 41 counties: a batch of 100 writes some of them in several ways.
    picked = [counties[i % len(counties)] for i in range(count)]
    names = []
    for index, entry in enumerate(picked):
        parents = "".join(p.name_zh for p in reversed(table.parents(entry)))
        kind = index % 5
        if kind == 0:
            names.append(entry.name_zh)
        elif kind == 1:
            names.append(parents + entry.name_zh)
        elif kind == 2:
            names.append(entry.name_en or entry.name_zh)
        elif kind == 3:
            names.append(str(entry.record.get("pinyin") or entry.name_zh))
        else:
            name = entry.name_zh
            at = rng.randrange(len(name) - 1)
            names.append(parents + name[:at] + "丁" + name[at + 1 :])
    return names


def name_table(release: Release) -> NameTable:
    data = json.loads((release.current / "lookup.json").read_text("utf-8"))
    return NameTable.from_json(data)


def _ok(answer: tuple[int, bytes]) -> dict[str, Any]:
    status, body = answer
    if status != 200:
        raise RuntimeError(f"answered {status}: {body[:300]!r}")
    parsed: dict[str, Any] = json.loads(body)
    return parsed


def _batch(names: list[str], salt: str) -> dict[str, str]:
    queries = {f"{salt}q{i}": {"query": n, "type": "division"} for i, n in enumerate(names)}
    return {"queries": json.dumps(queries, ensure_ascii=False)}


def _peer(client: Client, name: str, salt: str) -> int | None:
    return client.sparql(PEER_QUERY.format(pattern=str(ox.Literal(name)), salt=salt))


def _lookups(client: Client, names: list[str], args: argparse.Namespace) -> dict[str, Any]:
    found = [_ok(client.get("/lookup", {"q": n}, JSON))["count"] for n in names]
    seconds = timed(
        [lambda n=n: _ok(client.get("/lookup", {"q": n}, JSON)) for n in names],
        args.rounds,
        args.budget_s,
    )
    return {**percentiles(seconds), "names_with_candidates": sum(1 for c in found if c)}


def _batches(client: Client, names: list[str], args: argparse.Namespace) -> dict[str, Any]:
    rounds = iter(range(10**6))
    first = _ok(client.post("/reconcile", _batch(names, "check"), JSON))
    seconds = timed(
        [lambda: _ok(client.post("/reconcile", _batch(names, f"r{next(rounds)}"), JSON))],
        args.rounds,
        args.budget_s,
    )
    again = _batch(names, "again")
    _ok(client.post("/reconcile", again, JSON))
    repeat = timed([lambda: _ok(client.post("/reconcile", again, JSON))], 5, args.budget_s)
    return {
        "reconcile_batch": percentiles(seconds),
        "reconcile_batch_again": percentiles(repeat),
        "batch_queries_with_candidates": sum(1 for q in first.values() if q["result"]),
        "batch_queries_matched": sum(
            1 for q in first.values() if q["result"] and q["result"][0]["match"]
        ),
    }


def _peers(client: Client, names: list[str], args: argparse.Namespace) -> dict[str, Any]:
    picked = names[: args.peer_names]
    salts = iter(range(10**6))
    found: dict[str, int | None] = {}

    def one(name: str) -> None:
        found[name] = _peer(client, name, f"p{next(salts)}")

    seconds = timed([lambda n=n: one(n) for n in picked], args.peer_rounds, args.budget_s)
    return {
        **percentiles(seconds),
        "names": len(picked),
        "names_found": sum(1 for rows in found.values() if rows),
        "time_limit_hit": sum(1 for rows in found.values() if rows is None),
    }


def measure(release: Release, work: Path, args: argparse.Namespace) -> dict[str, Any]:
    table = name_table(release)
    names = sample_names(table, args.names, args.seed)
    manifest = release.manifest()
    figures: dict[str, Any] = {
        "data": release.label,
        "build_id": manifest["build_id"],
        "triples": manifest["triples"],
        "divisions": len(table.by_code),
        "entries": len(table.entries),
        "name_forms": len(table.forms),
        "lookup_json_mib": (release.current / "lookup.json").stat().st_size / 2**20,
        "names": len(names),
    }
    with served(release, work) as port:
        client = Client(port)
        figures["lookup"] = _lookups(client, names, args)
        figures.update(_batches(client, names, args))
        figures["peer_regex_per_name"] = _peers(client, names, args)
        client.close()
    peer = figures["peer_regex_per_name"]["p50_ms"]
    figures["peer_over_lookup_p50"] = peer / figures["lookup"]["p50_ms"]
    figures["peer_100_names_over_batch_p50"] = (
        peer * len(names) / figures["reconcile_batch"]["p50_ms"]
    )
    return figures


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    add_release_arguments(parser)
    parser.add_argument("--names", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--peer-names", type=int, default=100)
    parser.add_argument("--peer-rounds", type=int, default=3)
    parser.add_argument("--budget-s", type=float, default=60.0, help="per measure")
    parser.add_argument("--seed", type=int, default=1)
    return parser.parse_args()


def main() -> None:
    run(parse_args(), "cgkg-lookup-bench-", measure)


if __name__ == "__main__":
    main()

"""Lookup and reconciliation latency on the real data and on synthetic data at N x.

Usage: python benchmarks/lookup_benchmark.py [--scale 1000] [--names 100] [--rounds 20]

For each data set it builds the name table with the build's own stage
(loader.lookup_table over a pyoxigraph store of the data's graphs), loads it as
the server does (server.lookup.table.NameTable), and times, for a sample of
``--names`` names (bare names, names with their parents, English, pinyin, and
one-character typos):

* lookup: one name at a time (match + the JSON description), p50 and p99;
* reconciliation: the whole sample as one batch of queries, p50 and p99 per batch
  over ``--rounds`` rounds (and, on the real data, the same batch POSTed to
  /reconcile of the app, JSON in and out);
* the peer, side by side in the same run: the same names looked up the way the
  data can be queried without this service, one SPARQL query per name with
  REGEX over the labels (pyoxigraph, in memory, the value bound with
  substitutions); and, for the typo step, rapidfuzz against a pure-Python
  Levenshtein distance over the same name forms.

The synthetic data comes from ``cgkg generate`` (loader.synthetic). The graphs
are mapped by the build's own mapping, 1,000 zones at a time, into an in-memory
store; SHACL is skipped (the data is generated valid, and it is not what is
measured). On the real data the name table made this way is checked to be the
build's, byte for byte. Prints a JSON document of the figures.
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from importlib.metadata import version
from pathlib import Path
from typing import Any

import pyoxigraph as ox

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from loader.crosscheck import crosscheck  # noqa: E402
from loader.lookup_table import division_rows, lookup_table  # noqa: E402
from loader.mapping import map_sources  # noqa: E402
from loader.settings import BuildSettings  # noqa: E402
from loader.sources import Sources, read_sources  # noqa: E402
from loader.synthetic import SYNTHETIC_BASE_IRI, write_synthetic  # noqa: E402
from loader.terms import graph_quads  # noqa: E402
from server.lookup.describe import describe  # noqa: E402
from server.lookup.match import find, is_unambiguous  # noqa: E402
from server.lookup.reconcile.queries import reconcile_batch  # noqa: E402
from server.lookup.table import NameTable  # noqa: E402

PEER_QUERY = """
PREFIX cgkg: <https://w3id.org/cgkg/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?d ?pattern WHERE {
  ?d a cgkg:AdministrativeDivision ; skos:prefLabel|skos:altLabel ?label .
  FILTER(REGEX(STR(?label), ?pattern, "i"))
}
"""


def store_of(data_dir: Path, base_iri: str, chunk: int = 1000) -> tuple[ox.Store, float]:
    """The data's graphs in an in-memory store, mapped by the build's own mapping a chunk of
    zones at a time (the rdflib graphs of all 40,000 zones at once would need gigabytes);
    no SHACL. Returns the store and the seconds it took."""
    start = time.perf_counter()
    sources = crosscheck(read_sources(data_dir))
    by_code = {d.code: d for d in sources.divisions}
    store = ox.Store()
    for first in range(0, len(sources.zones), chunk):
        part = _part(sources, sources.zones[first : first + chunk], by_code)
        named = map_sources(part, base_iri)
        for name, graph in sorted(named.graphs.items()):
            store.bulk_extend(graph_quads(graph, str(named.iris.graph(name))))
    return store, time.perf_counter() - start


def _part(sources: Sources, zones: list[Any], by_code: dict[str, Any]) -> Sources:
    """``sources`` cut down to ``zones``, their divisions and everything above them."""
    codes = {z.code for z in zones}
    changes = [c for c in sources.changes if c.code in codes]
    needed: set[str] = set()
    for code in codes | {c.successor for c in changes if c.successor}:
        while code and code not in needed:
            needed.add(code)
            code = by_code[code].parent_code
    return replace(
        sources,
        zones=zones,
        assignments=[a for a in sources.assignments if a.code in codes],
        initiatives=[i for i in sources.initiatives if i.code in codes],
        divisions=[d for d in sources.divisions if d.code in needed],
        zone_units=[u for u in sources.zone_units if u.code in codes],
        changes=changes,
    )


def build_table(store: ox.Store, base_iri: str) -> tuple[bytes, float]:
    start = time.perf_counter()
    data = lookup_table(store, base_iri, division_rows(store))
    return data, time.perf_counter() - start


def sample_names(table: NameTable, count: int, seed: int) -> list[str]:
    """Bare names, names after their parents, English, pinyin and one-character typos."""
    rng = random.Random(seed)  # noqa: S311 - a reproducible sample, not a secret
    counties = [e for e in table.by_code.values() if e.record["level"] == "county"]
    rng.shuffle(counties)
    # The real data has 41 counties: a batch of 100 writes each of them in several ways.
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


def percentiles(seconds: list[float]) -> dict[str, float]:
    ordered = sorted(seconds)
    p99 = ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]
    return {"p50_ms": statistics.median(ordered) * 1000, "p99_ms": p99 * 1000}


def timed(calls: list[Callable[[], object]], rounds: int) -> list[float]:
    seconds = []
    for _ in range(rounds):
        for call in calls:
            start = time.perf_counter()
            call()
            seconds.append(time.perf_counter() - start)
    return seconds


def levenshtein(a: str, b: str) -> int:
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def typo_engines(table: NameTable, typos: list[str]) -> dict[str, Any]:
    from rapidfuzz import fuzz, process

    from server.lookup.fold import fold

    keys = [fold(t) for t in typos[:5]]
    fast = timed(
        [
            lambda k=k: process.extract(
                k, table.form_list, scorer=fuzz.ratio, score_cutoff=60, limit=50
            )
            for k in keys
        ],
        1,
    )
    slow = timed(
        [lambda k=k: min(table.form_list, key=lambda f: levenshtein(k, f)) for k in keys], 1
    )
    return {
        "forms": len(table.form_list),
        "rapidfuzz_ms": statistics.median(fast) * 1000,
        "pure_python_levenshtein_ms": statistics.median(slow) * 1000,
        "ratio": statistics.median(slow) / statistics.median(fast),
    }


def measure(
    label: str, store: ox.Store, base_iri: str, args: argparse.Namespace, prepare_s: float
) -> dict[str, Any]:
    data, stage_s = build_table(store, base_iri)
    start = time.perf_counter()
    table = NameTable.from_json(json.loads(data))
    load_s = time.perf_counter() - start
    names = sample_names(table, args.names, args.seed)

    def look(name: str) -> object:
        found = find(table, name)
        sure = is_unambiguous(found)
        return [describe(table, c, sure) for c in found[:10]]

    lookup = timed([lambda n=n: look(n) for n in names], 3)
    batch = {f"q{i}": {"query": n, "type": "division"} for i, n in enumerate(names)}
    reconcile = timed([lambda: reconcile_batch(table, batch)], args.rounds)
    peer = timed(
        [
            lambda n=n: list(
                store.query(
                    PEER_QUERY,
                    substitutions={ox.Variable("pattern"): ox.Literal(n)},
                    use_default_graph_as_union=True,
                )
            )
            for n in names
        ],
        3,
    )
    top_right = sum(1 for n in names if find(table, n))
    return {
        "data": label,
        "divisions": len(table.by_code),
        "entries": len(table.entries),
        "name_forms": len(table.forms),
        "graph_to_store_s": prepare_s,
        "lookup_stage_s": stage_s,
        "lookup_json_mib": len(data) / 2**20,
        "table_load_s": load_s,
        "names": len(names),
        "names_with_candidates": top_right,
        "lookup": percentiles(lookup),
        "reconcile_batch": percentiles(reconcile),
        "peer_sparql_regex_per_name": percentiles(peer),
        "lookup_vs_peer_p50": statistics.median(peer) / statistics.median(lookup),
        "batch_vs_peer_100_queries_p50": statistics.median(peer)
        * len(names)
        / statistics.median(reconcile),
        "typo_engines": typo_engines(table, names[4::5]),
    }


def http_batch(release_out: Path, names_table: NameTable, args: argparse.Namespace) -> Any:
    from server import create_app
    from server.settings import ServerSettings

    app = create_app(
        ServerSettings(out_dir=release_out, rate_limit_per_s=0, query_processes=1, access_log=False)
    )
    client = app.test_client()
    names = sample_names(names_table, args.names, args.seed)
    queries = json.dumps({f"q{i}": {"query": n, "type": "division"} for i, n in enumerate(names)})
    body = {"queries": queries}
    seconds = timed([lambda: client.post("/reconcile", data=body)], args.rounds)
    lookups = timed([lambda n=n: client.get("/lookup", query_string={"q": n}) for n in names], 3)
    app.extensions["cgkg"].close()
    return {"reconcile_batch_http": percentiles(seconds), "lookup_http": percentiles(lookups)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", type=int, default=1000)
    parser.add_argument("--names", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    from loader.pipeline import build

    results: dict[str, Any] = {
        "machine": f"{platform.machine()}, {platform.processor() or 'cpu'}",
        "python": platform.python_version(),
        "versions": {p: version(p) for p in ("pyoxigraph", "rapidfuzz", "flask")},
    }
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "real"
        build(BuildSettings(out_dir=out))
        real_base = "https://w3id.org/cgkg/"
        store, prepare = store_of(ROOT / "data", real_base)
        results["real"] = measure("real", store, real_base, args, prepare)
        # The chunked mapping is faithful: it gives the build's own name table, byte for byte.
        built = (out / "current/lookup.json").read_bytes()
        results["real"]["same_table_as_the_build"] = build_table(store, real_base)[0] == built
        table = NameTable.from_json(json.loads((out / "current/lookup.json").read_text("utf-8")))
        results["real"].update(http_batch(out, table, args))
        data_dir = Path(tmp) / f"synthetic-{args.scale}"
        write_synthetic(data_dir, args.scale, args.seed)
        store, prepare = store_of(data_dir, SYNTHETIC_BASE_IRI)
        results[f"synthetic_{args.scale}x"] = measure(
            f"synthetic {args.scale}x", store, SYNTHETIC_BASE_IRI, args, prepare
        )
    results["peak_rss_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(results, indent=1, ensure_ascii=False))


if __name__ == "__main__":
    main()

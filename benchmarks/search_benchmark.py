"""Full-text search latency (p50, p99) on the real data and on synthetic data at N times,
side by side with what a user has without it: a SPARQL ``CONTAINS`` scan.

Usage: python benchmarks/search_benchmark.py [--scale 1000] [--runs 50] [--peer-runs 5]

The real data is built with ``cgkg build`` (the search stage included). The synthetic
data is ``cgkg generate --scale N`` (``loader/synthetic.py``), mapped to RDF and loaded
into a fresh store as the build does, then indexed by the build's own stage
(``loader.search_index.write_search_index``), timed; SHACL, which takes long at that
size and has nothing to do with search, is left out. Per query text, on each data set:

- ``index``: ``SearchIndex.search`` (what ``GET /search`` runs), top 20;
- ``sparql``: a SELECT of every zone with ``search:score``, a fresh query process's
  functions each run (no remembered matches);
- ``contains``: the peer, ``FILTER(CONTAINS(?text, …))`` over the zones' task texts and
  every label, as a user writes it today.

On the real data also ``http``: ``GET /search`` through the Flask app, JSON encoding
included. Prints one line per query and measure, and the peer's time as a ratio.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, cast

import pyoxigraph as ox

from loader import graphs as g
from loader.crosscheck import crosscheck
from loader.mapping import map_sources
from loader.pipeline import build
from loader.search_index import write_search_index
from loader.settings import BuildSettings
from loader.sources import read_sources
from loader.store import create_store
from loader.synthetic import SYNTHETIC_BASE_IRI, write_synthetic
from loader.terms import graph_quads
from server.search.functions import SearchFunctions
from server.search.index import SearchIndex

TEXTS = ["协商", "法治", "三社联动", "社区公共服务综合信息平台", "社区", "consultation"]
SPARQL_SEARCH = """
PREFIX cgkg: <https://w3id.org/cgkg/ontology#>
PREFIX search: <https://w3id.org/cgkg/search#>
SELECT ?zone ?score ?q WHERE {
  ?zone a cgkg:ExperimentalZone .
  BIND(search:score(?zone, ?q) AS ?score)
  FILTER(BOUND(?score))
} ORDER BY DESC(?score) LIMIT 20
"""
SPARQL_CONTAINS = """
PREFIX cgkg: <https://w3id.org/cgkg/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT DISTINCT ?resource ?q WHERE {
  { ?resource cgkg:task/(cgkg:taskText|cgkg:unofficialTranslation) ?text }
  UNION { ?resource skos:prefLabel|skos:altLabel|skos:definition ?text }
  FILTER(CONTAINS(LCASE(?text), LCASE(?q)))
} LIMIT 20
"""


def percentiles(call: Callable[[], object], runs: int) -> tuple[float, float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        call()
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return statistics.median(times), times[min(len(times) - 1, round(len(times) * 0.99) - 1)]


def synthetic_release(folder: Path, scale: int) -> tuple[ox.Store, dict[str, Any], float, int]:
    data = folder / "data"
    write_synthetic(data, scale, 1)
    named = map_sources(crosscheck(read_sources(data)), SYNTHETIC_BASE_IRI)
    quads = [
        q
        for name, graph in sorted(named.graphs.items())
        if name != g.ONTOLOGY
        for q in graph_quads(graph, str(named.iris.graph(name)))
    ]
    store = create_store(folder / "store", quads)
    store.flush()
    start = time.perf_counter()
    entry = write_search_index(folder, store)
    return store, entry, time.perf_counter() - start, len(quads)


def _sparql(store: ox.Store, index: SearchIndex, subs: dict[ox.Variable, ox.Literal]) -> object:
    functions = SearchFunctions(lambda: index).table()  # a fresh process: nothing remembered
    return list(
        store.query(  # type: ignore[call-overload]
            SPARQL_SEARCH,
            use_default_graph_as_union=True,
            substitutions=subs,
            custom_functions=functions,
        )
    )


def _contains(store: ox.Store, subs: dict[ox.Variable, ox.Literal]) -> object:
    return list(
        store.query(  # type: ignore[call-overload]
            SPARQL_CONTAINS, use_default_graph_as_union=True, substitutions=subs
        )
    )


def measure(name: str, store: ox.Store, index: SearchIndex, args: argparse.Namespace) -> None:
    for text in TEXTS:
        request = index.request(text, limit=20)
        subs = {ox.Variable("q"): ox.Literal(text)}
        found = len(index.search(request))
        ix = percentiles(lambda request=request: index.search(request), args.runs)
        sp = percentiles(lambda subs=subs: _sparql(store, index, subs), max(1, args.runs // 5))
        peer = percentiles(lambda subs=subs: _contains(store, subs), args.peer_runs)
        print(
            f"{name:10} {text:14} hits {found:3}  index p50 {ix[0]:8.2f} p99 {ix[1]:8.2f} ms"
            f"  sparql p50 {sp[0]:8.2f} p99 {sp[1]:8.2f} ms"
            f"  contains p50 {peer[0]:9.2f} p99 {peer[1]:9.2f} ms"
            f"  contains/index {peer[0] / ix[0]:8.0f}x"
        )


def http(release_out: Path, runs: int) -> None:
    from server import create_app
    from server.services import EXTENSION_KEY
    from server.settings import ServerSettings

    settings = ServerSettings(
        out_dir=release_out, rate_limit_per_s=0, query_processes=1, access_log=False
    )
    app = create_app(settings)
    client = app.test_client()
    for text in TEXTS:
        url = f"/search?q={text}&limit=20"
        p50, p99 = percentiles(lambda url=url: client.get(url), runs)
        print(f"{'real':10} {text:14} GET /search (Flask, JSON)  p50 {p50:8.2f} p99 {p99:8.2f} ms")
    app.extensions[EXTENSION_KEY].close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--peer-runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "real"
        result = build(BuildSettings(out_dir=out))
        release = result.release_dir
        store = ox.Store.read_only(str(release / "store"))
        entry = cast(dict[str, Any], result.manifest["search_index"])
        print(
            f"real: {result.manifest['triples']} triples, {entry['documents']} texts, "
            f"index built in {result.timings['search']:.2f} s"
        )
        measure("real", store, SearchIndex(release / "search", entry), args)
        http(out, args.runs)
        if args.scale:
            folder = Path(tmp) / "synthetic"
            folder.mkdir()
            store, entry, seconds, quads = synthetic_release(folder, args.scale)
            print(
                f"synthetic x{args.scale}: {quads} quads, {entry['documents']} texts, "
                f"index built in {seconds:.1f} s"
            )
            measure(f"x{args.scale}", store, SearchIndex(folder / "search", entry), args)


if __name__ == "__main__":
    main()

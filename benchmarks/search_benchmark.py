"""Full-text search latency over HTTP (p50, p99) on the real data and on synthetic data
at N x, side by side in one run with what a user has without it: SPARQL ``REGEX``.

    flock /work/heavy.lock .venv/bin/python benchmarks/search_benchmark.py \\
        [--synthetic OUT | --scale 1000] [--json FILE]

For each release (benchmarks/bench_http.py), first the build's search stage again
(``loader.search_index.write_search_index`` over the release's store, opened read-only,
into a scratch folder): its seconds and the index's size on disk. Then our server runs as
``cgkg serve`` runs it (granian, two workers, the query broker; no rate limit, no access
log) and one keep-alive HTTP client (``http.client``) sends, for each query text, one at a
time:

* ``search``: ``GET /search?q=TEXT&limit=20`` (JSON);
* ``sparql_search``: ``search:score`` in a SELECT of the 20 best zones, POSTed to
  ``/sparql``;
* ``peer_regex``: what a user writes today, ``FILTER(REGEX(?text, TEXT, "i"))`` over the
  zones' task texts, their translations and every label and definition, ``LIMIT 20``
  (the peer may stop at the 20th match; search ranks every match), POSTed to ``/sparql``.

SPARQL requests carry a comment line of their own, so the result cache never answers.
The ratio is the peer's p50 over search's p50 within the run. Every measure stops
starting new rounds after ``--budget-s`` seconds. Figures go to docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
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

from loader.search_index import write_search_index  # noqa: E402

TEXTS = ["协商", "法治", "三社联动", "社区公共服务综合信息平台", "社区", "consultation"]
SPARQL_SEARCH = """PREFIX cgkg: <https://w3id.org/cgkg/ontology#>
PREFIX search: <https://w3id.org/cgkg/search#>
SELECT ?zone ?score WHERE {{
  VALUES ?q {{ {text} }}
  ?zone a cgkg:ExperimentalZone .
  BIND(search:score(?zone, ?q) AS ?score)
  FILTER(BOUND(?score))
}} ORDER BY DESC(?score) LIMIT 20
# {salt}
"""
PEER_REGEX = """PREFIX cgkg: <https://w3id.org/cgkg/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT DISTINCT ?resource WHERE {{
  {{ ?resource cgkg:task/(cgkg:taskText|cgkg:unofficialTranslation) ?text }}
  UNION {{ ?resource skos:prefLabel|skos:altLabel|skos:definition ?text }}
  FILTER(REGEX(?text, {text}, "i"))
}} LIMIT 20
# {salt}
"""
"""Both go over HTTP as text: the query text is written in as a literal serialized by
pyoxigraph (quotes and backslashes escaped); the comment makes each request new."""


def index_stage(release: Release, work: Path) -> dict[str, Any]:
    """The search stage run again over the release's store; seconds and size."""
    store = ox.Store.read_only(str(release.current / "store"))
    scratch = work / f"reindex-{release.label.replace(' ', '-')}"
    scratch.mkdir()
    start = time.perf_counter()
    entry = write_search_index(scratch, store)
    seconds = time.perf_counter() - start
    del store
    built = release.current / "search"
    return {
        "stage_s": seconds,
        "stage_s_in_the_build": release.build.get("search"),
        "documents": entry["documents"],
        "resources": entry["resources"],
        "index_mib": sum(f.stat().st_size for f in built.rglob("*") if f.is_file()) / 2**20,
    }


def _search(client: Client, text: str) -> int:
    status, body = client.get("/search", {"q": text, "limit": "20"}, "application/json")
    if status != 200:
        raise RuntimeError(f"/search answered {status}: {body[:300]!r}")
    return len(json.loads(body)["results"])


def _sparql(client: Client, template: str, text: str, salt: str) -> int | None:
    """Rows, or ``None`` when the query ran into the server's time limit."""
    return client.sparql(template.format(text=str(ox.Literal(text)), salt=salt))


def _measured(call: Callable[[], int | None], runs: int, budget_s: float) -> dict[str, Any]:
    """p50 and p99 of ``call``, and how many runs ran into the server's time limit."""
    outcomes: list[int | None] = []
    seconds = timed([lambda: outcomes.append(call())], runs, budget_s)
    return {**percentiles(seconds), "time_limit_hit": outcomes.count(None)}


def per_text(client: Client, text: str, args: argparse.Namespace) -> dict[str, Any]:
    salts = iter(range(10**6))
    rows = {
        "search": _search(client, text),
        "sparql_search": _sparql(client, SPARQL_SEARCH, text, "check"),
        "peer_regex": _sparql(client, PEER_REGEX, text, "check"),
    }
    figures: dict[str, Any] = {"text": text, "rows": rows}
    figures["search"] = _measured(lambda: _search(client, text), args.runs, args.budget_s)
    figures["sparql_search"] = _measured(
        lambda: _sparql(client, SPARQL_SEARCH, text, f"s{next(salts)}"), args.runs, args.budget_s
    )
    figures["peer_regex"] = _measured(
        lambda: _sparql(client, PEER_REGEX, text, f"p{next(salts)}"),
        args.peer_runs,
        args.budget_s,
    )
    figures["peer_over_search_p50"] = figures["peer_regex"]["p50_ms"] / figures["search"]["p50_ms"]
    return figures


def measure(release: Release, work: Path, args: argparse.Namespace) -> dict[str, Any]:
    manifest = release.manifest()
    figures: dict[str, Any] = {
        "data": release.label,
        "build_id": manifest["build_id"],
        "triples": manifest["triples"],
        "index": index_stage(release, work),
    }
    with served(release, work) as port:
        client = Client(port)
        figures["texts"] = [per_text(client, text, args) for text in TEXTS]
        client.close()
    return figures


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    add_release_arguments(parser)
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--peer-runs", type=int, default=10)
    parser.add_argument("--budget-s", type=float, default=20.0, help="per measure")
    return parser.parse_args()


def main() -> None:
    run(parse_args(), "cgkg-search-bench-", measure)


if __name__ == "__main__":
    main()

"""``cgkg publish``: write the current release into an external SPARQL 1.1 store.

Each named graph of the release goes to the store by the Graph Store Protocol
(``PUT ?graph=``, N-Triples), first under a staging name of its own
(``urn:cgkg:staging:<build_id>:<n>``), so the graphs readers query are not
touched while the data travels. Once every staging graph holds the triple count
the manifest gives, one SPARQL Update request moves them all onto their real
names (``MOVE``) and drops the release's graphs the new one no longer has: a
store that runs one update request as one transaction (as SPARQL 1.1 Update
asks, and Oxigraph and Fuseki do) switches every graph at once, so no reader sees
half of a release. Afterwards the store's count per graph is checked against the
manifest again.

The same request writes the *publication record*: in a graph of its own,
``urn:cgkg:publication:<dataset IRI>``, the dataset IRI with the release's
``build_id`` (``cgkgsd:publishedRelease``) and the sha256 of its
``manifest.json`` (``cgkgsd:publishedManifest``). A server fronting the store
reads it back and serves a release only when the store holds exactly that one:
two releases with the same count per graph (a corrected label) are told apart.
It is not in ``graph/metadata``, whose triples are the release's own and counted
by its manifest; nor in any graph of the release's dataset, so queries never see it.

Any refusal, an unreachable store or a count that differs raises
:class:`PublishError`, with what the store said; staging graphs already written
are dropped again, and the graphs readers see are left as they were unless the
switch itself went through.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pyoxigraph as ox
import urllib3

__all__ = [
    "PublishError",
    "Target",
    "publish",
    "published_release",
    "record_graph",
    "record_quads",
    "store_counts",
]

# Graph IRIs in update operations cannot be bound as values: they are written by
# pyoxigraph (validated, in SPARQL syntax) into these templates.
_MOVE = "MOVE GRAPH {source} TO {target}"
_DROP = "DROP SILENT GRAPH {graph}"
_COUNTS = "SELECT ?graph (COUNT(*) AS ?triples) WHERE { GRAPH ?graph { ?s ?p ?o } } GROUP BY ?graph"
_GRAPHS = "SELECT DISTINCT ?graph WHERE { GRAPH ?graph { ?s ?p ?o } }"
_STAGING = "urn:cgkg:staging:"
_RECORD_GRAPH = "urn:cgkg:publication:"
_SERVICE = "https://w3id.org/cgkg/service#"
_RECORD = "INSERT DATA {{ GRAPH {graph} {{ {triples} }} }}"
_READ_RECORD = """PREFIX cgkgsd: <https://w3id.org/cgkg/service#>
SELECT ?release ?manifest WHERE {
  GRAPH ?record { ?dataset cgkgsd:publishedRelease ?release ; cgkgsd:publishedManifest ?manifest }
}"""


class PublishError(OSError):
    """The store refused, could not be reached, or does not hold what was sent."""


@dataclass(frozen=True)
class Target:
    """Where to publish: the store's Graph Store Protocol, Update and query endpoints."""

    graph_store: str
    update: str
    query: str
    timeout_s: float = 300.0


class _Client:
    def __init__(self, target: Target) -> None:
        self.target = target
        self._http = urllib3.PoolManager(retries=False)

    def send(self, method: str, url: str, body: bytes, content_type: str, accept: str) -> bytes:
        try:
            response = self._http.request(
                method,
                url,
                body=body,
                headers={"Content-Type": content_type, "Accept": accept},
                timeout=urllib3.Timeout(connect=10.0, read=self.target.timeout_s),
                redirect=False,
            )
        except urllib3.exceptions.HTTPError as exc:
            raise PublishError(f"cannot reach {url}: {exc}") from None
        if not 200 <= response.status < 300:
            said = response.data.decode("utf-8", "replace").strip()[:500]
            raise PublishError(f"{url} refused {method} ({response.status}): {said}")
        return bytes(response.data)

    def select(self, text: str, named_graphs: list[str] | None = None) -> list[dict[str, str]]:
        fields = [("query", text)] + [("named-graph-uri", g) for g in named_graphs or ()]
        body = self.send(
            "POST",
            self.target.query,
            urlencode(fields).encode(),
            "application/x-www-form-urlencoded",
            "application/sparql-results+json",
        )
        try:
            bindings = json.loads(body)["results"]["bindings"]
            return [{k: str(v["value"]) for k, v in row.items()} for row in bindings]
        except (ValueError, KeyError, TypeError) as exc:
            raise PublishError(f"{self.target.query} answered no SPARQL JSON: {exc!r}") from None

    def update(self, text: str) -> None:
        self.send("POST", self.target.update, text.encode(), "application/sparql-update", "*/*")

    def put_graph(self, graph: str, ntriples: bytes) -> None:
        url = f"{self.target.graph_store}?{urlencode({'graph': graph})}"
        self.send("PUT", url, ntriples, "application/n-triples", "*/*")


def store_counts(target: Target, graphs: list[str] | None = None) -> dict[str, int]:
    """Triples per named graph in the store (of ``graphs`` only, when given)."""
    rows = _Client(target).select(_COUNTS, graphs)
    return {row["graph"]: int(row["triples"]) for row in rows if "graph" in row}


def record_graph(dataset_iri: str) -> str:
    """The graph holding the publication record of the dataset ``dataset_iri``."""
    return _RECORD_GRAPH + dataset_iri


def published_release(target: Target, dataset_iri: str) -> set[tuple[str, str]]:
    """``(build_id, manifest sha256)`` of the release the store's record says it holds."""
    graph = record_graph(dataset_iri)
    rows = _Client(target).select(_READ_RECORD, [graph])
    return {
        (row["release"], row["manifest"]) for row in rows if {"release", "manifest"} <= set(row)
    }


def _manifest_of(release_dir: Path) -> tuple[dict[str, Any], str]:
    """The release's manifest and the sha256 of its bytes."""
    data = (release_dir / "manifest.json").read_bytes()
    manifest: dict[str, Any] = json.loads(data)
    manifest.setdefault("dataset_iri", f"{manifest['base_iri']}dataset")
    return manifest, hashlib.sha256(data).hexdigest()


def record_quads(release_dir: Path) -> list[ox.Quad]:
    """The publication record of the release in ``release_dir``, for a store loaded from
    its dumps instead of by :func:`publish` (the graph and terms :func:`publish` writes)."""
    return _record_quads(*_manifest_of(release_dir))


def _record_quads(manifest: Mapping[str, object], digest: str) -> list[ox.Quad]:
    dataset = ox.NamedNode(str(manifest["dataset_iri"]))
    graph = ox.NamedNode(record_graph(dataset.value))
    values = {"publishedRelease": str(manifest["build_id"]), "publishedManifest": digest}
    return [
        ox.Quad(dataset, ox.NamedNode(_SERVICE + name), ox.Literal(value), graph)
        for name, value in values.items()
    ]


def _record(manifest: Mapping[str, object], digest: str) -> list[str]:
    """The update operations that replace the dataset's publication record."""
    quads = _record_quads(manifest, digest)
    triples = " . ".join(f"{q.subject} {q.predicate} {q.object}" for q in quads)
    graph = quads[0].graph_name
    return [_DROP.format(graph=graph), _RECORD.format(graph=graph, triples=triples)]


def _mismatch(found: Mapping[str, int], expected: Mapping[str, int]) -> str:
    differ = sorted(g for g in {*found, *expected} if found.get(g) != expected.get(g))
    return ", ".join(f"<{g}> {found.get(g, 0)} not {expected.get(g, 0)}" for g in differ)


def _switch_request(staging: Mapping[str, str], stale: list[str], record: list[str]) -> str:
    node = ox.NamedNode
    moves = [_MOVE.format(source=node(s), target=node(g)) for g, s in staging.items()]
    drops = [_DROP.format(graph=node(g)) for g in stale]
    return " ;\n".join([*moves, *drops, *record])


def _stale_graphs(client: _Client, base_iri: str, keep: Mapping[str, str]) -> list[str]:
    """Graphs of this dataset's graph namespace in the store that the release lacks, and
    staging graphs an interrupted publication left."""
    names = {row["graph"] for row in client.select(_GRAPHS) if "graph" in row}
    ours = (f"{base_iri}graph/", _STAGING)
    return sorted(g for g in names if g.startswith(ours) and g not in {*keep, *keep.values()})


def publish(
    release_dir: Path,
    target: Target,
    dry_run: bool = False,
    say: Callable[[str], None] = lambda _: None,
) -> dict[str, int]:
    """Publish the release in ``release_dir`` to ``target``; the counts per graph it holds."""
    manifest, digest = _manifest_of(release_dir)
    build_id = str(manifest["build_id"])
    graphs = {str(g): int(n) for g, n in manifest["graphs"].items() if int(n)}
    staging = {g: f"{_STAGING}{build_id}:{i}" for i, g in enumerate(sorted(graphs))}
    client = _Client(target)
    stale = _stale_graphs(client, str(manifest["base_iri"]), staging)
    if dry_run:
        for graph, count in sorted(graphs.items()):
            say(f"would write <{graph}>: {count} triples, by PUT to {target.graph_store}")
        for graph in stale:
            say(f"would drop <{graph}>, which is not in this release")
        say(f"would record release {build_id} in <{record_graph(manifest['dataset_iri'])}>")
        return store_counts(target, sorted(graphs))
    store = ox.Store.read_only(str(release_dir / str(manifest.get("store", "store"))))
    try:
        _upload(client, store, staging, graphs, say)
        client.update(_switch_request(staging, stale, _record(manifest, digest)))
    except PublishError:
        _drop_staging(client, staging)
        raise
    return _check_switched(target, graphs, str(manifest["dataset_iri"]), (build_id, digest))


def _check_switched(
    target: Target, graphs: Mapping[str, int], dataset_iri: str, release: tuple[str, str]
) -> dict[str, int]:
    """The store's counts, once they and its publication record are the release's."""
    held = store_counts(target, sorted(graphs))
    if held != graphs:
        differ = _mismatch(held, graphs)
        raise PublishError(
            f"after the switch the store does not hold release {release[0]}: {differ}"
        )
    recorded = published_release(target, dataset_iri)
    if recorded != {release}:
        raise PublishError(f"the store's record says it holds {sorted(recorded)}, not {release}")
    return held


def _upload(
    client: _Client,
    store: ox.Store,
    staging: Mapping[str, str],
    graphs: Mapping[str, int],
    say: Callable[[str], None],
) -> None:
    for graph, name in staging.items():
        started = time.monotonic()
        data = store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(graph)) or b""
        client.put_graph(name, data)
        say(f"wrote <{graph}> ({graphs[graph]} triples, {time.monotonic() - started:.2f} s)")
    found = store_counts(client.target, list(staging.values()))
    held = {graph: found.get(name, 0) for graph, name in staging.items()}
    if held != dict(graphs):
        raise PublishError(f"the store did not keep every triple sent: {_mismatch(held, graphs)}")


def _drop_staging(client: _Client, staging: Mapping[str, str]) -> None:
    names = [_DROP.format(graph=ox.NamedNode(name)) for name in staging.values()]
    with contextlib.suppress(PublishError):  # the first error is the one to report
        client.update(" ;\n".join(names))

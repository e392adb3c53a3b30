"""The knowledge graph as the server sees it: one release, opened read-only.

:class:`KnowledgeGraph` owns the pyoxigraph ``Store`` (opened with
``Store.read_only``) and the release's ``manifest.json``; it is the only module
that touches the store. The server holds one per process
(:class:`server.services.Services`); queries sent by clients do not run in the
HTTP worker but in killable query processes (:mod:`server.sparql.execution`),
which open their own :class:`KnowledgeGraph`. Trusted queries of the server's
own live in ``.rq`` files beside the package that runs them (:func:`query_file`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import datetime
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, Protocol

import pyoxigraph as ox

from server.errors import KGError
from server.release import Lease, Manifest, ReleaseError, verify

__all__ = ["KnowledgeGraph", "QueryResults", "RemoteSource", "Term", "query_file"]

QueryResults = ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples | list[ox.Triple]
"""What :meth:`KnowledgeGraph.query` returns, by query form (a list of triples if remote)."""

Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple
"""A value that can be bound to a query variable."""

Functions = Mapping[ox.NamedNode, Callable[..., Any]]
"""Extension functions a query may call, by IRI."""

# Run only on a remote store (the embedded one reads its quads directly).
_GRAPH_TRIPLES = "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?graph { ?s ?p ?o } }"
_UNION_TRIPLES = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"
_GRAPH_COUNTS = "SELECT ?graph (COUNT(*) AS ?n) WHERE { GRAPH ?graph { ?s ?p ?o } } GROUP BY ?graph"


class RemoteSource(Protocol):
    """An endpoint holding the release (:class:`server.sparql.execution.remote.RemoteStore`)."""

    endpoint: str

    def query(
        self,
        text: str,
        *,
        default_graphs: Sequence[str],
        named_graphs: Sequence[str],
        substitutions: Mapping[str, Term] | None = None,
        base_iri: str | None = None,
        limit_bytes: int | None = None,
        timeout_s: float | None = None,
    ) -> QueryResults: ...


class KnowledgeGraph:
    """A published release: its manifest and its store, read-only."""

    def __init__(
        self,
        release_dir: Path,
        manifest: Manifest,
        store: ox.Store | None,
        lease: Lease | None = None,
        remote: RemoteSource | None = None,
    ) -> None:
        self.release_dir = release_dir
        self.manifest = manifest
        self._store = store
        self._lease = lease
        self._remote = remote
        self._graph_names = frozenset(manifest.graphs)
        self._dataset = tuple(sorted(g for g, n in manifest.graphs.items() if n))

    @classmethod
    def open(
        cls, lease: Lease, memory_max_triples: int = 0, remote: RemoteSource | None = None
    ) -> KnowledgeGraph:
        """Open the leased release read-only; :meth:`close` ends the lease.

        When the release has at most ``memory_max_triples`` triples, its quads
        are copied from the read-only store into an in-memory store, which
        answers queries several times faster. The data never changes, so the
        copy is exact for the life of the process. With ``remote``, the release's
        store is not opened: queries go to that endpoint, which holds the release.
        """
        release_dir = lease.release_dir
        manifest = Manifest.load(release_dir / "manifest.json")
        if remote is not None:
            return cls(release_dir, manifest, None, lease, remote)
        store_dir = release_dir / manifest.store
        try:
            store = ox.Store.read_only(str(store_dir))
            if 0 < manifest.triples <= memory_max_triples:
                memory = ox.Store()
                memory.bulk_extend(store.quads_for_pattern(None, None, None, None))
                store = memory
        except OSError as exc:
            raise ReleaseError(f"cannot open the store {store_dir}: {exc}") from None
        return cls(release_dir, manifest, store, lease)

    @classmethod
    def open_verified(
        cls, lease: Lease, memory_max_triples: int = 0, remote: RemoteSource | None = None
    ) -> KnowledgeGraph:
        """:meth:`open`, once every file the manifest lists (but the store's, with ``remote``)
        is checked, and check the store's counts; :class:`ReleaseError` if not."""
        verify(lease.release_dir, store=remote is None)
        kg = cls.open(lease, memory_max_triples, remote)
        try:
            kg.check_store()
        except ReleaseError:
            kg.close()
            raise
        return kg

    def check_store(self) -> None:
        """Raise :class:`ReleaseError` unless the store holds the triples the manifest counts."""
        where = self._remote.endpoint if self._remote else f"the store of {self.release_dir}"
        try:
            counts = self.graph_counts()
        except (OSError, RuntimeError, ValueError, KGError) as exc:
            raise ReleaseError(f"{where} cannot be read: {exc}") from None
        expected = {name: count for name, count in self.manifest.graphs.items() if count}
        if counts != expected:
            differ = sorted(g for g in {*counts, *expected} if counts.get(g) != expected.get(g))
            shown = ", ".join(f"<{g}> {counts.get(g, 0)} not {expected.get(g, 0)}" for g in differ)
            hint = "; publish it there with `cgkg publish`" if self._remote else ""
            raise ReleaseError(
                f"{where} does not hold the triples the manifest of {self.build_id} counts "
                f"(per graph: {shown}){hint}"
            )

    def graph_counts(self) -> dict[str, int]:
        """Triples per named graph in the store (of the release's graphs, if remote)."""
        counts: dict[str, int] = {}
        if self._remote is not None:
            for row in self.select(_GRAPH_COUNTS):
                counts[row["graph"].value] = int(row["n"].value)
            return counts
        for quad in self._store_of().quads_for_pattern(None, None, None, None):
            name = quad.graph_name
            key = name.value if isinstance(name, ox.NamedNode) else ""
            counts[key] = counts.get(key, 0) + 1
        return counts

    def _store_of(self) -> ox.Store:
        if self._store is None:  # pragma: no cover - only remote graphs have no store
            raise RuntimeError("this release is served from a remote store")
        return self._store

    @property
    def remote(self) -> RemoteSource | None:
        """The endpoint that holds this release, when its own store is not used."""
        return self._remote

    def close(self) -> None:
        """Let the release go: a later build may delete it."""
        if self._lease is not None:
            self._lease.close()
            self._lease = None

    # -- identity of the data --------------------------------------------------------

    @property
    def build_id(self) -> str:
        """Changes whenever the data changes: the validator for ETags and cache keys."""
        return self.manifest.build_id

    @property
    def last_modified(self) -> datetime:
        """When the release was built, for ``Last-Modified``."""
        return self.manifest.built_at

    @property
    def base_iri(self) -> str:
        return self.manifest.base_iri

    @property
    def prefixes(self) -> Mapping[str, str]:
        return self.manifest.prefixes

    def path(self, relative: str) -> Path:
        """A file of the release, from a path as written in the manifest."""
        return self.release_dir / relative

    # -- graphs ----------------------------------------------------------------------

    @property
    def graph_names(self) -> frozenset[str]:
        """IRIs of the named graphs in the store."""
        return self._graph_names

    def has_graph(self, iri: str) -> bool:
        return iri in self._graph_names

    def triples(self, graph: str | None) -> Iterator[ox.Triple]:
        """Every triple of one named graph, or of the union default graph when ``None``."""
        if self._remote is not None:
            if graph is None:
                return iter(self.construct(_UNION_TRIPLES))
            return iter(self.construct(_GRAPH_TRIPLES, {"graph": ox.NamedNode(graph)}))
        store = self._store_of()
        if graph is None:
            return (q.triple for q in store.quads_for_pattern(None, None, None, None))
        return (q.triple for q in store.quads_for_pattern(None, None, None, ox.NamedNode(graph)))

    # -- queries ---------------------------------------------------------------------

    def query(
        self,
        text: str,
        *,
        substitutions: Mapping[str, Term] | None = None,
        default_graphs: tuple[str, ...] = (),
        named_graphs: tuple[str, ...] = (),
        base_iri: str | None = None,
        limit_bytes: int | None = None,
        custom_functions: Functions | None = None,
    ) -> QueryResults:
        """Evaluate a SPARQL query against the store.

        The default graph is the union of all named graphs unless ``default_graphs``
        or ``named_graphs`` (the protocol's ``default-graph-uri`` and
        ``named-graph-uri``) say otherwise. ``substitutions`` binds variables by
        name to terms, so values are never pasted into query text. Relative IRIs
        resolve against ``base_iri`` when given; the embedded store (never a remote
        engine) evaluates ``custom_functions`` (the search functions).
        Raises ``SyntaxError`` for a malformed query, ``OSError`` for a storage fault;
        a remote store also the :mod:`server.errors` of a failing engine, and
        ``ResultTooLarge`` for an answer over ``limit_bytes``.
        """
        if self._remote is None:
            return self._local_query(
                text, substitutions, default_graphs, named_graphs, base_iri, custom_functions
            )
        # The union of the release's graphs, as in the embedded store, unless named.
        dataset = (default_graphs, named_graphs) if default_graphs or named_graphs else None
        dataset = dataset or (self._dataset, self._dataset)
        return self._remote.query(
            text,
            default_graphs=dataset[0],
            named_graphs=dataset[1],
            substitutions=substitutions,
            base_iri=base_iri,
            limit_bytes=limit_bytes,
        )

    def _local_query(
        self,
        text: str,
        substitutions: Mapping[str, Term] | None,
        default_graphs: tuple[str, ...],
        named_graphs: tuple[str, ...],
        base_iri: str | None,
        functions: Functions | None = None,
    ) -> QueryResults:
        subs = {ox.Variable(k): v for k, v in (substitutions or {}).items()}
        common: dict[str, Any] = {"substitutions": subs or None, "base_iri": base_iri}
        common["custom_functions"] = dict(functions) if functions else None
        if not (default_graphs or named_graphs):
            return self._store_of().query(text, use_default_graph_as_union=True, **common)
        common["default_graph"] = [ox.NamedNode(g) for g in default_graphs]
        common["named_graphs"] = [ox.NamedNode(g) for g in named_graphs] or None
        return self._store_of().query(text, **common)

    def select(
        self,
        text: str,
        substitutions: Mapping[str, Term] | None = None,
    ) -> list[dict[str, Any]]:
        """Run a trusted SELECT and return its rows as ``{variable: term}`` dicts."""
        results = self.query(text, substitutions=substitutions)
        if not isinstance(results, ox.QuerySolutions):
            raise TypeError("select() needs a SELECT query")
        names = [v.value for v in results.variables]
        return [{name: row[name] for name in names if row[name] is not None} for row in results]

    def construct(
        self,
        text: str,
        substitutions: Mapping[str, Term] | None = None,
    ) -> list[ox.Triple]:
        """Run a trusted CONSTRUCT or DESCRIBE and return its triples."""
        results = self.query(text, substitutions=substitutions)
        if isinstance(results, ox.QuerySolutions | ox.QueryBoolean):
            raise TypeError("construct() needs a CONSTRUCT or DESCRIBE query")
        return list(results)


@cache
def query_file(package: str, name: str) -> str:
    """The text of ``<package>/queries/<name>.rq``: ``query_file("server.web", "ui_zones")``."""
    return (resources.files(package) / "queries" / f"{name}.rq").read_text("utf-8")

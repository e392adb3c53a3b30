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

from collections.abc import Iterator, Mapping
from datetime import datetime
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from server.release import Lease, Manifest, ReleaseError, verify

__all__ = ["KnowledgeGraph", "QueryResults", "Term", "query_file"]

QueryResults = ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples
"""What :meth:`KnowledgeGraph.query` returns, by query form."""

Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple
"""A value that can be bound to a query variable."""


class KnowledgeGraph:
    """A published release: its manifest and its store, read-only."""

    def __init__(
        self, release_dir: Path, manifest: Manifest, store: ox.Store, lease: Lease | None = None
    ) -> None:
        self.release_dir = release_dir
        self.manifest = manifest
        self._store = store
        self._lease = lease
        self._graph_names = frozenset(manifest.graphs)

    @classmethod
    def open(cls, lease: Lease, memory_max_triples: int = 0) -> KnowledgeGraph:
        """Open the leased release read-only; :meth:`close` ends the lease.

        When the release has at most ``memory_max_triples`` triples, its quads
        are copied from the read-only store into an in-memory store, which
        answers queries several times faster. The data never changes, so the
        copy is exact for the life of the process.
        """
        release_dir = lease.release_dir
        manifest = Manifest.load(release_dir / "manifest.json")
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
    def open_verified(cls, lease: Lease, memory_max_triples: int = 0) -> KnowledgeGraph:
        """:meth:`open`, once every file the manifest lists has been checked, and check
        that the store holds what the manifest counts; :class:`ReleaseError` if not."""
        verify(lease.release_dir)
        kg = cls.open(lease, memory_max_triples)
        kg.check_store()
        return kg

    def check_store(self) -> None:
        """Raise :class:`ReleaseError` unless the store holds the triples the manifest counts."""
        counts: dict[str, int] = {}
        try:
            for quad in self._store.quads_for_pattern(None, None, None, None):
                name = quad.graph_name
                key = name.value if isinstance(name, ox.NamedNode) else ""
                counts[key] = counts.get(key, 0) + 1
        except (OSError, RuntimeError, ValueError) as exc:
            raise ReleaseError(f"the store of {self.release_dir} cannot be read: {exc}") from None
        expected = {name: count for name, count in self.manifest.graphs.items() if count}
        if counts != expected:
            raise ReleaseError(
                f"the store of {self.release_dir} does not hold the triples its manifest counts"
            )

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
        if graph is None:
            return (q.triple for q in self._store.quads_for_pattern(None, None, None, None))
        return (
            q.triple for q in self._store.quads_for_pattern(None, None, None, ox.NamedNode(graph))
        )

    # -- queries ---------------------------------------------------------------------

    def query(
        self,
        text: str,
        *,
        substitutions: Mapping[str, Term] | None = None,
        default_graphs: tuple[str, ...] = (),
        named_graphs: tuple[str, ...] = (),
        base_iri: str | None = None,
    ) -> QueryResults:
        """Evaluate a SPARQL query against the store.

        The default graph is the union of all named graphs unless ``default_graphs``
        or ``named_graphs`` (the protocol's ``default-graph-uri`` and
        ``named-graph-uri``) say otherwise. ``substitutions`` binds variables by
        name to terms, so values are never pasted into query text. Relative IRIs
        resolve against ``base_iri`` when given.
        Raises ``SyntaxError`` for a malformed query, ``OSError`` for a storage fault.
        """
        subs = {ox.Variable(k): v for k, v in (substitutions or {}).items()}
        if default_graphs or named_graphs:
            default: list[ox.NamedNode | ox.BlankNode | ox.DefaultGraph] = [
                ox.NamedNode(g) for g in default_graphs
            ]
            return self._store.query(
                text,
                default_graph=default,
                named_graphs=[ox.NamedNode(g) for g in named_graphs] if named_graphs else None,
                substitutions=subs or None,
                base_iri=base_iri,
            )
        return self._store.query(
            text, use_default_graph_as_union=True, substitutions=subs or None, base_iri=base_iri
        )

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
        if not isinstance(results, ox.QueryTriples):
            raise TypeError("construct() needs a CONSTRUCT or DESCRIBE query")
        return list(results)


@cache
def query_file(package: str, name: str) -> str:
    """The text of ``<package>/queries/<name>.rq``: ``query_file("server.web", "ui_zones")``."""
    return (resources.files(package) / "queries" / f"{name}.rq").read_text("utf-8")

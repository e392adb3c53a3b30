"""The knowledge graph as the server sees it: one release, opened read-only.

:class:`KnowledgeGraph` owns the pyoxigraph ``Store`` (opened with
``Store.read_only``) and the release's ``manifest.json``; it is the only module
that touches the store. Views reach the app's instance through
:func:`current_kg`; queries sent by clients do not run here but in killable
query processes (:mod:`server.query_pool`), which open their own
:class:`KnowledgeGraph`.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, cast

import pyoxigraph as ox
from flask import current_app

__all__ = [
    "KnowledgeGraph",
    "Manifest",
    "QueryResults",
    "ReleaseError",
    "Term",
    "current_kg",
    "internal_query",
]

QueryResults = ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples
"""What :meth:`KnowledgeGraph.query` returns, by query form."""

Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple
"""A value that can be bound to a query variable."""

EXTENSION_KEY = "kg"


class ReleaseError(RuntimeError):
    """The release folder is missing, incomplete, or its manifest cannot be read."""


@dataclass(frozen=True, slots=True)
class Manifest:
    """The fields of ``manifest.json`` the server relies on (docs/architecture.md)."""

    build_id: str
    dataset_version: str
    built_at: datetime
    base_iri: str
    dataset_iri: str
    license: str
    triples: int
    graphs: Mapping[str, int]
    prefixes: Mapping[str, str]
    store: str
    ontology: str
    shapes: str
    void: str
    dumps: tuple[Mapping[str, Any], ...]
    raw: Mapping[str, Any]

    @classmethod
    def load(cls, path: Path) -> Manifest:
        """Read and check a ``manifest.json``; :class:`ReleaseError` if it is unusable."""
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            built_at = datetime.fromisoformat(str(data["built_at"]).replace("Z", "+00:00"))
            if built_at.tzinfo is None:
                built_at = built_at.replace(tzinfo=UTC)
            return cls(
                build_id=str(data["build_id"]),
                dataset_version=str(data.get("dataset_version", "")),
                built_at=built_at,
                base_iri=str(data["base_iri"]),
                dataset_iri=str(data.get("dataset_iri", str(data["base_iri"]) + "dataset")),
                license=str(data.get("license", "")),
                triples=int(data["triples"]),
                graphs={str(k): int(v) for k, v in data["graphs"].items()},
                prefixes={str(k): str(v) for k, v in data.get("prefixes", {}).items()},
                store=str(data.get("store", "store")),
                ontology=str(data.get("ontology", "ontology.ttl")),
                shapes=str(data.get("shapes", "shapes.ttl")),
                void=str(data.get("void", "dumps/void.ttl")),
                dumps=tuple(data.get("dumps", ())),
                raw=data,
            )
        except FileNotFoundError:
            raise ReleaseError(
                f"no build found: {path} does not exist (run `cgkg build` first)"
            ) from None
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
            raise ReleaseError(f"unreadable manifest {path}: {exc!r}") from None


class KnowledgeGraph:
    """A published release: its manifest and its store, read-only."""

    def __init__(self, release_dir: Path, manifest: Manifest, store: ox.Store) -> None:
        self.release_dir = release_dir
        self.manifest = manifest
        self._store = store
        self._graph_names = frozenset(manifest.graphs)

    @classmethod
    def open(cls, release_dir: Path, memory_max_triples: int = 0) -> KnowledgeGraph:
        """Open the release in ``release_dir`` (``<out>/current`` resolved by the caller).

        The store is opened read-only; when the release has at most
        ``memory_max_triples`` triples, its quads are then copied into an
        in-memory store, which answers queries several times faster. The data
        never changes, so the copy is exact for the life of the process.
        """
        release_dir = release_dir.resolve()
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
        return cls(release_dir, manifest, store)

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

    def ask(
        self,
        text: str,
        substitutions: Mapping[str, Term] | None = None,
    ) -> bool:
        """Run a trusted ASK."""
        return bool(self.query(text, substitutions=substitutions))

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

    def describe(self, iri: str) -> list[ox.Triple]:
        """The triples about ``iri``: as subject in any graph, plus those naming it as object."""
        return self.construct(internal_query("describe"), {"resource": ox.NamedNode(iri)})

    def exists(self, iri: str) -> bool:
        """Whether ``iri`` occurs as a subject anywhere in the store."""
        return self.ask(internal_query("exists"), {"resource": ox.NamedNode(iri)})


@cache
def internal_query(name: str) -> str:
    """The text of ``server/internal_queries/<name>.rq``."""
    return (resources.files("server") / "internal_queries" / f"{name}.rq").read_text("utf-8")


def current_kg() -> KnowledgeGraph:
    """The knowledge graph of the running app (inside a request or app context)."""
    return cast(KnowledgeGraph, current_app.extensions[EXTENSION_KEY])

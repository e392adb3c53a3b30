"""Writing a fresh pyoxigraph store; the pipeline publishes it by rename, never in place."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pyoxigraph as ox


def create_store(path: Path, quads: Iterable[ox.Quad]) -> ox.Store:
    """A new store at ``path`` (which must not exist yet) holding ``quads``, left open."""
    if path.exists():
        raise FileExistsError(f"refusing to write into an existing store: {path}")
    store = ox.Store(str(path))
    store.bulk_extend(quads)
    return store


def finish_store(store: ox.Store, quads: Iterable[ox.Quad]) -> None:
    """Add the last ``quads`` (the dataset description), then compact the store for reading."""
    store.bulk_extend(quads)
    store.flush()
    store.optimize()


def graph_sizes(store: ox.Store) -> dict[str, int]:
    """Triples per named graph."""
    sizes: dict[str, int] = {}
    for quad in store:
        key = str(quad.graph_name.value) if isinstance(quad.graph_name, ox.NamedNode) else ""
        sizes[key] = sizes.get(key, 0) + 1
    return dict(sorted(sizes.items()))

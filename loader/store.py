"""Writing a fresh pyoxigraph store; the pipeline publishes it by rename, never in place."""

from __future__ import annotations

from collections.abc import Iterable
from importlib.resources import files
from pathlib import Path

import pyoxigraph as ox

GRAPH_SIZES_QUERY = files("loader").joinpath("sparql/graph_sizes.rq").read_text(encoding="utf-8")


def create_store(path: Path, nquads: Path) -> ox.Store:
    """A new store at ``path`` (which must not exist yet) loaded from an N-Quads file, left open.

    ``bulk_load`` from the file parses in Rust on every core, as ``oxigraph load``
    does (benchmarks/bench_scale.py); building Python quads for ``bulk_extend`` was
    six times slower at 40,000 zones.
    """
    if path.exists():
        raise FileExistsError(f"refusing to write into an existing store: {path}")
    store = ox.Store(str(path))
    store.bulk_load(path=str(nquads), format=ox.RdfFormat.N_QUADS)
    return store


def finish_store(store: ox.Store, quads: Iterable[ox.Quad]) -> None:
    """Add the last ``quads`` (the dataset description), then compact the store for reading."""
    store.bulk_extend(quads)
    store.flush()
    store.optimize()


def graph_sizes(store: ox.Store) -> dict[str, int]:
    """Triples per named graph (the build writes none into the default graph)."""
    solutions = store.query(GRAPH_SIZES_QUERY)
    assert isinstance(solutions, ox.QuerySolutions)  # noqa: S101 - the query is a SELECT
    sizes = {row["g"].value: int(row["n"].value) for row in solutions}
    return dict(sorted(sizes.items()))

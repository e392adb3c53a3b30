"""``cgkg publish``: the release into Oxigraph's own server, by the Graph Store Protocol and
one SPARQL Update switch, with the counts checked; refusals and dry runs."""

from __future__ import annotations

import hashlib
import threading
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

import pyoxigraph as ox
import pytest

from loader.cli import main
from loader.publish import (
    PublishError,
    publish,
    published_release,
    record_graph,
    record_quads,
    store_counts,
)
from tests.engines import Engine, start_oxigraph
from tests.server.support import free_port, write_release

GRAPH = "https://w3id.org/cgkg/graph/"
RECORD = record_graph("https://w3id.org/cgkg/dataset")
"""The graph of the publication record: the release's id and its manifest's sha256."""


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    started = start_oxigraph(tmp_path)
    yield started
    started.stop()


def _quads(graph: str, count: int, tag: str) -> list[ox.Quad]:
    return [
        ox.Quad(
            ox.NamedNode(f"https://w3id.org/cgkg/thing/{tag}{n}"),
            ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label"),
            ox.Literal(f"{tag} {n}"),
            ox.NamedNode(GRAPH + graph),
        )
        for n in range(count)
    ]


def _release(out: Path, build_id: str, graphs: dict[str, int]) -> Path:
    quads = [q for name, count in graphs.items() for q in _quads(name, count, build_id)]
    return write_release(out, quads, build_id).joinpath("current").resolve()


def _publish_args(engine: Engine, out: Path, *extra: str) -> list[str]:
    t = engine.target
    return ["publish", "--out", str(out), "--to", t.graph_store, "--update", t.update,
            "--query", t.query, *extra]  # fmt: skip


def test_every_graph_arrives_with_the_manifest_count(engine: Engine, built_out: Path) -> None:
    held = publish((built_out / "current").resolve(), engine.target)
    manifest_graphs = {g: n for g, n in _manifest_graphs(built_out).items() if n}
    assert held == manifest_graphs
    # No staging graph is left; beside the release only its record.
    assert store_counts(engine.target) == {**manifest_graphs, RECORD: 2}


def _manifest_graphs(out: Path) -> dict[str, int]:
    import json

    data = json.loads((out / "current" / "manifest.json").read_text(encoding="utf-8"))
    return {str(g): int(n) for g, n in data["graphs"].items()}


def test_a_new_release_replaces_the_old_one_and_drops_its_lost_graphs(
    engine: Engine, tmp_path: Path
) -> None:
    publish(_release(tmp_path / "a", "aaaaaaaaaaaaaaaa", {"one": 3, "two": 5}), engine.target)
    publish(_release(tmp_path / "b", "bbbbbbbbbbbbbbbb", {"one": 4, "three": 2}), engine.target)
    assert store_counts(engine.target) == {GRAPH + "one": 4, GRAPH + "three": 2, RECORD: 2}


def test_the_store_records_the_release_it_holds_by_id_and_manifest_digest(
    engine: Engine, tmp_path: Path
) -> None:
    publish(_release(tmp_path / "a", "aaaaaaaaaaaaaaaa", {"one": 3}), engine.target)
    second = _release(tmp_path / "b", "bbbbbbbbbbbbbbbb", {"one": 3})
    publish(second, engine.target)
    digest = hashlib.sha256((second / "manifest.json").read_bytes()).hexdigest()
    dataset = "https://w3id.org/cgkg/dataset"
    assert published_release(engine.target, dataset) == {("bbbbbbbbbbbbbbbb", digest)}


def test_readers_see_one_release_or_the_other_never_half(engine: Engine, tmp_path: Path) -> None:
    a = {GRAPH + "one": 3000, GRAPH + "two": 3000}
    b = {GRAPH + "one": 2000, GRAPH + "two": 4000}
    releases = [
        _release(tmp_path / "a", "aaaaaaaaaaaaaaaa", {"one": 3000, "two": 3000}),
        _release(tmp_path / "b", "bbbbbbbbbbbbbbbb", {"one": 2000, "two": 4000}),
    ]
    publish(releases[0], engine.target)
    seen: list[dict[str, int]] = []
    done = threading.Event()

    def read() -> None:
        while not done.is_set():
            seen.append(store_counts(engine.target, sorted(a)))

    reader = threading.Thread(target=read)
    reader.start()
    try:
        for n in range(4):
            publish(releases[(n + 1) % 2], engine.target)
    finally:
        done.set()
        reader.join()
    assert len(seen) > 4
    assert all(snapshot in (a, b) for snapshot in seen), [s for s in seen if s not in (a, b)]


def test_the_record_for_a_store_loaded_from_dumps_is_the_one_publish_writes(
    engine: Engine, tmp_path: Path
) -> None:
    published = _release(tmp_path / "a", "aaaaaaaaaaaaaaaa", {"one": 3})
    publish(published, engine.target)
    url = f"{engine.graph_store}?{urlencode({'graph': RECORD})}"
    request = urllib.request.Request(url, headers={"Accept": "application/n-triples"})
    with urllib.request.urlopen(request, timeout=30) as response:
        written = set(ox.parse(response.read(), format=ox.RdfFormat.N_TRIPLES))
    quads = record_quads(published)
    assert {q.triple for q in quads} == {q.triple for q in written}
    assert {q.graph_name for q in quads} == {ox.NamedNode(RECORD)}


def test_dry_run_writes_nothing(
    engine: Engine, built_out: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(_publish_args(engine, built_out, "--dry-run")) == 0
    assert store_counts(engine.target) == {}
    assert "would write <https://w3id.org/cgkg/graph/notice>" in capsys.readouterr().err


def test_unreachable_store_is_exit_2_with_the_url(
    built_out: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"http://127.0.0.1:{free_port()}/store"
    assert main(["publish", "--out", str(built_out), "--to", url]) == 2
    assert f"cannot reach {url}" in capsys.readouterr().err


def test_store_refusing_writes_is_exit_2_and_keeps_what_it_held(
    built_out: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    other = _release(tmp_path / "a", "aaaaaaaaaaaaaaaa", {"one": 3})
    read_only = start_oxigraph(
        tmp_path, "--location", str(other / "store"), command="serve-read-only"
    )
    try:
        assert main(_publish_args(read_only, built_out)) == 2
        assert "refused PUT" in capsys.readouterr().err
        assert store_counts(read_only.target) == {GRAPH + "one": 3}
    finally:
        read_only.stop()


def test_publish_error_names_the_store_that_refused(engine: Engine, tmp_path: Path) -> None:
    release = _release(tmp_path / "a", "aaaaaaaaaaaaaaaa", {"one": 3})
    wrong = engine.target.__class__(engine.query, engine.update, engine.query, 10)
    with pytest.raises(PublishError, match=f"{engine.query}.*refused PUT"):
        publish(release, wrong)
    assert store_counts(engine.target) == {}

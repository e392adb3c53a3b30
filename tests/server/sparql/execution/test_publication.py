"""A fronting server knows which release the engine holds: by the record `cgkg publish` writes,
not by the count of triples per graph, against Oxigraph's own server."""

from __future__ import annotations

import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from flask import Flask

from server.release import ReleaseError
from tests.engines import Engine, publish_to, start_oxigraph
from tests.server.support import LiveServer, build_id_within, switch_current, write_release

NOTICE = ox.NamedNode("https://w3id.org/cgkg/graph/notice")
LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    started = start_oxigraph(tmp_path)
    yield started
    started.stop()


def _labels(text: str) -> list[ox.Quad]:
    """Three labelled things: releases made with two texts have the same counts per graph."""
    things = (ox.NamedNode(f"https://w3id.org/cgkg/thing/{n}") for n in range(3))
    return [ox.Quad(thing, LABEL, ox.Literal(text), NOTICE) for thing in things]


def _load_without_publish(engine: Engine, quads: list[ox.Quad]) -> None:
    """The quads into the engine by its own Graph Store POST, not by `cgkg publish`."""
    body = ox.serialize(quads, format=ox.RdfFormat.N_QUADS) or b""
    headers = {"Content-Type": "application/n-quads"}
    request = urllib.request.Request(engine.graph_store, body, headers, method="POST")
    with urllib.request.urlopen(request, timeout=30) as response:
        response.read()


def test_an_engine_holding_another_release_with_the_same_counts_is_refused_at_start(
    make_app: Callable[..., Flask], engine: Engine, tmp_path: Path
) -> None:
    publish_to(engine, write_release(tmp_path / "a", _labels("old"), "aaaaaaaaaaaaaaaa"))
    new = write_release(tmp_path / "b", _labels("corrected"), "bbbbbbbbbbbbbbbb")
    with pytest.raises(ReleaseError, match=r"holds release aaaaaaaaaaaaaaaa .*not release bbbb"):
        make_app(out_dir=new, sparql_endpoint=engine.query)


def test_an_engine_loaded_without_cgkg_publish_is_refused_with_the_way_to_fix_it(
    make_app: Callable[..., Flask], engine: Engine, tmp_path: Path
) -> None:
    quads = _labels("same")
    _load_without_publish(engine, quads)
    out = write_release(tmp_path / "a", quads, "aaaaaaaaaaaaaaaa")
    with pytest.raises(ReleaseError, match=r"holds no release .*`cgkg publish --out "):
        make_app(out_dir=out, sparql_endpoint=engine.query)


def test_a_rebuilt_manifest_of_the_same_build_id_is_not_the_published_one(
    make_app: Callable[..., Flask], engine: Engine, tmp_path: Path
) -> None:
    out = write_release(tmp_path / "a", _labels("same"), "aaaaaaaaaaaaaaaa")
    publish_to(engine, out)
    manifest = out / "current" / "manifest.json"
    manifest.write_text(manifest.read_text().replace("2026-01-02", "2026-01-03"))
    with pytest.raises(ReleaseError, match=r"manifest sha256 .*not release aaaaaaaaaaaaaaaa"):
        make_app(out_dir=out, sparql_endpoint=engine.query)


def test_the_published_release_is_served(
    make_app: Callable[..., Flask], engine: Engine, tmp_path: Path
) -> None:
    out = write_release(tmp_path / "a", _labels("same"), "aaaaaaaaaaaaaaaa")
    publish_to(engine, out)
    client = make_app(out_dir=out, sparql_endpoint=engine.query).test_client()
    health = client.get("/health").get_json()
    assert health["build_id"] == "aaaaaaaaaaaaaaaa"


def test_a_running_front_waits_until_a_release_with_the_same_counts_is_published(
    start_server: Callable[..., LiveServer], engine: Engine, tmp_path: Path
) -> None:
    out = write_release(tmp_path / "out", _labels("old"), "aaaaaaaaaaaaaaaa")
    publish_to(engine, out)
    flags = ("--workers", "1", "--release-check-s", "0.2", "--cache-bytes", "0")
    server = start_server(out, *flags, "--sparql-endpoint", engine.query)
    switch_current(out, "bbbbbbbbbbbbbbbb", _labels("corrected"), tmp_path / "scratch")
    assert build_id_within(server, "bbbbbbbbbbbbbbbb", 2) == "aaaaaaaaaaaaaaaa"
    publish_to(engine, out)
    assert build_id_within(server, "bbbbbbbbbbbbbbbb", 20) == "bbbbbbbbbbbbbbbb"

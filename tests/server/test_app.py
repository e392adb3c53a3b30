"""create_app: the blueprints, the services every view uses, and a clear error without a build."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask

from server import create_app
from server.kg import KnowledgeGraph
from server.release import Lease, ReleaseError
from server.services import EXTENSION_KEY, Services, current_services
from server.settings import ServerSettings
from server.web import BLUEPRINTS


def test_every_web_blueprint_is_registered(app: Flask) -> None:
    assert {bp.name for bp in BLUEPRINTS} | {"sparql", "graph_store", "health"} <= set(
        app.blueprints
    )


def test_services_hold_the_apps_settings_and_release(
    app: Flask, server_settings: ServerSettings
) -> None:
    with app.app_context():
        services = current_services()
        assert (isinstance(services, Services), services.settings) == (True, server_settings)
        assert isinstance(services.kg, KnowledgeGraph)


def test_a_request_keeps_one_release_to_its_end(app: Flask, built_out: Path) -> None:
    services: Services = app.extensions[EXTENSION_KEY]
    before = services.releases.kg
    newer = KnowledgeGraph.open(Lease.current(built_out))
    try:
        with app.test_request_context("/"):
            first = current_services().kg
            services.releases._kg = newer  # the worker follows a switch mid-request
            assert (first, current_services().kg) == (before, before)
        with app.test_request_context("/"):
            assert current_services().kg is newer  # the next request gets the new release
    finally:
        services.releases._kg = before
        newer.close()


def test_missing_build_is_a_release_error(tmp_path: Path) -> None:
    with pytest.raises(ReleaseError, match="cgkg build"):
        create_app(ServerSettings(out_dir=tmp_path))


def test_store_on_disk_is_opened_read_only(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app(memory_max_triples=0)
    with app.app_context(), pytest.raises(RuntimeError, match="read-write"):
        current_services().kg._store_of().update("INSERT DATA { <http://a> <http://b> <http://c> }")


def test_small_release_is_copied_whole_into_memory(built_out: Path) -> None:
    on_disk = KnowledgeGraph.open(Lease.current(built_out))
    in_memory = KnowledgeGraph.open(Lease.current(built_out), memory_max_triples=10**7)
    assert set(in_memory.triples(None)) == set(on_disk.triples(None))
    assert len(set(in_memory.triples(None))) > 0


def test_release_over_the_memory_limit_stays_on_disk(built_out: Path) -> None:
    kg = KnowledgeGraph.open(Lease.current(built_out), memory_max_triples=10)
    with pytest.raises(RuntimeError, match="read-write"):
        kg._store_of().update("INSERT DATA { <http://a> <http://b> <http://c> }")

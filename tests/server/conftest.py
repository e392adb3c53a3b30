"""Fixtures for the server tests.

* ``built_out`` (from ``tests/conftest.py``): a build folder with a release of the real data.
* ``server_settings``, ``app``, ``client``: the Flask app over that release, in process,
  with its query processes; one app per session, since the data is read-only.
* ``make_app``: an app with other settings, closed after the test.
* ``kg``: that release opened as the server opens it (leased, read-only).
* ``make_release``: a small release built by hand from quads, shaped like the
  loader's (manifest.json, store/, dumps/), for cases the real data cannot give.
* ``start_server``: ``python -m server`` (granian and its query broker) on a free
  port of 127.0.0.1, stopped with SIGTERM after the test session or module.
* ``engine``, ``engine_settings``, ``engine_app``, ``engine_client``: the shared suite's
  fixtures, once per engine of ``ENGINES``: the embedded store, and the server fronting
  Oxigraph's own server or Virtuoso holding the release (``oxigraph_server``,
  ``virtuoso_server``). A test module
  joins the shared suite by taking ``engine_client`` (or ``engine``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from flask import Flask
from flask.testing import FlaskClient

from server import create_app
from server.kg import KnowledgeGraph
from server.release import Lease
from server.settings import ServerSettings
from tests.engines import Engine
from tests.server.support import LiveServer, close_app, launch, write_release


@pytest.fixture(scope="session")
def server_settings(built_out: Path) -> ServerSettings:
    return ServerSettings(
        out_dir=built_out,
        rate_limit_per_s=0,
        query_processes=2,
        query_timeout_s=10,
        access_log=False,
    )


ENGINES = ("embedded", "oxigraph", "virtuoso")


@pytest.fixture(scope="session", params=ENGINES)
def engine(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(scope="session")
def engine_settings(
    engine: str, server_settings: ServerSettings, request: pytest.FixtureRequest
) -> ServerSettings:
    if engine == "embedded":
        return server_settings
    remote: Engine = request.getfixturevalue(f"{engine}_server")
    return replace(server_settings, sparql_endpoint=remote.query)


@pytest.fixture(scope="session")
def engine_app(
    engine: str, engine_settings: ServerSettings, request: pytest.FixtureRequest
) -> Iterator[Flask]:
    if engine == "embedded":
        yield request.getfixturevalue("app")
        return
    application = create_app(engine_settings)
    yield application
    close_app(application)


@pytest.fixture
def engine_client(engine_app: Flask) -> FlaskClient:
    return engine_app.test_client()


@pytest.fixture(scope="session")
def kg(built_out: Path) -> Iterator[KnowledgeGraph]:
    graph = KnowledgeGraph.open(Lease.current(built_out))
    yield graph
    graph.close()


@pytest.fixture(scope="session")
def app(server_settings: ServerSettings) -> Iterator[Flask]:
    application = create_app(server_settings)
    yield application
    close_app(application)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def make_app(server_settings: ServerSettings) -> Iterator[Callable[..., Flask]]:
    made: list[Flask] = []

    def factory(**overrides: Any) -> Flask:
        application = create_app(replace(server_settings, **overrides))
        made.append(application)
        return application

    yield factory
    for application in made:
        close_app(application)


@pytest.fixture
def make_release(tmp_path: Path) -> Callable[[list[ox.Quad]], Path]:
    counter = iter(range(1000))

    def factory(quads: list[ox.Quad]) -> Path:
        return write_release(tmp_path / f"out{next(counter)}", quads)

    return factory


@pytest.fixture(scope="session")
def start_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[..., LiveServer]]:
    started: list[LiveServer] = []
    log_dir = tmp_path_factory.mktemp("server-logs")

    def factory(out_dir: Path, *flags: str, env: dict[str, str] | None = None) -> LiveServer:
        server = launch(out_dir, log_dir, *flags, env=env)
        started.append(server)
        return server

    yield factory
    for server in started:
        server.stop()


@pytest.fixture(scope="session")
def live_server(start_server: Callable[..., LiveServer], built_out: Path) -> LiveServer:
    """The production server over the real data with the default limits, except no rate
    limit."""
    return start_server(built_out, "--workers", "2", "--rate-limit-per-s", "0")

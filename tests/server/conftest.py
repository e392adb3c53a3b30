"""Fixtures for the server tests.

* ``built_out`` (from ``tests/conftest.py``): a build folder with a release of the real data.
* ``server_settings``, ``app``, ``client``: the Flask app over that release, in process,
  with its query processes; one app per session, since the data is read-only.
* ``make_app``: an app with other settings, closed after the test.
* ``make_release``: a small release built by hand from quads, shaped like the
  loader's (manifest.json, store/, dumps/), for cases the real data cannot give.
* ``start_server``: ``python -m server`` (gunicorn) on a free port of 127.0.0.1,
  stopped with SIGTERM after the test session or module.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from flask import Flask
from flask.testing import FlaskClient

from server import create_app
from server.query_pool import POOL_KEY, QueryPool
from server.settings import ServerSettings

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def close_app(app: Flask) -> None:
    pool: QueryPool = app.extensions[POOL_KEY]
    pool.close()


@pytest.fixture(scope="session")
def server_settings(built_out: Path) -> ServerSettings:
    return ServerSettings(
        out_dir=built_out,
        rate_limit_per_s=0,
        query_processes=2,
        query_timeout_s=10,
        access_log=False,
    )


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


def write_release(out_dir: Path, quads: list[ox.Quad], build_id: str = "0123456789abcdef") -> Path:
    """A release in ``out_dir`` holding ``quads``, with a manifest as docs/architecture.md says."""
    release = out_dir / "releases" / build_id
    release.mkdir(parents=True)
    store = ox.Store(str(release / "store"))
    store.extend(quads)
    store.flush()
    graphs: dict[str, int] = {}
    for quad in quads:
        name = quad.graph_name
        if isinstance(name, ox.NamedNode):
            graphs[name.value] = graphs.get(name.value, 0) + 1
    del store
    (release / "dumps").mkdir()
    (release / "dumps" / "void.ttl").write_text("", encoding="utf-8")
    manifest = {
        "manifest_version": 1,
        "dataset_version": "0.0.1",
        "build_id": build_id,
        "built_at": "2026-01-02T03:04:05Z",
        "base_iri": "https://w3id.org/cgkg/",
        "dataset_iri": "https://w3id.org/cgkg/dataset",
        "license": "https://creativecommons.org/licenses/by/4.0/",
        "triples": sum(graphs.values()),
        "graphs": graphs,
        "prefixes": {"foaf": "http://xmlns.com/foaf/0.1/"},
        "store": "store",
        "ontology": "ontology.ttl",
        "shapes": "shapes.ttl",
        "validation_report": "validation-report.ttl",
        "void": "dumps/void.ttl",
        "dumps": [],
        "sources": [],
    }
    (release / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    (out_dir / "current").symlink_to(Path("releases") / build_id)
    return out_dir


@pytest.fixture
def make_release(tmp_path: Path) -> Callable[[list[ox.Quad]], Path]:
    counter = iter(range(1000))

    def factory(quads: list[ox.Quad]) -> Path:
        return write_release(tmp_path / f"out{next(counter)}", quads)

    return factory


@dataclass
class LiveServer:
    """A running ``python -m server``."""

    url: str
    process: subprocess.Popen[bytes]
    log_path: Path

    def get(self, path: str, headers: dict[str, str] | None = None) -> tuple[int, bytes]:
        request = urllib.request.Request(self.url + path, headers=headers or {})
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return int(response.status), response.read()
        except urllib.error.HTTPError as exc:
            return int(exc.code), exc.read()

    def health(self) -> dict[str, Any]:
        status, body = self.get("/health")
        assert status == 200
        result: dict[str, Any] = json.loads(body)
        return result

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        return int(self.process.returncode)


def launch(
    out_dir: Path, log_dir: Path, *flags: str, env: dict[str, str] | None = None
) -> LiveServer:
    port = free_port()
    log_path = log_dir / f"server-{port}.log"
    log = log_path.open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "server", "--out", str(out_dir), "--port", str(port), *flags],
        cwd=PROJECT_ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
        env={**os.environ, **(env or {})},
    )
    server = LiveServer(f"http://127.0.0.1:{port}", process, log_path)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited early:\n{server.log()}")
        try:
            with urllib.request.urlopen(server.url + "/health", timeout=2) as response:
                if response.status == 200:
                    return server
        except OSError:
            time.sleep(0.1)
    server.stop()
    raise RuntimeError(f"server did not start:\n{server.log()}")


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
    """gunicorn over the real data with the default limits, except no rate limit."""
    return start_server(built_out, "--workers", "2", "--rate-limit-per-s", "0")

"""Helpers for the server tests: hand-made releases and live servers on 127.0.0.1."""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from flask import Flask

from server.services import EXTENSION_KEY, Services

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def close_app(app: Flask) -> None:
    services: Services = app.extensions[EXTENSION_KEY]
    services.close()


def write_release(
    out_dir: Path,
    quads: list[ox.Quad],
    build_id: str = "0123456789abcdef",
    base_iri: str = "https://w3id.org/cgkg/",
) -> Path:
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
        "base_iri": base_iri,
        "dataset_iri": f"{base_iri}dataset",
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


@dataclass
class LiveServer:
    """A running ``python -m server``."""

    url: str
    process: subprocess.Popen[bytes]
    log_path: Path

    @property
    def port(self) -> int:
        return int(self.url.rsplit(":", 1)[1])

    def get(
        self, path: str, headers: dict[str, str] | None = None, source: str | None = None
    ) -> tuple[int, bytes]:
        """GET ``path``; from the loopback address ``source`` (e.g. ``127.0.0.5``) if given."""
        if source is not None:
            return self._get_from(source, path, headers or {})
        request = urllib.request.Request(self.url + path, headers=headers or {})
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return int(response.status), response.read()
        except urllib.error.HTTPError as exc:
            return int(exc.code), exc.read()

    def _get_from(self, source: str, path: str, headers: dict[str, str]) -> tuple[int, bytes]:
        connection = http.client.HTTPConnection(
            "127.0.0.1", self.port, timeout=30, source_address=(source, 0)
        )
        try:
            connection.request("GET", path, headers=headers)
            response = connection.getresponse()
            return int(response.status), response.read()
        finally:
            connection.close()

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
    out_dir: Path,
    log_dir: Path,
    *flags: str,
    env: dict[str, str] | None = None,
    port: int | None = None,
) -> LiveServer:
    """``python -m server`` on ``port`` (a free one unless given), once its health is ok."""
    port = port or free_port()
    log_path = log_dir / f"server-{port}.log"
    with log_path.open("wb") as log:  # the child keeps its own copy of the descriptor
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


def switch_current(out: Path, build_id: str, quads: list[ox.Quad], scratch: Path) -> None:
    """A second release in ``out``, ``current`` moved to it at once (as ``cgkg build`` does)."""
    made = write_release(scratch, quads, build_id) / "releases" / build_id
    made.rename(out / "releases" / build_id)
    link = out / "current.new"
    link.symlink_to(Path("releases") / build_id)
    os.replace(link, out / "current")


def build_id_within(server: LiveServer, expected: str, seconds: float) -> str:
    """The build id ``server`` serves, once it is ``expected`` or ``seconds`` have passed."""
    deadline = time.monotonic() + seconds
    while True:
        found = str(server.health()["build_id"])
        if found == expected or time.monotonic() > deadline:
            return found
        time.sleep(0.1)

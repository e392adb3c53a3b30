"""External SPARQL engines for the tests, started on 127.0.0.1 on a free port and stopped after.

Oxigraph's own server (``oxigraph serve``, from PyPI ``oxigraph``, a dev dependency)
runs in memory; :func:`publish_to` writes a release into it with ``cgkg publish``'s
code, so a test then queries the engine as an operator's server would.
"""

from __future__ import annotations

import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from loader.publish import Target, publish
from tests.server.support import free_port

OXIGRAPH = Path(sys.executable).parent / "oxigraph"


@dataclass
class Engine:
    """A running SPARQL engine and its endpoints."""

    name: str
    process: subprocess.Popen[bytes]
    query: str
    update: str
    graph_store: str

    @property
    def target(self) -> Target:
        return Target(self.graph_store, self.update, self.query, timeout_s=60)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def _wait_until_answering(engine: Engine, log: Path) -> Engine:
    deadline = time.monotonic() + 30
    probe = engine.query + "?query=ASK%7B%7D"
    while time.monotonic() < deadline:
        if engine.process.poll() is not None:
            raise RuntimeError(f"{engine.name} exited:\n{log.read_text(errors='replace')}")
        try:
            with urllib.request.urlopen(probe, timeout=2) as response:
                if response.status == 200:
                    return engine
        except (urllib.error.URLError, OSError):
            time.sleep(0.05)
    engine.stop()
    raise RuntimeError(f"{engine.name} did not answer:\n{log.read_text(errors='replace')}")


def start_oxigraph(log_dir: Path, *options: str, command: str = "serve") -> Engine:
    """``oxigraph serve`` (in memory unless ``options`` say otherwise) on a free port of
    127.0.0.1; ``command="serve-read-only"`` with ``--location`` for a store that refuses
    every write."""
    port = free_port()
    log = log_dir / f"oxigraph-{port}.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [str(OXIGRAPH), command, "--bind", f"127.0.0.1:{port}", *options],
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    engine = Engine("oxigraph", process, f"{base}/query", f"{base}/update", f"{base}/store")
    return _wait_until_answering(engine, log)


def publish_to(engine: Engine, out_dir: Path) -> dict[str, int]:
    """Publish the current release of ``out_dir`` into ``engine``; its counts per graph."""
    return publish((out_dir / "current").resolve(), engine.target)

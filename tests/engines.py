"""External SPARQL engines for the tests, started on 127.0.0.1 on a free port and stopped after.

Oxigraph's own server (``oxigraph serve``, from PyPI ``oxigraph``, a dev dependency)
runs in memory. Virtuoso (Debian ``virtuoso-opensource``, installed by ``make
engines``) runs on a fresh database in a temporary folder, from Debian's own
``virtuoso.ini`` with the paths, ports and result limits changed; its SPARQL user
may write only while :func:`publish_to` runs. :func:`publish_to` writes a release
with ``cgkg publish``'s code, so a test then queries the engine as an operator's
server would.
"""

from __future__ import annotations

import re
import shutil
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
VIRTUOSO = shutil.which("virtuoso-t")
VIRTUOSO_INI = Path("/etc/virtuoso-opensource-7/virtuoso.ini")
# Virtuoso cuts results at ResultSetMaxRows without saying so: far above our row cap here.
_VIRTUOSO_SETTINGS = {
    r"/var/lib/virtuoso-opensource-7/db/": "{folder}/",
    r"(?m)^ServerPort\s*=\s*1111\b": "ServerPort = 127.0.0.1:{sql_port}",
    r"(?m)^ServerPort\s*=\s*8890\b": "ServerPort = 127.0.0.1:{http_port}",
    r"(?m)^ResultSetMaxRows\s*=.*$": "ResultSetMaxRows = 1000000",
    r"(?m)^MaxQueryExecutionTime\s*=.*$": "MaxQueryExecutionTime = 20",
    # Its cost estimate refuses a zone page's query (1.7e6 s estimated): no estimate check.
    r"(?m)^MaxQueryCostEstimationTime\s*=.*$": "MaxQueryCostEstimationTime = 0",
    # No Conductor (web admin) installed on the first start, no wiki plugins: a fast start.
    r"(?m)^VADInstallDir\s*=.*$": "",
    r"(?m)^Load\d+\s*=.*$": "",
}


@dataclass
class Engine:
    """A running SPARQL engine and its endpoints."""

    name: str
    process: subprocess.Popen[bytes]
    query: str
    update: str
    graph_store: str
    sql_port: int = 0
    """Virtuoso's SQL port (for ``isql-vt``)."""

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
    deadline = time.monotonic() + 90
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


def start_virtuoso(folder: Path) -> Engine:
    """Virtuoso on a fresh database in ``folder``, on free ports of 127.0.0.1."""
    if VIRTUOSO is None:
        raise RuntimeError("virtuoso-t is not installed: run `make engines`")
    sql_port, http_port = free_port(), free_port()
    ini = VIRTUOSO_INI.read_text(encoding="utf-8")
    for pattern, value in _VIRTUOSO_SETTINGS.items():
        ini = re.sub(
            pattern, value.format(folder=folder, sql_port=sql_port, http_port=http_port), ini
        )
    (folder / "virtuoso.ini").write_text(ini, encoding="utf-8")
    log = folder / "virtuoso-out.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [VIRTUOSO, "+foreground", "+configfile", str(folder / "virtuoso.ini")],
            cwd=folder,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{http_port}"
    engine = Engine(
        "virtuoso", process, f"{base}/sparql", f"{base}/sparql", f"{base}/sparql-graph-crud",
        sql_port,
    )  # fmt: skip
    return _wait_until_answering(engine, log)


def _virtuoso_sql(engine: Engine, statements: str) -> None:
    subprocess.run(
        ["isql-vt", str(engine.sql_port), "dba", "dba", f"exec={statements}"],
        check=True,
        capture_output=True,
        timeout=30,
    )


_WRITABLE = "GRANT SPARQL_UPDATE TO \"SPARQL\"; DB.DBA.RDF_DEFAULT_USER_PERMS_SET ('nobody', 7);"
_READ_ONLY = (
    "REVOKE SPARQL_UPDATE FROM \"SPARQL\"; DB.DBA.RDF_DEFAULT_USER_PERMS_SET ('nobody', 1);"
)


def publish_to(engine: Engine, out_dir: Path) -> dict[str, int]:
    """Publish the current release of ``out_dir`` into ``engine``; its counts per graph."""
    if engine.name != "virtuoso":
        return publish((out_dir / "current").resolve(), engine.target)
    _virtuoso_sql(engine, _WRITABLE)
    try:
        return publish((out_dir / "current").resolve(), engine.target)
    finally:
        _virtuoso_sql(engine, _READ_ONLY)

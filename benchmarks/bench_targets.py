"""The servers bench.py measures, each started on 127.0.0.1 and stopped when done.

* ours: a command template (default ``python -m server``) with
  ``{python}``, ``{out}``, ``{host}`` and ``{port}`` filled in; its SPARQL
  endpoint is ``/sparql`` and it is up when ``/health`` answers.
* ``oxigraph-memory``: ``oxigraph serve`` without ``--location`` (an in-memory
  store), loaded over HTTP (``POST /store``) with the release's N-Quads dump.
* ``oxigraph-disk``: ``oxigraph load --location DIR --file dumps/cgkg.nq``, then
  ``oxigraph serve-read-only --location DIR``.
* ``front``: ours with ``--sparql-endpoint``, fronting an Oxigraph server of its own
  started as ``oxigraph-disk`` is, on a store loaded with the same files and the
  publication record ``cgkg publish`` would write (``loader.publish.record_quads``),
  which the front checks before it serves the release. It is a store of its own, so
  ``oxigraph-disk`` holds exactly the release's quads and the two never share a cache.

The public dump leaves out ``graph/metadata`` (the VoID/DCAT description, 601
of 4,261 quads in release e796df16cde67494), which our server holds and
queries 10 and 15 count; :func:`dataset_files` adds the graphs the dump lacks,
exported from the release's store, so that every target holds the same quads.

Both Oxigraph servers get ``--union-default-graph`` (the endpoint's default
graph is the union of the named graphs too) and, by default, no ``--timeout-s``.
"""

from __future__ import annotations

import contextlib
import os
import shlex
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from loader.publish import record_quads

__all__ = [
    "DEFAULT_SERVER",
    "Target",
    "dataset_files",
    "front",
    "ours",
    "oxigraph_disk",
    "oxigraph_memory",
]

ROOT = Path(__file__).resolve().parents[1]
HOST = "127.0.0.1"
DEFAULT_SERVER = (
    "{python} -m server --out {out} --host {host} --port {port} "
    "--rate-limit-per-s 0 --no-access-log"
)
OXIGRAPH = str(Path(sys.executable).parent / "oxigraph")
_OX_PROBE = "/query?query=ASK%7B%7D"


@dataclass(frozen=True)
class Target:
    name: str
    port: int
    path: str
    """The SPARQL query path: ``/sparql`` for ours, ``/query`` for Oxigraph."""
    ours: bool
    groups: tuple[int, ...] = ()
    """Process groups of its processes (bench_memory.py)."""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def _wait_until_up(proc: subprocess.Popen[bytes], url: str, log: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            tail = log.read_text(errors="replace")[-2000:]
            raise RuntimeError(f"{proc.args!r} exited with {proc.returncode}:\n{tail}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{url} did not come up within {timeout:.0f} s (log: {log})")


def _stop(proc: subprocess.Popen[bytes]) -> None:
    """SIGTERM (the server stops its workers), then SIGKILL to the process group it leads."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    # Query processes or workers left behind: the group is the one this script made.
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)


@contextmanager
def _process(args: list[str], probe: str, log: Path, cwd: Path) -> Iterator[int]:
    """Run ``args`` in a session of its own until the context ends; its process group."""
    with log.open("wb") as out:
        proc = subprocess.Popen(
            args, cwd=cwd, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        _wait_until_up(proc, probe, log, timeout=600)  # a large store opens slowly
        yield proc.pid
    finally:
        _stop(proc)


def ours(
    stack: ExitStack,
    name: str,
    template: str,
    out: Path,
    workdir: Path,
    cwd: Path,
    extra: tuple[str, ...] = (),
) -> Target:
    """Start our server from ``template`` (run in ``cwd``) with ``extra`` arguments;
    stopped when ``stack`` closes."""
    port = free_port()
    values = {"python": sys.executable, "out": str(out), "host": HOST, "port": str(port)}
    args = [token.format(**values) for token in shlex.split(template)] + list(extra)
    log = workdir / f"{name}.log"
    group = stack.enter_context(_process(args, f"http://{HOST}:{port}/health", log, cwd))
    return Target(name, port, "/sparql", ours=True, groups=(group,))


def dataset_files(store_dir: Path, nquads: Path, workdir: Path) -> list[Path]:
    """``nquads`` and, if the store has graphs it lacks, an N-Quads file with those graphs."""
    in_dump = {q.graph_name for q in ox.parse(path=str(nquads), format=ox.RdfFormat.N_QUADS)}
    store = ox.Store.read_only(str(store_dir))
    missing = [g for g in store.named_graphs() if g not in in_dump]
    if not missing:
        return [nquads]
    extra = workdir / "graphs-not-in-dump.nq"
    quads = (q for g in missing for q in store.quads_for_pattern(None, None, None, g))
    ox.serialize(quads, output=str(extra), format=ox.RdfFormat.N_QUADS)
    return [nquads, extra]


def _oxigraph_flags(port: int, timeout_s: int | None) -> list[str]:
    flags = ["--bind", f"{HOST}:{port}", "--union-default-graph"]
    return [*flags, "--timeout-s", str(timeout_s)] if timeout_s else flags


def oxigraph_memory(
    stack: ExitStack, files: list[Path], workdir: Path, timeout_s: int | None
) -> Target:
    """``oxigraph serve`` in memory, loaded with the N-Quads ``files`` through ``POST /store``."""
    port = free_port()
    args = [OXIGRAPH, "serve", *_oxigraph_flags(port, timeout_s)]
    log = workdir / "oxigraph-memory.log"
    group = stack.enter_context(_process(args, f"http://{HOST}:{port}{_OX_PROBE}", log, ROOT))
    for file in files:
        request = urllib.request.Request(
            f"http://{HOST}:{port}/store",
            data=file.read_bytes(),
            headers={"Content-Type": "application/n-quads"},
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=120) as response:
            response.read()
    return Target("oxigraph-memory", port, "/query", ours=False, groups=(group,))


def oxigraph_disk(
    stack: ExitStack,
    files: list[Path],
    workdir: Path,
    timeout_s: int | None,
    name: str = "oxigraph-disk",
) -> Target:
    """``oxigraph load`` of ``files`` into a new folder, then ``oxigraph serve-read-only``."""
    location = workdir / f"{name}-store"
    subprocess.run(
        [OXIGRAPH, "load", "--location", str(location), "--file", *map(str, files)],
        check=True,
        capture_output=True,
        timeout=1800,
    )
    port = free_port()
    args = [OXIGRAPH, "serve-read-only", "--location", str(location)]
    args += _oxigraph_flags(port, timeout_s)
    log = workdir / f"{name}.log"
    group = stack.enter_context(_process(args, f"http://{HOST}:{port}{_OX_PROBE}", log, ROOT))
    return Target(name, port, "/query", ours=False, groups=(group,))


def front(
    stack: ExitStack,
    template: str,
    release: tuple[Path, Path],
    files: list[Path],
    workdir: Path,
    timeout_s: int | None,
) -> Target:
    """Ours (``template``) fronting an Oxigraph server on disk of its own, which holds
    ``files`` and the publication record of ``release`` (build folder, release folder)."""
    record = workdir / "publication-record.nq"
    ox.serialize(record_quads(release[1]), output=str(record), format=ox.RdfFormat.N_QUADS)
    engine = oxigraph_disk(stack, [*files, record], workdir, timeout_s, "front-engine")
    endpoint = f"http://{HOST}:{engine.port}/query"
    target = ours(
        stack, "front", template, release[0], workdir, ROOT, ("--sparql-endpoint", endpoint)
    )
    return Target("front", target.port, "/sparql", ours=True, groups=target.groups + engine.groups)

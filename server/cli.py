"""``python -m server``: serve the current release with granian and one query broker.

Flags mirror the settings (:mod:`server.settings`): ``--out DIR``, ``--host``,
``--port``, ``--workers`` and one flag per other setting; each flag overrides
its ``KG_*`` environment variable, which overrides the default.

What runs:

* the **query broker** (:mod:`server.sparql.execution.broker`), started first: it
  verifies the release (every file's sha256, the store's triple counts), starts
  the query processes and shares them, fairly, between all HTTP workers. If the
  release is missing or damaged it says why and the server exits with status 2.
  If it dies, it is started again.
* **granian** (a Rust HTTP server, WSGI interface) with ``workers`` processes of
  ``threads`` application threads; connections and slow clients are handled in
  Rust, so a client that sends its headers slowly holds no Python thread, and
  loses its connection after ``header_timeout_s``.

Signals: SIGTERM or SIGINT stop gracefully (no new connections; requests in
flight finish, for up to ``graceful_timeout_s``). SIGHUP makes the broker look
for a newer release at once; the HTTP workers follow it without a restart.
A worker that dies is replaced.
"""

from __future__ import annotations

import argparse
import dataclasses
import logging
import signal
import subprocess
import sys
import tempfile
import threading
from collections.abc import Sequence
from pathlib import Path

from granian.constants import HTTPModes, Interfaces
from granian.http import HTTP1Settings
from granian.log import LogLevels
from granian.server import MPServer

from server.setting_values import parse_list, type_of
from server.settings import ENV_PREFIX, ServerSettings, SettingsError, export

__all__ = ["Broker", "add_arguments", "granian_server", "main", "parser"]

EXIT_OK = 0
EXIT_USAGE = 2

_LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"

log = logging.getLogger("server.cli")


class Broker:
    """The query broker process, started again if it dies while the server runs."""

    def __init__(self) -> None:
        self._stopping = threading.Event()
        self.process = self._start()

    @staticmethod
    def _start() -> subprocess.Popen[bytes]:
        command = [sys.executable, "-m", "server.sparql.execution.broker"]
        return subprocess.Popen(command, stdout=subprocess.PIPE)  # noqa: S603 - our own module

    def ready(self) -> bool:
        """Wait for the broker's ``ready`` line; ``False`` if it exited (it said why)."""
        stdout = self.process.stdout
        line = stdout.readline() if stdout is not None else b""
        return line.strip() == b"ready"

    def supervise(self) -> None:
        """Start the broker again whenever it exits, until :meth:`stop`."""
        while not self._stopping.is_set():
            code = self.process.wait()
            if self._stopping.is_set():
                return
            log.error("the query broker exited with status %s; starting it again", code)
            self.process = self._start()
            if not self.ready():
                self._stopping.wait(1.0)

    def signal(self, signum: int) -> None:
        self.process.send_signal(signum)

    def stop(self) -> None:
        self._stopping.set()
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def granian_server(settings: ServerSettings) -> MPServer:
    """granian, configured from ``settings``, running :func:`server.app.create_app`."""
    return MPServer(
        "server.app:create_app",
        address=settings.host,
        port=settings.port,
        interface=Interfaces.WSGI,
        factory=True,
        workers=settings.workers,
        blocking_threads=settings.threads,
        http=HTTPModes.http1,
        websockets=False,
        http1_settings=HTTP1Settings(
            header_read_timeout=int(settings.header_timeout_s * 1000),
            keep_alive=True,
            # Room for twice the header limit, so that a head over it reaches the app's
            # HeaderLimit and gets a 431 that says why (server/http/limits.py).
            max_buffer_size=max(8192, settings.max_url_bytes + 2 * settings.max_header_bytes),
        ),
        log_enabled=True,
        log_level=LogLevels(settings.log_level),
        log_access=False,
        respawn_failed_workers=True,
        respawn_interval=1.0,
        workers_kill_timeout=max(1, round(settings.graceful_timeout_s)),
        process_name=None,
    )


def _configure_logging(settings: ServerSettings) -> None:
    level = getattr(logging, settings.log_level.upper())
    root = logging.getLogger("server")
    if not root.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter(_LOG_FORMAT))
        root.addHandler(handler)
    root.setLevel(level)
    access = logging.getLogger("server.access")
    access.propagate = False
    if not access.handlers:
        handler = logging.StreamHandler(sys.stdout)
        handler.setFormatter(logging.Formatter("%(message)s"))
        access.addHandler(handler)
    access.setLevel(logging.INFO)


# Flags whose name is not simply the field name with dashes: `--out` is shared with `cgkg build`.
_FLAG_NAMES: dict[str, tuple[str, ...]] = {"out_dir": ("--out", "--out-dir")}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add one ``--flag`` per setting; a flag left out keeps the env/default value."""
    for f in dataclasses.fields(ServerSettings):
        flags = _FLAG_NAMES.get(f.name, ("--" + f.name.replace("_", "-"),))
        kind = type_of(f)
        help_text = f"{f.metadata['help']} (env {ENV_PREFIX}{f.name.upper()})"
        if kind is bool:
            parser.add_argument(
                *flags,
                dest=f.name,
                action=argparse.BooleanOptionalAction,
                default=None,
                help=help_text,
            )
        elif kind is tuple:
            parser.add_argument(
                *flags,
                dest=f.name,
                type=parse_list,
                default=None,
                metavar="IRI[,IRI...]",
                help=help_text,
            )
        else:
            parser.add_argument(*flags, dest=f.name, type=kind, default=None, help=help_text)


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m server",
        description="Serve the knowledge graph built by `cgkg build`: a read-only SPARQL 1.1 "
        "endpoint and Linked Data pages. Every flag can also be set with the environment "
        "variable named in its help.",
    )
    add_arguments(p)
    return p


def serve(settings: ServerSettings) -> int:
    """Run the broker and granian over ``settings`` (with its runtime folder) until stopped."""
    export(settings)  # the broker and granian's workers read these
    broker = Broker()
    if not broker.ready():
        broker.process.wait()
        return EXIT_USAGE
    threading.Thread(target=broker.supervise, daemon=True, name="broker").start()
    server = granian_server(settings)
    # SIGHUP means "look for a newer release now": the broker switches and the HTTP
    # workers follow it. granian's own SIGHUP (replace every worker) is not wanted: it
    # drops idle keep-alive connections and empties the caches for nothing.
    server.on_startup(lambda: signal.signal(signal.SIGHUP, lambda *_: broker.signal(signal.SIGHUP)))
    try:
        server.serve()
    finally:
        broker.stop()
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        settings = ServerSettings.from_env().with_args(args)
    except SettingsError as exc:
        sys.stderr.write(f"error: {exc}\n")
        return EXIT_USAGE
    _configure_logging(settings)
    if settings.runtime_dir:
        Path(settings.runtime_dir).mkdir(parents=True, exist_ok=True)
        return serve(settings)
    with tempfile.TemporaryDirectory(prefix="cgkg-run-") as runtime:
        return serve(dataclasses.replace(settings, runtime_dir=runtime))

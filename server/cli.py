"""``python -m server``: serve the current release with gunicorn.

Flags mirror the settings (:mod:`server.settings`): ``--out DIR``, ``--host``,
``--port``, ``--workers`` and one flag per other setting; each flag overrides
its ``KG_*`` environment variable, which overrides the default. The WSGI server
is gunicorn, driven programmatically: ``workers`` processes with ``threads``
threads each, no preloading (every worker opens the store itself, after the
fork). SIGTERM or SIGINT stops it gracefully: no new connections, requests in
flight get ``graceful_timeout_s`` to finish. Exit status 2 when there is no
usable build.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from typing import Any

from gunicorn.app.base import BaseApplication

from server.app import create_app
from server.kg import Manifest, ReleaseError
from server.settings import ServerSettings, SettingsError, add_arguments

__all__ = ["GunicornServer", "gunicorn_options", "main"]

EXIT_OK = 0
EXIT_USAGE = 2

_ACCESS_FORMAT = "%(message)s"
_LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def gunicorn_options(settings: ServerSettings) -> dict[str, Any]:
    """The gunicorn configuration for ``settings``."""
    return {
        "bind": f"[{settings.host}]:{settings.port}"
        if ":" in settings.host
        else f"{settings.host}:{settings.port}",
        "workers": settings.workers,
        "worker_class": "gthread",
        "threads": settings.threads,
        "graceful_timeout": max(1, round(settings.graceful_timeout_s)),
        # The arbiter's heartbeat timeout; queries run in threads, so a slow query
        # never starves the heartbeat, but leave room above the query time limit.
        "timeout": max(30, int(settings.query_timeout_s * 3)),
        "keepalive": 5,
        # Our own limit gives the 414; gunicorn's must be higher (0 means 1 MiB).
        "limit_request_line": 0,
        "preload_app": False,
        "accesslog": None,
        "errorlog": "-",
        "loglevel": settings.log_level,
        "proc_name": "cgkg-server",
        # Several servers may run on one machine; a shared control socket path would clash.
        "control_socket_disable": True,
    }


class GunicornServer(BaseApplication):  # type: ignore[misc]
    """gunicorn running :func:`server.create_app` in each worker."""

    def __init__(self, settings: ServerSettings) -> None:
        self._settings = settings
        super().__init__()

    def load_config(self) -> None:
        for key, value in gunicorn_options(self._settings).items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        _configure_logging(self._settings)
        return create_app(self._settings)


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
        handler.setFormatter(logging.Formatter(_ACCESS_FORMAT))
        access.addHandler(handler)
    access.setLevel(logging.INFO)


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m server",
        description="Serve the knowledge graph built by `cgkg build`: a read-only SPARQL 1.1 "
        "endpoint and Linked Data pages. Every flag can also be set with the environment "
        "variable named in its help.",
    )
    add_arguments(p)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        settings = ServerSettings.from_env().with_args(args)
    except SettingsError as exc:
        sys.stderr.write(f"error: {exc}\n")
        return EXIT_USAGE
    try:
        Manifest.load(settings.release_dir / "manifest.json")
    except ReleaseError as exc:
        sys.stderr.write(f"error: {exc}\n")
        return EXIT_USAGE
    GunicornServer(settings).run()
    return EXIT_OK

"""Server settings: one frozen dataclass, the only place that reads the environment.

Precedence, lowest first: the defaults, ``KG_<NAME>`` environment variables (:meth:`.from_env`),
then command-line flags (:func:`server.cli.add_arguments`, :meth:`.with_args`). Every field has
a ``help`` string in its metadata; ``docs/server.md`` documents each one and a test keeps the
two in step. Settings never change after the app is created.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from server.setting_values import parse_value

__all__ = [
    "ENV_PREFIX", "ServerSettings", "SettingsError", "describe", "export",
    "query_process_environment",
]  # fmt: skip

ENV_PREFIX = "KG_"


class SettingsError(ValueError):
    """A setting was given a value that cannot be used."""


_AT_LEAST_ONE = ("port", "workers", "threads", "query_processes", "client_max_queries")
_POSITIVE = (
    "query_timeout_s", "queue_timeout_s", "queue_size", "max_result_rows", "max_result_bytes",
    "max_query_bytes", "max_url_bytes", "max_header_bytes", "header_timeout_s",
)  # fmt: skip


def _help(text: str) -> dict[str, str]:
    return {"help": text}


@dataclass(frozen=True, slots=True)
class ServerSettings:
    """Everything the server can be told. See ``docs/server.md`` for the policy each limit sets."""

    out_dir: Path = field(
        default=Path("build"),
        metadata=_help("Build folder of `cgkg build`; the server reads its `current` release."),
    )
    host: str = field(default="127.0.0.1", metadata=_help("Interface to listen on."))
    port: int = field(default=8000, metadata=_help("TCP port to listen on."))
    workers: int = field(default=2, metadata=_help("HTTP worker processes (granian)."))
    threads: int = field(
        default=32,
        metadata=_help(
            "Threads per HTTP worker that run the application; each request holds one "
            "while a view runs (a query waiting for its answer too)."
        ),
    )
    header_timeout_s: float = field(
        default=10.0,
        metadata=_help(
            "How long a client may take to send its request headers before the connection "
            "is closed (slow clients cost no thread meanwhile); at most 60."
        ),
    )
    public_url: str = field(
        default="",
        metadata=_help(
            "Public base URL of this server (e.g. https://example.org); empty means "
            "the scheme and host of each request."
        ),
    )
    base_iri: str = field(
        default="",
        metadata=_help("Base IRI of the data; empty means the one in the build manifest."),
    )
    query_timeout_s: float = field(
        default=10.0,
        metadata=_help(
            "Wall-clock limit for one query in seconds; the query process running an "
            "overdue query is killed and replaced, and the client gets 503."
        ),
    )
    memory_max_triples: int = field(
        default=1_000_000,
        metadata=_help(
            "Releases with at most this many triples are copied from the read-only store "
            "into memory in each process, for faster queries; 0 always reads from disk."
        ),
    )
    query_processes: int = field(
        default=4,
        metadata=_help(
            "Query processes of the whole server, shared by every HTTP worker: the "
            "queries evaluated at once."
        ),
    )
    client_max_queries: int = field(
        default=2,
        metadata=_help("Queries one client (address) may have running at once."),
    )
    client_max_waiting: int = field(
        default=8,
        metadata=_help(
            "Queries one client may have waiting for a query process; more are refused "
            "with 503 at once."
        ),
    )
    queue_size: int = field(
        default=64,
        metadata=_help(
            "Queries all clients together may have waiting; more are refused with 503 at once."
        ),
    )
    query_memory_mb: int = field(
        default=4096,
        metadata=_help(
            "Address-space limit of each query process in MiB; a query that needs more "
            "stops its process, which is replaced, and the client gets 503. 0: no limit."
        ),
    )
    queue_timeout_s: float = field(
        default=2.0,
        metadata=_help(
            "How long a query may wait for a free query process before the server "
            "answers 503 with Retry-After."
        ),
    )
    release_check_s: float = field(
        default=2.0,
        metadata=_help(
            "How often the server looks at `current` for a newer release to switch to "
            "(it also looks on SIGHUP); 0: only on SIGHUP."
        ),
    )
    runtime_dir: str = field(
        default="",
        metadata=_help(
            "Folder for the running server's query-engine socket and shared tables; "
            "`cgkg serve` makes a fresh one when empty. Empty in an app made directly "
            "(tests, WSGI embedding): the app runs its own query engine."
        ),
    )
    sparql_endpoint: str = field(
        default="",
        metadata=_help(
            "URL of a SPARQL 1.1 query endpoint holding the release (see `cgkg publish`); "
            "queries and pages are then answered from it, not from the release's own store."
        ),
    )
    max_result_rows: int = field(
        default=10000,
        metadata=_help(
            "Most result rows (solutions or triples) a query may return; a larger "
            "result is refused with 422, never cut."
        ),
    )
    max_result_bytes: int = field(
        default=64 * 1024 * 1024,
        metadata=_help("Most bytes of one serialized result; a larger one is refused with 422."),
    )
    max_query_bytes: int = field(
        default=64 * 1024,
        metadata=_help("Longest query text, in UTF-8 bytes, accepted in a POST body (else 413)."),
    )
    max_url_bytes: int = field(
        default=8 * 1024,
        metadata=_help("Longest request target (path and query string) accepted (else 414)."),
    )
    max_header_bytes: int = field(default=32 * 1024, metadata=_help("Header bytes, else 431."))
    service_allowlist: tuple[str, ...] = field(
        default=(),
        metadata=_help(
            "SPARQL endpoints a query may call with SERVICE (exact IRIs, comma-separated "
            "in the environment); every other SERVICE call is refused with 403."
        ),
    )
    rate_limit_per_s: float = field(
        default=20.0,
        metadata=_help(
            "Requests per second allowed per client address (token bucket shared by all "
            "HTTP workers); 0 disables. Over the limit the server answers 429 with Retry-After."
        ),
    )
    rate_limit_burst: int = field(
        default=60,
        metadata=_help("Requests a client may make in a burst before the rate limit applies."),
    )
    max_typo_comparisons: int = field(
        default=10_000_000,
        metadata=_help("Most name forms a reconciliation batch may compare typos with (else 413)."),
    )
    trusted_proxies: int = field(
        default=0,
        metadata=_help(
            "Reverse proxies in front of the server whose X-Forwarded-For entries are "
            "trusted to identify the client."
        ),
    )
    cache_bytes: int = field(
        default=64 * 1024 * 1024,
        metadata=_help("Memory for cached results in each HTTP worker, in bytes; 0 disables it."),
    )
    cache_max_age_s: int = field(
        default=300,
        metadata=_help("max-age sent in Cache-Control for data and query results."),
    )
    gzip_min_bytes: int = field(
        default=2048,
        metadata=_help("Responses this large or larger are gzipped for clients that accept it."),
    )
    cors_origin: str = field(
        default="*",
        metadata=_help("Value of Access-Control-Allow-Origin; empty disables CORS headers."),
    )
    access_log: bool = field(
        default=True, metadata=_help("Write one structured (JSON) log line per request.")
    )
    log_level: str = field(
        default="info", metadata=_help("Log level: debug, info, warning or error.")
    )
    graceful_timeout_s: float = field(
        default=30.0,
        metadata=_help("On SIGTERM, how long in-flight requests may take to finish."),
    )

    def __post_init__(self) -> None:
        for name in _AT_LEAST_ONE:
            if getattr(self, name) < 1:
                raise SettingsError(f"{name} must be at least 1")
        for name in _POSITIVE:
            if getattr(self, name) <= 0:
                raise SettingsError(f"{name} must be positive")
        if self.header_timeout_s > 60:  # granian's bound
            raise SettingsError("header_timeout_s must be at most 60")
        if self.log_level not in ("debug", "info", "warning", "error"):
            raise SettingsError("log_level must be one of debug, info, warning, error")

    @property
    def runtime_path(self) -> Path | None:
        """:attr:`runtime_dir` as a path, ``None`` when the app runs its own engine."""
        return Path(self.runtime_dir) if self.runtime_dir else None

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> ServerSettings:
        """Defaults overridden by ``KG_<NAME>`` variables (``os.environ`` when not given)."""
        env = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for f in dataclasses.fields(cls):
            raw = env.get(ENV_PREFIX + f.name.upper())
            if raw is not None:
                try:
                    values[f.name] = parse_value(f, raw)
                except ValueError as exc:
                    raise SettingsError(f"{ENV_PREFIX}{f.name.upper()}={raw!r}: {exc}") from None
        return cls(**values)

    def with_args(self, args: argparse.Namespace) -> ServerSettings:
        """A copy with every flag that was given on the command line applied."""
        given = {
            f.name: getattr(args, f.name)
            for f in dataclasses.fields(self)
            if getattr(args, f.name, None) is not None
        }
        return dataclasses.replace(self, **given)

    def to_environ(self) -> dict[str, str]:
        """``KG_*`` variables that give exactly these settings to :meth:`from_env` in a
        child process (the query engine, each HTTP worker)."""
        out = {}
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            if isinstance(value, tuple):
                value = ",".join(value)
            elif isinstance(value, bool):
                value = "true" if value else "false"
            out[ENV_PREFIX + f.name.upper()] = str(value)
        return out


def export(settings: ServerSettings) -> None:
    """Put ``settings`` into this process's environment, for the processes it starts."""
    os.environ.update(settings.to_environ())


def describe() -> Iterator[tuple[str, str, Any, str]]:
    """``(name, environment variable, default, help)`` for every setting."""
    for f in dataclasses.fields(ServerSettings):
        yield f.name, ENV_PREFIX + f.name.upper(), f.default, f.metadata["help"]


def query_process_environment() -> dict[str, str]:
    """The environment for a query process: this one's, with short Rust failure messages.

    A query that runs out of memory aborts its process; one line in the log says so.
    """
    return {**os.environ, "RUST_BACKTRACE": "0"}

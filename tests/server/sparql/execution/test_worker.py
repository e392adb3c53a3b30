"""A query process with nothing allowed: off the network, and unable to open a socket at all."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from server.release import current_target
from server.sparql.evaluation import Job
from server.sparql.execution.pool import ProcessPool
from tests.server.listener import Listener
from tests.server.support import PROJECT_ROOT, write_release


@pytest.fixture(scope="module")
def listener() -> Iterator[Listener]:
    server = Listener()
    yield server
    server.close()


@pytest.fixture(scope="module")
def isolated(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ProcessPool]:
    out = write_release(tmp_path_factory.mktemp("isolated"), [])
    pool = ProcessPool(current_target(out), 1, 0, 0, isolated=True)
    pool.await_ready()
    yield pool
    pool.close()


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost"])
def test_with_nothing_allowed_a_query_process_cannot_open_a_socket(
    isolated: ProcessPool, listener: Listener, host: str
) -> None:
    endpoint = listener.url.replace("127.0.0.1", host)
    query = f"SELECT * WHERE {{ SERVICE <{endpoint}> {{ ?s ?p ?o }} }}"
    outcome = isolated.run(Job(query, (), (), "json", "", 10, 10**6), 10)
    # socket(2) itself is refused (EACCES), before any address is tried.
    assert (outcome.kind, outcome.message) == ("error", "Permission denied (os error 13)")
    assert listener.connections == 0


def test_the_query_process_runs_under_a_seccomp_filter(isolated: ProcessPool) -> None:
    status = Path(f"/proc/{isolated.pids[0]}/status").read_text(encoding="ascii")
    assert "Seccomp:\t2" in status


FAMILIES = """
import socket
from server.sparql.execution.worker import forbid_sockets
assert forbid_sockets()
opened = []
for family in ("AF_INET", "AF_INET6", "AF_NETLINK", "AF_PACKET", "AF_UNIX"):
    try:
        socket.socket(getattr(socket, family), socket.SOCK_DGRAM).close()
        opened.append(family)
    except OSError:
        pass
print(",".join(opened))
"""


def test_only_unix_sockets_can_be_opened_under_the_filter() -> None:
    result = subprocess.run(
        [sys.executable, "-c", FAMILIES],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    assert result.stdout.strip() == "AF_UNIX"

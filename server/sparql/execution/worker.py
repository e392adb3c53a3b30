"""A query process: evaluates client queries one at a time, and can be killed at any moment.

Started by :mod:`server.sparql.execution.pool` as
``python -m server.sparql.execution.worker RELEASE_DIR MEMORY_MAX_TRIPLES MEMORY_LIMIT_MB
[isolated [ALLOWED_ENDPOINT...]]``; ``isolated`` cuts it off the network first
(:func:`cut_off`), keeping a way to the allowed SERVICE endpoints only.
It leases the release (:class:`server.release.Lease`), opens it read-only
(its search index at the first call of a search function), announces itself
with a ``ready`` frame on stdout, then answers each
:class:`~server.sparql.evaluation.Job` frame read from stdin with an
:class:`~server.sparql.evaluation.Outcome` frame. A frame is an 8-byte
big-endian length followed by a ``marshal``-encoded tuple. End of input means
the parent is gone: the process exits. On Linux it also asks the kernel to kill
it if the parent dies while a query is still running.
"""

from __future__ import annotations

import ctypes
import marshal
import os
import resource
import signal
import struct
import sys
from pathlib import Path

from server.kg import KnowledgeGraph
from server.release import Lease, ReleaseError
from server.search.functions import SearchFunctions
from server.sparql.evaluation import Job, evaluate
from server.sparql.execution import egress

__all__ = [
    "cut_off",
    "die_with_parent",
    "forbid_sockets",
    "leave_the_network",
    "main",
    "read_frame",
    "write_frame",
]

_HEADER = struct.Struct(">Q")
_PR_SET_PDEATHSIG = 1


def read_exactly(fd: int, size: int) -> bytes | None:
    """``size`` bytes from ``fd``, or ``None`` at end of input."""
    chunks = []
    remaining = size
    while remaining:
        chunk = os.read(fd, min(remaining, 1 << 20))
        if not chunk:
            return None
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)


def read_frame(fd: int) -> bytes | None:
    header = read_exactly(fd, _HEADER.size)
    if header is None:
        return None
    (size,) = _HEADER.unpack(header)
    return read_exactly(fd, size)


def write_frame(fd: int, payload: bytes) -> None:
    data = memoryview(_HEADER.pack(len(payload)) + payload)
    while data:
        written = os.write(fd, data)
        data = data[written:]


def die_with_parent() -> None:
    if not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        return


_CLONE_NEWNET = 0x40000000
_CLONE_NEWUSER = 0x10000000
_CLONE_NEWNS = 0x00020000


def leave_the_network(mounts: bool = False) -> bool:
    """Move this process into a network namespace of its own, with no interface up.

    pyoxigraph would fetch any URL a query names with SERVICE; in here no
    address, loopback included, can be reached, however the query is spelled.
    Root may do it directly, others through a user namespace of their own.
    ``mounts``: a mount namespace of its own too (for :mod:`.egress`'s hosts file).
    ``False`` where the kernel allows neither (the SERVICE allow-list check
    before evaluation is then the only guard).
    """
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
    except OSError:
        return False
    extra = _CLONE_NEWNS if mounts else 0
    for flags in (_CLONE_NEWNET, _CLONE_NEWUSER | _CLONE_NEWNET):
        if libc.unshare(flags | extra) == 0:
            return True
    return False


class _SockFilter(ctypes.Structure):
    _fields_ = [
        ("code", ctypes.c_ushort),
        ("jt", ctypes.c_ubyte),
        ("jf", ctypes.c_ubyte),
        ("k", ctypes.c_uint32),
    ]


class _SockFprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.POINTER(_SockFilter))]


# Audit architecture and the numbers of socket(2) and io_uring_setup(2), per machine.
_SYSCALLS = {"x86_64": (0xC000003E, 41, 425), "aarch64": (0xC00000B7, 198, 425)}
_LD_ABS, _JEQ, _RET = 0x20, 0x15, 0x06
_ALLOW, _DENY = 0x7FFF0000, 0x00050000 | 13  # SECCOMP_RET_ERRNO | EACCES


def forbid_sockets() -> bool:
    """Refuse this process any new socket but Unix ones (a seccomp filter), and io_uring.

    With nothing allowed, a query process needs no network socket at all: even a
    namespace with an interface up would give it nothing to open one with.
    """
    arch = _SYSCALLS.get(os.uname().machine)
    if arch is None or not sys.platform.startswith("linux"):
        return False
    audit, socket_nr, uring_nr = arch
    program = [
        (_LD_ABS, 0, 0, 4),  # the architecture of the call: another one is refused
        (_JEQ, 0, 5, audit),
        (_LD_ABS, 0, 0, 0),  # the call's number
        (_JEQ, 0, 2, socket_nr),
        (_LD_ABS, 0, 0, 16),  # socket(): its family (low word of the first argument)
        (_JEQ, 2, 1, 1),  # AF_UNIX
        (_JEQ, 0, 1, uring_nr),
        (_RET, 0, 0, _DENY),
        (_RET, 0, 0, _ALLOW),
    ]
    filters = (_SockFilter * len(program))(*[_SockFilter(*op) for op in program])
    prog = _SockFprog(len(program), filters)
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(38, 1, 0, 0, 0) != 0:  # PR_SET_NO_NEW_PRIVS, required for a filter
        return False
    return bool(libc.prctl(22, 2, ctypes.byref(prog), 0, 0) == 0)  # PR_SET_SECCOMP, FILTER


def cut_off(allowlist: tuple[str, ...]) -> bool:
    """Leave the network, keeping a way to the ``allowlist``'s endpoints only (:mod:`.egress`).

    Call while this process has a single thread. ``False``: still on the network.
    """
    routes = egress.plan(allowlist)
    door = egress.open_door(routes) if routes else None
    if not leave_the_network(mounts=any(r.named for r in routes)):
        if door is not None:
            door.close()  # the door keeper reads end of input and exits
        return False
    if door is None:
        forbid_sockets()
    else:
        try:
            egress.open_gate(routes, door)
        except OSError as exc:  # isolated all the same: the allowed calls will fail (502)
            sys.stderr.write(f"query process cannot reach the allowed SERVICE endpoints: {exc}\n")
    return True


def _limit_memory(megabytes: int) -> None:
    """Cap the address space, so that a greedy query fails here, not on the whole machine."""
    if megabytes > 0:
        limit = megabytes * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def main(argv: list[str]) -> int:
    parent = os.getppid()
    die_with_parent()
    if os.getppid() != parent:  # the parent died before the request to be killed with it
        return 1
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # a Ctrl-C is for the server, which stops us
    fd_in, fd_out = sys.stdin.fileno(), sys.stdout.fileno()
    isolated = len(argv) > 4 and argv[4] == "isolated" and cut_off(tuple(argv[5:]))
    _limit_memory(int(argv[3]) if len(argv) > 3 else 0)
    try:
        kg = KnowledgeGraph.open(Lease(Path(argv[1])), int(argv[2]) if len(argv) > 2 else 0)
    except ReleaseError as exc:
        write_frame(fd_out, marshal.dumps(("failed", str(exc))))
        return 2
    search = SearchFunctions.for_release(kg)
    write_frame(fd_out, marshal.dumps(("ready", os.getpid(), isolated)))
    while True:
        frame = read_frame(fd_in)
        if frame is None:
            return 0
        job = Job.from_wire(marshal.loads(frame))  # noqa: S302 - our own parent wrote it
        write_frame(fd_out, marshal.dumps(evaluate(kg, job, search).to_wire()))


if __name__ == "__main__":
    sys.exit(main(sys.argv))

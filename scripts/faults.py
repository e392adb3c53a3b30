"""Faults, each provoked on purpose against the production server on 127.0.0.1, and what the
client and the operator see.

    .venv/bin/cgkg build --out /tmp/faults-out
    .venv/bin/python scripts/faults.py --out /tmp/faults-out [--case NAME ...]

Cases (all by default):

* ``query-process-killed``: a long query is running; its query process is killed (SIGKILL).
  Expected: that client gets 503 with Retry-After; the next query is answered.
* ``http-worker-killed``: a long query is running; the HTTP worker serving it is killed.
  Expected: the worker is replaced and the server answers again; the client of the killed
  worker gets no HTTP answer (its connection closes), which no server process can change.
* ``store-missing`` / ``store-corrupt`` / ``store-corrupt-same-size``: the server is started
  on a copy of the release whose store folder is gone, whose store files are overwritten with
  garbage, or have 16 bytes flipped in the middle (same size). Expected: it
  refuses to start, with one clear line and a non-zero exit status, no traceback.
* ``two-builds``: two ``cgkg build`` into the same folder at once. Expected: each succeeds
  or fails clearly; ``current`` then names one complete release, which the server serves.

Prints one JSON object per case. Bounded: every wait has a deadline, every process started
here is stopped; nothing leaves 127.0.0.1.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.server.support import LiveServer, free_port, launch

ROOT = Path(__file__).resolve().parent.parent
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


def logs() -> Path:
    return Path(tempfile.mkdtemp(prefix="faults-logs-"))


def fetch(server: LiveServer, query: str, timeout_s: float = 60) -> dict[str, Any]:
    url = server.url + "/sparql?" + urllib.parse.urlencode({"query": query})
    request = urllib.request.Request(url, headers={"Accept": "application/json"})
    started = time.monotonic()
    try:
        with urllib.request.urlopen(request, timeout=timeout_s) as response:
            result: dict[str, Any] = {"status": response.status}
    except urllib.error.HTTPError as exc:
        body = json.loads(exc.read() or b"{}")
        result = {
            "status": exc.code,
            "retry_after": exc.headers.get("Retry-After"),
            "message": body.get("message", "")[:120],
        }
    except OSError as exc:
        result = {"status": None, "error": type(exc).__name__}
    result["seconds"] = round(time.monotonic() - started, 2)
    return result


def children(pid: int) -> list[tuple[int, str]]:
    out = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True, check=False)
    found = []
    for child in map(int, out.stdout.split()):
        try:
            found.append((child, Path(f"/proc/{child}/cmdline").read_bytes().decode()))
        except OSError:
            continue
    return found


def descendants(pid: int) -> list[tuple[int, str]]:
    found = children(pid)
    for child, _ in list(found):
        found += descendants(child)
    return found


def while_running(server: LiveServer, kill: Callable[[], list[int]]) -> dict[str, Any]:
    """Start a long query, kill what ``kill`` picks after 2 s, and report what followed."""
    outcome: dict[str, Any] = {}
    thread = threading.Thread(target=lambda: outcome.update(fetch(server, RUNAWAY)))
    thread.start()
    time.sleep(2)
    killed = kill()
    thread.join(timeout=90)
    deadline = time.monotonic() + 30
    after = fetch(server, "ASK {}")
    while after["status"] != 200 and time.monotonic() < deadline:
        time.sleep(0.5)
        after = fetch(server, "ASK {}")
    return {"killed": killed, "client_of_the_killed": outcome, "next_query": after}


def query_process_killed(out: Path) -> dict[str, Any]:
    server = launch(
        out,
        logs(),
        "--workers",
        "1",
        "--query-processes",
        "2",
        "--query-timeout-s",
        "30",
        "--rate-limit-per-s",
        "0",
    )
    try:

        def kill() -> list[int]:
            busy = [p for p, cmd in descendants(server.process.pid) if "execution.worker" in cmd]
            for pid in busy:
                os.kill(pid, signal.SIGKILL)
            return busy

        return while_running(server, kill)
    finally:
        server.stop()


def http_worker_killed(out: Path) -> dict[str, Any]:
    server = launch(
        out, logs(), "--workers", "1", "--query-timeout-s", "30", "--rate-limit-per-s", "0"
    )
    try:

        def kill() -> list[int]:
            workers = [
                p for p, cmd in children(server.process.pid) if "execution.broker" not in cmd
            ]
            for pid in workers:
                os.kill(pid, signal.SIGKILL)
            return workers

        return while_running(server, kill)
    finally:
        server.stop()


def start_refused(out: Path) -> dict[str, Any]:
    port = free_port()
    try:
        result = subprocess.run(
            [sys.executable, "-m", "server", "--out", str(out), "--port", str(port)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return {"started": True}
    text = (result.stdout + result.stderr).strip().splitlines()
    return {
        "exit_status": result.returncode,
        "last_line": text[-1] if text else "",
        "traceback": any("Traceback" in line for line in text),
    }


def damaged_copy(out: Path, damage: Callable[[Path], None]) -> Path:
    copy = Path(tempfile.mkdtemp(prefix="faults-out-")) / "out"
    shutil.copytree(out, copy, symlinks=True)
    release = (copy / "current").resolve()
    damage(release / "store")
    return copy


def store_missing(out: Path) -> dict[str, Any]:
    return start_refused(damaged_copy(out, shutil.rmtree))


def store_corrupt(out: Path) -> dict[str, Any]:
    def garble(store: Path) -> None:
        for path in store.iterdir():
            if path.is_file() and path.stat().st_size:
                path.write_bytes(b"\x00garbage" * 512)

    return start_refused(damaged_copy(out, garble))


def store_corrupt_same_size(out: Path) -> dict[str, Any]:
    def flip(store: Path) -> None:
        for path in store.iterdir():
            size = path.stat().st_size if path.is_file() else 0
            if size > 64:
                data = bytearray(path.read_bytes())
                data[size // 2 : size // 2 + 16] = bytes(
                    b ^ 0xFF for b in data[size // 2 : size // 2 + 16]
                )
                path.write_bytes(bytes(data))

    return start_refused(damaged_copy(out, flip))


def two_builds(_: Path) -> dict[str, Any]:
    target = Path(tempfile.mkdtemp(prefix="faults-builds-"))
    cgkg = [sys.executable, "-m", "loader", "build", "--out", str(target)]
    procs = [
        subprocess.Popen(
            cgkg, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
        for _ in range(2)
    ]
    results = []
    for proc in procs:
        text, _ = proc.communicate(timeout=900)
        lines = text.strip().splitlines()
        results.append({"exit_status": proc.returncode, "last_line": lines[-1] if lines else ""})
    current = target / "current"
    served: dict[str, Any] = {"current": os.readlink(current) if current.is_symlink() else None}
    if current.exists():
        server = launch(target, logs(), "--workers", "1", "--rate-limit-per-s", "0")
        try:
            served["query"] = fetch(server, "ASK { ?s ?p ?o }")
        finally:
            server.stop()
    shutil.rmtree(target, ignore_errors=True)
    return {"builds": results, **served}


CASES: dict[str, Callable[[Path], dict[str, Any]]] = {
    "query-process-killed": query_process_killed,
    "http-worker-killed": http_worker_killed,
    "store-missing": store_missing,
    "store-corrupt": store_corrupt,
    "store-corrupt-same-size": store_corrupt_same_size,
    "two-builds": two_builds,
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, required=True, help="a build folder (cgkg build)")
    parser.add_argument("--case", action="append", choices=sorted(CASES))
    args = parser.parse_args()
    for name in args.case or list(CASES):
        print(json.dumps({"case": name, **CASES[name](args.out)}, ensure_ascii=False), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Releases as the server takes them: leased, verified file by file, the store checked."""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from server.kg import KnowledgeGraph
from server.release import (
    Lease,
    ReleaseError,
    current_target,
    record_served,
    served_by_workers,
    verify,
)
from tests.server.support import PROJECT_ROOT


@pytest.fixture
def copy(built_out: Path, tmp_path: Path) -> Path:
    """A private copy of the real release, as ``<out>/current``, to damage."""
    release = tmp_path / "out" / "releases" / "copy"
    shutil.copytree(current_target(built_out), release)
    (tmp_path / "out" / "current").symlink_to(Path("releases") / "copy")
    return release


def test_the_built_release_verifies(copy: Path) -> None:
    assert verify(copy).triples > 0


def test_the_manifest_lists_the_store_files(copy: Path) -> None:
    listed = {entry["path"] for entry in json.loads((copy / "manifest.json").read_text())["files"]}
    assert any(path.startswith("store/") for path in listed)
    assert "dumps/cgkg.ttl" in listed


def test_a_changed_byte_fails_verification(copy: Path) -> None:
    dump = copy / "dumps" / "cgkg.nt"
    data = bytearray(dump.read_bytes())
    data[100] ^= 1
    dump.write_bytes(bytes(data))
    with pytest.raises(ReleaseError, match=r"dumps/cgkg\.nt does not match its sha256"):
        verify(copy)


def test_a_missing_file_fails_verification(copy: Path) -> None:
    (copy / "dumps" / "cgkg.ttl").unlink()
    with pytest.raises(ReleaseError, match=r"dumps/cgkg\.ttl"):
        verify(copy)


def test_a_damaged_store_file_fails_verification(copy: Path) -> None:
    table = next((copy / "store").glob("*.sst"))
    table.write_bytes(b"\0" * table.stat().st_size)
    with pytest.raises(ReleaseError, match="store/"):
        verify(copy)


def test_a_store_that_does_not_hold_the_manifests_triples_is_refused(copy: Path) -> None:
    manifest = json.loads((copy / "manifest.json").read_text())
    manifest["graphs"] = {name: count + 1 for name, count in manifest["graphs"].items()}
    (copy / "manifest.json").write_text(json.dumps(manifest))
    kg = KnowledgeGraph.open(Lease(copy))
    with pytest.raises(ReleaseError, match="does not hold the triples"):
        kg.check_store()


def test_no_build_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ReleaseError, match="run `cgkg build` first"):
        Lease.current(tmp_path)


def test_a_lease_keeps_others_from_locking_the_release_exclusively(copy: Path) -> None:
    lease = Lease(copy)
    fd = os.open(copy, os.O_RDONLY | os.O_DIRECTORY)
    try:
        with pytest.raises(BlockingIOError):
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        lease.close()
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    finally:
        os.close(fd)


def test_closing_the_knowledge_graph_ends_its_lease(copy: Path) -> None:
    KnowledgeGraph.open(Lease(copy)).close()
    fd = os.open(copy, os.O_RDONLY | os.O_DIRECTORY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    finally:
        os.close(fd)


def test_a_recorded_release_is_listed_under_the_process_id(tmp_path: Path) -> None:
    record_served(tmp_path, tmp_path / "releases" / "0123456789abcdef")
    assert served_by_workers(tmp_path) == {os.getpid(): "0123456789abcdef"}


def test_a_process_that_exited_is_not_listed(tmp_path: Path) -> None:
    code = (
        "import sys; from pathlib import Path; from server.release import record_served; "
        "record_served(Path(sys.argv[1]), Path('releases/fedcba9876543210'))"
    )
    subprocess.run([sys.executable, "-c", code, str(tmp_path)], check=True, cwd=PROJECT_ROOT)
    assert list((tmp_path / "workers").iterdir())  # it did record, then exited
    assert served_by_workers(tmp_path) == {}

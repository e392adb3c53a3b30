"""`current` switched on one machine: only to a release that is there, whole, and named
for its build; atomically."""

from __future__ import annotations

from pathlib import Path

import pytest

from deploy.switch import SwitchError, current_release, switch
from server.release import current_target
from tests.deploy.conftest import Releases, copy_release, replica_folder


@pytest.fixture
def machine(two_releases: Releases, tmp_path: Path) -> Path:
    return replica_folder(two_releases, tmp_path / "machine")


def test_switch_points_current_at_the_release(machine: Path, two_releases: Releases) -> None:
    switch(machine, two_releases.new)
    assert current_target(machine) == (machine / "releases" / two_releases.new).resolve()
    assert (machine / "current").is_symlink()
    assert [p.name for p in machine.iterdir() if p.name.startswith(".current")] == []


def test_a_damaged_copy_is_refused_and_current_stays(machine: Path, two_releases: Releases) -> None:
    dump = machine / "releases" / two_releases.new / "dumps" / "cgkg.nt"
    data = bytearray(dump.read_bytes())
    data[10] ^= 1
    dump.write_bytes(bytes(data))
    with pytest.raises(SwitchError, match="does not match its sha256"):
        switch(machine, two_releases.new)
    assert current_release(machine) == two_releases.old


def test_a_release_not_copied_yet_is_refused(machine: Path) -> None:
    with pytest.raises(SwitchError, match="copy it there first"):
        switch(machine, "ffffffffffffffff")


def test_a_folder_holding_another_build_is_refused(
    machine: Path, two_releases: Releases, tmp_path: Path
) -> None:
    copy_release(two_releases, two_releases.old, tmp_path / "other")
    (tmp_path / "other" / "releases" / two_releases.old).rename(
        machine / "releases" / "0000000000000000"
    )
    with pytest.raises(SwitchError, match=f"holds the build {two_releases.old}"):
        switch(machine, "0000000000000000")


@pytest.mark.parametrize("name", ["", "../elsewhere", ".tmp-1"])
def test_a_name_that_is_no_release_is_refused(machine: Path, name: str) -> None:
    with pytest.raises(SwitchError, match="not a release name"):
        switch(machine, name)

"""`cgkg rollout`: the switch and the rollout from the command line, with their exit codes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from server.release import current_target
from tests.deploy.conftest import Releases, replica_folder
from tests.server.support import PROJECT_ROOT, free_port


def cgkg(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "loader", "rollout", *args],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_switch_points_current_and_exits_0(two_releases: Releases, tmp_path: Path) -> None:
    machine = replica_folder(two_releases, tmp_path / "machine")
    result = cgkg("switch", "--out", str(machine), two_releases.new)
    assert (result.returncode, current_target(machine).name) == (0, two_releases.new)


def test_a_refused_switch_exits_1_and_says_why(two_releases: Releases, tmp_path: Path) -> None:
    machine = replica_folder(two_releases, tmp_path / "machine")
    result = cgkg("switch", "--out", str(machine), "ffffffffffffffff")
    assert (result.returncode, "copy it there first" in result.stderr) == (1, True)
    assert current_target(machine).name == two_releases.old


def test_a_rollout_with_a_replica_down_does_not_start(tmp_path: Path) -> None:
    config = tmp_path / "deploy.toml"
    config.write_text(
        f"[[replica]]\nname = 'r1'\nhealth = 'http://127.0.0.1:{free_port()}/health'\n"
        f"out = '{tmp_path}'\n",
        encoding="utf-8",
    )
    result = cgkg("run", "--config", str(config), "0123456789abcdef")
    assert (result.returncode, "not started" in result.stderr) == (1, True)


def test_an_unreadable_deployment_file_exits_2(tmp_path: Path) -> None:
    result = cgkg("run", "--config", str(tmp_path / "missing.toml"), "0123456789abcdef")
    assert (result.returncode, "cannot read" in result.stderr) == (2, True)


def test_without_a_command_it_is_a_usage_error() -> None:
    assert cgkg().returncode == 2

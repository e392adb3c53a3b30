"""On one machine: point the build folder's ``current`` at a release that is there, whole.

The release is verified first (every file the manifest lists, by size and
sha256, as the server verifies it), so a copy that is incomplete or damaged is
refused here, before any server is asked to switch to it. The switch is one
``os.replace`` of a symlink, taken under the build folder's ``.build.lock``
(the lock ``cgkg build`` holds while it publishes), so it never races a build.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

from server.release import ReleaseError, current_target, verify

__all__ = ["SwitchError", "current_release", "switch"]

_BUILD_LOCK = ".build.lock"


class SwitchError(RuntimeError):
    """The release is not there, not whole, or not the one its name says."""


def current_release(out_dir: Path) -> str:
    """The name of the release ``<out_dir>/current`` points at."""
    try:
        return current_target(out_dir).name
    except ReleaseError as exc:
        raise SwitchError(str(exc)) from None


def switch(out_dir: Path, release: str) -> Path:
    """Point ``<out_dir>/current`` at ``releases/<release>``; the release folder."""
    if not release or "/" in release or release.startswith("."):
        raise SwitchError(f"{release!r} is not a release name (a build id, e.g. 3f2a…)")
    target = out_dir / "releases" / release
    if not target.is_dir():
        raise SwitchError(f"no release {release} in {out_dir / 'releases'}: copy it there first")
    try:
        manifest = verify(target)
    except ReleaseError as exc:
        raise SwitchError(str(exc)) from None
    if manifest.build_id != release:
        raise SwitchError(f"{target} holds the build {manifest.build_id}, not {release}")
    with (out_dir / _BUILD_LOCK).open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        link = out_dir / f".current-{os.getpid()}"
        link.unlink(missing_ok=True)
        link.symlink_to(Path("releases") / release)
        os.replace(link, out_dir / "current")
    return target

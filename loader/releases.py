"""The release history, ``data/releases.toml``: every release, oldest first, with its notes.

The newest entry is the release being built; it must agree with ``version`` and
``modified`` in ``data/dataset.toml``, so the two files cannot drift apart.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path
from typing import Any

from loader.errors import fail

RELEASES_FILE = "releases.toml"
_VERSION = re.compile(r"^[0-9]+\.[0-9]+\.[0-9]+$")
_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
_FILE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


@dataclass(frozen=True)
class Release:
    version: str
    issued: str
    notes_zh: str
    notes_en: str
    files: tuple[str, ...]
    """What an earlier release published under ``dumps/<version>/``; empty for the newest."""


def read_releases(data_dir: Path, dataset: dict[str, Any]) -> list[Release]:
    """The releases, oldest first; BuildError naming the entry on any bad or missing field.

    Without the file (data made for a test or a benchmark) there is no history: empty.
    """
    display = f"data/{RELEASES_FILE}"
    path = data_dir / RELEASES_FILE
    if not path.exists():
        return []
    try:
        table = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise fail("toml-syntax", str(exc), file=display) from exc
    entries = table.get("release")
    if not isinstance(entries, list) or not entries:
        raise fail("release-list", "no [[release]] entries", file=display)
    releases = [_release(entry, display) for entry in entries]
    _check_order(releases, display)
    newest = releases[-1]
    if (newest.version, newest.issued) != (str(dataset["version"]), str(dataset["modified"])):
        raise fail(
            "release-current",
            "the newest release must be dataset.toml's version, issued on its `modified` date",
            file=display,
            value=f"{newest.version} {newest.issued}",
        )
    return releases


def _release(entry: object, display: str) -> Release:
    if not isinstance(entry, dict):
        raise fail("release-field", "each [[release]] must be a table", file=display)
    version, issued = str(entry.get("version", "")), str(entry.get("issued", ""))
    if not _VERSION.match(version):
        raise fail(
            "release-field", "version must be MAJOR.MINOR.PATCH", file=display, value=version
        )
    if not _DATE.match(issued):
        raise fail("release-field", "issued must be YYYY-MM-DD", file=display, value=version)
    notes = (str(entry.get("notes_zh", "")).strip(), str(entry.get("notes_en", "")).strip())
    if not all(notes):
        raise fail(
            "release-field", "notes_zh and notes_en are required", file=display, value=version
        )
    files = tuple(str(name) for name in entry.get("files", ()))
    bad = [name for name in files if not _FILE.match(name)]
    if bad:
        raise fail("release-field", "a file is a plain name", file=display, value=bad[0])
    return Release(version, issued, notes[0], notes[1], files)


def _key(release: Release) -> tuple[int, ...]:
    return tuple(int(part) for part in release.version.split("."))


def _check_order(releases: list[Release], display: str) -> None:
    for older, newer in pairwise(releases):
        if _key(older) >= _key(newer) or older.issued > newer.issued:
            raise fail(
                "release-order",
                "releases must be listed oldest first, each version and date after the last",
                file=display,
                value=newer.version,
            )
    if releases[-1].files:
        raise fail(
            "release-field",
            "the newest release lists no files: they are the ones this build writes",
            file=display,
            value=releases[-1].version,
        )

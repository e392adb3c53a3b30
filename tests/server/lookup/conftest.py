"""The name table of the real data's release, as the server loads it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from server.lookup.table import NameTable


@pytest.fixture(scope="session")
def names(release_dir: Path) -> NameTable:
    return NameTable.from_json(json.loads((release_dir / "lookup.json").read_text("utf-8")))

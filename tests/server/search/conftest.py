"""Fixtures for the search tests: the real release's index, and the store's own texts,
against which every result is checked (never a hand-made list)."""

from __future__ import annotations

import pytest

from server.kg import KnowledgeGraph
from server.search.index import SearchIndex, open_index

ZONE_TEXTS = """
PREFIX cgkg: <https://w3id.org/cgkg/ontology#>
SELECT ?zone ?zh ?en WHERE {
  ?zone a cgkg:ExperimentalZone ; cgkg:task ?task .
  ?task cgkg:taskText ?zh .
  OPTIONAL { ?task cgkg:unofficialTranslation ?en }
}
"""


@pytest.fixture(scope="session")
def index(kg: KnowledgeGraph) -> SearchIndex:
    opened = open_index(kg)
    assert opened is not None, "the build wrote no search index"
    return opened


@pytest.fixture(scope="session")
def zone_tasks(kg: KnowledgeGraph) -> dict[str, tuple[str, str]]:
    """Every zone's task text and its unofficial translation, from the store."""
    return {
        row["zone"].value: (row["zh"].value, row["en"].value if "en" in row else "")
        for row in kg.select(ZONE_TEXTS)
    }


def zones_containing(zone_tasks: dict[str, tuple[str, str]], phrase: str) -> set[str]:
    return {zone for zone, (zh, _) in zone_tasks.items() if phrase in zh}

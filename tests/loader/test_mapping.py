"""What the mapping writes, read back from the built store: the facts the sources give, and
English text only where it belongs."""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox
import pytest

BASE = "https://w3id.org/cgkg/"
HAN = re.compile(r"[\u3400-\u9fff]")


@pytest.fixture(scope="module")
def store(release_dir: Path) -> ox.Store:
    return ox.Store.read_only(str(release_dir / "store"))


def solutions(store: ox.Store, query: str) -> ox.QuerySolutions:
    result = store.query(query, use_default_graph_as_union=True)
    assert isinstance(result, ox.QuerySolutions)
    return result


def values(store: ox.Store, query: str) -> list[ox.Literal]:
    return [row[0] for row in solutions(store, query)]


def test_theme_assignment_english_labels_hold_no_chinese(store: ox.Store) -> None:
    labels = values(
        store,
        "SELECT ?l WHERE { ?a a <https://w3id.org/cgkg/ontology#ThemeAssignment> ;"
        " <http://www.w3.org/2000/01/rdf-schema#label> ?l FILTER(lang(?l) = 'en') }",
    )
    assert len(labels) == 108
    assert [label.value for label in labels if HAN.search(label.value)] == []


def test_theme_assignment_english_label_names_the_place_in_english(store: ox.Store) -> None:
    iri = ox.NamedNode(BASE + "zone/2015/110102/theme/three-social-linkage")
    label = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
    english = [
        q.object.value
        for q in store.quads_for_pattern(iri, label, None)
        if isinstance(q.object, ox.Literal) and q.object.language == "en"
    ]
    assert english == ["Three-social linkage (Xicheng District, Beijing)"]


def test_the_policy_document_has_no_eli_title(store: ox.Store) -> None:
    """ELI defines eli:title for a legal expression; the document is a legal resource."""
    assert not store.query("ASK { ?d <http://data.europa.eu/eli/ontology#title> ?t }")


def test_the_policy_document_title_is_dcterms_title(store: ox.Store) -> None:
    titles = values(
        store,
        "SELECT ?t WHERE { <https://w3id.org/cgkg/document/minfa-2013-170>"
        " <http://purl.org/dc/terms/title> ?t FILTER(lang(?t) = 'zh') }",
    )
    assert [t.value for t in titles] == ["关于推进社区公共服务综合信息平台建设的指导意见"]


def test_the_designation_label_states_no_year_of_confirmation(store: ox.Store) -> None:
    """The notice dates the confirmation only 近期; it gives the experiment period."""
    labels = values(
        store,
        "SELECT ?l WHERE { <https://w3id.org/cgkg/designation/2015>"
        " <http://www.w3.org/2000/01/rdf-schema#label> ?l }",
    )
    assert {label.value for label in labels} == {
        "全国社区治理和服务创新实验区确认（实验时间2015年7月至2018年6月）",
        "Confirmation of the national community governance and service innovation "
        "experimental zones (experiment period July 2015 to June 2018)",
    }


def test_division_change_source_notes_are_english_in_the_translations(store: ox.Store) -> None:
    rows = solutions(
        store,
        "SELECT ?graph ?note WHERE { ?change a <https://w3id.org/cgkg/ontology#DivisionChange> ."
        " GRAPH ?graph { ?change <http://purl.org/dc/terms/source> ?note } }",
    )
    found = {(row["graph"].value, row["note"].language) for row in rows}
    assert found == {(BASE + "graph/translations", "en")}

"""IRIs are published: these patterns must never change."""

import pytest

from loader.iris import Iris

BASE = "https://w3id.org/cgkg/"
IRIS = Iris(BASE)

PINNED = [
    (IRIS.dataset, "dataset"),
    (IRIS.ontology, "ontology"),
    (IRIS.notice, "document/mca-2015-experimental-zones-notice"),
    (IRIS.designation, "designation/2015"),
    (IRIS.period, "designation/2015/period"),
    (IRIS.period_start, "designation/2015/period/start"),
    (IRIS.period_end, "designation/2015/period/end"),
    (IRIS.zone("110102"), "zone/2015/110102"),
    (IRIS.task("110102"), "zone/2015/110102/task"),
    (
        IRIS.theme_assignment("110102", "three-social-linkage"),
        "zone/2015/110102/theme/three-social-linkage",
    ),
    (IRIS.division("330103"), "division/330103"),
    (IRIS.division_change("330103", "2021-04"), "division/330103/change/2021-04"),
    (IRIS.theme("community-consultation"), "theme/community-consultation"),
    (IRIS.scheme("themes"), "scheme/themes"),
    (IRIS.level("county"), "level/county"),
    (IRIS.division_type("district"), "division-type/district"),
    (IRIS.division_status("abolished"), "division-status/abolished"),
    (IRIS.document("minfa-2013-170"), "document/minfa-2013-170"),
    (IRIS.goal("one-stop-acceptance"), "goal/one-stop-acceptance"),
    (IRIS.agency("mca"), "agency/mca"),
    (IRIS.event("18th-party-congress"), "event/18th-party-congress"),
    (IRIS.initiative("365-work-system"), "initiative/365-work-system"),
    (IRIS.graph("notice"), "graph/notice"),
    (IRIS.query("01-zones-per-province"), "query/01-zones-per-province"),
]


@pytest.mark.parametrize(("iri", "path"), PINNED, ids=[p for _, p in PINNED])
def test_iri_pattern_is_pinned(iri, path):
    assert str(iri) == BASE + path


@pytest.mark.parametrize("bad", ["11010", "0110102", "11010X", "110102/x", ""])
def test_zone_rejects_a_malformed_code(bad):
    with pytest.raises(ValueError, match="code"):
        IRIS.zone(bad)


@pytest.mark.parametrize("bad", ["Three", "a b", "a--b", "-a", "a/b", "三社联动", ""])
def test_theme_rejects_a_malformed_slug(bad):
    with pytest.raises(ValueError, match="slug"):
        IRIS.theme(bad)


def test_another_base_moves_every_iri():
    assert str(Iris("http://localhost:8000/").zone("110102")) == (
        "http://localhost:8000/zone/2015/110102"
    )

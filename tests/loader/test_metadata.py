"""The dataset description (dumps/void.ttl, graph/metadata): DCAT-AP 3 and VoID shapes,
distributions from the dumps list, publisher and contact from settings, the release history,
and VoID figures that count the store as published."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from pyshacl import validate
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, RDF, XSD

from loader.dataset_info import Contact, DatasetInfo
from loader.dumps import PlannedDump
from loader.metadata import describe_dataset
from loader.namespaces import DCAT, VCARD, VOID
from loader.releases import read_releases
from loader.settings import PROJECT_ROOT
from loader.sources import read_dataset

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "catalog"
SH = Namespace("http://www.w3.org/ns/shacl#")
BASE = "https://w3id.org/cgkg/"
DATASET = URIRef(f"{BASE}dataset")
METADATA = f"{BASE}graph/metadata"
# Recommended by DCAT-AP, left out on purpose: no source says how long the files stay
# available, nor which ADMS kind of publisher the project is; a contact point only when the
# operator names one.
EXPECTED_WARNINGS = {
    "Distribution: availability is recommended",
    "Agent: type is recommended",
    "Dataset: contact point is recommended",
}


def _results(data: Graph, shapes: str) -> dict[str, set[str]]:
    _, report, _ = validate(
        data, shacl_graph=Graph().parse(FIXTURES / shapes), inference="none", allow_warnings=True
    )
    found: dict[str, set[str]] = {}
    for result in report.subjects(RDF.type, SH.ValidationResult):
        severity = str(report.value(result, SH.resultSeverity)).rsplit("#", 1)[1]
        found.setdefault(severity, set()).add(str(report.value(result, SH.resultMessage)))
    return found


@pytest.fixture(scope="module")
def void_ttl(release_dir: Path) -> Graph:
    return Graph().parse(release_dir / "dumps/void.ttl", format="turtle")


@pytest.fixture(scope="module")
def content(release_dir: Path) -> list[ox.Quad]:
    """The release's quads but its description: what describe_dataset starts from."""
    store = ox.Store.read_only(str(release_dir / "store"))
    return [q for q in store if str(q.graph_name) != f"<{METADATA}>"]


def _describe(content: list[ox.Quad], release_dir: Path, **changes: Any) -> Graph:
    dataset = read_dataset(PROJECT_ROOT / "data/dataset.toml")
    info = DatasetInfo(dataset, BASE, tuple(read_releases(PROJECT_ROOT / "data", dataset)))
    store = ox.Store()
    store.extend(content)
    manifest = json.loads((release_dir / "manifest.json").read_text(encoding="utf-8"))
    downloads = [
        PlannedDump(d["path"], d["format"], d["media_type"], d["encoding"], d.get("profile"))
        for d in manifest["dumps"]
    ] + list(changes.pop("extra", []))
    names = {k.rsplit("/", 1)[1]: k for k in manifest["graphs"]}
    return describe_dataset(replace(info, **changes), store, downloads, names)


def test_description_has_no_dcat_ap_3_violations(void_ttl):
    assert _results(void_ttl, "dcat-ap-3.shapes.ttl").get("Violation", set()) == set()


def test_description_misses_only_the_recommended_properties_no_source_gives(void_ttl):
    assert _results(void_ttl, "dcat-ap-3.shapes.ttl").get("Warning", set()) <= EXPECTED_WARNINGS


def test_description_has_no_void_violations(void_ttl):
    assert _results(void_ttl, "void.shapes.ttl") == {}


def test_the_shapes_catch_language_literals_and_counts_on_files(void_ttl):
    broken = Graph()
    for triple in void_ttl:
        broken.add(triple)
    dist = URIRef(f"{DATASET}/distribution/cgkg.ttl")
    broken.add((DATASET, DCTERMS.language, Literal("zh")))
    broken.add((dist, VOID.triples, Literal(1)))
    broken.remove((dist, DCAT.accessURL, None))
    dcat = _results(broken, "dcat-ap-3.shapes.ttl")["Violation"]
    assert "Distribution: access URL is mandatory (an IRI)" in dcat
    assert any(m.startswith("Dataset: language must be") for m in dcat)
    assert any(
        "belong to a void:Dataset" in m for m in _results(broken, "void.shapes.ttl")["Violation"]
    )


def test_every_dump_is_a_distribution_with_access_and_download_url(void_ttl, release_dir):
    manifest = json.loads((release_dir / "manifest.json").read_text(encoding="utf-8"))
    urls = {str(u) for u in void_ttl.objects(None, DCAT.downloadURL)}
    for dump in manifest["dumps"]:
        dist = URIRef(f"{DATASET}/distribution/{dump['path'].rsplit('/', 1)[1]}")
        assert (DATASET, DCAT.distribution, dist) in void_ttl
        assert void_ttl.value(dist, DCAT.accessURL) == URIRef(dump["download_url"])
        assert dump["download_url"] in urls
        assert void_ttl.value(dist, DCAT.byteSize) == Literal(
            dump["bytes"], datatype=XSD.nonNegativeInteger
        )


def test_a_file_added_to_the_dumps_list_is_described_without_code_of_its_own(content, release_dir):
    extra = PlannedDump("dumps/cgkg-crosswalk.csv", "CSV", "text/csv", None)
    g = _describe(content, release_dir, extra=[extra])
    dist = URIRef(f"{DATASET}/distribution/cgkg-crosswalk.csv")
    assert g.value(dist, DCAT.downloadURL) == URIRef(f"{BASE}dumps/1.1.0/cgkg-crosswalk.csv")
    assert g.value(dist, DCTERMS.format) == URIRef(
        "http://publications.europa.eu/resource/authority/file-type/CSV"
    )


def test_the_store_holds_no_size_or_checksum_of_a_dump(release_dir):
    store = ox.Store.read_only(str(release_dir / "store"))
    assert not list(store.quads_for_pattern(None, ox.NamedNode(str(DCAT.byteSize)), None))


def test_contact_point_comes_from_settings(content, release_dir):
    g = _describe(content, release_dir, contact=Contact("Data desk", "data@example.org", ""))
    contact = g.value(DATASET, DCAT.contactPoint)
    assert g.value(contact, VCARD.hasEmail) == URIRef("mailto:data@example.org")
    assert _results(g, "dcat-ap-3.shapes.ttl").get("Warning", set()) <= EXPECTED_WARNINGS - {
        "Dataset: contact point is recommended"
    }


def test_no_contact_point_is_made_up_when_none_is_given(void_ttl):
    assert void_ttl.value(DATASET, DCAT.contactPoint) is None
    assert not list(void_ttl.subjects(RDF.type, VCARD.Kind))


def test_publisher_name_from_settings_overrides_the_data(content, release_dir):
    g = _describe(
        content, release_dir, publisher_name="Example Lab", publisher_url="https://example.org/"
    )
    publisher = g.value(DATASET, DCTERMS.publisher)
    assert str(g.value(publisher, URIRef("http://xmlns.com/foaf/0.1/name"))) == "Example Lab"


def test_release_history_lists_earlier_releases_and_their_dumps(void_ttl):
    earlier = URIRef(f"{DATASET}/release/1.0.0")
    assert (DATASET, DCAT.hasVersion, earlier) in void_ttl
    assert (DATASET, DCAT.previousVersion, earlier) in void_ttl
    assert void_ttl.value(earlier, DCAT.version) == Literal("1.0.0")
    files = {
        str(void_ttl.value(d, DCTERMS.title)).split(" ")[0]
        for d in void_ttl.objects(earlier, DCAT.distribution)
    }
    assert "cgkg.trig" in files
    assert void_ttl.value(DATASET, DCAT.version) == Literal("1.1.0")


def test_earlier_files_are_reached_through_the_release_notes_not_a_dead_link(void_ttl):
    earlier = URIRef(f"{DATASET}/release/1.0.0")
    for dist in void_ttl.objects(earlier, DCAT.distribution):
        assert void_ttl.value(dist, DCAT.accessURL) == URIRef(f"{BASE}CHANGELOG.md")
        assert void_ttl.value(dist, DCAT.downloadURL) is None


def test_the_store_describes_no_resource_outside_the_dataset(release_dir):
    store = ox.Store.read_only(str(release_dir / "store"))
    subjects = {
        q.subject for q in store.quads_for_pattern(None, None, None, ox.NamedNode(METADATA))
    }
    assert all(isinstance(s, ox.NamedNode) and s.value.startswith(BASE) for s in subjects)
    assert all(not s.value.endswith(".md") for s in subjects if isinstance(s, ox.NamedNode))


def test_themes_are_concepts_and_their_scheme_is_the_catalog_taxonomy(void_ttl):
    themes = set(void_ttl.objects(DATASET, DCAT.theme))
    assert URIRef(f"{BASE}theme/community-consultation") in themes
    assert URIRef(f"{BASE}scheme/themes") not in themes
    assert (
        URIRef(f"{BASE}catalog"),
        DCAT.themeTaxonomy,
        URIRef(f"{BASE}scheme/themes"),
    ) in void_ttl


def test_void_figures_count_the_store_with_its_description(release_dir, void_ttl):
    store = ox.Store.read_only(str(release_dir / "store"))
    distinct = {q.triple for q in store}
    manifest = json.loads((release_dir / "manifest.json").read_text(encoding="utf-8"))
    assert void_ttl.value(DATASET, VOID.triples).toPython() == len(distinct)
    metadata = void_ttl.value(URIRef(METADATA), VOID.triples).toPython()
    assert metadata == manifest["graphs"][METADATA]


def test_void_triples_only_on_datasets_and_partitions(void_ttl):
    for subject in void_ttl.subjects(VOID.triples, None):
        assert (subject, RDF.type, DCAT.Distribution) not in void_ttl

"""The whole build: what it publishes, that it is deterministic, that dumps read back."""

import fcntl
import hashlib
import json
import os

import pyoxigraph as ox
import pytest
from rdflib import Dataset, Graph
from rdflib.compare import isomorphic

from loader.dumps import FORMATS
from loader.pipeline import _prune, build
from loader.settings import BuildSettings

CGKG = "https://w3id.org/cgkg/ontology#"
Q_ZONES = f"SELECT (COUNT(?z) AS ?n) WHERE {{ ?z a <{CGKG}ExperimentalZone> }}"


@pytest.fixture(scope="module")
def store(release_dir):
    return ox.Store.read_only(str(release_dir / "store"))


def count(store, query):
    return int(next(iter(store.query(query, use_default_graph_as_union=True)))[0].value)


def test_exactly_40_zones(store):
    assert count(store, Q_ZONES) == 40


def test_zones_lie_in_25_provincial_level_units(store):
    q = f"""SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE {{
      ?z a <{CGKG}ExperimentalZone> ; <{CGKG}division>/<{CGKG}province> ?p }}"""
    assert count(store, q) == 25


def test_every_zone_has_one_division_task_theme_period_and_ministry(store):
    q = f"""PREFIX c: <{CGKG}> PREFIX time: <http://www.w3.org/2006/time#>
    PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
    SELECT (COUNT(DISTINCT ?z) AS ?n) WHERE {{
      ?z a c:ExperimentalZone ; c:division ?d ; c:task/c:taskText ?t ;
         c:themeAssignment/c:evidencePhrase ?e ;
         c:designation ?g . ?g c:designatedBy ?ministry ;
         c:experimentPeriod [ time:hasBeginning/time:inXSDgYearMonth "2015-07"^^xsd:gYearMonth ;
           time:hasEnd/time:inXSDgYearMonth "2018-06"^^xsd:gYearMonth ] .
      ?ministry <http://www.w3.org/2004/02/skos/core#prefLabel> "民政部"@zh .
      ?d <{CGKG}divisionCode> ?code . FILTER(STRENDS(STR(?z), ?code)) }}"""
    assert count(store, q) == 40


def test_task_texts_are_verbatim_from_the_notice(store, project_root):
    notice = (project_root / "data/sources/mca-notice-40-experimental-zones.txt").read_text(
        encoding="utf-8"
    )
    q = f"SELECT ?t WHERE {{ ?task <{CGKG}taskText> ?t }}"
    texts = [row[0].value for row in store.query(q, use_default_graph_as_union=True)]
    assert len(texts) == 40
    assert all(f":{text}\n" in notice for text in texts)


def test_policy_document_has_five_agencies_and_four_goals(store):
    doc = "<https://w3id.org/cgkg/document/minfa-2013-170>"
    eli = "http://data.europa.eu/eli/ontology#"
    assert (
        count(store, f"SELECT (COUNT(DISTINCT ?a) AS ?n) WHERE {{ {doc} <{eli}passed_by> ?a }}")
        == 5
    )
    assert count(store, f"SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE {{ {doc} <{CGKG}goal> ?g }}") == 4


def test_manifest_lists_every_dump_with_its_real_size_and_hash(release_dir):
    manifest = json.loads((release_dir / "manifest.json").read_text(encoding="utf-8"))
    # each RDF format, JSON-LD in two more forms, the zones CSV, the divisions CSV and JSON,
    # the Wikidata links; each plain and gzipped
    assert len(manifest["dumps"]) == 2 * (len(FORMATS) + 6)
    for dump in manifest["dumps"]:
        data = (release_dir / dump["path"]).read_bytes()
        assert (len(data), hashlib.sha256(data).hexdigest()) == (dump["bytes"], dump["sha256"])


def test_manifest_counts_match_the_store(release_dir, store):
    manifest = json.loads((release_dir / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["triples"] == len(store)


def content_graph(release_dir):
    graph = Graph()
    graph.parse(release_dir / "dumps/cgkg.nt", format="nt")
    return graph


@pytest.mark.parametrize("fmt", [f for f in FORMATS if not f.quads], ids=lambda f: f.name)
def test_triple_dumps_parse_back_to_the_same_graph(release_dir, fmt):
    expected = content_graph(release_dir)
    with_rdflib = Graph().parse(
        release_dir / f"dumps/cgkg.{fmt.extension}",
        format={"ttl": "turtle", "nt": "nt", "rdf": "xml"}[fmt.extension],
    )
    triples = ox.parse(path=str(release_dir / f"dumps/cgkg.{fmt.extension}"), format=fmt.rdf_format)
    with_oxigraph = Graph().parse(data="".join(f"{t} .\n" for t in triples), format="nt")
    assert isomorphic(with_rdflib, expected)
    assert isomorphic(with_oxigraph, expected)


@pytest.mark.parametrize("fmt", [f for f in FORMATS if f.quads], ids=lambda f: f.name)
def test_quad_dumps_parse_back_to_the_same_quads(release_dir, fmt):
    reference = set(ox.parse(path=str(release_dir / "dumps/cgkg.nq"), format=ox.RdfFormat.N_QUADS))
    parsed = set(
        ox.parse(path=str(release_dir / f"dumps/cgkg.{fmt.extension}"), format=fmt.rdf_format)
    )
    assert {str(q) for q in parsed} == {str(q) for q in reference}
    rdflib_dataset = Dataset()
    rdflib_dataset.parse(
        release_dir / f"dumps/cgkg.{fmt.extension}",
        format={"nq": "nquads", "trig": "trig", "jsonld": "json-ld"}[fmt.extension],
    )
    # quads: a triple held by two graphs (a theme label and its copy in graph/metadata) is two
    assert len(list(rdflib_dataset.quads((None, None, None, None)))) == len(reference)


def test_two_builds_give_byte_identical_dumps(release_dir, tmp_path):
    again = build(BuildSettings(out_dir=tmp_path)).release_dir
    names = sorted(p.name for p in (release_dir / "dumps").iterdir())
    assert names == sorted(p.name for p in (again / "dumps").iterdir())
    for name in names:
        assert (release_dir / "dumps" / name).read_bytes() == (
            again / "dumps" / name
        ).read_bytes(), name


def test_current_points_at_the_published_release(built_out, release_dir):
    assert (built_out / "current").resolve() == release_dir.resolve()
    assert not [p for p in (built_out / "releases").iterdir() if p.name.startswith(".tmp")]


def _release(releases, name, age):
    folder = releases / name
    folder.mkdir(parents=True)
    os.utime(folder, (age, age))
    return folder


def test_old_releases_beyond_the_count_are_deleted(tmp_path):
    old, new = _release(tmp_path, "old", 1_000), _release(tmp_path, "new", 2_000)
    _prune(tmp_path, 1, keep=new)
    assert (old.exists(), new.exists()) == (False, True)


def test_a_release_a_server_holds_is_kept_until_it_lets_go(tmp_path):
    old, new = _release(tmp_path, "old", 1_000), _release(tmp_path, "new", 2_000)
    lease = os.open(old, os.O_RDONLY | os.O_DIRECTORY)
    fcntl.flock(lease, fcntl.LOCK_SH)  # what a serving process holds (docs/architecture.md)
    _prune(tmp_path, 1, keep=new)
    kept = old.exists()
    os.close(lease)
    _prune(tmp_path, 1, keep=new)
    assert (kept, old.exists()) == (True, False)

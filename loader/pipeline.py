"""``build(settings)``: the one place that decides the order of the steps and where files go.

sources → cross-check → RDF → SHACL → (on success only) store, search index, dumps,
metadata, manifest in a temporary release folder → rename → switch ``current`` atomically.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import Graph

from loader import graphs as g
from loader.crosscheck import crosscheck
from loader.crosswalk import CROSSWALK_STEM, crosswalk_csv, crosswalk_json, crosswalk_records
from loader.dataset_info import Contact, DatasetInfo
from loader.distributions import file_facts
from loader.dumps import DUMP_STEM, DumpFile, plan_dumps, write_dumps, write_file_pair
from loader.errors import BuildError, fail
from loader.graphs import NamedGraphs
from loader.linksets import LINKS_FILE, links_ntriples, wikidata_links, wikidata_linkset
from loader.lookup_table import LOOKUP_FILE, division_rows, lookup_table
from loader.manifest import CHANGELOG, inputs_digest, write_manifest
from loader.mapping import map_sources
from loader.metadata import authorities, describe_dataset, theme_labels
from loader.namespaces import CGKG, prefixes
from loader.queries import map_queries, read_queries
from loader.releases import Release, read_releases
from loader.retired import Retirement, check_retired, read_retired, write_retired
from loader.search_index import write_search_index
from loader.settings import PROJECT_ROOT, BuildSettings
from loader.sources import Sources, read_sources
from loader.store import create_store, finish_store, graph_sizes
from loader.synthetic import check_base_iri
from loader.terms import graph_quads
from loader.turtle import read_turtle_dir
from loader.validate import ValidationReport, validate
from loader.zones_table import zones_csv

Progress = Callable[[str], None]
FAILED_DIR = "failed"


@dataclass
class Timer:
    """Wall time per step, reported by the CLI and the benchmark."""

    progress: Progress | None = None
    timings: dict[str, float] = field(default_factory=dict)

    @contextmanager
    def step(self, name: str) -> Iterator[None]:
        if self.progress:
            self.progress(f"{name} …")
        start = time.perf_counter()
        yield
        self.timings[name] = self.timings.get(name, 0.0) + time.perf_counter() - start


@dataclass(frozen=True)
class Compiled:
    """The validated graphs, ready to publish."""

    sources: Sources
    retired: list[Retirement]
    quads: list[ox.Quad]
    graph_names: dict[str, str]
    ontology: Graph
    shapes: Graph
    report: ValidationReport
    inputs: list[tuple[str, Path]]
    releases: tuple[Release, ...] = ()


@dataclass(frozen=True)
class BuildResult:
    release_dir: Path
    build_id: str
    manifest: dict[str, object]
    timings: dict[str, float]


@dataclass(frozen=True)
class Mapped:
    """The release's graphs as quads, before validation, with what they were made from."""

    sources: Sources
    retired: list[Retirement]
    releases: tuple[Release, ...]
    named: NamedGraphs
    quads: list[ox.Quad]
    ontology: Graph
    shapes: Graph
    turtle_files: list[Path]


def map_graph(settings: BuildSettings, timer: Timer) -> Mapped:
    """Read and cross-check the sources, then map them (and the ontology) to quads."""
    with timer.step("parse"):
        sources = crosscheck(read_sources(settings.data_dir))
        check_base_iri(sources.dataset, settings.base_iri)
        retired = read_retired(settings.data_dir)
        releases = tuple(read_releases(settings.data_dir, sources.dataset))
        queries = read_queries(settings.queries_dir)
        ontology, ontology_files = read_turtle_dir(settings.ontology_dir, "ontology")
        shapes, shape_files = read_turtle_dir(settings.shapes_dir, "shapes")
    with timer.step("rdf"):
        named = map_sources(sources, settings.base_iri)
        map_queries(named, queries)
        named.extend(graph_quads(ontology, named.graph_name(g.ONTOLOGY).value))
        quads = named.sorted_quads()
        check_retired(retired, quads, settings.base_iri)
    files = ontology_files + shape_files
    return Mapped(sources, retired, releases, named, quads, ontology, shapes, files)


def compile_graph(settings: BuildSettings, timer: Timer) -> Compiled:
    """Read, cross-check, map and validate; raises BuildError on any problem."""
    m = map_graph(settings, timer)
    with timer.step("shacl"):
        report = validate(memory_store(m.quads), m.shapes, m.named.origins)
    if not report.conforms:
        _keep_failure_report(settings.out_dir, report)
        raise BuildError(report.problems)
    inputs = _inputs(settings, m.turtle_files)
    names = {name: iri.value for name, iri in m.named.names.items()}
    return Compiled(
        m.sources, m.retired, m.quads, names, m.ontology, m.shapes, report, inputs, m.releases
    )


def build(settings: BuildSettings, progress: Progress | None = None) -> BuildResult:
    """Build and publish a release; on any failure the published release is left untouched."""
    timer = Timer(progress)
    settings.out_dir.mkdir(parents=True, exist_ok=True)
    with _exclusive(settings.out_dir):
        compiled = compile_graph(settings, timer)
        build_id = inputs_digest(compiled.inputs, settings.base_iri)[:16]
        releases = settings.out_dir / "releases"
        releases.mkdir(exist_ok=True)
        work = Path(tempfile.mkdtemp(prefix=".tmp-", dir=releases))
        try:
            manifest = _assemble(work, compiled, settings, build_id, timer)
            with timer.step("publish"):
                release = _publish(work, releases / build_id, settings.out_dir)
        except BaseException:
            shutil.rmtree(work, ignore_errors=True)
            raise
        _prune(releases, settings.keep_releases, keep=release)
        shutil.rmtree(settings.out_dir / FAILED_DIR, ignore_errors=True)
    return BuildResult(release, build_id, manifest, timer.timings)


def _assemble(
    work: Path, compiled: Compiled, settings: BuildSettings, build_id: str, timer: Timer
) -> dict[str, object]:
    prefix_map = prefixes(settings.base_iri)
    with timer.step("dumps"):
        content = _content_nquads(work, compiled)
    with timer.step("store"):
        store = create_store(work / "store", content)
    with timer.step("lookup"):
        joins, links = _join_tables(work, store, settings.base_iri)
    with timer.step("search"):
        search_index = write_search_index(work, store)
    with timer.step("dumps"):
        # Files other than the RDF dumps: described (and listed) like them.
        tables = write_file_pair(
            work / "dumps", "cgkg-zones.csv", zones_csv(store), "CSV", "text/csv", None
        )
        linkset = wikidata_linkset(settings.base_iri, compiled.sources.dataset["version"], links)
        downloads = [*plan_dumps(), *tables, *joins]
        void_quads = _description(store, compiled, settings, downloads, timer, linkset)
        others = tables + joins
        dumps = _write_dumps(work, store, compiled, settings, void_quads, others) + others
        _write_documents(work, compiled, settings, prefix_map)
    with timer.step("store"):
        finish_store(store, void_quads)
        sizes = graph_sizes(store)
        del store
    return write_manifest(
        work / "manifest.json",
        build_id=build_id,
        dataset=compiled.sources.dataset,
        base_iri=settings.base_iri,
        graphs=sizes,
        prefixes=prefix_map,
        dumps=dumps,
        sources=compiled.inputs,
        search_index=search_index,
    )


def _content_nquads(work: Path, compiled: Compiled) -> Path:
    """The content alone in N-Quads, for the store to load; every dump (this file too) is
    written again later with the description, which is counted over the store."""
    (work / "dumps").mkdir()
    path = work / "dumps" / f"{DUMP_STEM}.nq"
    ox.serialize(compiled.quads, str(path), ox.RdfFormat.N_QUADS)
    return path


def _write_documents(
    work: Path, compiled: Compiled, settings: BuildSettings, prefix_map: dict[str, str]
) -> None:
    """The release's files beside its dumps: changelog, retired IRIs, ontology, shapes, report."""
    _copy_changelog(settings, work)
    write_retired(work / "retired.json", compiled.retired)
    (work / "ontology.ttl").write_bytes(_turtle(_quads(compiled.ontology), prefix_map))
    (work / "shapes.ttl").write_bytes(_turtle(_quads(compiled.shapes), prefix_map))
    report = _turtle(_quads(compiled.report.graph), prefix_map)
    (work / "validation-report.ttl").write_bytes(report)


def _write_dumps(
    work: Path,
    store: ox.Store,
    compiled: Compiled,
    settings: BuildSettings,
    void: list[ox.Quad],
    others: list[DumpFile],
) -> list[DumpFile]:
    """The RDF dumps (content and description), then ``dumps/void.ttl``: the description with
    the size and checksum of every file, the labels of the themes it names and the classes
    of the authority IRIs it uses (what cannot, or should not, be in graph/metadata)."""
    prefix_map = prefixes(settings.base_iri)
    dumps = write_dumps(work / "dumps", compiled.quads + void, prefix_map)
    facts = file_facts(settings.base_iri, [*dumps, *others])
    facts += theme_labels(store, settings.base_iri) + authorities(_graph(void))
    facts_quads = list(graph_quads(facts, "urn:x-cgkg:file"))
    (work / "dumps" / "void.ttl").write_bytes(_turtle(void + facts_quads, prefix_map))
    return dumps


def _join_tables(work: Path, store: ox.Store, base_iri: str) -> tuple[list[DumpFile], int]:
    """The lookup's name table, the divisions crosswalk (CSV, JSON) and the Wikidata links
    file; returns the download files and the number of links."""
    rows = division_rows(store)
    (work / LOOKUP_FILE).write_bytes(lookup_table(store, base_iri, rows))
    records = crosswalk_records(rows)
    dumps_dir = work / "dumps"
    dumps_dir.mkdir(parents=True, exist_ok=True)
    files = write_file_pair(
        dumps_dir, f"{CROSSWALK_STEM}.csv", crosswalk_csv(records), "CSV", "text/csv", None
    )
    files += write_file_pair(
        dumps_dir,
        f"{CROSSWALK_STEM}.json",
        crosswalk_json(records),
        "JSON",
        "application/json",
        None,
    )
    links = wikidata_links(store)
    files += write_file_pair(
        dumps_dir,
        LINKS_FILE,
        links_ntriples(links),
        "N-Triples",
        "application/n-triples",
        len(links),
    )
    return files, len(links)


def memory_store(quads: list[ox.Quad]) -> ox.Store:
    """The graphs to validate, in memory: nothing is written before they conform."""
    store = ox.Store()
    store.bulk_extend(quads)
    return store


def _description(
    store: ox.Store,
    compiled: Compiled,
    settings: BuildSettings,
    downloads: list[Any],
    timer: Timer,
    linkset: Graph,
) -> list[ox.Quad]:
    """The quads of graph/metadata (DCAT-AP and VoID) for this release's ``downloads``."""
    contact = None
    if settings.has_contact:
        contact = Contact(settings.contact_name, settings.contact_email, settings.contact_url)
    elif timer.progress:
        timer.progress(
            "no contact point given (KG_CONTACT_EMAIL or KG_CONTACT_URL): "
            "the dataset description has none"
        )
    info = DatasetInfo(
        compiled.sources.dataset,
        settings.base_iri,
        compiled.releases,
        settings.publisher_name,
        settings.publisher_url,
        contact,
    )
    base = settings.base_iri
    vocabularies = [ns for ns in prefixes(base).values() if not ns.startswith(base)]
    metadata = f"{base}graph/{g.METADATA}"
    names = {**compiled.graph_names, g.METADATA: metadata}
    description = describe_dataset(
        info, store, downloads, names, [str(CGKG), *vocabularies], linkset
    )
    return list(graph_quads(description, metadata))


def _copy_changelog(settings: BuildSettings, work: Path) -> None:
    try:
        shutil.copyfile(settings.changelog, work / CHANGELOG)
    except OSError as exc:
        raise fail(
            "source-present",
            f"the release notes cannot be read: {exc}",
            file=str(settings.changelog),
        ) from exc


def _graph(quads: list[ox.Quad]) -> Graph:
    graph = Graph()
    data = ox.serialize([q.triple for q in quads], format=ox.RdfFormat.N_TRIPLES) or b""
    return graph.parse(data=data, format="nt")


def _quads(graph: Graph) -> list[ox.Quad]:
    return list(graph_quads(graph, "urn:x-cgkg:file"))


def _turtle(quads: list[ox.Quad], prefix_map: dict[str, str]) -> bytes:
    triples = sorted(
        {q.triple for q in quads}, key=lambda t: (str(t.subject), str(t.predicate), str(t.object))
    )
    data = ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=prefix_map)
    assert data is not None  # noqa: S101 - bytes when no output is given
    return data


def _publish(work: Path, release: Path, out_dir: Path) -> Path:
    """Rename the finished folder into place, then point ``current`` at it in one rename."""
    if release.exists():
        # Same inputs, same build id, byte-identical content: keep the published copy.
        shutil.rmtree(work)
    else:
        work.rename(release)
    link = out_dir / "current"
    tmp_link = out_dir / f".current-{os.getpid()}"
    tmp_link.unlink(missing_ok=True)
    tmp_link.symlink_to(Path("releases") / release.name)
    os.replace(tmp_link, link)
    return release


def _prune(releases: Path, keep_count: int, keep: Path) -> None:
    """Delete the oldest releases beyond ``keep_count``, except those a server holds.

    A server holds a shared ``flock`` on the folder of each release it serves
    (docs/architecture.md); a release whose folder cannot be locked exclusively
    at once is in use, and stays until a later build finds it free.
    """
    published = sorted(
        (p for p in releases.iterdir() if not p.name.startswith(".")),
        key=lambda p: p.stat().st_mtime,
        reverse=True,
    )
    for old in [p for p in published if p != keep][max(keep_count - 1, 0) :]:
        _remove_unless_held(old)


def _remove_unless_held(release: Path) -> None:
    try:
        fd = os.open(release, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        return
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        # Deleted under the lock: a server that opened the folder meanwhile waits for
        # its shared lock, then finds the folder gone and looks at `current` again.
        shutil.rmtree(release, ignore_errors=True)
    except BlockingIOError:
        pass  # a server serves it
    finally:
        os.close(fd)


def _keep_failure_report(out_dir: Path, report: ValidationReport) -> None:
    """The SHACL report of a failed build, beside (never inside) the published releases."""
    failed = out_dir / FAILED_DIR
    failed.mkdir(parents=True, exist_ok=True)
    (failed / "validation-report.ttl").write_bytes(
        report.graph.serialize(format="turtle", encoding="utf-8")
    )
    (failed / "problems.txt").write_text(
        "\n".join(str(p) for p in report.problems) + "\n", encoding="utf-8"
    )


def _inputs(settings: BuildSettings, turtle_files: list[Path]) -> list[tuple[str, Path]]:
    """Every file whose bytes decide the release, named relative to its folder's parent."""
    paths = [p for p in settings.data_dir.rglob("*") if p.is_file()]
    paths += turtle_files + sorted(settings.queries_dir.glob("*.rq"))
    if settings.changelog.is_file():
        paths.append(settings.changelog)
    code = Path(__file__).parent
    paths += [p for p in code.rglob("*") if p.suffix in (".py", ".rq")]
    return [(_display(p, settings), p) for p in sorted(set(paths))]


def _display(path: Path, settings: BuildSettings) -> str:
    for root in (PROJECT_ROOT, settings.data_dir.parent):
        if path.is_relative_to(root):
            return str(path.relative_to(root))
    return path.name


@contextmanager
def _exclusive(out_dir: Path) -> Iterator[None]:
    """One build at a time per build folder."""
    with (out_dir / ".build.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


__all__ = [
    "BuildResult",
    "Compiled",
    "Mapped",
    "Timer",
    "build",
    "compile_graph",
    "map_graph",
    "memory_store",
]

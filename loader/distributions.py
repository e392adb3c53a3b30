"""The files of the dataset in its description: one ``dcat:Distribution`` per download of
this release, the files of earlier releases, and the size and checksum of each file.

Every download the build lists is described from its entry (path, format, media type,
encoding), so a new file in the manifest's dumps gets its distribution with no code of
its own.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rdflib import Graph, Literal, URIRef

from loader import authorities as auth
from loader.dataset_info import DatasetInfo, Download, Nodes, add_coverage, add_texts
from loader.dumps import DUMP_STEM
from loader.iris import Iris
from loader.namespaces import ADMS, DCAT, DCTERMS, FOAF, RDF, SPDX, VOID, XSD
from loader.releases import Release

__all__ = ["QUAD_MEDIA_TYPES", "add_distribution", "add_history", "file_facts"]

QUAD_MEDIA_TYPES = ("application/n-quads", "application/trig", "application/ld+json")
_WHOLE = (
    "包含查询端点的全部命名图（含元数据图 graph/metadata）：加载此文件即可复原端点的数据。",
    "Every named graph of the endpoint, graph/metadata included: load this file to get the "
    "endpoint's data back.",
)
_MERGED = (
    "全部命名图合并为一个图（合并视图）：三元组所属的命名图不再保留，包括标明英文为非官方译文的 "
    "graph/translations。如需复原查询端点，请加载 TriG 或 N-Quads 转储。",
    "The merged view: the union of every named graph as one graph. Which graph a statement "
    "comes from is lost, and with it the marking of English text as unofficial "
    "(graph/translations). To get the endpoint back, load the TriG or N-Quads dump.",
)
_TABLE = ("表格（CSV，UTF-8）。", "A table (CSV, UTF-8).")
_DESCRIPTION = ("数据集描述（VoID 与 DCAT）。", "The description of the dataset (VoID and DCAT).")


def add_distribution(g: Graph, nodes: Nodes, info: DatasetInfo, download: Download) -> None:
    name = download.path.rsplit("/", 1)[-1]
    dist = nodes.iris.distribution(name)
    url = info.download_url(name)
    g.add((nodes.iris.dataset, DCAT.distribution, dist))
    _file(g, dist, name, download.format, download.media_type, download.encoding, url)
    if download.profile:
        g.add((dist, DCTERMS.conformsTo, URIRef(download.profile)))
    g.add((dist, DCTERMS.license, URIRef(str(info.settings["license"]))))
    whole = name.startswith(f"{DUMP_STEM}.")  # a dump of the whole dataset (loader.dumps)
    add_texts(g, dist, DCTERMS.description, *_about(download.media_type, download.format, whole))
    if whole:
        g.add((nodes.iris.dataset, VOID.dataDump, url))


def _about(media_type: str, fmt: str, whole: bool) -> tuple[str, str]:
    if whole and media_type in QUAD_MEDIA_TYPES:
        return _WHOLE
    if whole:
        return _MERGED
    if media_type == "text/csv":
        return _TABLE
    return (f"数据文件（{fmt}）。", f"A data file ({fmt}).")


def _file(
    g: Graph,
    dist: URIRef,
    name: str,
    fmt: str,
    media_type: str,
    encoding: str | None,
    url: URIRef,
) -> None:
    """What any file distribution has: title, URLs, media type, format, compression."""
    g.add((dist, RDF.type, DCAT.Distribution))
    g.add((dist, DCTERMS.title, Literal(f"{name} ({fmt})")))
    g.add((dist, DCAT.accessURL, url))
    g.add((dist, DCAT.downloadURL, url))
    g.add((dist, DCAT.mediaType, auth.media_type(media_type)))
    file_type = auth.file_type(media_type)
    if file_type is not None:
        g.add((dist, DCTERMS.format, file_type))
    if encoding == "gzip":
        g.add((dist, DCAT.compressFormat, auth.media_type("application/gzip")))


_BY_EXTENSION = {
    "ttl": ("Turtle", "text/turtle"),
    "nt": ("N-Triples", "application/n-triples"),
    "nq": ("N-Quads", "application/n-quads"),
    "trig": ("TriG", "application/trig"),
    "jsonld": ("JSON-LD", "application/ld+json"),
    "rdf": ("RDF/XML", "application/rdf+xml"),
    "csv": ("CSV", "text/csv"),
}


def add_history(g: Graph, nodes: Nodes, info: DatasetInfo) -> None:
    """Each earlier release as a version of the dataset, with the files it published."""
    earlier = info.releases[:-1]
    previous: URIRef | None = None
    for release in earlier:
        node = nodes.release(release.version)
        _release(g, nodes, info, release, node)
        g.add((nodes.iris.dataset, DCAT.hasVersion, node))
        if previous is not None:
            g.add((node, DCAT.previousVersion, previous))
        previous = node
    if previous is not None:
        g.add((nodes.iris.dataset, DCAT.previousVersion, previous))


def _release(g: Graph, nodes: Nodes, info: DatasetInfo, release: Release, node: URIRef) -> None:
    title = info.settings["title"]
    g.add((node, RDF.type, DCAT.Dataset))
    g.add((node, DCTERMS.isVersionOf, nodes.iris.dataset))
    add_texts(
        g,
        node,
        DCTERMS.title,
        f"{title['zh']} {release.version}",
        f"{title['en']} {release.version}",
    )
    add_texts(g, node, DCTERMS.description, release.notes_zh, release.notes_en)
    add_texts(g, node, ADMS.versionNotes, release.notes_zh, release.notes_en)
    g.add((node, DCAT.version, Literal(release.version)))
    g.add((node, DCTERMS.issued, Literal(release.issued, datatype=XSD.date)))
    g.add((node, FOAF.page, nodes.changelog))
    add_coverage(g, nodes, info, node)
    for name in release.files:
        stem, gz = (name[:-3], True) if name.endswith(".gz") else (name, False)
        fmt, media_type = _BY_EXTENSION.get(stem.rsplit(".", 1)[-1], ("", ""))
        if not media_type:
            continue
        dist = URIRef(f"{node}/distribution/{name}")
        g.add((node, DCAT.distribution, dist))
        # This server serves the current release's files only: an earlier file is reached
        # through the release notes, and no download URL is claimed for it.
        _file(g, dist, name, fmt, media_type, "gzip" if gz else None, nodes.changelog)
        g.remove((dist, DCAT.downloadURL, None))
        g.add((dist, DCTERMS.license, URIRef(str(info.settings["license"]))))
        whole = name.startswith(f"{DUMP_STEM}.")
        texts = _DESCRIPTION if name == "void.ttl" else _about(media_type, fmt, whole)
        add_texts(g, dist, DCTERMS.description, *texts)


def file_facts(base_iri: str, dumps: Iterable[Any]) -> Graph:
    """Size and sha256 of each file: in ``dumps/void.ttl`` and the manifest, never in the
    store (a dump holds the description, so it cannot hold its own checksum)."""
    iris = Iris(base_iri)
    g = Graph()
    for dump in dumps:
        dist = iris.distribution(str(dump.path).rsplit("/", 1)[-1])
        g.add((dist, DCAT.byteSize, Literal(dump.bytes, datatype=XSD.nonNegativeInteger)))
        checksum = URIRef(f"{dist}/sha256")
        g.add((dist, SPDX.checksum, checksum))
        g.add((checksum, RDF.type, SPDX.Checksum))
        g.add((checksum, SPDX.algorithm, SPDX.checksumAlgorithm_sha256))
        g.add((checksum, SPDX.checksumValue, Literal(dump.sha256, datatype=XSD.hexBinary)))
    g.add((SPDX.checksumAlgorithm_sha256, RDF.type, SPDX.ChecksumAlgorithm))
    return g

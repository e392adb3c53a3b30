"""Which release a remote engine holds: the publication record ``cgkg publish`` writes.

``cgkg publish`` switches a release into an engine and, in the same update
request, replaces the record in the graph ``urn:cgkg:publication:<dataset IRI>``:
the dataset IRI with the release's ``build_id`` (``cgkgsd:publishedRelease``)
and the sha256 of its ``manifest.json`` (``cgkgsd:publishedManifest``). Before a
fronting server serves a release (at start and before every switch) it reads
the record back: the engine must hold exactly this release, by id and manifest,
not merely the same count of triples per graph (two releases that differ by one
corrected label have the same counts). The counts are checked as well, by
:meth:`server.kg.KnowledgeGraph.check_store`, so a record left over a damaged
store is not trusted alone. The loader writes the record on its side of this
contract (``loader/publish.py``), as neither program imports the other.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pyoxigraph as ox

from server.errors import KGError
from server.kg import RemoteSource
from server.release import Manifest, ReleaseError

__all__ = ["check_publication", "record_graph"]

_RECORD_GRAPH = "urn:cgkg:publication:"
_READ_RECORD = """PREFIX cgkgsd: <https://w3id.org/cgkg/service#>
SELECT ?release ?manifest WHERE {
  GRAPH ?record { ?dataset cgkgsd:publishedRelease ?release ; cgkgsd:publishedManifest ?manifest }
}"""


def record_graph(dataset_iri: str) -> str:
    """The graph of the publication record of the dataset ``dataset_iri``."""
    return _RECORD_GRAPH + dataset_iri


def _recorded(remote: RemoteSource, dataset_iri: str) -> set[tuple[str, str]]:
    graph = record_graph(dataset_iri)
    try:
        results = remote.query(
            _READ_RECORD,
            default_graphs=(),
            named_graphs=(graph,),
            substitutions={"dataset": ox.NamedNode(dataset_iri)},
        )
    except (OSError, RuntimeError, ValueError, KGError, SyntaxError) as exc:
        raise ReleaseError(f"{remote.endpoint} cannot be read: {exc}") from None
    if not isinstance(results, ox.QuerySolutions):
        raise ReleaseError(f"{remote.endpoint} answered the record's SELECT with no solutions")
    found = set()
    for row in results:
        release, manifest = row["release"], row["manifest"]
        if isinstance(release, ox.Literal) and isinstance(manifest, ox.Literal):
            found.add((release.value, manifest.value))
    return found


def check_publication(remote: RemoteSource, release_dir: Path) -> None:
    """Raise :class:`ReleaseError` unless ``remote`` records holding the release in
    ``release_dir``, by build id and manifest sha256."""
    path = release_dir / "manifest.json"
    manifest = Manifest.load(path)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    held = _recorded(remote, manifest.dataset_iri)
    if held == {(manifest.build_id, digest)}:
        return
    wanted = f"release {manifest.build_id} (manifest sha256 {digest[:12]})"
    hint = f"; publish it there with `cgkg publish --out {release_dir.parent.parent}`"
    if not held:
        raise ReleaseError(
            f"{remote.endpoint} holds no release of <{manifest.dataset_iri}> published by "
            f"`cgkg publish` (its graph <{record_graph(manifest.dataset_iri)}> is empty), "
            f"not {wanted}{hint}"
        )
    found = ", ".join(f"{b} (manifest sha256 {d[:12]})" for b, d in sorted(held))
    raise ReleaseError(f"{remote.endpoint} holds release {found}, not {wanted}{hint}")

"""``/dumps/``: the release's downloadable files, exactly those the manifest lists, and
``/downloads``, the page that lists them for people.

``/dumps/`` lists them (JSON); ``/dumps/<name>`` and ``/dumps/<dataset
version>/<name>`` (the form of the ``download_url`` the manifest records) send
one, with ``ETag``, ``Last-Modified``, conditional requests and byte ranges. The
``.gz`` files are sent as they are (``application/gzip``), not re-encoded. A
name that is not in the manifest is 404: nothing else in the folder is reachable.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath

from flask import Blueprint, Response, jsonify, request, send_file

from server.errors import NotFound, ServiceUnavailable
from server.kg import KnowledgeGraph
from server.services import current_services
from server.sparql import jsonld
from server.web.render import current_linker, render

__all__ = ["bp", "published_files"]

bp = Blueprint("dumps", __name__)


def published_files(kg: KnowledgeGraph) -> dict[str, str]:
    """Download name -> path in the release, for every dump and the VoID description."""
    files: dict[str, str] = {}
    for dump in kg.manifest.dumps:
        path = str(dump["path"])
        files[PurePosixPath(path).name] = path
    files[PurePosixPath(kg.manifest.void).name] = kg.manifest.void
    return files


def _media_type(kg: KnowledgeGraph, path: str) -> str:
    for dump in kg.manifest.dumps:
        if dump["path"] == path:
            if dump.get("encoding") == "gzip":
                return "application/gzip"
            return str(dump.get("media_type") or "application/octet-stream")
    return "text/turtle"


def _url(path: str) -> str:
    """Absolute under ``public_url`` when it is set; else relative to the listing, since
    the request's ``Host`` is the client's to choose and this answer is cached."""
    public = current_services().settings.public_url
    return public.rstrip("/") + path if public else path


@bp.get("/dumps/")
def index() -> Response:
    """The files of this release, with sizes and checksums (from the manifest)."""
    kg = current_services().kg
    response = jsonify(
        build_id=kg.build_id,
        dataset_version=kg.manifest.dataset_version,
        files=[
            {
                "name": name,
                "url": _url("/dumps/" + name),
                **{k: v for k, v in d.items() if k != "path"},
            }
            for d in kg.manifest.dumps
            for name in [PurePosixPath(str(d["path"])).name]
        ],
    )
    response.set_etag(f"{kg.build_id}-dumps")
    return response


def _jsonld_variant(kg: KnowledgeGraph, name: str) -> str:
    """For a JSON-LD dump, the sibling file in the form ``Accept``'s profile asks for."""
    dumps = {PurePosixPath(str(d["path"])).name: d for d in kg.manifest.dumps}
    asked = dumps.get(name)
    if asked is None or not asked.get("profile"):
        return name
    profile = jsonld.PROFILE + jsonld.requested_form(request.headers.get("Accept"))
    for other, dump in dumps.items():
        same_kind = (dump.get("format"), dump.get("encoding")) == (
            asked.get("format"),
            asked.get("encoding"),
        )
        if same_kind and dump.get("profile") == profile:
            return other
    return name


def _send(name: str) -> Response:
    kg = current_services().kg
    negotiated = _jsonld_variant(kg, name)
    if negotiated != name and "profile=" in request.headers.get("Accept", ""):
        name = negotiated
    path = published_files(kg).get(name)
    if path is None:
        raise NotFound(f"There is no file {name} in this release; see /dumps/ for the list.")
    try:
        response = send_file(
            kg.path(path),
            mimetype=_media_type(kg, path),
            conditional=True,
            etag=f"{kg.build_id}-{name}",
            last_modified=kg.last_modified,
            max_age=current_services().settings.cache_max_age_s,
        )
    except OSError:  # verified at start, gone since: the server's fault, and /health says so
        raise ServiceUnavailable(
            f"The file {name} of this release cannot be read on the server just now."
        ) from None
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    if name.endswith(".jsonld"):
        response.vary.add("Accept")
    return response


@bp.get("/dumps/<name>")
def current(name: str) -> Response:
    return _send(name)


@bp.get("/dumps/<version>/<name>")
def versioned(version: str, name: str) -> Response:
    if version != current_services().kg.manifest.dataset_version:
        raise NotFound(
            f"This server holds version {current_services().kg.manifest.dataset_version} only, "
            f"not {version}."
        )
    return _send(name)


@bp.get("/context.jsonld")
def context() -> Response:
    """The JSON-LD context of the dataset's prefixes, which compacted documents use."""
    kg = current_services().kg
    response = jsonify(jsonld.context(kg.prefixes))
    response.content_type = "application/ld+json; charset=utf-8"
    response.cache_control.public = True
    response.cache_control.max_age = current_services().settings.cache_max_age_s
    response.set_etag(f"{kg.build_id}-context")
    return response


@bp.get("/CHANGELOG.md")
def changelog() -> Response:
    """The release notes of every release, as the release carries them."""
    kg = current_services().kg
    name = kg.manifest.raw.get("changelog")
    if not name:
        raise NotFound("This release has no release notes.")
    try:
        response = send_file(
            kg.path(str(name)),
            mimetype="text/markdown",
            conditional=True,
            etag=f"{kg.build_id}-changelog",
            last_modified=kg.last_modified,
            max_age=current_services().settings.cache_max_age_s,
        )
    except OSError:
        raise ServiceUnavailable(
            "The release notes cannot be read on the server just now."
        ) from None
    response.headers["Content-Type"] = "text/markdown; charset=utf-8"
    return response


@bp.get("/downloads")
def downloads() -> Response:
    kg = current_services().kg
    linker = current_linker()
    rows = []
    for dump in kg.manifest.dumps:
        url = str(dump.get("download_url") or "")
        href = (linker.path(url) if url else None) or "/" + str(dump["path"])
        rows.append({**dump, "href": href, "name": Path(str(dump["path"])).name})
    return render("docs/downloads.html", negotiated=False, dumps=rows)

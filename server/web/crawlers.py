"""What web crawlers read first: ``/robots.txt`` and ``/sitemap.xml``.

The sitemap lists the site's own pages and every resource page (each IRI of the
dataset the store mentions, in a namespace of :data:`~server.web.resources.NAMESPACES`),
each with the release's build time as ``lastmod``. robots.txt points at it and keeps
crawlers off the query endpoint and the graph store, where every URL is a query.

Sitemaps need absolute URLs on their own host: under ``public_url`` when it is
set, else under the request's host, and then the answer varies on ``Host``.
"""

from __future__ import annotations

from xml.etree import ElementTree as ET

from flask import Blueprint, Response, request

from server.services import current_services
from server.web.describe import site_query
from server.web.render import current_linker
from server.web.resources import NAMESPACES

__all__ = ["bp", "resource_paths"]

bp = Blueprint("crawlers", __name__)

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
SITE_PAGES = ("/", "/zones", "/themes", "/divisions", "/initiatives", "/ontology", "/shapes",
              "/downloads")  # fmt: skip
NOT_FOR_CRAWLERS = ("/sparql", "/rdf-graph-store")


def _origin() -> str:
    public = current_services().settings.public_url
    return public.rstrip("/") if public else request.host_url.rstrip("/")


def _cached(body: bytes, content_type: str, name: str) -> Response:
    services = current_services()
    response = Response(body, content_type=content_type)
    if not services.settings.public_url:
        response.vary.add("Host")
    response.set_etag(f"{services.kg.build_id}-{name}")
    return response


def resource_paths() -> list[str]:
    """The path of every resource page of the release, in IRI order."""
    linker = current_linker()
    paths = []
    for row in current_services().kg.select(site_query("sitemap_resources")):
        path = linker.path(row["resource"].value)
        if path is not None and "#" not in path and path.split("/")[1] in NAMESPACES:
            paths.append(path)
    return paths


@bp.get("/sitemap.xml")
def sitemap() -> Response:
    origin = _origin()
    lastmod = current_services().kg.last_modified.isoformat().replace("+00:00", "Z")
    urlset = ET.Element("urlset", xmlns=SITEMAP_NS)
    for path in (*SITE_PAGES, *resource_paths()):
        url = ET.SubElement(urlset, "url")
        ET.SubElement(url, "loc").text = origin + path
        ET.SubElement(url, "lastmod").text = lastmod
    body = ET.tostring(urlset, encoding="utf-8", xml_declaration=True)
    return _cached(body, "application/xml; charset=utf-8", "sitemap")


@bp.get("/robots.txt")
def robots() -> Response:
    lines = ["User-agent: *", *(f"Disallow: {path}" for path in NOT_FOR_CRAWLERS), "Allow: /"]
    lines += ["", f"Sitemap: {_origin()}/sitemap.xml", ""]
    return _cached("\n".join(lines).encode("utf-8"), "text/plain; charset=utf-8", "robots")

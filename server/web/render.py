"""What every HTML page and every linked-data response of the site shares.

`render` fills the template context every page template expects (the two
languages in order, interface text, licence, release); `add_dataset_links`
sets the `Link` headers (`describedby`, `license`) on a response.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask import Response, render_template, request
from werkzeug.wrappers import Response as BaseResponse

from server.services import current_services
from server.web.models.terms import Languages, Linker, choose_languages
from server.web.text import text

__all__ = [
    "QUERY_UI",
    "VOID_PATH",
    "add_dataset_links",
    "current_languages",
    "current_linker",
    "link_header",
    "render",
]

VOID_PATH = "/.well-known/void"
QUERY_UI = "/sparql"


def current_linker() -> Linker:
    kg = current_services().kg
    prefixes = dict(kg.prefixes)
    # The data's own namespaces must show as paths, not as CURIEs of ad-hoc prefixes.
    own = current_services().base_iri
    prefixes = {p: ns for p, ns in prefixes.items() if not ns.startswith(own) or "#" in ns}
    return Linker(own, prefixes)


def current_languages() -> Languages:
    return choose_languages(request.args.get("lang"), request.accept_languages)


def render(
    template: str,
    status: int = 200,
    links: Iterable[tuple[str, str, str | None]] = (),
    *,
    negotiated: bool = True,
    cacheable: bool = True,
    **context: Any,
) -> Response:
    """An HTML response from `template`, with the shared context and headers.

    ``negotiated``: the same URL also answers other media types, so the page varies on
    ``Accept``. ``cacheable``: the page is fixed by the release and the language order,
    so it gets an ``ETag`` (and, from :mod:`server.http.conditional`, ``Last-Modified``
    and ``Cache-Control``); a page showing a query run just now is not.
    """
    kg = current_services().kg
    langs = current_languages()
    body = render_template(
        template,
        langs=langs,
        t=text,
        license=kg.manifest.license,
        manifest=kg.manifest,
        query_ui=QUERY_UI,
        **context,
    )
    response = Response(body, status=status, content_type="text/html; charset=utf-8")
    if negotiated:
        response.vary.add("Accept")
    response.vary.add("Accept-Language")
    # Every page is bilingual: both languages are its audience's, the first one first.
    response.headers["Content-Language"] = ", ".join(langs.order)
    if cacheable and status == 200:
        response.set_etag(f"{kg.build_id}-{request.endpoint}-html-{langs.primary}")
    add_dataset_links(response, links)
    return response


def link_header(links: Iterable[tuple[str, str, str | None]]) -> str:
    """`Link` header value from (href, rel, media type) triples."""
    parts = []
    for href, rel, media_type in links:
        part = f'<{href}>; rel="{rel}"'
        if media_type:
            part += f'; type="{media_type}"'
        parts.append(part)
    return ", ".join(parts)


def add_dataset_links(
    response: BaseResponse, extra: Iterable[tuple[str, str, str | None]] = ()
) -> None:
    """`Link` headers to the dataset description and the licence (plus `extra`)."""
    kg = current_services().kg
    links = [*extra, (VOID_PATH, "describedby", "text/turtle")]
    if kg.manifest.license:
        links.append((kg.manifest.license, "license", None))
    existing = response.headers.get("Link")
    value = link_header(links)
    response.headers["Link"] = f"{existing}, {value}" if existing else value

"""The site's own pages: home (counts, charts, entry points) and the browse lists.

Each list is also RDF, by ``Accept`` or extension (``/zones.ttl``): the facts its
table shows, from a CONSTRUCT beside its SELECT (``ui_zones_rdf.rq``).

The query editor lives in `server.web.editor`; ontology and shapes in
`server.web.docs`, downloads in `server.web.downloads`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pyoxigraph as ox
from flask import Blueprint, Response
from werkzeug.wrappers import Response as BaseResponse

from server.services import current_services
from server.web.describe import site_query, to_rdflib
from server.web.models.charts import Bar, bar_chart
from server.web.models.schema_org import dataset_markup
from server.web.models.terms import Languages
from server.web.render import current_languages, current_linker, render
from server.web.resources import (
    Link,
    alternates,
    chosen_variant,
    fixed_by_url,
    rdf_response,
    split_extension,
)
from server.web.text import text

__all__ = ["Cell", "bp", "cells"]

bp = Blueprint("ui", __name__)

Row = Mapping[str, ox.NamedNode | ox.BlankNode | ox.Literal]


@dataclass(frozen=True)
class Cell:
    """One table cell: a bilingual label (linked when `href`), or plain text."""

    zh: str | None = None
    en: str | None = None
    href: str | None = None
    text: str | None = None
    numeric: bool = False


def _value(row: Row, name: str) -> str | None:
    term = row.get(name)
    return term.value if term is not None else None


def _href(row: Row, name: str) -> str | None:
    iri = _value(row, name)
    if iri is None:
        return None
    return current_linker().path(iri) or iri


def cells(row: Row, spec: Sequence[tuple[str, ...]]) -> list[Cell]:
    """Cells of one result row: ("link", var, zhVar, enVar) or ("text", var) or ("num", var)."""
    out = []
    for kind, *names in spec:
        if kind == "link":
            iri, zh, en = names
            out.append(Cell(_value(row, zh), _value(row, en), _href(row, iri)))
        else:
            out.append(Cell(text=_value(row, names[0]) or "", numeric=kind == "num"))
    return out


def _bars(rows: Sequence[Row], langs: Languages) -> list[Bar]:
    bars = []
    for row in rows:
        zh, en = _value(row, "zh") or "", _value(row, "en") or ""
        label = zh if langs.primary == "zh" else en
        bars.append(
            Bar(
                label or zh or en,
                f"{zh} / {en}",
                int(_value(row, "count") or 0),
                _href(row, "item") or "",
            )
        )
    return bars


@bp.get("/")
def home() -> Response:
    kg = current_services().kg
    langs = current_languages()
    counts = kg.select(site_query("ui_counts"))
    per_province = kg.select(site_query("ui_zones_per_province"))
    per_theme = kg.select(site_query("ui_zones_per_theme"))
    figures = (
        {
            name: int(_value(counts[0], name) or 0)
            for name in ("zones", "divisions", "themes", "initiatives")
        }
        if counts
        else {}
    )
    title = text("zones_per_province")
    charts = {
        "province": bar_chart(_bars(per_province, langs), title[0] + " / " + title[1]),
        "theme": bar_chart(_bars(per_theme, langs), " / ".join(text("zones_per_theme"))),
    }
    queries = {
        name: site_query(query)
        for name, query in (
            ("counts", "ui_counts"),
            ("province", "ui_zones_per_province"),
            ("theme", "ui_zones_per_theme"),
        )
    }
    return render(
        "ui/home.html",
        negotiated=False,
        figures=figures,
        charts=charts,
        queries=queries,
        schema_org=dataset_markup(kg),
    )


LISTS: dict[str, tuple[str, str, tuple[str, ...], tuple[tuple[str, ...], ...]]] = {
    # path: (query, title key, header keys, cell spec)
    "zones": (
        "ui_zones",
        "zones",
        ("zones", "code", "province"),
        (
            ("link", "item", "zh", "en"),
            ("text", "code"),
            ("link", "province", "provinceZh", "provinceEn"),
        ),
    ),
    "themes": (
        "ui_themes",
        "themes",
        ("themes", "zone_count", "broader"),
        (
            ("link", "item", "zh", "en"),
            ("num", "count"),
            ("link", "broader", "broaderZh", "broaderEn"),
        ),
    ),
    "divisions": (
        "ui_divisions",
        "divisions",
        ("code", "name", "level", "divisions"),
        (
            ("text", "code"),
            ("link", "item", "zh", "en"),
            ("link", "level", "levelZh", "levelEn"),
            ("link", "parent", "parentZh", "parentEn"),
        ),
    ),
    "initiatives": (
        "ui_initiatives",
        "initiatives",
        ("name", "types", "zones"),
        (
            ("link", "item", "zh", "en"),
            ("link", "kind", "kindZh", "kindEn"),
            ("link", "zone", "zoneZh", "zoneEn"),
        ),
    ),
}


def _list_view(name: str, ext: str) -> BaseResponse:
    query, title, headers, spec = LISTS[name]
    kg = current_services().kg
    _, by_extension, html_asked = split_extension(f"{name}.{ext}" if ext else name)
    chosen = chosen_variant(by_extension, html_asked)
    alts = alternates("/" + name)
    links: list[Link] = [(a.href, "alternate", a.media_type) for a in alts]
    if isinstance(chosen, str):
        table = [cells(row, spec) for row in kg.select(site_query(query))]
        response = render(
            "ui/list.html",
            links=links,
            alternates=alts,
            title=title,
            headers=headers,
            rows=table,
            query=site_query(query),
        )
    else:
        graph = to_rdflib(kg.construct(site_query(f"{query}_rdf")))
        response = rdf_response(kg, graph, chosen, links)
        response.set_etag(f"{kg.build_id}-{name}-{chosen.name}")
    if ext:
        fixed_by_url(response, f"/{name}.{ext}")
    return response


_LISTS = f"<any({', '.join(LISTS)}):name>"


@bp.get(f"/{_LISTS}", defaults={"ext": ""})
@bp.get(f"/{_LISTS}.<any(ttl, nt, jsonld, rdf, html):ext>")
def browse_list(name: str, ext: str) -> BaseResponse:
    """`/zones`, `/themes`, `/divisions`, `/initiatives`: HTML, or RDF by Accept or extension."""
    return _list_view(name, ext)

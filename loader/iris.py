"""Minting of the dataset's IRIs. Patterns are published: tests pin them, never change them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import quote

from rdflib import URIRef

_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_CODE = re.compile(r"^[1-9][0-9]{5}$")
_YEAR_MONTH = re.compile(r"^[0-9]{4}-(0[1-9]|1[0-2])$")

NOTICE_SLUG = "mca-2015-experimental-zones-notice"
DESIGNATION_YEAR = "2015"


def is_slug(text: str) -> bool:
    """Lower-case ASCII words joined by single hyphens."""
    return bool(_SLUG.match(text))


def is_division_code(text: str) -> bool:
    """A six-digit GB/T 2260 code."""
    return bool(_CODE.match(text))


def is_year_month(text: str) -> bool:
    """``YYYY-MM``."""
    return bool(_YEAR_MONTH.match(text))


def _segment(text: str, check: str) -> str:
    ok = {"slug": is_slug, "code": is_division_code, "year-month": is_year_month}[check](text)
    if not ok:
        raise ValueError(f"not a valid {check} for an IRI: {text!r}")
    return quote(text, safe="-")


@dataclass(frozen=True)
class Iris:
    """IRIs under one canonical base (which ends with ``/``)."""

    base: str

    def _iri(self, path: str) -> URIRef:
        return URIRef(self.base + path)

    @property
    def dataset(self) -> URIRef:
        return self._iri("dataset")

    @property
    def ontology(self) -> URIRef:
        return self._iri("ontology")

    @property
    def shapes(self) -> URIRef:
        return self._iri("shapes")

    @property
    def notice(self) -> URIRef:
        return self._iri(f"document/{NOTICE_SLUG}")

    @property
    def designation(self) -> URIRef:
        return self._iri(f"designation/{DESIGNATION_YEAR}")

    @property
    def period(self) -> URIRef:
        return URIRef(f"{self.designation}/period")

    @property
    def period_start(self) -> URIRef:
        return URIRef(f"{self.period}/start")

    @property
    def period_end(self) -> URIRef:
        return URIRef(f"{self.period}/end")

    def graph(self, name: str) -> URIRef:
        return self._iri(f"graph/{_segment(name, 'slug')}")

    def document(self, slug: str) -> URIRef:
        return self._iri(f"document/{_segment(slug, 'slug')}")

    def goal(self, slug: str) -> URIRef:
        return self._iri(f"goal/{_segment(slug, 'slug')}")

    def agency(self, slug: str) -> URIRef:
        return self._iri(f"agency/{_segment(slug, 'slug')}")

    def event(self, slug: str) -> URIRef:
        return self._iri(f"event/{_segment(slug, 'slug')}")

    def zone(self, code: str) -> URIRef:
        return self._iri(f"zone/{DESIGNATION_YEAR}/{_segment(code, 'code')}")

    def task(self, code: str) -> URIRef:
        return URIRef(f"{self.zone(code)}/task")

    def theme_assignment(self, code: str, theme_slug: str) -> URIRef:
        return URIRef(f"{self.zone(code)}/theme/{_segment(theme_slug, 'slug')}")

    def division(self, code: str) -> URIRef:
        return self._iri(f"division/{_segment(code, 'code')}")

    def division_change(self, code: str, year_month: str) -> URIRef:
        return URIRef(f"{self.division(code)}/change/{_segment(year_month, 'year-month')}")

    def theme(self, slug: str) -> URIRef:
        return self._iri(f"theme/{_segment(slug, 'slug')}")

    def scheme(self, slug: str) -> URIRef:
        return self._iri(f"scheme/{_segment(slug, 'slug')}")

    def level(self, slug: str) -> URIRef:
        return self._iri(f"level/{_segment(slug, 'slug')}")

    def division_type(self, slug: str) -> URIRef:
        return self._iri(f"division-type/{_segment(slug, 'slug')}")

    def division_status(self, slug: str) -> URIRef:
        return self._iri(f"division-status/{_segment(slug, 'slug')}")

    def initiative(self, slug: str) -> URIRef:
        return self._iri(f"initiative/{_segment(slug, 'slug')}")

    def query(self, stem: str) -> URIRef:
        return self._iri(f"query/{_segment(stem, 'slug')}")

    def distribution(self, file_name: str) -> URIRef:
        return self._iri(f"dataset/distribution/{quote(file_name, safe='.-')}")

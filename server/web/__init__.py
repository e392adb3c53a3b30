"""The web site: Linked Data pages for every IRI, the site's own pages, the query editor,
the release's documents and downloads. Every page is rendered on the server and works
without JavaScript.

The app registers :data:`BLUEPRINTS` and plugs :func:`~server.web.editor.query_page`
into the SPARQL endpoint as the page browsers get at ``/sparql``.
"""

from __future__ import annotations

from flask import Blueprint

from server.web import crawlers, docs, downloads, pages, resources

__all__ = ["BLUEPRINTS"]

BLUEPRINTS: list[Blueprint] = [downloads.bp, resources.bp, pages.bp, docs.bp, crawlers.bp]

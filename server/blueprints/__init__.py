"""The app's blueprints, registered by :func:`server.create_app` in this order.

To add routes, define a ``Blueprint`` in a module of this package and append it
to :data:`BLUEPRINTS`.
"""

from __future__ import annotations

from flask import Blueprint

from server.blueprints import dumps, graph_store, health, pages_docs, resources, sparql, ui

__all__ = ["BLUEPRINTS"]

BLUEPRINTS: list[Blueprint] = [
    sparql.bp,
    graph_store.bp,
    dumps.bp,
    health.bp,
    resources.bp,
    ui.bp,
    pages_docs.bp,
]

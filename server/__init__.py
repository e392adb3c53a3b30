"""The cgkg server: a read-only SPARQL 1.1 endpoint and Linked Data front over one build.

Run it with ``python -m server --out build`` (granian), or build the WSGI app
with :func:`create_app`. The package imports nothing at first, so that its
query processes (``python -m server.sparql.execution.worker``) start light.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask

    from server.settings import ServerSettings

__all__ = ["create_app"]


def create_app(settings: ServerSettings | None = None) -> Flask:
    """See :func:`server.app.create_app`."""
    from server.app import create_app as factory

    return factory(settings)

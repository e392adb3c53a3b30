"""The cgkg server: a read-only SPARQL 1.1 endpoint and Linked Data front over one build.

Run it with ``python -m server --out build`` (gunicorn), or build the WSGI app
with :func:`create_app`.
"""

from server.app import create_app

__all__ = ["create_app"]

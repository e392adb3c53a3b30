"""Build pipeline of the Community Governance Knowledge Graph.

Sources in ``data/`` become RDF, are validated with SHACL, and are published
as a pyoxigraph store, dumps and a manifest (see ``docs/architecture.md``).
"""

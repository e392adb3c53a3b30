"""Full-text search over the release's texts: the index the build wrote (``search/``),
the ``/search`` API and page, and the SPARQL functions ``search:score`` and
``search:snippet`` evaluated in the query processes (docs/search.md).

Modules: ``errors`` (:class:`SearchError`, a search that cannot be run),
``analysis`` (the analyzer the manifest declares, query phrases, highlights),
``index`` (one release's index), ``service`` (the index of each release this
process serves, on :class:`~server.services.Services`), ``functions`` (the SPARQL
functions), ``views`` (``/search``).
"""

"""HTTP plumbing: one small WSGI wrapper or Flask hook per concern.

The app factory (:func:`server.app.create_app`) stacks them around Flask, outermost
first: :mod:`~server.http.access_log`, :mod:`~server.http.security_headers`,
:mod:`~server.http.cors`,
:mod:`~server.http.limits` (URL length), :mod:`~server.http.ratelimit`,
:mod:`~server.http.cache_hits`; Flask's own responses then pass
:mod:`~server.http.compression` and :mod:`~server.http.conditional`.
"""

"""Who a request comes from, for the rate limit and fair admission.

The client is the peer address of the connection, or, behind ``trusted_proxies``
reverse proxies, the entry of ``X-Forwarded-For`` that the outermost trusted
proxy saw. IPv6 clients are counted by their /64 network, which one
subscriber usually holds whole, so hopping between its addresses does not
give more.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from typing import Any

__all__ = ["client_of"]

_IPV6_NETWORK = 64


def client_of(environ: Mapping[str, Any], trusted_proxies: int) -> str:
    """The client a request counts against."""
    address = str(environ.get("REMOTE_ADDR") or "-")
    if trusted_proxies > 0:
        forwarded = str(environ.get("HTTP_X_FORWARDED_FOR") or "")
        hops = [h.strip() for h in forwarded.split(",") if h.strip()]
        if hops:
            address = hops[max(0, len(hops) - trusted_proxies)]
    if ":" not in address:
        return address
    try:
        network = ipaddress.IPv6Network(f"{address}/{_IPV6_NETWORK}", strict=False)
    except ValueError:
        return address
    return str(network)

"""The service manifest OpenRefine reads when a service is added, and the schema page its
``schemaSpace`` names (the types and properties of this service)."""

from __future__ import annotations

from typing import Any

from server.lookup.describe import type_ref
from server.lookup.reconcile.properties import PROPERTIES
from server.lookup.table import TYPES

__all__ = ["manifest", "schema"]

PREVIEW_WIDTH = 420
PREVIEW_HEIGHT = 180


def manifest(root: str, base_iri: str, version: str) -> dict[str, Any]:
    """``root`` is this server's public URL (no trailing slash)."""
    suggest = {
        kind: {"service_url": root, "service_path": f"/reconcile/suggest/{kind}"}
        for kind in ("entity", "type", "property")
    }
    return {
        "versions": ["0.1", "0.2"],
        "name": "Community Governance Knowledge Graph (cgkg) 社区治理知识图谱",
        "identifierSpace": base_iri,
        "schemaSpace": f"{root}/reconcile/schema",
        "documentation": f"{root}/reconcile/schema",
        "serviceVersion": version,
        "defaultTypes": [type_ref(t) for t in TYPES],
        "view": {"url": f"{root}/{{{{id}}}}"},
        "preview": {
            "url": f"{root}/reconcile/preview?id={{{{id}}}}",
            "width": PREVIEW_WIDTH,
            "height": PREVIEW_HEIGHT,
        },
        "suggest": suggest,
        "extend": {
            "propose_properties": {"service_url": root, "service_path": "/reconcile/properties"},
            "property_settings": [],
        },
    }


def schema() -> dict[str, Any]:
    return {
        "types": [type_ref(t) for t in TYPES],
        "properties": [
            {"id": p.id, "name": p.name, "types": list(p.types)} for p in PROPERTIES.values()
        ],
    }

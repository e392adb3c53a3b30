"""The Reconciliation Service API v0.2 (as OpenRefine 3.x speaks it) at ``/reconcile``,
answered from the lookup's name table: the service manifest, batch queries with types
and ``properties``, preview, suggest (entities, types, properties) and data extension
with property proposals. docs/reconcile.md walks through a spreadsheet."""

"""The flat CSV of the zones, for spreadsheet users, read back from the built store."""

from __future__ import annotations

import csv
import io
from importlib.resources import files

import pyoxigraph as ox

ZONES_CSV_QUERY = files("loader").joinpath("sparql/zones_csv.rq").read_text(encoding="utf-8")


def zones_csv(store: ox.Store) -> bytes:
    """UTF-8 CSV (with BOM, so spreadsheet programs detect the encoding), one row per zone."""
    result = store.query(ZONES_CSV_QUERY, use_default_graph_as_union=True)
    assert isinstance(result, ox.QuerySolutions)  # noqa: S101 - the query is a SELECT
    columns = [v.value for v in result.variables]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    for solution in result:
        writer.writerow([_cell(solution[column]) for column in columns])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _cell(term: object) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.Literal | ox.NamedNode):
        return term.value
    return str(term)

"""Reading the curated CSV tables with their line numbers, so problems can be pointed at."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from loader.errors import BuildError, Problem, fail


@dataclass(frozen=True)
class Row:
    """One CSV record: its cells by column, the file and the line it starts on."""

    file: str
    line: int
    cells: dict[str, str]

    def __getitem__(self, column: str) -> str:
        return self.cells[column]

    def problem(self, rule: str, message: str, column: str | None = None) -> Problem:
        value = self.cells.get(column) if column else None
        return Problem(rule, message, self.file, self.line, None, value)


def read_table(path: Path, display: str, columns: tuple[str, ...]) -> list[Row]:
    """All rows of a UTF-8 CSV with a header holding at least ``columns``.

    A row with too many or too few cells is an error that names its line.
    """
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            return list(_rows(handle, display, columns))
    except FileNotFoundError as exc:
        raise fail("source-present", "required table is missing", file=display) from exc
    except UnicodeDecodeError as exc:
        raise fail("source-utf8", f"not UTF-8: {exc.reason}", file=display) from exc
    except csv.Error as exc:
        raise fail("csv-syntax", str(exc), file=display) from exc


def _rows(handle: Iterable[str], display: str, columns: tuple[str, ...]) -> Iterator[Row]:
    reader = csv.reader(handle)
    header = next(reader, None)
    if header is None:
        raise fail("csv-header", "the file is empty", file=display, line=1)
    header = [name.strip().lstrip("\ufeff") for name in header]
    missing = [name for name in columns if name not in header]
    if missing:
        raise fail("csv-header", f"missing column(s): {', '.join(missing)}", file=display, line=1)
    problems: list[Problem] = []
    line = reader.line_num + 1
    for cells in reader:
        if not any(cell.strip() for cell in cells):
            line = reader.line_num + 1
            continue
        if len(cells) != len(header):
            problems.append(
                Problem(
                    "csv-row-shape",
                    f"{len(cells)} cells where the header has {len(header)}",
                    display,
                    line,
                    None,
                    ",".join(cells)[:60],
                )
            )
        else:
            yield Row(display, line, {k: v.strip() for k, v in zip(header, cells, strict=True)})
        line = reader.line_num + 1
    if problems:
        raise BuildError(problems)

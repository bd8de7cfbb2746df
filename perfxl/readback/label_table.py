"""Where the forms of a sheet lie, and the rows of an indicator table, for forms read by their labels.

- An indicator table's header is a row holding 三级指标 and 实际完成值 (and most of 一级指标, 二级指标,
  年度指标值, 分值, 得分, 偏差原因分析及改进措施); each column is taken from its label, in any order.
- Each 项目名称 label with an indicator table below it (before the next 项目名称) starts a form, so that
  several forms pasted one below another on one sheet are read one by one. A header row met again
  inside a table is the top of a continued printed page, not a new table.
- A table's rows run to its 总分 row (or a footer such as 填报人, or the next form); rows repeating the
  column labels, the side label 绩效指标 or the form's title and year line (typed again at the top of a
  printed page) are skipped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from perfxl.readback.label_grid import (
    HEADER_LABELS,
    INDICATOR_LABELS,
    MAX_LABEL,
    SIDE_LABELS,
    SUBTOTAL_LABELS,
    TOTAL_ROW_LABELS,
    Grid,
    is_footer,
    is_title_line,
    label_kind,
    normalise_label,
)

_COLON = re.compile("[:：]")


@dataclass(frozen=True)
class Table:
    header_row: int  # the row of the column labels (its last row, if they are merged down)
    columns: dict[str, tuple[int, int]]  # row field → (first, last) column of its label
    first_cell: tuple[int, int]  # the 三级指标 label


def _column_labels(grid: Grid) -> dict[int, dict[str, tuple[int, int]]]:
    by_row: dict[int, dict[str, tuple[int, int]]] = {}
    for r, c, label in grid.labels:
        kind = label_kind(label, INDICATOR_LABELS)
        if kind is not None:
            by_row.setdefault(r, {}).setdefault(kind, (r, c))
    return by_row


def header_rows(grid: Grid) -> list[int]:
    """The rows that can head an indicator table: 三级指标 and 实际完成值 among their labels."""
    return sorted(r for r, kinds in _column_labels(grid).items() if "row.name" in kinds and "row.actual" in kinds)


def table_at(grid: Grid, row: int) -> Table:
    """The indicator table headed by ``row`` (one of :func:`header_rows`)."""
    kinds = _column_labels(grid)[row]
    columns = {}
    last_row = row
    for kind, (r, c) in kinds.items():
        span = grid.span(r, c)
        columns[kind] = (span.min_col, span.max_col)
        last_row = max(last_row, span.max_row)
    return Table(last_row, columns, kinds["row.name"])


def head_labels(grid: Grid, rows: range) -> dict[str, tuple[int, int, str | None]]:
    """The labels of the single fields: (row, column, None), or (row, column, value) for "项目名称：业务工作经历"."""
    found: dict[str, tuple[int, int, str | None]] = {
        key: (r, c, None) for key, (r, c) in grid.find(HEADER_LABELS, rows).items()
    }
    for (r, c), value in sorted(grid.cells.items()):
        if r not in rows or not isinstance(value, str):
            continue
        label, *rest = _COLON.split(value.strip(), maxsplit=1)  # the value as typed, not normalised
        key = label_kind(normalise_label(label), HEADER_LABELS) if rest and rest[0].strip() else None
        if key is not None and key not in found:
            found[key] = (r, c, rest[0].strip())
    return found


def _name_rows(grid: Grid) -> list[int]:
    """Every row with a 项目名称 label (alone, or with its value after a colon)."""
    rows = set()
    for (r, _), value in grid.cells.items():
        if not isinstance(value, str):
            continue
        label = _COLON.split(value.strip(), maxsplit=1)[0]
        if label_kind(normalise_label(label), HEADER_LABELS[:1]) is not None:
            rows.add(r)
    return sorted(rows)


@dataclass(frozen=True)
class FormStart:
    name_row: int | None  # the 项目名称 label's row; None for a table without one
    header_row: int  # the first row of its indicator table's header


@dataclass(frozen=True)
class SheetLayout:
    starts: tuple[FormStart, ...]  # the forms, top to bottom
    name_rows: tuple[int, ...]  # every row with a 项目名称 label
    header_rows: tuple[int, ...]  # every row that can head an indicator table

    def bound(self, start: FormStart, max_row: int) -> int:
        """The last row a form may use: the one before the next 项目名称 below its table header."""
        return min((r for r in self.name_rows if r > start.header_row), default=max_row + 1) - 1


def sheet_layout(grid: Grid) -> SheetLayout:
    """The forms of a sheet: each table header with a 项目名称 above it (and below the previous form's
    header) starts a form; so does the first header of a sheet without 项目名称 (it is read, and reported)."""
    names = _name_rows(grid)
    headers = header_rows(grid)
    starts: list[FormStart] = []
    for header in headers:
        previous = starts[-1].header_row if starts else 0
        above = [r for r in names if previous < r < header]
        if above:
            starts.append(FormStart(above[-1], header))
        elif not starts:
            starts.append(FormStart(None, header))
    return SheetLayout(tuple(starts), tuple(names), tuple(headers))


def stop_row(grid: Grid, row: int, table: Table) -> str | None:
    """ "total" for the 总分 row, "subtotal" for a 小计 row, "footer" for 填报人 and the like, else None."""
    reason = table.columns.get("row.reason")
    for c in grid.columns(row):
        label = grid.label(row, c)
        if not label:
            continue
        if label in TOTAL_ROW_LABELS:
            return "total"
        if label in SUBTOTAL_LABELS:
            return "subtotal"
        if (reason is None or not reason[0] <= c <= reason[1]) and is_footer(label):
            return "footer"
    return None


def is_repeated_head(grid: Grid, row: int) -> bool:
    """A row typed again at the top of a printed page: nothing but column labels (merged in any way), the side
    label 绩效指标, or the form's title and year line. An indicator row always holds more than labels."""
    values = grid.row_values(row)
    for _, value in values:
        if not isinstance(value, str):
            return False
        label = normalise_label(value)
        is_column_label = len(label) <= MAX_LABEL and label_kind(label, INDICATOR_LABELS) is not None
        if not (is_column_label or label in SIDE_LABELS or is_title_line(value)):
            return False
    return bool(values)


def row_cell(grid: Grid, row: int, columns: tuple[int, int]) -> tuple[object, int]:
    """The value of a field on an indicator row, within its label's columns: (value, column)."""
    first, last = columns
    for c in range(first, last + 1):
        if (row, c) in grid.cells:
            return grid.cells[(row, c)], c
    return None, first

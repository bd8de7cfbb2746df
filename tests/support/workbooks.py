"""Reading generated workbooks in tests: named fields, formula cells and their cached values."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import openpyxl


def named_values(path: Path) -> dict[str, dict[str, list]]:
    """{sheet: {defined name: [cached values, row by row]}} for every sheet-scoped name."""
    book = openpyxl.load_workbook(path, data_only=True)
    out: dict[str, dict[str, list]] = {}
    for ws in book.worksheets:
        names = {}
        for name, definition in ws.defined_names.items():
            values = []
            for sheet, reference in definition.destinations:
                cells = book[sheet][reference.replace("$", "")]
                rows = cells if isinstance(cells, tuple) else ((cells,),)
                values.extend(c.value for row in rows for c in (row if isinstance(row, tuple) else (row,)))
            names[name] = values
        if names:
            out[ws.title] = names
    return out


def formula_cells(path: Path) -> dict[tuple[str, str], str]:
    """{(sheet, cell): formula} of every formula in the workbook."""
    book = openpyxl.load_workbook(path)
    return {
        (ws.title, c.coordinate): c.value
        for ws in book.worksheets
        for row in ws.iter_rows()
        for c in row
        if isinstance(c.value, str) and c.value.startswith("=")
    }


CELL_WITH_FORMULA = re.compile(rb"<c [^>]*>(?:(?!</c>).)*<f>(?:(?!</c>).)*</c>", re.S)


def formulas_without_cached_value(path: Path) -> list[str]:
    """Formula cells written without a <v> element (what openpyxl saves, and readers show as blank)."""
    missing = []
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/sheet"):
                for cell in CELL_WITH_FORMULA.findall(archive.read(name)):
                    if b"<v>" not in cell and b"<v/>" not in cell and b't="str"' not in cell:
                        missing.append(f"{name}: {cell[:80]!r}")
    return missing

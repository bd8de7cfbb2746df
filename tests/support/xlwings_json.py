"""xlwings' own JSON-backed Book (its remote engine) loaded with a workbook file's cells and names.

It lets perfxl.excel.recalc() run through the real xlwings object model on Linux; the actions it
records are what Excel would be asked to do. The remote engine is licensed PolyForm Noncommercial:
tests run it with the noncommercial key.
"""

from __future__ import annotations

from pathlib import Path

import xlwings as xw

from perfxl.workbook.base import Ref
from perfxl.workbook.xlsx_book import XlsxBook


def _remote_engine(monkeypatch) -> None:
    """Register xlwings' remote engine, which xlwings only does at import when a key is set."""
    monkeypatch.setenv("XLWINGS_LICENSE_KEY", "noncommercial")
    if "remote" not in [engine.name for engine in xw.engines]:
        from xlwings.pro import _xlremote

        xw.engines.add(xw.main.Engine(impl=_xlremote.engine))


def json_book(path: Path, monkeypatch) -> xw.Book:
    _remote_engine(monkeypatch)
    source = XlsxBook(path)
    order = source.sheet_names()
    hidden = source.hidden_sheets()
    sheets, names = [], []
    for index, sheet in enumerate(order):
        cells = source._sheet(sheet).cells
        last_row, last_col = max(r for r, _ in cells), max(c for _, c in cells)
        values = source.values(Ref(sheet, 1, 1, last_row, last_col))
        sheets.append(
            {
                "name": sheet,
                "values": [["" if v is None else v for v in row] for row in values],
                "visibility": "Hidden" if sheet in hidden else "Visible",
                "pictures": [],
                "tables": [],
                "notes": [],
                "notes_supported": True,
            }
        )
        for name, ref in source.names(sheet).items():
            names.append(
                {
                    "name": name,
                    "sheet_index": index,
                    "address": ref.address,
                    "book_scope": False,
                    "scope_sheet_index": index,
                    "scope_sheet_name": sheet,
                    "refers_to": f"='{sheet}'!{ref.address}",
                }
            )
    for name, ref in source.names(None).items():
        names.append(
            {
                "name": name,
                "sheet_index": order.index(ref.sheet),
                "address": ref.address,
                "book_scope": True,
                "scope_sheet_index": None,
                "scope_sheet_name": None,
                "refers_to": f"='{ref.sheet}'!{ref.address}",
            }
        )
    source.close()
    return xw.Book(
        json={
            "client": "Office.js",
            "version": xw.__version__,
            "book": {"name": path.name, "active_sheet_index": 0, "selection": "A1"},
            "names": names,
            "sheets": sheets,
        }
    )

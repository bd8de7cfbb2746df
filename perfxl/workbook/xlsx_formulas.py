"""The cells of an .xlsx package as the formula engine reads them (perfxl.calc.engine.CellSource).

A sheet's formulas are read as the file stores them: ordinary ones from their ``<f>`` text, shared
ones (LibreOffice and Excel write a filled-down column once, in its first cell) by moving the master's
relative references to each cell, array formulas at their anchor cell. Cached values are typed as the
file types them: ``t="e"`` is an error value, ``t="str"`` text, an untyped empty ``<v>`` an empty text.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterator
from typing import TYPE_CHECKING

from lxml import etree

from perfxl.calc.engine import Unsupported
from perfxl.calc.parser import Reference, shift
from perfxl.calc.values import BLANK, ERROR_CODES, ExcelError, Value, from_float
from perfxl.core.numbers import NotANumber
from perfxl.sheetlib.namespaces import SPREADSHEET, clark

if TYPE_CHECKING:
    from perfxl.workbook.xlsx_book import XlsxBook, _Sheet

# What-if tables are Excel's own machinery; array formulas ({=SUM(A1:A3*B1:B3)}) compute element by
# element, which the engine does not: both keep their cached values.
UNSUPPORTED_FORMULAS = ("dataTable", "array")


class _Index:
    """Cells by column, rows sorted: the cells of a range without scanning the sheet."""

    def __init__(self, cells: Iterator[tuple[int, int]]) -> None:
        columns: dict[int, list[int]] = {}
        for row, col in cells:
            columns.setdefault(col, []).append(row)
        self.columns = {col: sorted(rows) for col, rows in columns.items()}
        self.sorted_columns = sorted(self.columns)

    def within(self, ref: Reference) -> Iterator[tuple[int, int]]:
        first = bisect_left(self.sorted_columns, ref.min_col)
        last = bisect_right(self.sorted_columns, ref.max_col)
        for col in self.sorted_columns[first:last]:
            rows = self.columns[col]
            for row in rows[bisect_left(rows, ref.min_row) : bisect_right(rows, ref.max_row)]:
                yield row, col


class SheetFormulas:
    """The formula text of every formula cell of one sheet part."""

    def __init__(self, sheet: _Sheet, formula_tag: str) -> None:
        self.texts: dict[tuple[int, int], str] = {}
        self.unsupported: set[tuple[int, int]] = set()
        masters: dict[str, tuple[int, int, str]] = {}
        children: list[tuple[int, int, str]] = []
        for (row, col), cell in sheet.cells.items():
            formula = cell.find(formula_tag)
            if formula is None:
                continue
            kind = formula.get("t", "normal")
            if kind in UNSUPPORTED_FORMULAS:
                self.unsupported.add((row, col))
                continue
            text = formula.text or ""
            if kind == "shared":
                index = formula.get("si", "")
                if text:
                    masters[index] = (row, col, text)
                    self.texts[(row, col)] = text
                else:
                    children.append((row, col, index))
                continue
            self.texts[(row, col)] = text
        for row, col, index in children:
            master = masters.get(index)
            if master is None:
                self.unsupported.add((row, col))
                continue
            master_row, master_col, text = master
            self.texts[(row, col)] = shift(text, row - master_row, col - master_col)
        self.index = _Index(iter(self.texts))


class XlsxCells:
    """perfxl.calc's view of an XlsxBook: typed constants, formulas, names."""

    def __init__(self, book: XlsxBook) -> None:
        self.book = book
        self._by_folded = {name.casefold(): name for name in book.sheet_names()}
        self._formulas: dict[str, SheetFormulas] = {}
        self._cells: dict[str, _Index] = {}
        self._names: set[tuple[str, str | None]] | None = None

    def sheet(self, name: str) -> str | None:
        return self._by_folded.get(name.casefold())

    def forget(self, sheet: str) -> None:
        """Drop what was worked out for a sheet (formula texts, indexes): worked out again if it is read again."""
        self._formulas.pop(sheet, None)
        self._cells.pop(sheet, None)

    def unsupported(self) -> Iterator[tuple[str, int, int]]:
        """Formula cells of the sheets read so far that are no formula the engine computes (array, what-if
        table, a shared formula whose first cell is missing)."""
        for sheet, formulas in self._formulas.items():
            for row, col in formulas.unsupported:
                yield sheet, row, col

    def _part(self, sheet: str) -> _Sheet:
        return self.book._sheet(sheet)

    def formulas(self, sheet: str) -> dict[tuple[int, int], str]:
        return self.sheet_formulas(sheet).texts

    def sheet_formulas(self, sheet: str) -> SheetFormulas:
        if sheet not in self._formulas:
            self._formulas[sheet] = SheetFormulas(self._part(sheet), _F)
        return self._formulas[sheet]

    def constant(self, sheet: str, row: int, col: int) -> Value:
        cell = self._part(sheet).cells.get((row, col))
        return BLANK if cell is None else cached_value(cell, self.book._shared_strings())

    def occupied(self, sheet: str, area: Reference) -> Iterator[tuple[int, int]]:
        if sheet not in self._cells:
            self._cells[sheet] = _Index(iter(self._part(sheet).cells))
        return self._cells[sheet].within(area)

    def defined_name(self, name: str, sheet: str) -> Reference | None:
        folded = name.casefold()
        for scope in (sheet, None):
            for defined, ref in self.book.names(scope).items():
                if defined.casefold() == folded:
                    return Reference(ref.sheet, ref.min_row, ref.min_col, ref.max_row, ref.max_col)
        if (folded, sheet) in self._all_names() or (folded, None) in self._all_names():
            # A constant (税率 = 0.06), a formula or a whole column: Excel computes it; #NAME? would be wrong.
            raise Unsupported(f"名称 {name} 不是单元格区域，无法计算")
        return None

    def _all_names(self) -> set[tuple[str, str | None]]:
        """Every defined name, case-folded, with its sheet (None: the workbook), whatever it refers to."""
        if self._names is None:
            root = etree.fromstring(self.book.archive.read("xl/workbook.xml"), _XML)
            sheets = self.book.sheet_names()
            self._names = set()
            for element in root.iter(clark(SPREADSHEET, "definedName")):
                index = element.get("localSheetId", "")
                scope = sheets[int(index)] if index.isdigit() and int(index) < len(sheets) else None
                self._names.add(((element.get("name") or "").casefold(), scope))
        return self._names


_XML = etree.XMLParser(resolve_entities=False, no_network=True)
_F, _V, _IS, _T, _RPH = (clark(SPREADSHEET, tag) for tag in ("f", "v", "is", "t", "rPh"))


def cached_value(cell: etree._Element, strings: list[str]) -> Value:
    """A cell's stored value in the engine's model (a formula cell's: its cached result)."""
    kind = cell.get("t", "n")
    if kind == "inlineStr":
        inline = cell.find(_IS)
        if inline is None:
            return BLANK  # <c t="inlineStr"/> (openpyxl's ""): no content, as Excel and LibreOffice read it
        return "".join(t.text or "" for t in inline.iter(_T) if t.getparent().tag != _RPH)
    text = cell.findtext(_V)
    if text is None:
        return BLANK
    if kind == "s":
        return strings[int(text)] if text.isdigit() and int(text) < len(strings) else BLANK
    if kind == "b":
        return text.strip() == "1"
    if kind == "e":
        code = text.strip().upper()
        return ExcelError(code if code in ERROR_CODES else "#VALUE!")
    if kind in ("str", "d") or text == "":
        return text
    try:
        return from_float(float(text))
    except (ValueError, NotANumber):
        return text


def needs_writing(cell: etree._Element, current: Value, value: Value) -> bool:
    """Whether a formula cell's cached result must be rewritten to hold ``value``."""
    if cell.findtext(_V) == "" and cell.get("t") is None:
        return True  # an untyped empty result: spreadsheets take it as "not yet calculated"
    return type(current) is not type(value) or current != value

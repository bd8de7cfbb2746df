"""A tiny in-memory workbook for the formula engine's unit tests (a perfxl.calc.engine.CellSource).

Cells are given as Python values: text starting with "=" is a formula, None or a missing cell is empty,
floats and ints are numbers, ExcelError instances are error constants.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from perfxl.calc import BUILTINS, Engine
from perfxl.calc.engine import Function
from perfxl.calc.parser import Reference
from perfxl.calc.values import BLANK, ExcelError, Value, cell_constant


class MemoryCells:
    """Sheets of cells in memory; a formula cell's cached value is ``cached`` (BLANK by default)."""

    def __init__(
        self,
        sheets: Mapping[str, Mapping[tuple[int, int], object]],
        names: Mapping[str, Reference] | None = None,
        cached: Mapping[tuple[str, int, int], object] | None = None,
    ) -> None:
        self.sheets = {name: dict(cells) for name, cells in sheets.items()}
        self.names = dict(names or {})
        self.cached = dict(cached or {})
        self.reads = 0  # cells whose value the engine asked for: proves ranges are read sparsely
        self._formulas = {
            name: {key: value for key, value in cells.items() if isinstance(value, str) and value.startswith("=")}
            for name, cells in self.sheets.items()
        }

    def sheet(self, name: str) -> str | None:
        return next((sheet for sheet in self.sheets if sheet.casefold() == name.casefold()), None)

    def constant(self, sheet: str, row: int, col: int) -> Value:
        self.reads += 1
        if (row, col) in self._formulas[sheet]:
            return cell_constant(self.cached.get((sheet, row, col)))
        value = self.sheets[sheet].get((row, col))
        return value if isinstance(value, ExcelError) else cell_constant(value)

    def formulas(self, sheet: str) -> Mapping[tuple[int, int], str]:
        return self._formulas[sheet]

    def occupied(self, sheet: str, area: Reference) -> Iterator[tuple[int, int]]:
        for row, col in self.sheets[sheet]:
            if area.min_row <= row <= area.max_row and area.min_col <= col <= area.max_col:
                yield row, col

    def defined_name(self, name: str, sheet: str) -> Reference | None:
        return next((ref for defined, ref in self.names.items() if defined.casefold() == name.casefold()), None)


def address(text: str) -> tuple[int, int]:
    """ "B3" → (3, 2)."""
    from openpyxl.utils.cell import column_index_from_string, coordinate_from_string

    letters, row = coordinate_from_string(text)
    return row, column_index_from_string(letters)


def sheet_of(cells: Mapping[str, object]) -> dict[tuple[int, int], object]:
    """{"A1": 5, "B1": "=A1*2"} → {(1, 1): 5, (1, 2): "=A1*2"}."""
    return {address(key): value for key, value in cells.items()}


def engine_for(
    cells: Mapping[str, object],
    *,
    sheet: str = "S",
    functions: Mapping[str, Function] = BUILTINS,
    cached: Mapping[str, object] | None = None,
    names: Mapping[str, Reference] | None = None,
    **other_sheets: Mapping[str, object],
) -> tuple[Engine, MemoryCells]:
    """An engine over sheet ``sheet`` holding ``cells`` (and other sheets); ``cached``: formula results saved."""
    sheets = {sheet: sheet_of(cells), **{name: sheet_of(more) for name, more in other_sheets.items()}}
    saved = {(sheet, *address(key)): value for key, value in (cached or {}).items()}
    source = MemoryCells(sheets, names, saved)
    return Engine(source, functions), source


def evaluate(
    formula: str,
    cells: Mapping[str, object] | None = None,
    *,
    at: str = "Z100",
    functions: Mapping[str, Function] = BUILTINS,
) -> Value:
    """The value of one formula typed into cell ``at`` of sheet "S" holding ``cells``."""
    engine, _ = engine_for({**(cells or {}), at: formula}, functions=functions)
    return engine.value("S", *address(at))


__all__ = ["BLANK", "MemoryCells", "address", "engine_for", "evaluate", "sheet_of"]

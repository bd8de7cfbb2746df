"""References and the Book interface."""

from __future__ import annotations

import abc
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from perfxl.sheetlib.addresses import column_number, range_address, unquote_sheet
from perfxl.workbook.protection import Protection

_REFERENCE = re.compile(
    r"^(?:(?P<sheet>'(?:[^']|'')+'|[^!]+)!)?\$?(?P<c1>[A-Z]{1,3})\$?(?P<r1>\d+)"
    r"(?::\$?(?P<c2>[A-Z]{1,3})\$?(?P<r2>\d+))?$"
)


@dataclass(frozen=True)
class Ref:
    """A rectangle of cells on one sheet (1-based, inclusive)."""

    sheet: str
    min_row: int
    min_col: int
    max_row: int
    max_col: int

    @classmethod
    def cell(cls, sheet: str, row: int, col: int) -> Ref:
        return cls(sheet, row, col, row, col)

    @property
    def address(self) -> str:
        return range_address(self.min_row, self.min_col, self.max_row, self.max_col)

    @property
    def rows(self) -> int:
        return self.max_row - self.min_row + 1

    def cells(self) -> list[Ref]:
        """Each cell of the rectangle, row by row."""
        return [
            Ref.cell(self.sheet, r, c)
            for r in range(self.min_row, self.max_row + 1)
            for c in range(self.min_col, self.max_col + 1)
        ]

    def __str__(self) -> str:
        return f"{self.sheet}!{self.address}"


def parse_reference(text: str, default_sheet: str | None = None) -> Ref | None:
    """``'Sheet'!$H$13:$H$34`` → Ref; None for what is not a plain cell or range reference."""
    match = _REFERENCE.match(text.strip().lstrip("="))
    if match is None:
        return None
    sheet = match.group("sheet")
    if sheet is None:
        if default_sheet is None:
            return None
        sheet = default_sheet
    else:
        sheet = unquote_sheet(sheet)
    r1, c1 = int(match.group("r1")), column_number(match.group("c1"))
    r2 = int(match.group("r2") or r1)
    c2 = column_number(match.group("c2") or match.group("c1"))
    return Ref(sheet, min(r1, r2), min(c1, c2), max(r1, r2), max(c1, c2))


def cell_text(value: object) -> str:
    """A cell value as text: whole numbers without ".0" (a weight typed 5 reads back as 5.0), stripped."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


@dataclass(frozen=True)
class Calculation:
    """What a Book's :meth:`Book.calculate` did: the formula cells it could not compute, and why."""

    uncomputed: Mapping[str, str] = field(default_factory=dict)  # "Sheet!H12" → reason, in Chinese


class Book(abc.ABC):
    """A workbook as recalculation and checking see it, whatever the engine behind it.

    One checked interface, as xlwings' engines implement its ``base_classes``: every engine
    (:class:`~perfxl.workbook.xlsx_book.XlsxBook` on files, :class:`~perfxl.workbook.xlwings_book.XlwingsBook`
    inside Excel) subclasses it. The abstract methods are what every engine does; the others are optional
    capabilities, which raise NotImplementedError here and are overridden by the engines that have them.
    Code that can do without a capability catches NotImplementedError; code that cannot lets it through.
    """

    name: str  # the workbook's file name

    # -- reading --------------------------------------------------------------------------------

    @abc.abstractmethod
    def sheet_names(self) -> list[str]:
        """Every sheet, in workbook order."""

    @abc.abstractmethod
    def hidden_sheets(self) -> set[str]:
        """The sheets the user does not see (hidden or very hidden)."""

    @abc.abstractmethod
    def names(self, sheet: str | None) -> dict[str, Ref]:
        """Defined names scoped to ``sheet`` (None: workbook scope) that refer to cells."""

    @abc.abstractmethod
    def values(self, ref: Ref) -> list[list[object]]:
        """Cell values (formula cells: their current results), row by row; None for empty cells."""

    @abc.abstractmethod
    def formulas(self, ref: Ref) -> list[list[bool]]:
        """Which cells hold formulas, row by row.

        Raises NotImplementedError where the engine behind cannot tell (xlwings' remote engine).
        """

    @abc.abstractmethod
    def number_formats(self, ref: Ref) -> list[list[str]]:
        """The number format code of each cell ("General", "0.00%"…), row by row."""

    # -- computing and letting go ---------------------------------------------------------------

    @abc.abstractmethod
    def calculate(self, functions: Mapping[str, Callable[..., Any]]) -> Calculation:
        """Bring every formula's result up to date, as the spreadsheet would show it.

        ``functions``: the engine's worksheet functions by name (perfxl.calc), for an engine that
        computes through perfxl; a spreadsheet application computes with its own.
        """

    @abc.abstractmethod
    def release(self, sheet: str, *, keep_changes: bool) -> None:
        """perfxl is done with a sheet: an engine may free what it holds for it (``keep_changes``: what was
        written to it is kept for saving)."""

    # -- protection (perfxl.workbook.protection) ------------------------------------------------

    @abc.abstractmethod
    def protection(self, sheet: str) -> Protection | None:
        """The sheet's protection; None when it is not protected.

        Raises NotImplementedError where the engine behind has no protection to ask about.
        """

    @abc.abstractmethod
    def set_protection(self, sheet: str, protection: Protection | None) -> None:
        """Protect the sheet as ``protection`` says, or unprotect it (None).

        Raises ProtectionError for a sheet whose password perfxl does not know.
        """

    # -- writing --------------------------------------------------------------------------------

    @abc.abstractmethod
    def set_value(self, ref: Ref, value: object) -> None:
        """A plain value, for cells perfxl itself fills (status, stamp)."""

    @abc.abstractmethod
    def save(self, target: str | os.PathLike[str] | None = None) -> Path:
        """Save the workbook (default: where it is); the path saved to."""

    # -- optional capabilities ------------------------------------------------------------------

    def cell_values(self, sheet: str) -> dict[tuple[int, int], object]:
        """(row, column) → value of every cell of a sheet that holds one: the sheet as a sparse grid.

        Reading a form by its labels needs it (perfxl.readback.label_grid).
        """
        raise self._unsupported("cell_values", "list a sheet's cells")

    def merged_ranges(self, sheet: str) -> list[Ref]:
        """The merged ranges of a sheet (only their top-left cell holds a value).

        Reading a form by its labels needs it (perfxl.readback.label_grid).
        """
        raise self._unsupported("merged_ranges", "list a sheet's merged ranges")

    def locked(self, ref: Ref) -> bool:
        """Whether a cell is locked (what sheet protection guards)."""
        raise self._unsupported("locked", "tell whether a cell is locked")

    def mark(self, ref: Ref, text: str | None) -> None:
        """Put perfxl's note with its findings on a cell, or remove perfxl's note (None); notes someone else
        wrote are left alone."""
        raise self._unsupported("mark", "put notes on cells")

    def _unsupported(self, member: str, what: str) -> NotImplementedError:
        """The error an engine raises for a capability it does not have (or the engine behind it lacks)."""
        return NotImplementedError(f"{type(self).__name__} cannot {what} (optional Book capability {member}())")

"""A Book over xlwings' JSON-backed workbook that enforces sheet protection as desktop Excel does.

Excel refuses a macro's write to a locked cell of a protected sheet (a COM error) and a note on one;
xlwings' remote engine and the file engine enforce nothing. This Book raises where Excel would, with
each sheet's protection and each cell's locked flag taken from the workbook file, so that the button's
recalculation is tested against the rule it meets in Excel. Protect and unprotect change its state as
Excel's Worksheet.Protect/Unprotect would; every call is recorded.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from perfxl.workbook.base import Ref
from perfxl.workbook.protection import Protection
from perfxl.workbook.xlsx_book import XlsxBook
from perfxl.workbook.xlwings_book import XlwingsBook


class LockedCellError(RuntimeError):
    """What Excel raises: "The cell or chart you're trying to change is on a protected sheet"."""


class ProtectingBook(XlwingsBook):
    def __init__(self, book: Any, path: Path) -> None:
        super().__init__(book)
        self.file = XlsxBook(path)  # the same workbook as a file: each cell's locked flag
        self.state = {sheet: self.file.protection(sheet) for sheet in self.file.sheet_names()}
        self.calls: list[tuple[str, str, object]] = []

    def locked(self, ref: Ref) -> bool:
        return self.file.locked(ref)

    def _guard(self, ref: Ref, what: str) -> None:
        if self.state.get(ref.sheet) is not None and self.locked(ref):
            raise LockedCellError(f"{what} {ref}: the cell is on a protected sheet")

    def protection(self, sheet: str) -> Protection | None:
        return self.state.get(sheet)

    def set_protection(self, sheet: str, protection: Protection | None) -> None:
        self.calls.append(("protect" if protection else "unprotect", sheet, protection))
        self.state[sheet] = protection

    def set_value(self, ref: Ref, value: object) -> None:
        self._guard(ref, "write")
        super().set_value(ref, value)

    def mark(self, ref: Ref, text: str | None) -> None:
        self._guard(ref, "note")
        super().mark(ref, text)

"""A Book over a workbook open in Excel, through xlwings (the 重新计算 button's engine).

Excel computes the formula cells itself (the UDFs run in the same Python): :meth:`XlwingsBook.calculate`
asks it to, and perfxl then reads what the cells show. Findings become cell notes,
which change no cell's style and are removed at the next recalculation once resolved.

What an xlwings engine cannot do synchronously (its remote engine reads no formulas, no sheet protection)
raises NotImplementedError, as the Book interface says; the sheet grid that reading a form by its labels
needs is not implemented here (hand-made forms are read from files, never through the button).
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from perfxl.contract.texts import NOTE_PREFIX
from perfxl.workbook.base import Book, Calculation, Ref, parse_reference
from perfxl.workbook.protection import Protection, ProtectionError

# Excel's Worksheet.Protect arguments, by Protection field (they name what stays allowed).
PROTECT_ARGUMENTS = {
    "format_cells": "AllowFormattingCells",
    "format_columns": "AllowFormattingColumns",
    "format_rows": "AllowFormattingRows",
    "insert_columns": "AllowInsertingColumns",
    "insert_rows": "AllowInsertingRows",
    "insert_hyperlinks": "AllowInsertingHyperlinks",
    "delete_columns": "AllowDeletingColumns",
    "delete_rows": "AllowDeletingRows",
    "sort": "AllowSorting",
    "auto_filter": "AllowFiltering",
    "pivot_tables": "AllowUsingPivotTables",
}


class XlwingsBook(Book):
    """Book implementation over an xlwings.Book: Excel through COM, or xlwings' JSON-backed remote engine."""

    def __init__(self, book: Any) -> None:  # an xlwings.Book
        self.book = book
        self.name = book.name

    def sheet_names(self) -> list[str]:
        return [sheet.name for sheet in self.book.sheets]

    def hidden_sheets(self) -> set[str]:
        return {sheet.name for sheet in self.book.sheets if not sheet.visible}

    def names(self, sheet: str | None) -> dict[str, Ref]:
        collection = self.book.names if sheet is None else self.book.sheets[sheet].names
        out: dict[str, Ref] = {}
        for name in collection:
            full = name.name
            scoped = "!" in full
            if (sheet is None) == scoped:
                continue  # Excel lists sheet names in the workbook collection too
            ref = parse_reference(name.refers_to)
            if ref is not None:
                out[full.rsplit("!", 1)[-1]] = ref
        return out

    def _range(self, ref: Ref) -> Any:
        return self.book.sheets[ref.sheet].range(ref.address)

    def values(self, ref: Ref) -> list[list[object]]:
        rows = self._range(ref).options(ndim=2).value
        return [list(row) for row in rows]

    def formulas(self, ref: Ref) -> list[list[bool]]:
        try:
            formulas = self._range(ref).options(ndim=2).formula
        except NotImplementedError:  # xlwings' remote engine cannot read formulas synchronously
            raise self._unsupported("formulas", "tell formula cells through this xlwings engine") from None
        if isinstance(formulas, str):
            formulas = ((formulas,),)
        return [[isinstance(f, str) and f.startswith("=") for f in row] for row in formulas]

    def number_formats(self, ref: Ref) -> list[list[str]]:
        sheet = self.book.sheets[ref.sheet]
        out = []
        for row in range(ref.min_row, ref.max_row + 1):
            line = []
            for col in range(ref.min_col, ref.max_col + 1):
                try:
                    line.append(sheet.range((row, col)).number_format or "General")
                except NotImplementedError:  # xlwings' remote engine does not send formats
                    line.append("General")
            out.append(line)
        return out

    def set_value(self, ref: Ref, value: object) -> None:
        self._range(ref).value = value

    def mark(self, ref: Ref, text: str | None) -> None:
        cell = self._range(ref)
        note = cell.note
        if note is not None and _text_of(note).startswith(NOTE_PREFIX):
            note.delete()
            note = None
        if text is not None and note is None:
            cell.add_note(text)

    def protection(self, sheet: str) -> Protection | None:
        """Through Excel's object model (Windows); NotImplementedError where the engine has none to ask."""
        try:
            api = self.book.sheets[sheet].api
            if not (api.ProtectContents or api.ProtectDrawingObjects or api.ProtectScenarios):
                return None
            allowed = api.Protection
            selection = int(api.EnableSelection)  # xlNoRestrictions 0, xlUnlockedCells 1, xlNoSelection -4142
            return Protection(
                objects=not api.ProtectDrawingObjects,
                scenarios=not api.ProtectScenarios,
                **{name: bool(getattr(allowed, argument)) for name, argument in PROTECT_ARGUMENTS.items()},
                select_locked_cells=selection == 0,
                select_unlocked_cells=selection in (0, 1),
                # Excel does not say whether a password is set; unprotecting such a sheet fails instead.
            )
        except (AttributeError, NotImplementedError):  # no Worksheet object model behind this engine
            raise self._unsupported("protection", "read sheet protection through this xlwings engine") from None

    def set_protection(self, sheet: str, protection: Protection | None) -> None:
        api = self.book.sheets[sheet].api
        if not hasattr(api, "Protect"):  # no Worksheet object model behind this engine
            raise self._unsupported("set_protection", "protect sheets through this xlwings engine")
        try:
            if protection is None:
                api.Unprotect()
                return
        except Exception as exc:  # COM refuses without the password
            raise ProtectionError(
                f"工作表「{sheet}」无法撤销保护（{exc}）：可能设置了保护密码，请先撤销工作表保护后再重新计算"
            ) from None
        api.Protect(
            DrawingObjects=not protection.objects,
            Contents=True,
            Scenarios=not protection.scenarios,
            **{argument: getattr(protection, name) for name, argument in PROTECT_ARGUMENTS.items()},
        )
        api.EnableSelection = (
            0 if protection.select_locked_cells else (1 if protection.select_unlocked_cells else -4142)
        )

    def release(self, sheet: str, *, keep_changes: bool) -> None:
        """Excel holds the workbook: nothing to free."""

    def save(self, target: str | os.PathLike[str] | None = None) -> Path:
        """Excel saves the workbook (xlwings' remote engine: only in place, by its client)."""
        self.book.save(None if target is None else os.fspath(target))
        return Path(target) if target is not None else Path(self.book.fullname)

    def calculate(self, functions: Mapping[str, Callable[..., Any]]) -> Calculation:
        """Excel computes with its own functions and perfxl's UDFs (the same Python): ``functions`` unused."""
        del functions
        # The remote engine has no application to drive: its client recalculates.
        with contextlib.suppress(AttributeError, NotImplementedError):
            self.book.app.calculate()
        return Calculation()


def _text_of(note: Any) -> str:
    """A note's text; "" where the engine cannot read it (xlwings' remote engine): then it stays."""
    try:
        return note.text
    except NotImplementedError:
        return ""

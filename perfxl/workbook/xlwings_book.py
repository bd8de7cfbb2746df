"""A Book over a workbook open in Excel, through xlwings (the 重新计算 button's engine).

Excel computes the formula cells itself (the UDFs run in the same Python), so computed values are not
written: after perfxl's own cells are filled, Excel is asked to calculate. Findings become cell notes,
which change no cell's style and are removed at the next recalculation once resolved.
"""

from __future__ import annotations

import contextlib
from typing import Any

from perfxl.forms.recalc import NOTE_PREFIX
from perfxl.workbook.base import Ref, parse_reference


class XlwingsBook:
    def __init__(self, book: Any) -> None:  # an xlwings.Book
        self.book = book
        self.name = book.name

    def sheet_names(self) -> list[str]:
        return [sheet.name for sheet in self.book.sheets]

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

    def formulas(self, ref: Ref) -> list[list[bool]] | None:
        try:
            formulas = self._range(ref).options(ndim=2).formula
        except NotImplementedError:  # xlwings' remote engine cannot read formulas synchronously
            return None
        if isinstance(formulas, str):
            formulas = ((formulas,),)
        return [[isinstance(f, str) and f.startswith("=") for f in row] for row in formulas]

    def set_computed(self, ref: Ref, value: object) -> None:
        """Excel computes formula cells itself; see :meth:`calculate`."""

    def set_value(self, ref: Ref, value: object) -> None:
        self._range(ref).value = value

    def mark(self, ref: Ref, text: str | None) -> None:
        """Put perfxl's note on a cell, or remove it; notes someone else wrote are left alone."""
        cell = self._range(ref)
        note = cell.note
        if note is not None and _text_of(note).startswith(NOTE_PREFIX):
            note.delete()
            note = None
        if text is not None and note is None:
            cell.add_note(text)

    def calculate(self) -> None:
        # The remote engine has no application to drive: its client recalculates.
        with contextlib.suppress(AttributeError, NotImplementedError):
            self.book.app.calculate()


def _text_of(note: Any) -> str:
    """A note's text; "" where the engine cannot read it (xlwings' remote engine): then it stays."""
    try:
        return note.text
    except NotImplementedError:
        return ""

"""Desktop Excel integration: the 重新计算 button's entry point, the UDF wrappers and the VBA project.

The button runs ``RunPython "import perfxl.excel as m; m.recalc()"`` (the VBA lives in the form).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from perfxl.forms.recalc import FormOutcome


def recalc(book: Any = None) -> list[FormOutcome]:
    """Recalculate and check every form of the workbook that called (or ``book``, an xlwings.Book).

    Writes each form's summary and stamp, marks the cells that have findings with notes, and has
    Excel recalculate its formulas.
    """
    from perfxl.forms.recalc import recalculate_book, stamp_text
    from perfxl.workbook.xlwings_book import XlwingsBook

    if book is None:
        import xlwings as xw

        book = xw.Book.caller()
    adapter = XlwingsBook(book)
    outcomes = recalculate_book(adapter, marker=adapter.mark, stamp=stamp_text())
    adapter.calculate()
    return outcomes

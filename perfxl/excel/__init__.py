"""Desktop Excel integration: the 重新计算 button's entry point, the UDF wrappers and the VBA project.

The button runs ``RunPython "import perfxl.excel as m; m.recalc()"`` (the VBA lives in the form).
"""

from __future__ import annotations

import contextlib
import logging
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from perfxl.readback.recalc import FormOutcome
    from perfxl.workbook.xlwings_book import XlwingsBook


def recalc(book: Any = None) -> list[FormOutcome]:
    """Recalculate and check every form of the workbook that called (or ``book``, an xlwings.Book).

    Has Excel recalculate its formulas, then writes each form's summary and stamp and marks the cells
    that have findings with notes. When the form's macros need another xlwings than the PC's (its UDF
    cells then show errors), says so in the summary cells and in a message box.
    """
    from perfxl import debuglog
    from perfxl.workbook.xlwings_book import XlwingsBook

    debuglog.enable()
    try:
        if book is None:
            import xlwings as xw

            book = xw.Book.caller()
        return recalc_through(XlwingsBook(book))
    except Exception:  # xlwings shows the error to the officer; the traceback goes to the log as well
        logging.getLogger("perfxl.excel").exception("the 重新计算 button failed")
        raise


def recalc_through(adapter: XlwingsBook) -> list[FormOutcome]:
    """:func:`recalc` on a Book over the open workbook (tests pass one that enforces protection)."""
    from perfxl.excel.versions import button_version_problem
    from perfxl.readback.recalc import recalculate_book, stamp_text

    problem = button_version_problem(adapter.book)
    outcomes = recalculate_book(adapter, marker=adapter.mark, stamp=stamp_text(), notice=problem)
    if problem is not None:
        with contextlib.suppress(AttributeError, NotImplementedError):  # an engine without message boxes
            adapter.book.app.alert(problem, title="perfxl：xlwings 版本不一致")
    return outcomes

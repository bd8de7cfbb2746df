"""Sheet protection as every engine expresses it, and writing to protected sheets.

A form sheet is protected (no password) so that officers type only where they should. Excel refuses
a macro's write to a locked cell of a protected sheet, and a note on one; perfxl's own writes (the
summary, the stamp, the marks) therefore happen with the sheet unprotected, and the protection is put
back exactly as it was, also when something fails in between (:func:`unprotected`).

:class:`Protection` holds what [ECMA-376] ``<sheetProtection>`` and Excel's ``Worksheet.Protect`` both
say: which things stay allowed to the user while the sheet is protected.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

from perfxl.core.errors import PerfxlError

if TYPE_CHECKING:
    from perfxl.workbook.base import Book  # which declares protection() and set_protection()


class ProtectionError(PerfxlError):
    """A sheet perfxl may not unprotect (a password it does not know); the text says so in Chinese."""


@dataclass(frozen=True)
class Protection:
    """A sheet's protection: ``True`` for each action the user keeps while the sheet is protected."""

    objects: bool = False  # editing shapes and notes (Excel: not DrawingObjects)
    scenarios: bool = False
    format_cells: bool = False
    format_columns: bool = False
    format_rows: bool = False
    insert_columns: bool = False
    insert_rows: bool = False
    insert_hyperlinks: bool = False
    delete_columns: bool = False
    delete_rows: bool = False
    sort: bool = False
    auto_filter: bool = False
    pivot_tables: bool = False
    select_locked_cells: bool = True
    select_unlocked_cells: bool = True
    has_password: bool = False


@contextmanager
def unprotected(book: Book, sheets: Iterable[str]) -> Iterator[None]:
    """The sheets unprotected while the block runs, then protected again with the same options.

    A sheet whose protection the engine cannot read (xlwings' remote engine) is left as it is: perfxl's
    writes to it go through as they would without this block.
    """
    restore: list[tuple[str, Protection]] = []
    try:
        for sheet in dict.fromkeys(sheets):
            try:
                protection = book.protection(sheet)
            except NotImplementedError:
                continue
            if protection is None:
                continue
            if protection.has_password:
                raise ProtectionError(
                    f"工作表「{sheet}」设置了保护密码，perfxl 无法写入：请先撤销工作表保护后再重新计算"
                )
            book.set_protection(sheet, None)
            restore.append((sheet, protection))
        yield
    finally:
        for sheet, protection in reversed(restore):
            book.set_protection(sheet, protection)

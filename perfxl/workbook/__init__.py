"""One small interface to a workbook, with an implementation per engine.

The recalculation and checking logic (perfxl.forms) talks only to :class:`Book`: openpyxl-backed for
files on any machine (perfxl.workbook.openpyxl_book), xlwings-backed inside Excel
(perfxl.workbook.xlwings_book), as xlwings keeps one object model in front of its engines.
"""

from perfxl.workbook.base import Book, Ref, parse_reference

__all__ = ["Book", "Ref", "parse_reference"]

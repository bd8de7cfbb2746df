"""One checked interface to a workbook, with an implementation per engine.

The recalculation and checking logic (perfxl.readback) talks only to :class:`Book`, an abstract base class
both engines subclass, as xlwings' engines implement its ``base_classes``: the XML engine for files on any
machine (perfxl.workbook.xlsx_book), xlwings inside Excel (perfxl.workbook.xlwings_book). What an engine
lacks raises NotImplementedError.
"""

from perfxl.workbook.base import Book, Calculation, Ref, parse_reference

__all__ = ["Book", "Calculation", "Ref", "parse_reference"]

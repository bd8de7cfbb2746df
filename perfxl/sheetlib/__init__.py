"""Spreadsheet helpers and constants, each stated once (the role ``xlsxwriter.utility`` and
``openpyxl.xml.constants`` play in those libraries): cell addresses and sheet-name quoting
(:mod:`~perfxl.sheetlib.addresses`), the OOXML namespaces (:mod:`~perfxl.sheetlib.namespaces`), Excel's
built-in number formats (:mod:`~perfxl.sheetlib.number_formats`) and the check that a file is a workbook
package safe to open (:mod:`~perfxl.sheetlib.package`).

What the scoring core needs as well (the blank-cell test, NFKC folding, a number as text) lives in
perfxl.core (:mod:`perfxl.core.cells`, :mod:`perfxl.core.numbers`), which imports nothing outside itself.
Nothing here imports openpyxl: the headless batch reads and writes workbooks without it.
"""

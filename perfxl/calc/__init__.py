"""A small spreadsheet engine: perfxl computes a form's own formulas the way Excel, WPS and LibreOffice do.

What a form shows is what its formulas give; perfxl's checks compare that with the scoring core, and
``perfxl recalc`` caches it. Pure: no I/O and no spreadsheet library; a workbook reaches the engine
through :class:`perfxl.calc.engine.CellSource`.
"""

from perfxl.calc.engine import Engine, Unsupported
from perfxl.calc.functions import BUILTINS, udf
from perfxl.calc.values import BLANK, ExcelError

__all__ = ["BLANK", "BUILTINS", "Engine", "ExcelError", "Unsupported", "udf"]

"""The worksheet functions a form's formulas may call, as perfxl's engine computes them.

Excel's own functions from perfxl.calc, and perfxl's UDFs exactly as xlwings would call them from a
udf-mode form: the engine computes a udf form the way Excel with Python does.
"""

from __future__ import annotations

from perfxl.calc import BUILTINS, udf
from perfxl.calc.engine import Function
from perfxl.udfs import UDFS

FORM_FUNCTIONS: dict[str, Function] = {**BUILTINS, **{function.__name__: udf(function) for function in UDFS}}

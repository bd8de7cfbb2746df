"""The worksheet functions a form's formulas may call, as perfxl's engine computes them.

Excel's own functions from perfxl.calc, and the PERF_* functions of the form contract, called as
xlwings calls perfxl.udfs from a udf-mode form (whose wrappers call the same functions): the engine
computes a udf form the way Excel with Python does.
"""

from __future__ import annotations

from perfxl.calc import BUILTINS, udf
from perfxl.calc.engine import Function
from perfxl.contract.functions import UDFS

FORM_FUNCTIONS: dict[str, Function] = {**BUILTINS, **{name: udf(function) for name, function in UDFS.items()}}

"""An xlsxwriter worksheet that skips its per-formula scan for functions newer than Excel 2010.

xlsxwriter runs some thirty regular expressions over every formula to add ``_xlfn.`` prefixes to
dynamic-array functions; that is a third of the time of writing a form. A formula naming none of
those functions comes out of that scan unchanged, which one combined expression decides.
"""

from __future__ import annotations

import re

from xlsxwriter.worksheet import Worksheet

# The functions xlsxwriter's _prepare_formula prefixes even when future functions are off.
_DYNAMIC = re.compile(
    r"(?:ANCHORARRAY|BYCOL|BYROW|CHOOSECOLS|CHOOSEROWS|DROP|EXPAND|FILTER|HSTACK|LAMBDA|MAKEARRAY|MAP|RANDARRAY|"
    r"REDUCE|SCAN|SINGLE|SEQUENCE|SORT|SORTBY|SWITCH|TAKE|TEXTSPLIT|TOCOL|TOROW|UNIQUE|VSTACK|WRAPCOLS|"
    r"WRAPROWS|XLOOKUP)\("
)


class FastFormulaWorksheet(Worksheet):
    def _prepare_formula(self, formula: str, expand_future_functions: bool = False) -> str:
        if self.use_future_functions or expand_future_functions or "_xlfn." in formula or _DYNAMIC.search(formula):
            return super()._prepare_formula(formula, expand_future_functions)
        if formula.startswith("{"):
            formula = formula[1:]
        if formula.startswith("="):
            formula = formula[1:]
        if formula.endswith("}"):
            formula = formula[:-1]
        return formula

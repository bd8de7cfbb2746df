"""The xlsxwriter worksheet of generated forms: formulas written fast, empty results typed as Excel does.

xlsxwriter runs some thirty regular expressions over every formula to add ``_xlfn.`` prefixes to
dynamic-array functions; that is a third of the time of writing a form. A formula naming none of
those functions comes out of that scan unchanged, which one combined expression decides.

xlsxwriter writes an empty text result as an untyped ``<v></v>`` on purpose, so that other programs
recalculate the cell; LibreOffice does so on open, and shows #NAME? or #VALUE! for a udf form's
formulas it cannot compute. Excel saves an empty text result as ``t="str"`` with an empty value: so
do perfxl's forms, and nothing recalculates on open.
"""

from __future__ import annotations

import re

from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

# The functions xlsxwriter's _prepare_formula prefixes even when future functions are off.
_DYNAMIC = re.compile(
    r"(?:ANCHORARRAY|BYCOL|BYROW|CHOOSECOLS|CHOOSEROWS|DROP|EXPAND|FILTER|HSTACK|LAMBDA|MAKEARRAY|MAP|RANDARRAY|"
    r"REDUCE|SCAN|SINGLE|SEQUENCE|SORT|SORTBY|SWITCH|TAKE|TEXTSPLIT|TOCOL|TOROW|UNIQUE|VSTACK|WRAPCOLS|"
    r"WRAPROWS|XLOOKUP)\("
)


class _EmptyText(str):
    """An empty text that xlsxwriter's "blank forces a recalculation" test does not see as empty."""

    def __eq__(self, other: object) -> bool:
        return other is self

    __hash__ = str.__hash__


class _Uncalculated(str):
    """The result of a formula not computed yet: written as xlsxwriter's untyped empty value."""


EMPTY_TEXT = _EmptyText("")
UNCALCULATED = _Uncalculated("")


class FastFormulaWorksheet(Worksheet):
    def _write_formula(
        self, row: int, col: int, formula: str, cell_format: Format | None = None, value: object = 0
    ) -> int:
        if isinstance(value, str) and not value and not isinstance(value, _Uncalculated):
            value = EMPTY_TEXT  # written t="str" with an empty value, as Excel saves it
        return super()._write_formula(row, col, formula, cell_format, value)

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

"""The formulas of a form, in two dialects that must give the same values.

``udf`` calls the PERF_* functions of perfxl.udfs (computed by perfxl.contract.functions); ``native``
uses only Excel 2010 functions (for WPS and PCs that block macros), with the parsed target and the
profile's numbers written into each formula as constants: targets and weights are locked in the form,
and the metadata sheet records them so that a changed target is detected.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from perfxl.contract.texts import BUDGET_ZERO, NATIVE_CHECKS, NEEDS_OFFICER, SEPARATOR, SHORT_PROBLEMS
from perfxl.core.grammar import Op
from perfxl.core.numbers import plain
from perfxl.core.profile import Profile
from perfxl.core.qualitative import Tier
from perfxl.generate.inputs import ActualDesign, is_positive

# The texts the formulas show are the contract's, as the UDFs', so both modes show the same.
NOT_A_NUMBER = SHORT_PROBLEMS["actual_not_number"]


def number(value: Decimal | float | int) -> str:
    """A constant as formula text: no trailing zeros (the values a form holds are below 1E+15)."""
    return plain(Decimal(str(value)))


def text(value: str) -> str:
    return '"' + value.replace('"', '""') + '"'


@dataclass(frozen=True)
class RowCells:
    target: str
    actual: str
    weight: str
    score: str
    reason: str
    rule_score: str | None


class Formulas:
    """The formulas shared by both modes (sums) and the interface of each mode."""

    mode = ""

    def __init__(self, profile: Profile, profile_cell: str | None = None) -> None:
        self.profile = profile
        self.profile_cell = profile_cell  # a cell holding the profile JSON, for non-default profiles

    def funds_total(self, cells: Sequence[str]) -> str:
        joined = ",".join(cells)
        return f'=IF(COUNT({joined})=0,"",SUM({joined}))'

    def total_weight(self, budget_weight: str, weights: str) -> str:
        return f"={budget_weight}+SUM({weights})"

    def total(self, budget_score: str, scores: str, count: int) -> str:
        digits = self.profile.score_decimals
        return f'=IF(COUNT({budget_score},{scores})<{count + 1},"",ROUND({budget_score}+SUM({scores}),{digits}))'

    def rate(self, annual: str, executed: str) -> str:
        raise NotImplementedError

    def budget_score(self, annual: str, executed: str, rate: str, weight: str) -> str:
        raise NotImplementedError

    def rule_score(self, row: RowCells, design: ActualDesign) -> str:
        raise NotImplementedError

    def grade(self, total: str) -> str:
        raise NotImplementedError

    def check(self, row: RowCells, design: ActualDesign) -> str:
        """The 检查结果 column, the same in both modes: the checks that need no rule engine, in fixed texts.

        Native, so that every spreadsheet computes it (a UDF's blank result would be recomputed, and
        shown as #VALUE!, by LibreOffice); the full findings are perfxl check's and the button's notes.
        """
        conditions = check_conditions(row, design, self.profile)
        # Space-separated, then TRIM and spaces turned into the separator: Excel 2010 has no TEXTJOIN.
        pieces = "&".join(f'IF({cond},"{NATIVE_CHECKS[code]} ","")' for code, cond in conditions.items())
        return f'=SUBSTITUTE(TRIM({pieces})," ",{text(SEPARATOR)})'


class UdfFormulas(Formulas):
    """PERF_* calls, each behind a native test for the blank inputs on which the UDF gives "" itself.

    The guard changes no value; it lets every spreadsheet compute a blank result without the UDFs.
    LibreOffice computes every formula whose cached result is an empty text when it opens a file (as if
    it had none), and shows #VALUE! for a UDF it cannot run: a blank udf form would print errors.
    """

    mode = "udf"

    def _call(self, name: str, *args: str) -> str:
        if self.profile_cell:
            args = (*args, self.profile_cell)
        return f"{name}({','.join(args)})"

    @staticmethod
    def _unless_blank(cells: Sequence[str], call: str) -> str:
        blank = cells[0] + '=""' if len(cells) == 1 else "OR(" + ",".join(f'{c}=""' for c in cells) + ")"
        return f'=IF({blank},"",{call})'

    def rate(self, annual: str, executed: str) -> str:
        return self._unless_blank((annual, executed), self._call("PERF_RATE", annual, executed))

    def budget_score(self, annual: str, executed: str, rate: str, weight: str) -> str:
        return self._unless_blank((annual, executed), self._call("PERF_BUDGET_SCORE", annual, executed, weight))

    def rule_score(self, row: RowCells, design: ActualDesign) -> str:
        return self._unless_blank(
            (row.target, row.actual, row.weight), self._call("PERF_SCORE", row.target, row.actual, row.weight)
        )

    def grade(self, total: str) -> str:
        return self._unless_blank((total,), self._call("PERF_GRADE", total))


class NativeFormulas(Formulas):
    mode = "native"

    def rate(self, annual: str, executed: str) -> str:
        digits = self.profile.rate_decimals
        return (
            f'=IF(OR({annual}="",{executed}=""),"",IF({annual}=0,{text(BUDGET_ZERO)},'
            f"ROUND({executed}/{annual},{digits})))"
        )

    def budget_score(self, annual: str, executed: str, rate: str, weight: str) -> str:
        used = f"MIN({rate},1)" if self.profile.cap_budget_rate else rate
        # A zero budget shows its error in the score cell too, as PERF_BUDGET_SCORE does.
        return (
            f"=IF(ISNUMBER({rate}),ROUND(MAX({used},0)*{weight},{self.profile.score_decimals}),"
            f'IF({rate}={text(BUDGET_ZERO)},{rate},""))'
        )

    def grade(self, total: str) -> str:
        excellent, good, fair = (number(g) for g in self.profile.grades)
        return (
            f'=IF(ISNUMBER({total}),IF({total}>={excellent},"优",IF({total}>={good},"良",'
            f'IF({total}>={fair},"中","差"))),"")'
        )

    def rule_score(self, row: RowCells, design: ActualDesign) -> str:
        body = self._quantitative(row, design) if design.quantitative else self._qualitative(row, design)
        return f'=IF({row.actual}="","",{body})'

    def _quantitative(self, row: RowCells, design: ActualDesign) -> str:
        a, b, w = design.excel_target, row.actual, row.weight
        op = design.target.op
        digits = self.profile.score_decimals
        ac = number(a)
        if a < 0:
            condition = {Op.GE: ">=", Op.GT: ">", Op.LE: "<=", Op.LT: "<", Op.EQ: "="}[op]  # type: ignore[index]
            score = f"IF({b}{condition}{ac},{w},0)"
        elif a == 0:
            score = {Op.GE: w, Op.GT: f"IF({b}>0,{w},0)", Op.LT: f"IF({b}<0,{w},0)"}.get(op, f"IF({b}<=0,{w},0)")  # type: ignore[arg-type]
        elif op is not None and op.is_reverse:
            if self.profile.reverse_rule == "linear":
                score = f"IF({b}<={ac},{w},MAX(0,ROUND({w}*(2*{ac}-{b})/{ac},{digits})))"
            else:
                score = f"IF({b}<={ac},{w},ROUND({w}*{ac}/{b},{digits}))"
        else:
            score = f"IF({b}<0,0,IF({b}>={ac},{w},ROUND({w}*{b}/{ac},{digits})))"
        return f"IF(ISNUMBER({b}),{score},{text(NOT_A_NUMBER)})"

    def _qualitative(self, row: RowCells, design: ActualDesign) -> str:
        partial = f"ROUND({row.weight}*{number(self.profile.partial_share)},{self.profile.score_decimals})"
        scores = {Tier.ACHIEVED: row.weight, Tier.PARTIAL: partial, Tier.MISSED: "0"}
        result = text(NEEDS_OFFICER)
        for tier in (Tier.MISSED, Tier.PARTIAL, Tier.ACHIEVED):
            texts = [t for t, option_tier in design.options if option_tier is tier]
            if texts:
                condition = ",".join(f"{row.actual}={text(t)}" for t in texts)
                result = f"IF(OR({condition}),{scores[tier]},{result})"
        return result


def check_conditions(row: RowCells, design: ActualDesign, profile: Profile) -> dict[str, str]:
    """Native conditions of the row checks that need no rule engine, by finding code.

    They mirror perfxl.core.indicator: a reason is owed when the score is below the weight or
    differs from the rule score (an override), and an over-achieved positive target asks for one.
    Used by the native check column and, in both modes, by the conditional formats.
    """
    score, weight = row.score, row.weight
    blank_reason = f'LEN(TRIM(SUBSTITUTE(SUBSTITUTE({row.reason},"\u3000"," "),CHAR(10)," ")))=0'
    override = f"AND(ISNUMBER({row.rule_score}),{score}<>{row.rule_score})" if row.rule_score else "FALSE"
    conditions = {
        "score_above_weight": f"AND(ISNUMBER({score}),{score}>{weight})",
        "score_negative": f"AND(ISNUMBER({score}),{score}<0)",
        "reason_missing": f"AND(ISNUMBER({score}),{blank_reason},OR({score}<{weight},{override}))",
    }
    if design.quantitative and is_positive(design.target):
        threshold = number(profile.over_achievement * design.excel_target)
        conditions["over_achievement"] = (
            f"AND(ISNUMBER({row.actual}),{row.actual}>={number(design.excel_target)},"
            f"{row.actual}>={threshold},{blank_reason})"
        )
    return conditions


def formulas_for(mode: str, profile: Profile, profile_cell: str | None) -> Formulas:
    if mode == "udf":
        return UdfFormulas(profile, profile_cell)
    if mode == "native":
        return NativeFormulas(profile, profile_cell)
    raise ValueError(mode)

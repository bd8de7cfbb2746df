"""The texts a form's cells show where a number cannot be: written by the formulas, the UDFs and perfxl's
own runs, and recognised by whatever reads the form back (so they are stated once, here)."""

from __future__ import annotations

from perfxl.core import labels
from perfxl.core.budget import COLUMN_LABELS

BLANK = ""  # a computed cell with nothing to show yet
NEEDS_OFFICER = "请人工评分"
BUDGET_ZERO = f"错误：{COLUMN_LABELS['annual']}为0"
UNSCORABLE = "错误：无法计分"  # a rule that gives no score for a reason without a short text of its own
PROFILE_UNUSABLE = "错误：评分配置无法识别"
CALCULATION_FAILED = "错误：计算失败"  # a UDF that met an unexpected error: it says so rather than raise
# Short cell texts for the reasons a rule gives no score, by the core's problem code.
SHORT_PROBLEMS = {
    "target_unparseable": "错误：指标值无法识别",
    "actual_unparseable": "错误：完成值无法识别",
    "actual_not_number": "错误：完成值应为数值",
    "unit_mismatch": "错误：单位与指标值不一致",
    "needs_officer_score": NEEDS_OFFICER,
}
SEPARATOR = "；"  # between the problems of one check cell
# Error values as Excel passes them to a UDF (xlwings' err_to_str): an argument showing one is unusable.
EXCEL_ERRORS = (
    "#N/A",
    "#VALUE!",
    "#REF!",
    "#DIV/0!",
    "#NUM!",
    "#NAME?",
    "#NULL!",
    "#GETTING_DATA",
    "#SPILL!",
    "#CALC!",
    "#BLOCKED!",
    "#CONNECT!",
    "#FIELD!",
    "#BUSY!",
    "#UNKNOWN!",
)
# The native check column: fixed texts, in the order PERF_CHECK reports the same findings. None holds a
# space: the native formula joins them with spaces and turns those into SEPARATOR.
NATIVE_CHECKS = {
    "score_above_weight": f"{labels.SCORE}超过{labels.WEIGHT}",
    "score_negative": f"{labels.SCORE}不能为负数",
    "reason_missing": f"须填写{labels.REASON}",
    "over_achievement": "超额完成，请说明原因",
}
NOTE_PREFIX = "perfxl 检查"  # how perfxl's notes on a form's cells begin, so that a later run can tell its own

"""Excel worksheet functions (UDFs) registered through xlwings: the PERF_* functions of the form contract.

Each wrapper only declares to xlwings what Excel shows (the function wizard's Chinese texts, which
arguments are optional, error values passed as text) and calls its function in
perfxl.contract.functions, which takes cell values as Excel passes them and never raises. The Excel
function name is the Python name.

The docstrings and ``doc=`` texts are shown by Excel's function wizard, so they are in Chinese.
"""

from __future__ import annotations

import xlwings as xw

from perfxl import debuglog
from perfxl.contract import functions
from perfxl.core import labels
from perfxl.core.budget import COLUMN_LABELS, TOTAL_LABEL

ANNUAL, EXECUTED = COLUMN_LABELS["annual"], COLUMN_LABELS["executed"]

debuglog.enable()  # PERFXL_DEBUG on the PC: the UDF server's tracebacks go to that file


@xw.func
@xw.arg("budget", doc=f"{ANNUAL}（{TOTAL_LABEL}行），单位元", err_to_str=True)
@xw.arg("executed", doc=f"{EXECUTED}（{TOTAL_LABEL}行），单位元", err_to_str=True)
@xw.arg("profile", doc="评分配置：名称（如 mof-2020）或 JSON，省略时为 mof-2020", err_to_str=True)
def PERF_RATE(budget, executed, profile=None):
    """预算执行率 = 全年执行数 ÷ 全年预算数，四舍五入到4位小数（0.9545 显示为 95.45%）。"""
    return functions.perf_rate(budget, executed, profile)


@xw.func
@xw.arg("budget", doc=f"{ANNUAL}（{TOTAL_LABEL}行），单位元", err_to_str=True)
@xw.arg("executed", doc=f"{EXECUTED}（{TOTAL_LABEL}行），单位元", err_to_str=True)
@xw.arg("weight", doc=f"预算执行率的{labels.WEIGHT}，省略时为10", err_to_str=True)
@xw.arg("profile", doc="评分配置：名称（如 mof-2020）或 JSON，省略时为 mof-2020", err_to_str=True)
def PERF_BUDGET_SCORE(budget, executed, weight=None, profile=None):
    """预算执行率得分 = 执行率（超过100%按100%）× 分值，四舍五入到2位小数。"""
    return functions.perf_budget_score(budget, executed, weight, profile)


@xw.func
@xw.arg("target", doc=f"{labels.TARGET}，如 >=90%、≥3次、不高于5%、顺利完成", err_to_str=True)
@xw.arg("actual", doc=f"{labels.ACTUAL}：数值（88% 即 0.88）或文字，如 18次、较顺利", err_to_str=True)
@xw.arg("weight", doc=f"该指标的{labels.WEIGHT}", err_to_str=True)
@xw.arg("profile", doc="评分配置：名称（如 mof-2020）或 JSON，省略时为 mof-2020", err_to_str=True)
def PERF_SCORE(target, actual, weight, profile=None):
    """按评分规则计算一个三级指标的得分；无法自动判定时显示“请人工评分”。"""
    return functions.perf_score(target, actual, weight, profile)


@xw.func
@xw.arg("total", doc="总分（0–100）", err_to_str=True)
@xw.arg("profile", doc="评分配置：名称（如 mof-2020）或 JSON，省略时为 mof-2020", err_to_str=True)
def PERF_GRADE(total, profile=None):
    """由总分评定等级：优（≥90）、良（80–90）、中（60–80）、差（<60）。"""
    return functions.perf_grade(total, profile)


@xw.func
@xw.arg("target", doc=labels.TARGET, err_to_str=True)
@xw.arg("actual", doc=labels.ACTUAL, err_to_str=True)
@xw.arg("weight", doc=labels.WEIGHT, err_to_str=True)
@xw.arg("score", doc=f"{labels.SCORE}（公式结果或人工填写的分数）", err_to_str=True)
@xw.arg("reason", doc=labels.REASON, err_to_str=True)
@xw.arg("profile", doc="评分配置：名称（如 mof-2020）或 JSON，省略时为 mof-2020", err_to_str=True)
def PERF_CHECK(target, actual, weight, score, reason, profile=None):
    """检查一行指标：无问题时为空，否则列出问题（如缺少偏差原因、得分超过分值）。"""
    return functions.perf_check(target, actual, weight, score, reason, profile)


UDFS = (PERF_RATE, PERF_BUDGET_SCORE, PERF_SCORE, PERF_GRADE, PERF_CHECK)

"""Excel worksheet functions (UDFs) registered through xlwings: thin wrappers over the core.

Each takes cell values as Excel passes them (floats, text, None for an empty cell, error values as
"#N/A"-style text) and never raises: an empty required input gives "" (a blank cell), an unusable
one a short Chinese text starting with 错误. The Excel function name is the Python name.

The docstrings and ``doc=`` texts are shown by Excel's function wizard, so they are in Chinese.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import xlwings as xw

from perfxl.core.budget import budget_score, execution_rate
from perfxl.core.findings import Level
from perfxl.core.grammar import parse_actual, parse_target
from perfxl.core.indicator import IndicatorInput, evaluate_indicator, rule_score
from perfxl.core.numbers import NotANumber, to_decimal, to_float
from perfxl.core.profile import Profile, ProfileError
from perfxl.profiles import profile_from_cell

BLANK = ""
NEEDS_OFFICER = "请人工评分"
BUDGET_ZERO = "错误：全年预算数为0"
EXCEL_ERRORS = ("#N/A", "#VALUE!", "#REF!", "#DIV/0!", "#NUM!", "#NAME?", "#NULL!", "#GETTING_DATA",
                "#SPILL!", "#CALC!", "#BLOCKED!", "#CONNECT!", "#FIELD!", "#BUSY!", "#UNKNOWN!")
# Short cell texts for the reasons a rule gives no score.
SHORT_PROBLEMS = {
    "target_unparseable": "错误：指标值无法识别",
    "actual_unparseable": "错误：完成值无法识别",
    "actual_not_number": "错误：完成值应为数值",
    "unit_mismatch": "错误：单位与指标值不一致",
    "needs_officer_score": NEEDS_OFFICER,
}
SEPARATOR = "；"


class _Unusable(Exception):
    """An argument that cannot be used; its text is what the cell shows."""


def _is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _check_plain(value: object, label: str) -> None:
    if isinstance(value, (list, tuple)):
        raise _Unusable(f"错误：{label}应为单个单元格")
    if isinstance(value, str) and value.strip().upper() in EXCEL_ERRORS:
        raise _Unusable(f"错误：{label}为 {value.strip()}")
    if not isinstance(value, (str, int, float, Decimal)) or isinstance(value, bool):
        raise _Unusable(f"错误：{label}的类型无法识别")


def _number(value: object, label: str) -> Decimal:
    _check_plain(value, label)
    try:
        return to_decimal(value.strip() if isinstance(value, str) else value)
    except NotANumber:
        raise _Unusable(f"错误：{label}应为数字") from None


def _optional_number(value: object, label: str) -> Decimal | None:
    return None if _is_blank(value) else _number(value, label)


def _score_cell(value: object) -> Decimal | None:
    """A 得分 cell: a number, or the text of a score formula that gave none (请人工评分, 错误…)."""
    if _is_blank(value) or (isinstance(value, str) and not _looks_numeric(value)):
        return None
    return _number(value, "得分")


def _looks_numeric(text: str) -> bool:
    try:
        to_decimal(text.strip())
    except NotANumber:
        return False
    return True


def _text(value: object, label: str) -> str:
    _check_plain(value, label)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _profile(value: object) -> Profile:
    """The scoring profile a form passes (a name or JSON); the default one when omitted."""
    if _is_blank(value):
        return profile_from_cell(None)
    _check_plain(value, "评分配置")
    try:
        return profile_from_cell(str(value))
    except ProfileError:
        raise _Unusable("错误：评分配置无法识别") from None


def _never_raise(compute: Callable[[], object]) -> object:
    try:
        return compute()
    except _Unusable as exc:
        return str(exc)
    except Exception:  # a UDF must not raise into Excel; say so in the cell instead
        return "错误：计算失败"


@xw.func
@xw.arg("budget", doc="全年预算数（年度资金总额行），单位元", err_to_str=True)
@xw.arg("executed", doc="全年执行数（年度资金总额行），单位元", err_to_str=True)
@xw.arg("profile", doc="评分配置：名称（如 mof-2020）或 JSON，省略时为 mof-2020", err_to_str=True)
def PERF_RATE(budget, executed, profile=None):
    """预算执行率 = 全年执行数 ÷ 全年预算数，四舍五入到4位小数（0.9545 显示为 95.45%）。"""

    def compute() -> object:
        if _is_blank(budget) or _is_blank(executed):
            return BLANK
        annual, spent = _number(budget, "全年预算数"), _number(executed, "全年执行数")
        if annual == 0:
            return BUDGET_ZERO
        return to_float(execution_rate(annual, spent, _profile(profile)))

    return _never_raise(compute)


@xw.func
@xw.arg("budget", doc="全年预算数（年度资金总额行），单位元", err_to_str=True)
@xw.arg("executed", doc="全年执行数（年度资金总额行），单位元", err_to_str=True)
@xw.arg("weight", doc="预算执行率的分值，省略时为10", err_to_str=True)
@xw.arg("profile", doc="评分配置：名称（如 mof-2020）或 JSON，省略时为 mof-2020", err_to_str=True)
def PERF_BUDGET_SCORE(budget, executed, weight=None, profile=None):
    """预算执行率得分 = 执行率（超过100%按100%）× 分值，四舍五入到2位小数。"""

    def compute() -> object:
        if _is_blank(budget) or _is_blank(executed):
            return BLANK
        rules = _profile(profile)
        annual, spent = _number(budget, "全年预算数"), _number(executed, "全年执行数")
        points = _optional_number(weight, "分值")
        if annual == 0:
            return BUDGET_ZERO
        rate = execution_rate(annual, spent, rules)
        return to_float(budget_score(rate, rules.budget_weight if points is None else points, rules))

    return _never_raise(compute)


@xw.func
@xw.arg("target", doc="年度指标值，如 >=90%、≥3次、不高于5%、顺利完成", err_to_str=True)
@xw.arg("actual", doc="实际完成值：数值（88% 即 0.88）或文字，如 18次、较顺利", err_to_str=True)
@xw.arg("weight", doc="该指标的分值", err_to_str=True)
@xw.arg("profile", doc="评分配置：名称（如 mof-2020）或 JSON，省略时为 mof-2020", err_to_str=True)
def PERF_SCORE(target, actual, weight, profile=None):
    """按评分规则计算一个三级指标的得分；无法自动判定时显示“请人工评分”。"""

    def compute() -> object:
        if _is_blank(target) or _is_blank(actual) or _is_blank(weight):
            return BLANK
        parsed = parse_target(_text(target, "年度指标值"))
        _check_plain(actual, "实际完成值")
        points = _number(weight, "分值")
        rule = rule_score(parsed, parse_actual(actual, parsed), points, _profile(profile))
        if rule.score is None:
            code = rule.problem.code if rule.problem is not None else ""
            return SHORT_PROBLEMS.get(code, "错误：无法计分")
        return to_float(rule.score)

    return _never_raise(compute)


@xw.func
@xw.arg("total", doc="总分（0–100）", err_to_str=True)
@xw.arg("profile", doc="评分配置：名称（如 mof-2020）或 JSON，省略时为 mof-2020", err_to_str=True)
def PERF_GRADE(total, profile=None):
    """由总分评定等级：优（≥90）、良（80–90）、中（60–80）、差（<60）。"""

    def compute() -> object:
        if _is_blank(total):
            return BLANK
        return _profile(profile).grade(_number(total, "总分"))

    return _never_raise(compute)


@xw.func
@xw.arg("target", doc="年度指标值", err_to_str=True)
@xw.arg("actual", doc="实际完成值", err_to_str=True)
@xw.arg("weight", doc="分值", err_to_str=True)
@xw.arg("score", doc="得分（公式结果或人工填写的分数）", err_to_str=True)
@xw.arg("reason", doc="偏差原因分析及改进措施", err_to_str=True)
@xw.arg("profile", doc="评分配置：名称（如 mof-2020）或 JSON，省略时为 mof-2020", err_to_str=True)
def PERF_CHECK(target, actual, weight, score, reason, profile=None):
    """检查一行指标：无问题时为空，否则列出问题（如缺少偏差原因、得分超过分值）。"""

    def compute() -> object:
        if _is_blank(target) or _is_blank(weight):
            return BLANK
        if not _is_blank(actual):
            _check_plain(actual, "实际完成值")
        row = IndicatorInput(
            level1="", level2="", name="", target=_text(target, "年度指标值"), weight=_number(weight, "分值"),
            actual=None if _is_blank(actual) else actual, score=_score_cell(score),
            reason="" if _is_blank(reason) else _text(reason, "偏差原因"),
        )
        result = evaluate_indicator(row, _profile(profile))
        return SEPARATOR.join(f.message for f in result.findings if f.level is not Level.INFO)

    return _never_raise(compute)


UDFS = (PERF_RATE, PERF_BUDGET_SCORE, PERF_SCORE, PERF_GRADE, PERF_CHECK)

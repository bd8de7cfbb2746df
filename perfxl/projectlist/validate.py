"""Check the plain data of a project list (spec-format.md) and build the typed model.

Every reader (YAML, JSON, the 项目清单 workbook) produces the same plain structure; this module is
the one place that decides what is acceptable. All problems are collected, not only the first.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal
from pathlib import Path

from perfxl.contract.fields import FIELDS
from perfxl.contract.metadata import MAX_YEAR, MIN_YEAR, is_year
from perfxl.contract.profiles import resolve_profile
from perfxl.core.budget import COLUMNS, SOURCES, TOTAL_LABEL, Funds, FundsRow, stated_total_findings
from perfxl.core.cells import is_blank
from perfxl.core.form import FormInput
from perfxl.core.grammar import parse_actual, parse_target
from perfxl.core.indicator import IndicatorInput
from perfxl.core.labels import INDICATOR_LABELS, TARGET, WEIGHT
from perfxl.core.numbers import NotANumber, shown, to_decimal
from perfxl.core.profile import ProfileError
from perfxl.errors import InputError, Problem, Stage
from perfxl.projectlist.model import ProjectList

FORMAT_VERSION = 1
TOP_KEYS = {
    "perfxl": "格式版本",
    "year": "年度",
    "department": "主管部门",
    "unit": "实施单位",
    "profile": "评分配置",
    "projects": "项目列表",
}
PROJECT_KEYS = {
    **{key: FIELDS[f"project.{key}"].label for key in ("name", "department", "unit")},
    "funds": "项目资金",
    "goal": "年度总体目标",
    "indicators": "绩效指标",
}
FUNDS_KEYS = {**dict(SOURCES), "total": TOTAL_LABEL}
FUNDS_COLUMNS = dict(COLUMNS)
GOAL_KEYS = {key: FIELDS[f"goal.{key}"].label for key in ("expected", "actual")}
INDICATOR_KEYS = INDICATOR_LABELS
INDICATOR_REQUIRED = ("level1", "level2", "name", "target", "weight")
PROFILE_KEYS = {
    "base": "基础配置",
    "name": "配置名称",
    "budget_weight": "预算执行率分值",
    "level1_weights": "一级指标参考分值",
    "cap_budget_rate": "执行率超过100%按100%计",
    "reverse_rule": "反向指标计分方式",
    "over_achievement": "超额完成阈值",
    "partial_share": "部分达成得分比例",
    "grades": "等级分数线",
    "tier_bounds": "定性指标档次下限",
    "rate_decimals": "执行率小数位数",
    "score_decimals": "得分小数位数",
}
# No amount, weight, score or result comes near this; beyond it sums lose digits (decimal's 28), so such a
# number is a typing or conversion slip (an account number pasted, 1E+30 for 1.30).
NUMBER_LIMIT = Decimal("1E+28")
TOO_LARGE = f"数值过大（绝对值应小于 {shown(NUMBER_LIMIT)}），当前为 {{}}"

# Where a value sits in the plain data: ("projects", 0, "indicators", 2, "weight").
Key = tuple[str | int, ...]
# Names the place of a value in the source file (「指标」表第12行「分值」), or None where it cannot.
Locate = Callable[[Key], str | None]


class _Collector:
    """Problems of one file, each naming the project and the field.

    With ``locate`` (the workbook reader passes one), a problem given the key of its value (``at``) names
    the place in the source file instead of the key; without it, ``at`` is ignored.
    """

    def __init__(self, file: str, locate: Locate | None = None) -> None:
        self.file = file
        self.locate = locate
        self.problems: list[Problem] = []

    def add(
        self,
        message: str,
        project: str | None = None,
        field: str | None = None,
        at: Key = (),
        stage: Stage = Stage.CONTENT,
    ) -> None:
        if at and self.locate is not None:
            field = self.locate(at) or field
        self.problems.append(Problem(self.file, message, project, field, stage))

    def term(self, label: str, key: str) -> str:
        """A field named in a message: its label, and in a YAML/JSON list the key to look for in the file."""
        return label if self.locate is not None else _term(label, key)


def _term(label: str, key: str) -> str:
    """项目名称（name）: the label a person reads, the key as a YAML/JSON list spells it."""
    return f"{label}（{key}）"


def _label(keys: Mapping[str, str], key: str) -> str:
    return _term(keys[key], key) if key in keys else key


def _unknown_keys(
    data: Mapping[str, object],
    keys: Mapping[str, str],
    out: _Collector,
    project: str | None,
    where: str,
    stage: Stage = Stage.CONTENT,
) -> None:
    for key in data:
        if key not in keys:
            known = "、".join(_label(keys, k) for k in keys)
            out.add(f"未知的字段「{key}」，可用字段：{known}", project, where or None, stage=stage)


def _text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, (str, int, float, Decimal)) and not isinstance(value, bool):
        return str(value).strip()
    return None


def _number(
    value: object,
    out: _Collector,
    project: str | None,
    field: str,
    *,
    required: bool = False,
    negative_ok: bool = False,
    at: Key = (),
) -> Decimal | None:
    if is_blank(value):
        if required:
            out.add("必须填写", project, field, at)
        return None
    try:
        number = to_decimal(value)
    except NotANumber:
        out.add(f"应为数字，当前为「{value}」", project, field, at)
        return None
    if abs(number) >= NUMBER_LIMIT:
        out.add(TOO_LARGE.format(shown(number)), project, field, at)
        return None
    if number < 0 and not negative_ok:
        out.add(f"不能为负数，当前为 {number}", project, field, at)
        return None
    return number


def _mapping(value: object, out: _Collector, project: str | None, field: str) -> Mapping[str, object] | None:
    if value is None:
        return None
    if not isinstance(value, Mapping):
        out.add("应为键值对（如 name: …）", project, field)
        return None
    return value


def _funds(value: object, out: _Collector, project: str, at: Key) -> Funds:
    data = _mapping(value, out, project, _label(PROJECT_KEYS, "funds"))
    if data is None:
        return Funds()
    _unknown_keys(data, FUNDS_KEYS, out, project, _label(PROJECT_KEYS, "funds"))
    rows: dict[str, FundsRow] = {}
    for key, label in FUNDS_KEYS.items():
        row = _mapping(data.get(key), out, project, _term(label, f"funds.{key}"))
        if row is None:
            continue
        _unknown_keys(row, FUNDS_COLUMNS, out, project, _term(label, f"funds.{key}"))
        rows[key] = FundsRow(
            *(
                _number(
                    row.get(column),
                    out,
                    project,
                    _term(f"{label}{column_label}", f"funds.{key}.{column}"),
                    at=(*at, key, column),
                )
                for column, column_label in COLUMNS
            )
        )
    funds = Funds(**{k: rows[k] for k, _ in SOURCES if k in rows}, stated_total=rows.get("total"))
    for finding in stated_total_findings(funds):
        column = finding.field.rsplit(".", 1)[1]  # funds.total.annual
        out.add(
            finding.message,
            project,
            _term(f"{FUNDS_KEYS['total']}{FUNDS_COLUMNS[column]}", finding.field),
            (*at, "total", column),
        )
    return funds


def _indicator(value: object, index: int, out: _Collector, project: str, at: Key) -> IndicatorInput | None:
    where = f"第{index + 1}个指标"
    data = _mapping(value, out, project, where)
    if data is None:
        out.add("指标不能为空", project, where)
        return None
    name = _text(data.get("name"))
    if name:
        where = f"第{index + 1}个指标「{name}」"
    _unknown_keys(data, INDICATOR_KEYS, out, project, where)
    ok = True
    for key in INDICATOR_REQUIRED:
        if key != "weight" and not _text(data.get(key)):
            out.add("必须填写", project, f"{where}的{_label(INDICATOR_KEYS, key)}", (*at, key))
            ok = False
    weight = _number(
        data.get("weight"),
        out,
        project,
        f"{where}的{_label(INDICATOR_KEYS, 'weight')}",
        required=True,
        at=(*at, "weight"),
    )
    if weight == 0:  # a row worth nothing cannot be scored or checked meaningfully
        out.add(f"{WEIGHT}应大于 0", project, f"{where}的{_label(INDICATOR_KEYS, 'weight')}", (*at, "weight"))
        weight = None
    score = _number(
        data.get("score"),
        out,
        project,
        f"{where}的{_label(INDICATOR_KEYS, 'score')}",
        negative_ok=True,
        at=(*at, "score"),
    )
    target = _text(data.get("target"))
    if target:
        parsed = parse_target(target)
        if parsed.error:
            out.add(
                f"{TARGET}「{target}」无法识别：{parsed.error}",
                project,
                f"{where}的{_label(INDICATOR_KEYS, 'target')}",
                (*at, "target"),
            )
            ok = False
        elif parsed.value is not None and abs(parsed.value) >= NUMBER_LIMIT:
            out.add(
                TOO_LARGE.format(shown(parsed.value)),
                project,
                f"{where}的{_label(INDICATOR_KEYS, 'target')}",
                (*at, "target"),
            )
            ok = False
    actual = data.get("actual")
    if actual is not None and (isinstance(actual, bool) or not isinstance(actual, (str, int, float))):
        out.add(
            f"应为数值或文字，当前为「{actual}」",
            project,
            f"{where}的{_label(INDICATOR_KEYS, 'actual')}",
            (*at, "actual"),
        )
        ok = False
    elif actual is not None and (number := parse_actual(actual).value) is not None and abs(number) >= NUMBER_LIMIT:
        out.add(
            TOO_LARGE.format(shown(number)), project, f"{where}的{_label(INDICATOR_KEYS, 'actual')}", (*at, "actual")
        )
        ok = False
    reason = data.get("reason")
    if reason is not None and _text(reason) is None:
        out.add("应为文字", project, f"{where}的{_label(INDICATOR_KEYS, 'reason')}", (*at, "reason"))
        ok = False
    if not ok or weight is None:
        return None
    return IndicatorInput(
        level1=_text(data["level1"]) or "",
        level2=_text(data["level2"]) or "",
        name=name or "",
        target=target or "",
        weight=weight,
        actual=actual.strip()
        if isinstance(actual, str) and actual.strip()
        else (None if isinstance(actual, str) else actual),
        score=score,
        reason=_text(reason) or "",
    )


def _project(
    value: object, index: int, defaults: Mapping[str, str], out: _Collector, seen: set[str]
) -> FormInput | None:
    at: Key = ("projects", index)
    data = _mapping(value, out, None, f"第{index + 1}个项目")
    if data is None:
        out.add("项目不能为空", None, f"第{index + 1}个项目")
        return None
    name = _text(data.get("name"))
    project = name or f"第{index + 1}个项目"
    if not name:
        out.add(f"缺少必填字段 {out.term('项目名称', 'name')}", project, None, (*at, "name"), Stage.NAME)
    elif name in seen:
        out.add(
            "项目名称重复：同一清单中每个项目名称只能出现一次",
            project,
            _label(PROJECT_KEYS, "name"),
            (*at, "name"),
            Stage.NAME,
        )
    seen.add(name or "")
    _unknown_keys(data, PROJECT_KEYS, out, project, "")
    before = len(out.problems)
    header = {}
    for key in ("department", "unit"):
        text = _text(data.get(key, defaults.get(key)))
        if data.get(key) is not None and text is None:
            out.add("应为文字", project, _label(PROJECT_KEYS, key), (*at, key))
        header[key] = text or ""
    funds = _funds(data.get("funds"), out, project, (*at, "funds"))
    goal = _mapping(data.get("goal"), out, project, _label(PROJECT_KEYS, "goal")) or {}
    _unknown_keys(goal, GOAL_KEYS, out, project, _label(PROJECT_KEYS, "goal"))
    raw_rows = data.get("indicators")
    if raw_rows is None:
        out.add(f"缺少必填字段 {out.term('绩效指标', 'indicators')}", project)
        raw_rows = []
    elif not isinstance(raw_rows, list):
        out.add("应为指标列表", project, _label(PROJECT_KEYS, "indicators"))
        raw_rows = []
    rows = [_indicator(row, i, out, project, (*at, "indicators", i)) for i, row in enumerate(raw_rows)]
    if len(out.problems) > before or not name:
        return None
    return FormInput(
        name=name,
        department=header["department"],
        unit=header["unit"],
        funds=funds,
        indicators=tuple(r for r in rows if r is not None),
        goal_expected=_text(goal.get("expected")) or "",
        goal_actual=_text(goal.get("actual")) or "",
    )


def build_project_list(data: object, path: Path, locate: Locate | None = None) -> ProjectList:
    """The typed project list, or InputError listing every problem in the file.

    ``locate`` lets a reader name the place of a value in its own terms (see _Collector).
    """
    out = _Collector(path.name, locate)
    if not isinstance(data, Mapping):
        out.add("文件内容应为项目清单（以 perfxl: 1 开头的键值对），请参照示例清单", stage=Stage.FILE)
        raise InputError(out.problems)
    _unknown_keys(data, TOP_KEYS, out, None, "", Stage.FILE)
    version = data.get("perfxl")
    if version is None:
        out.add(
            f"缺少必填字段 {out.term('格式版本', 'perfxl')}，请在首行写 perfxl: 1", at=("perfxl",), stage=Stage.FILE
        )
    elif version != FORMAT_VERSION:
        out.add(
            f"不支持的格式版本 perfxl: {version}，本版本支持 perfxl: {FORMAT_VERSION}", at=("perfxl",), stage=Stage.FILE
        )
    year = data.get("year")
    if isinstance(year, str) and year.strip().isdigit():
        year = int(year.strip())
    if year is None:
        out.add(f"缺少必填字段 {out.term('年度', 'year')}", at=("year",), stage=Stage.FILE)
    elif not isinstance(year, int) or not is_year(year):  # 2022, not 2022.0 or true
        out.add(
            f"{out.term('年度', 'year')}应为 {MIN_YEAR}–{MAX_YEAR} 之间的年份，当前为「{year}」",
            at=("year",),
            stage=Stage.FILE,
        )
    profile = None
    try:
        profile = resolve_profile(data.get("profile"))  # type: ignore[arg-type]
    except ProfileError as exc:
        setting = exc.key.removeprefix("profile.")
        field = (
            _label(TOP_KEYS, "profile")
            if exc.key == "profile"
            else f"{_label(TOP_KEYS, 'profile')}的{_label(PROFILE_KEYS, setting)}"
        )
        out.add(exc.message, None, field, ("profile",), Stage.FILE)
    defaults = {key: str(data[key]) for key in ("department", "unit") if data.get(key) is not None}
    projects = data.get("projects")
    forms: list[FormInput] = []
    if not isinstance(projects, list) or not projects:
        out.add(f"{out.term('项目列表', 'projects')}必须是至少包含一个项目的列表", at=("projects",), stage=Stage.FILE)
    else:
        seen: set[str] = set()
        forms = [f for i, p in enumerate(projects) if (f := _project(p, i, defaults, out, seen)) is not None]
    if out.problems:
        raise InputError(out.problems)
    assert profile is not None and isinstance(year, int)
    return ProjectList(path=path, year=year, profile=profile, forms=tuple(forms))

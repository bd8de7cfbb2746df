"""Form results as plain data: the JSON of ``perfxl check --json`` and the rows of text reports."""

from __future__ import annotations

import re
from decimal import Decimal

from perfxl.contract.fields import FIELDS
from perfxl.core.findings import Finding
from perfxl.core.form import FormInput, FormResult
from perfxl.core.numbers import round_half_up, shown, to_float
from perfxl.errors import Problem

# Field paths of findings that are not template fields (perfxl/core/findings.py: Finding.field).
OTHER_FIELD_LABELS = {
    "indicators": "绩效指标",
    "indicators.weight": "三级指标分值",
    "form": "自评表",
}
_ROW_FIELD = re.compile(r"indicators\[(\d+)\](?:\.(\w+))?")


def format_rate(rate: Decimal | None) -> str:
    """0.5958 → 59.58% (the rate is already rounded to 4 places); 1E+22 → 1E+24% (a mistyped amount)."""
    if rate is None:
        return ""
    return f"{shown(round_half_up(rate * 100, 2))}%"


def format_score(score: Decimal | None) -> str:
    return "" if score is None else shown(round_half_up(score, 2))


def field_label(field: str, form: FormInput | None = None) -> str:
    """The Chinese name of a finding's field path, for a user: "funds.total.initial" → 年度资金总额年初预算数,
    "indicators[3].reason" → 第4个指标的偏差原因分析及改进措施 (with ``form``: 指标「名称」的…). An unknown
    path is returned as it is."""
    for key in (field, f"project.{field}"):
        if key in FIELDS and not FIELDS[key].is_row_field:
            return FIELDS[key].label
    if field in OTHER_FIELD_LABELS:
        return OTHER_FIELD_LABELS[field]
    match = _ROW_FIELD.fullmatch(field)
    if match is None:
        return field
    index, attribute = int(match[1]), match[2]
    name = form.indicators[index].name if form is not None and index < len(form.indicators) else ""
    row = f"指标「{name}」" if name else f"第{index + 1}个指标"
    row_field = FIELDS.get(f"row.{attribute}")
    if attribute is None or row_field is None:
        return row
    return f"{row}的{row_field.label}"


def finding_to_dict(finding: Finding, form: FormInput | None = None) -> dict[str, object]:
    """A finding as JSON: ``field`` the path (stable, for programs), ``label`` its Chinese name."""
    data: dict[str, object] = {
        "level": finding.level.value,
        "code": finding.code,
        "field": finding.field,
        "label": field_label(finding.field, form),
        "message": finding.message,
    }
    if finding.cell is not None:
        data["cell"] = finding.cell
    return data


def problem_to_dict(problem: Problem) -> dict[str, object]:
    """An input problem (perfxl.errors) as JSON: the file, the project and the place where known."""
    data: dict[str, object] = {"file": problem.file}
    if problem.project:
        data["project"] = problem.project
    if problem.field:
        data["where"] = problem.field
    data["message"] = problem.message
    return data


def form_to_dict(result: FormResult) -> dict[str, object]:
    return {
        "project": result.form.name,
        "rate": to_float(result.rate),
        "budget_score": to_float(result.budget_score),
        "total": to_float(result.total),
        "grade": result.grade,
        "indicators": [
            {
                "name": r.input.name,
                "target": r.input.target,
                "actual": r.actual.text if not r.actual.is_blank else None,
                "weight": to_float(r.input.weight),
                "score": to_float(r.score),
                "rule_score": to_float(r.rule.score),
                "tier": None if r.tier is None else r.tier.value,
            }
            for r in result.indicators
        ],
        "findings": [finding_to_dict(f, result.form) for f in result.findings],
    }

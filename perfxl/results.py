"""Form results as plain data: the JSON of ``perfxl check --json`` and the rows of text reports."""

from __future__ import annotations

from decimal import Decimal

from perfxl.core.findings import Finding
from perfxl.core.form import FormResult
from perfxl.core.numbers import round_half_up, shown, to_float


def format_rate(rate: Decimal | None) -> str:
    """0.5958 → 59.58% (the rate is already rounded to 4 places); 1E+22 → 1E+24% (a mistyped amount)."""
    if rate is None:
        return ""
    return f"{shown(round_half_up(rate * 100, 2))}%"


def format_score(score: Decimal | None) -> str:
    return "" if score is None else shown(round_half_up(score, 2))


def finding_to_dict(finding: Finding) -> dict[str, object]:
    data: dict[str, object] = {
        "level": finding.level.value, "code": finding.code, "field": finding.field, "message": finding.message,
    }
    if finding.cell is not None:
        data["cell"] = finding.cell
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
        "findings": [finding_to_dict(f) for f in result.findings],
    }

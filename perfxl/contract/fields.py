"""The field vocabulary of form templates: what a ``{{ field }}`` cell means and how tools find it.

A template places these fields wherever its layout wants them; the generator fills each one and
gives it a sheet-scoped defined name, by which every tool reads a form back.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from perfxl.core import labels
from perfxl.core.budget import COLUMNS, SOURCES, TOTAL_LABEL


class Kind(Enum):
    TEXT = "text"  # written by the generator from the list, locked
    NUMBER = "number"  # a number from the list or the profile, locked
    INPUT = "input"  # filled in by the officer, unlocked
    FORMULA = "formula"  # computed in the cell, locked
    SCORE = "score"  # computed, but an officer may type a score over it: unlocked


@dataclass(frozen=True)
class Field:
    key: str
    kind: Kind
    defined_name: str
    label: str  # Chinese, for messages naming the field

    @property
    def is_row_field(self) -> bool:
        return self.key.startswith("row.")


def _fields() -> dict[str, Field]:
    fields = [
        Field("project.name", Kind.TEXT, "PERFXL_NAME", "项目名称"),
        Field("project.department", Kind.TEXT, "PERFXL_DEPARTMENT", "主管部门"),
        Field("project.unit", Kind.TEXT, "PERFXL_UNIT", "实施单位"),
        Field("budget.weight", Kind.NUMBER, "PERFXL_BUDGET_WEIGHT", "预算执行率分值"),
        Field("budget.rate", Kind.FORMULA, "PERFXL_RATE", "执行率"),
        Field("budget.score", Kind.FORMULA, "PERFXL_BUDGET_SCORE", "预算执行率得分"),
        Field("goal.expected", Kind.TEXT, "PERFXL_GOAL_EXPECTED", "预期目标"),
        Field("goal.actual", Kind.INPUT, "PERFXL_GOAL_ACTUAL", "实际完成情况"),
        Field("row.level1", Kind.TEXT, "PERFXL_IND_LEVEL1", labels.LEVEL1),
        Field("row.level2", Kind.TEXT, "PERFXL_IND_LEVEL2", labels.LEVEL2),
        Field("row.name", Kind.TEXT, "PERFXL_IND_NAME", labels.NAME),
        Field("row.target", Kind.TEXT, "PERFXL_IND_TARGET", labels.TARGET),
        Field("row.actual", Kind.INPUT, "PERFXL_IND_ACTUAL", labels.ACTUAL),
        Field("row.weight", Kind.NUMBER, "PERFXL_IND_WEIGHT", labels.WEIGHT),
        Field("row.score", Kind.SCORE, "PERFXL_IND_SCORE", labels.SCORE),
        Field("row.reason", Kind.INPUT, "PERFXL_IND_REASON", labels.REASON),
        Field("row.rule_score", Kind.FORMULA, "PERFXL_IND_RULE_SCORE", "规则得分"),
        Field("row.check", Kind.FORMULA, "PERFXL_IND_CHECK", "检查结果"),
        Field("total.weight", Kind.FORMULA, "PERFXL_TOTAL_WEIGHT", "总分值"),
        Field("total.score", Kind.FORMULA, "PERFXL_TOTAL", "总分"),
        Field("total.grade", Kind.FORMULA, "PERFXL_GRADE", "等级"),
        # Beyond the print area: the 重新计算 button's place, and what the last recalculation said.
        Field("form.button", Kind.TEXT, "PERFXL_BUTTON", "重新计算按钮"),
        Field("form.status", Kind.TEXT, "PERFXL_STATUS", "检查摘要"),
        Field("form.stamp", Kind.TEXT, "PERFXL_STAMP", "重新计算时间"),
    ]
    source_labels = {**dict(SOURCES), "total": TOTAL_LABEL}
    for source, source_label in source_labels.items():
        for column, column_label in COLUMNS:
            # Amounts are inputs: the generator locks those the list already gives (budgets).
            kind = Kind.FORMULA if source == "total" else Kind.INPUT
            fields.append(
                Field(
                    f"funds.{source}.{column}",
                    kind,
                    f"PERFXL_FUNDS_{source.upper()}_{column.upper()}",
                    f"{source_label}{column_label}",
                )
            )
    return {f.key: f for f in fields}


FIELDS = _fields()
# The fields without which a template cannot make a form that computes.
REQUIRED = (
    "project.name",
    "funds.total.annual",
    "funds.total.executed",
    "budget.rate",
    "budget.score",
    "row.name",
    "row.target",
    "row.actual",
    "row.weight",
    "row.score",
    "total.score",
)
# The whole indicator table, from its first to its last field column, over all indicator rows.
INDICATORS_NAME = "PERFXL_INDICATORS"

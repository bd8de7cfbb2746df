"""The review rules that read one form as a whole (review.md): its findings, and those it puts on rows."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from perfxl.core.cells import folded
from perfxl.core.form import FormResult
from perfxl.core.grammar import Target
from perfxl.core.labels import ACTUAL, LEVEL2, NAME, REASON, TARGET
from perfxl.core.numbers import plain
from perfxl.review.emit import finding, form_finding, label
from perfxl.review.model import ReviewFinding
from perfxl.review.rulebook import Rulebook
from perfxl.review.texts import heading_key, name_key

HUNDRED = 100


@dataclass
class Found:
    """Findings of a form: its own, and each row's by the row's index."""

    form: list[ReviewFinding] = field(default_factory=list)
    rows: dict[int, list[ReviewFinding]] = field(default_factory=lambda: defaultdict(list))

    def extend(self, other: Found) -> None:
        self.form.extend(other.form)
        for index, found in other.rows.items():
            self.rows[index].extend(found)


def duplicate_indicator(result: FormResult, rulebook: Rulebook, found: Found) -> None:
    """Each repeat of a 三级指标 (by its folded name) after its first row, under its own 二级 or another."""
    first: dict[str, int] = {}
    for index, row in enumerate(result.form.indicators):
        key = name_key(row.name)
        if not key:
            continue
        if key not in first:
            first[key] = index
            continue
        original = result.form.indicators[first[key]]
        where = (
            "" if heading_key(original.level2) == heading_key(row.level2) else f"（{LEVEL2}「{original.level2}」下）"
        )
        found.rows[index].append(
            finding(
                rulebook,
                "duplicate_indicator",
                f"indicators[{index}].name",
                f"{NAME}「{row.name}」与第{first[key] + 1}个指标{where}重复：同一指标只应设置一次，请删除或合并",
            )
        )


def all_full_marks(result: FormResult, rulebook: Rulebook, found: Found) -> None:
    rows = result.indicators
    if rows and all(r.score is not None and r.score == r.input.weight for r in rows):
        found.form.append(
            form_finding(
                rulebook,
                "all_full_marks",
                "indicators.score",
                f"全部{len(rows)}个三级指标均为满分：自评可能偏宽松，请重点核实完成情况和佐证材料",
            )
        )


def missing_dimension(result: FormResult, rulebook: Rulebook, found: Found) -> None:
    present = {heading_key(row.level1) for row in result.form.indicators}
    missing = [h for h in rulebook.settings.required_level1 if heading_key(h) not in present]
    if missing:
        found.form.append(
            form_finding(
                rulebook,
                "missing_dimension",
                "indicators.level1",
                f"缺少{'、'.join(missing)}：产出、效益和满意度指标应齐全，请补充",
            )
        )


def _states_its_bound(target: Target) -> bool:
    """A quantitative target written with more than its figure (≥95%, 95%以上): copied as an actual, it
    cannot be one. A bare figure (5台) may be the actual exactly."""
    return target.value is not None and target.normalised != f"{plain(target.value)}{target.unit}"


def targets_copied(result: FormResult, rulebook: Rulebook, found: Found) -> None:
    """placeholder, on the form: every row's 实际完成值 is its 年度指标值 as typed, one of them a bound."""
    rows = result.indicators
    if not rows or not all(
        isinstance(r.input.actual, str) and folded(r.input.actual) and r.actual.normalised == r.target.normalised
        for r in rows
    ):
        return
    bounds = [r for r in rows if _states_its_bound(r.target)]
    if not bounds:
        return
    found.form.append(
        form_finding(
            rulebook,
            "placeholder",
            "indicators.actual",
            f"每一行的{ACTUAL}都照抄了{TARGET}（如{label(bounds[0].input.name)}的「{bounds[0].target.text}」），"
            f"未填写实际完成情况：请按实际完成情况填写{ACTUAL}",
        )
    )


def low_execution_no_reason(result: FormResult, rulebook: Rulebook, found: Found) -> None:
    settings = rulebook.settings
    rate = result.rate
    if rate is None or rate >= settings.execution_threshold:
        return
    texts = [result.form.goal_actual, *(row.reason for row in result.form.indicators)]
    words = [folded(w) for w in settings.execution_words]
    if any(word in folded(text) for text in texts for word in words):
        return
    found.form.append(
        form_finding(
            rulebook,
            "low_execution_no_reason",
            "funds.total.executed",
            f"预算执行率 {plain(rate * HUNDRED)}% 低于 {plain(settings.execution_threshold * HUNDRED)}%，"
            f"表中未说明执行率偏低的原因：请在实际完成情况或{REASON}中说明",
        )
    )


FORM_CHECKS = (
    ("duplicate_indicator", duplicate_indicator),
    ("all_full_marks", all_full_marks),
    ("missing_dimension", missing_dimension),
    ("placeholder", targets_copied),
    ("low_execution_no_reason", low_execution_no_reason),
)


def check_form(result: FormResult, rulebook: Rulebook) -> Found:
    found = Found()
    for code, check in FORM_CHECKS:
        if rulebook.enabled(code):
            check(result, rulebook, found)
    return found

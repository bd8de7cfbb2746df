"""declared_mismatch (review.md): a returned form against the form declared for it (a project list or a
绩效目标申报表, given as plain FormInputs). Forms are matched by 实施单位 and 项目名称, indicators by their
三级指标's name (a name twice: its first declared row with its first returned row, and so on)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from perfxl.core.form import FormInput
from perfxl.core.grammar import Target, parse_target
from perfxl.core.indicator import IndicatorInput
from perfxl.core.labels import NAME, TARGET, WEIGHT
from perfxl.core.numbers import shown
from perfxl.review.emit import finding, form_finding, label
from perfxl.review.form_rules import Found
from perfxl.review.model import ReviewedForm, ReviewFinding
from perfxl.review.rulebook import Rulebook
from perfxl.review.texts import name_key

CODE = "declared_mismatch"


def declared_key(form: FormInput) -> tuple[str, str]:
    return name_key(form.unit), name_key(form.name)


def same_target(returned: Target, declared: Target) -> bool:
    """The same 年度指标值: the same bound (≥95% and >=95%, =100% and 100%), or the same text, folded."""
    if returned.value is not None and declared.value is not None:
        return (returned.op, returned.value, returned.unit) == (declared.op, declared.value, declared.unit)
    return returned.normalised == declared.normalised


def _compare(returned: FormInput, declared: FormInput, rulebook: Rulebook, found: Found) -> None:
    expected: dict[str, list[IndicatorInput]] = defaultdict(list)
    for row in declared.indicators:
        expected[name_key(row.name)].append(row)
    for index, row in enumerate(returned.indicators):
        where = f"indicators[{index}]"
        candidates = expected.get(name_key(row.name))
        if not candidates:
            found.rows[index].append(
                finding(
                    rulebook,
                    CODE,
                    f"{where}.name",
                    f"{label(row.name)}不在申报的绩效目标中（新增指标）：请按申报的指标填写，或说明新增依据",
                )
            )
            continue
        was = candidates.pop(0)
        changes = []
        if not same_target(parse_target(row.target), parse_target(was.target)):
            changes.append(f"{TARGET}「{row.target.strip()}」与申报的「{was.target.strip()}」不一致")
        if row.weight != was.weight:
            changes.append(f"{WEIGHT} {shown(row.weight)} 与申报的 {shown(was.weight)} 不一致")
        if changes:
            field = f"{where}.target" if changes[0].startswith(TARGET) else f"{where}.weight"
            found.rows[index].append(
                finding(
                    rulebook,
                    CODE,
                    field,
                    f"{label(row.name)}的{'，'.join(changes)}：请按申报的绩效目标填写，或说明调整依据",
                )
            )
    removed = "、".join(f"「{row.name.strip()}」" for rows in expected.values() for row in rows)
    if removed:
        found.form.append(
            form_finding(
                rulebook,
                CODE,
                "indicators",
                f"申报的{NAME}{removed}未出现在自评表中（删除指标）：请补充，或说明删除原因",
            )
        )


def check_declared(
    forms: Sequence[ReviewedForm], declared: Sequence[FormInput], rulebook: Rulebook
) -> tuple[list[Found], list[ReviewFinding]]:
    """Each returned form's findings, and the declared projects no form was returned for."""
    by_key: dict[tuple[str, str], FormInput] = {}
    for form in declared:
        by_key.setdefault(declared_key(form), form)  # a project declared twice: its first entry
    found = [Found() for _ in forms]
    seen: set[tuple[str, str]] = set()
    for reviewed, result in zip(forms, found, strict=True):
        key = declared_key(reviewed.form)
        expected = by_key.get(key)
        if expected is None:
            result.form.append(
                form_finding(
                    rulebook,
                    CODE,
                    "name",
                    f"申报的项目中没有实施单位「{reviewed.form.unit.strip()}」的项目「{reviewed.form.name.strip()}」："
                    "请核对项目名称和实施单位",
                )
            )
            continue
        seen.add(key)
        _compare(reviewed.form, expected, rulebook, result)
    missing = [
        form_finding(
            rulebook,
            CODE,
            "name",
            f"申报的项目「{form.name.strip()}」（实施单位「{form.unit.strip()}」）没有收到自评表：请核对是否漏报",
        )
        for key, form in by_key.items()
        if key not in seen
    ]
    return found, missing

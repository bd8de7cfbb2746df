"""Findings across the forms of a batch: the same project handed in twice.

A project is known by its 项目名称 and 实施单位, compared as texts are compared elsewhere (NFKC, no
whitespace). Two forms of it in one batch are an error on each of them, naming the other's file (and
sheet, where that is needed to find it), whether they are in two files or on two sheets of one workbook.
Forms whose 年度 are both known and differ are different years' forms, not a repeat.
"""

from __future__ import annotations

import dataclasses
from collections import Counter, defaultdict
from collections.abc import Sequence

from perfxl.batch.model import CheckedForm
from perfxl.core.findings import Finding, error
from perfxl.core.grammar import normalise_text

CODE = "duplicate_project"


def project_key(form: CheckedForm) -> tuple[str, str] | None:
    """(项目名称, 实施单位) normalised; None when either is blank (already an error of its own, and no
    identity to compare)."""
    name, unit = normalise_text(form.result.form.name), normalise_text(form.result.form.unit)
    return (name, unit) if name and unit else None


def duplicate_findings(forms: Sequence[CheckedForm]) -> list[tuple[Finding, ...]]:
    """For each form (in order), the findings it gets from the other forms of the batch: one error when
    its project is also in another form, else none."""
    groups: dict[tuple[str, str], list[int]] = defaultdict(list)
    for index, form in enumerate(forms):
        key = project_key(form)
        if key is not None:
            groups[key].append(index)
    forms_per_file = Counter(form.source for form in forms)
    found: list[tuple[Finding, ...]] = [() for _ in forms]
    for members in groups.values():
        for index in members:
            form = forms[index]
            others = [forms[i] for i in members if i != index and _same_year(form, forms[i])]
            if others:
                where = "、".join(_where(other, form, forms_per_file) for other in others)
                found[index] = (error(CODE, "name", _message(where)),)
    return found


def with_duplicate_findings(forms: Sequence[CheckedForm]) -> list[CheckedForm]:
    """The forms, each with its findings from :func:`duplicate_findings` appended (so that its counts and
    ``has_errors`` include them)."""
    return [
        dataclasses.replace(form, findings=form.findings + extra) if extra else form
        for form, extra in zip(forms, duplicate_findings(forms), strict=True)
    ]


def _same_year(a: CheckedForm, b: CheckedForm) -> bool:
    return a.year is None or b.year is None or a.year == b.year


def _where(other: CheckedForm, form: CheckedForm, forms_per_file: Counter[str]) -> str:
    if other.source == form.source:
        return f"本文件的工作表“{other.sheet}”" if other.sheet is not None else "本清单"
    if other.sheet is not None and forms_per_file[other.source] > 1:
        return f"{other.source} 的工作表“{other.sheet}”"
    return other.source


def _message(where: str) -> str:
    return (
        f"项目重复：{where} 中也有本项目（项目名称、实施单位均相同）；同一项目在一批中只应报送一份，"
        "请核实后删去多余的一份"
    )

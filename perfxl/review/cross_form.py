"""The review rules across forms (review.md): every form of a unit at 100, and one 偏差原因 word for word in
forms of different units. Each groups the forms by a key in a dict, one pass: linear in the number of forms
(never a comparison of every pair)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from itertools import islice

from perfxl.core.form import FULL_MARKS
from perfxl.core.labels import REASON
from perfxl.review.emit import finding, form_finding, label
from perfxl.review.form_rules import Found
from perfxl.review.model import ReviewedForm
from perfxl.review.rulebook import Rulebook
from perfxl.review.texts import name_key, reason_key

# A unit of one form is the form's own all_full_marks; "every form of one unit" needs two at least.
UNIT_MIN_FORMS = 2
# How many of the other units a copied reason's message names.
UNITS_NAMED = 3


def unit_all_full_marks(forms: Sequence[ReviewedForm], rulebook: Rulebook, found: list[Found]) -> None:
    by_unit: dict[str, list[int]] = defaultdict(list)
    for index, reviewed in enumerate(forms):
        by_unit[name_key(reviewed.form.unit)].append(index)
    for unit, indices in by_unit.items():
        if not unit or len(indices) < UNIT_MIN_FORMS:
            continue
        if all(forms[i].result.total == FULL_MARKS for i in indices):
            name = forms[indices[0]].form.unit.strip()
            for i in indices:
                found[i].form.append(
                    form_finding(
                        rulebook,
                        "all_full_marks",
                        "total",
                        f"实施单位「{name}」的全部{len(indices)}张自评表均为100分：自评可能偏宽松，请重点复核",
                    )
                )


def reasons_copied(forms: Sequence[ReviewedForm], rulebook: Rulebook, found: list[Found]) -> None:
    """reason_quality: a 偏差原因 (of at least the rulebook's minimum length: a shorter one is flagged as
    short already) that forms of two or more units share word for word: template residue."""
    minimum = rulebook.settings.reason_min_length
    # reason → unit → the (form, row) pairs that carry it
    by_reason: dict[str, dict[str, list[tuple[int, int]]]] = defaultdict(lambda: defaultdict(list))
    for f, reviewed in enumerate(forms):
        unit = name_key(reviewed.form.unit)
        for r, row in enumerate(reviewed.form.indicators):
            key = reason_key(row.reason)
            if len(key) >= max(minimum, 1):
                by_reason[key][unit].append((f, r))
    for units in by_reason.values():
        if len(units) < 2:
            continue
        named = [forms[rows[0][0]].form.unit.strip() for rows in islice(units.values(), UNITS_NAMED + 1)]
        for unit_index, rows in enumerate(units.values()):
            others = [n for i, n in enumerate(named) if i != unit_index][:UNITS_NAMED]
            more = "等" if len(units) - 1 > len(others) else ""
            text = f"{'、'.join(f'「{n}」' for n in others)}{more}{len(units) - 1}个其他实施单位"
            for f, r in rows:
                row = forms[f].form.indicators[r]
                found[f].rows[r].append(
                    finding(
                        rulebook,
                        "reason_quality",
                        f"indicators[{r}].reason",
                        f"{label(row.name)}的{REASON}与{text}的自评表逐字相同（模板残留）：请按本项目的实际情况填写",
                    )
                )


def check_across(forms: Sequence[ReviewedForm], rulebook: Rulebook) -> list[Found]:
    found = [Found() for _ in forms]
    if rulebook.enabled("all_full_marks"):
        unit_all_full_marks(forms, rulebook, found)
    if rulebook.enabled("reason_quality"):
        reasons_copied(forms, rulebook, found)
    return found

"""The review (review.md) of returned forms: every enabled rule of the rulebook, per indicator, per form and
across forms, then the suggested scores, totals and grades. Pure: no file is read or written here."""

from __future__ import annotations

from collections.abc import Collection, Sequence

from perfxl.core.form import FormInput
from perfxl.core.labels import NAME
from perfxl.review.cross_form import check_across
from perfxl.review.declared import check_declared
from perfxl.review.emit import finding
from perfxl.review.form_rules import Found, check_form
from perfxl.review.indicator_rules import check_row
from perfxl.review.loading import resolve_rulebook
from perfxl.review.model import (
    ZERO,
    FormReview,
    IndicatorKey,
    IndicatorReview,
    Review,
    ReviewedForm,
    ReviewFinding,
    indicator_key,
)
from perfxl.review.rulebook import RULE_CODES, Rulebook
from perfxl.review.scores import review_total, suggested_score


def review_forms(
    forms: Sequence[ReviewedForm],
    rulebook: Rulebook | None = None,
    declared: Sequence[FormInput] | None = None,
    *,
    no_evidence: Collection[IndicatorKey] = (),
) -> Review:
    """Review ``forms`` with ``rulebook`` (the default one when None).

    ``declared``: the forms as declared (a perfxl.projectlist ProjectList's ``forms``, or a 绩效目标申报表's),
    for declared_mismatch; None leaves that rule out. ``no_evidence``: the indicators the reviewer marked
    佐证材料 无 (perfxl.review.model.indicator_key), for no_evidence.
    """
    book = resolve_rulebook(rulebook)
    found = [_own_findings(reviewed, book, no_evidence) for reviewed in forms]
    for form_found, across in zip(found, check_across(forms, book), strict=True):
        form_found.extend(across)
    unmatched: list[ReviewFinding] = []
    if declared is not None and book.enabled("declared_mismatch"):
        per_form, unmatched = check_declared(forms, declared, book)
        for form_found, compared in zip(found, per_form, strict=True):
            form_found.extend(compared)
    return Review(book, tuple(_form_review(r, f) for r, f in zip(forms, found, strict=True)), tuple(unmatched))


def _own_findings(reviewed: ReviewedForm, rulebook: Rulebook, no_evidence: Collection[IndicatorKey]) -> Found:
    found = Found()
    for index, row in enumerate(reviewed.result.indicators):
        found.rows[index].extend(check_row(row, f"indicators[{index}]", rulebook))
    found.extend(check_form(reviewed.result, rulebook))
    if no_evidence and rulebook.enabled("no_evidence"):
        for index, typed in enumerate(reviewed.form.indicators):
            if indicator_key(reviewed.form, typed) in no_evidence:
                found.rows[index].append(
                    finding(
                        rulebook,
                        "no_evidence",
                        f"indicators[{index}].evidence",
                        f"复核人标记{NAME}「{typed.name.strip()}」无佐证材料：按复核标准，无佐证材料的指标不得分",
                    )
                )
    return found


def _in_rulebook_order(findings: list[ReviewFinding]) -> tuple[ReviewFinding, ...]:
    order = {code: i for i, code in enumerate(RULE_CODES)}
    return tuple(sorted(findings, key=lambda f: order[f.code]))  # stable: a rule's findings keep their order


def _form_review(reviewed: ReviewedForm, found: Found) -> FormReview:
    result = reviewed.result
    profile = result.profile
    rows = []
    for index, row in enumerate(result.indicators):
        findings = _in_rulebook_order(found.rows.get(index, []))
        deduction = max((f.deduction for f in findings), default=ZERO)
        suggested = suggested_score(row.score, row.input.weight, deduction, profile)
        rows.append(IndicatorReview(index, row, row.score, suggested, findings))
    total = review_total(result.budget_score, [r.suggested for r in rows], profile)
    return FormReview(
        reviewed=reviewed,
        indicators=tuple(rows),
        findings=_in_rulebook_order(found.form),
        self_total=result.total,
        review_total=total,
        self_grade=result.grade,
        review_grade=None if total is None else profile.grade(total),
    )

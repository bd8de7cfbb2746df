"""A rule's finding as the rulebook sets it: its severity, and its deduction said in the message."""

from __future__ import annotations

from perfxl.core.numbers import plain
from perfxl.review.model import ZERO, ReviewFinding
from perfxl.review.rulebook import Rulebook, Scope


def finding(rulebook: Rulebook, code: str, field: str, message: str, *, on_row: bool = True) -> ReviewFinding:
    """The finding of rule ``code`` (the caller has checked that it is enabled). Only a finding on a row
    deducts: one on the whole form (``on_row=False``: a declared indicator removed, every row copied) cannot
    say which score it lowers."""
    rule = rulebook.rule(code)
    deduction = rule.deduction if on_row and rule.scope is Scope.INDICATOR else ZERO
    if deduction:
        message = f"{message}（建议扣减分值的{plain(deduction * 100)}%）"
    return ReviewFinding(code, rule.severity, field, message, deduction)


def form_finding(rulebook: Rulebook, code: str, field: str, message: str) -> ReviewFinding:
    """A finding on the whole form: it deducts nothing."""
    return finding(rulebook, code, field, message, on_row=False)


def label(name: str) -> str:
    """How a message names an indicator."""
    return f"指标「{name}」" if name.strip() else "指标"

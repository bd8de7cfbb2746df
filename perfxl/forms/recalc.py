"""Recalculate the forms of a workbook: read the inputs, compute with the core, write every computed cell.

The same code runs headless on files (perfxl.workbook.xlsx_book) and inside Excel behind the 重新计算
button (perfxl.workbook.xlwings_book): only the Book differs.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from perfxl import __version__
from perfxl.core.budget import COLUMNS
from perfxl.core.findings import Finding, Level
from perfxl.core.form import FormResult, evaluate_form
from perfxl.forms.reader import Metadata, ReadForm, is_generated, read_form, read_metadata
from perfxl.forms.values import form_values
from perfxl.workbook.base import Book, Ref

Marker = Callable[[Ref, str | None], None]
NOTE_PREFIX = "perfxl 检查"  # how perfxl's notes begin, so that a later run can tell its own


@dataclass(frozen=True)
class FormOutcome:
    sheet: str
    read: ReadForm
    result: FormResult
    findings: tuple[Finding, ...]  # the core's findings and the reader's, each with its cell where known

    def count(self, level: Level) -> int:
        return sum(1 for f in self.findings if f.level is level)


def located_findings(read: ReadForm, result: FormResult) -> tuple[Finding, ...]:
    findings = list(read.problems)
    for finding in result.findings:
        ref = read.cell_of(finding.field)
        findings.append(finding.located(None if ref is None else str(ref)))
    return tuple(findings)


def summary_text(outcome: FormOutcome) -> str:
    errors, warnings = outcome.count(Level.ERROR), outcome.count(Level.WARNING)
    if errors == warnings == 0:
        return "检查通过：没有发现问题"
    return f"检查发现：错误 {errors} 项，警告 {warnings} 项（见标记的单元格及检查结果列）"


def stamp_text(now: dt.datetime | None = None) -> str:
    moment = (now or dt.datetime.now()).strftime("%Y-%m-%d %H:%M")
    return f"重新计算：{moment}，perfxl {__version__}"


def recalculate_form(book: Book, sheet: str, metadata: Metadata | None, *, marker: Marker | None = None,
                     stamp: str | None = None) -> FormOutcome:
    """Recompute one form sheet and write its computed cells (and status, stamp, marks)."""
    read = read_form(book, sheet, metadata)
    result = evaluate_form(read.form, read.profile)
    values = form_values(result, read.mode, read.profile_json, read.actual_cells)
    fields = read.fields
    for column, _ in COLUMNS:
        _computed(book, fields.get(f"funds.total.{column}"), values.funds_total[column])
    _computed(book, fields.get("budget.rate"), values.rate)
    _computed(book, fields.get("budget.score"), values.budget_score)
    for row_cells, row_values, indicator in zip(read.rows, values.rows, result.indicators, strict=True):
        _computed(book, row_cells.get("row.rule_score"), row_values.rule_score)
        if indicator.input.score is None:
            _computed(book, row_cells.get("row.score"), row_values.score)
        _computed(book, row_cells.get("row.check"), row_values.check)
    _computed(book, fields.get("total.weight"), values.total_weight)
    _computed(book, fields.get("total.score"), values.total)
    _computed(book, fields.get("total.grade"), values.grade)
    outcome = FormOutcome(sheet, read, result, located_findings(read, result))
    if "form.status" in fields:
        book.set_value(fields["form.status"], summary_text(outcome))
    if stamp is not None and "form.stamp" in fields:
        book.set_value(fields["form.stamp"], stamp)
    if marker is not None:
        _mark(outcome, marker)
    return outcome


def _computed(book: Book, ref: Ref | None, value: object) -> None:
    if ref is not None:
        book.set_computed(ref, value)


def _mark(outcome: FormOutcome, marker: Marker) -> None:
    """One note per input cell: the findings about it, or none (clearing an earlier mark)."""
    texts: dict[str, list[str]] = {}
    for finding in outcome.findings:
        if finding.cell and finding.level is not Level.INFO:
            texts.setdefault(finding.cell, []).append(f"【{finding.level.label}】{finding.message}")
    read = outcome.read
    markable = [ref for row in read.rows for key, ref in row.items() if key in ("row.actual", "row.score",
                                                                               "row.reason", "row.target",
                                                                               "row.weight", "row.name")]
    markable += [ref for key, ref in read.fields.items() if key.startswith(("funds.", "project."))]
    for ref in markable:
        lines = texts.get(str(ref))
        marker(ref, f"{NOTE_PREFIX}：\n" + "\n".join(lines) if lines else None)


def form_sheets(book: Book) -> list[str]:
    return [sheet for sheet in book.sheet_names() if is_generated(book, sheet)]


def recalculate_book(book: Book, *, marker: Marker | None = None, stamp: str | None = None) -> list[FormOutcome]:
    """Every generated form of a workbook, recalculated."""
    metadata = read_metadata(book)
    return [recalculate_form(book, sheet, metadata, marker=marker, stamp=stamp) for sheet in form_sheets(book)]

"""Check and recalculate the forms of a workbook: one flow for every engine.

1. The engine brings every formula up to date (``Book.calculate``): perfxl's own engine on files,
   Excel itself behind the 重新计算 button. A form then shows what its formulas give.
2. Each form is read (generated ones by their names, hand-made ones by their labels), the core computes
   it from its inputs, and every result cell the form shows is compared with the core's
   (perfxl.readback.agreement): the form's numbers are what perfxl reports, each difference an error.
3. Recalculation then writes perfxl's own cells (summary, stamp) and marks the cells with findings.

The same code runs headless on files (perfxl.workbook.xlsx_book) and inside Excel
(perfxl.workbook.xlwings_book): only the Book differs.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass

from perfxl import __version__
from perfxl.contract.texts import NOTE_PREFIX
from perfxl.core.findings import Finding, Level, warning
from perfxl.core.form import FormResult, evaluate_form
from perfxl.readback.agreement import agree
from perfxl.readback.functions import FORM_FUNCTIONS
from perfxl.readback.reader import ReadForm, is_generated, read_form, read_metadata
from perfxl.workbook.base import Book, Calculation, Ref
from perfxl.workbook.protection import unprotected

log = logging.getLogger("perfxl.readback")

Marker = Callable[[Ref, str | None], None]


@dataclass(frozen=True)
class FormOutcome:
    sheet: str
    read: ReadForm
    result: FormResult  # the core's result, with the numbers the form shows
    findings: tuple[Finding, ...]  # the core's, the reader's and the agreement's, each with its cell where known
    generated: bool = True
    year: int | None = None  # 年度, where the workbook records it

    def count(self, level: Level) -> int:
        return sum(1 for f in self.findings if f.level is level)


def located_findings(read: ReadForm, result: FormResult) -> tuple[Finding, ...]:
    """The reader's problems and the core's findings, each on its cell.

    A value perfxl could not use (text in an amount cell) reaches the core as missing: the core's
    "not filled in" on the same field would contradict the reader's finding, so it is left out.
    """
    findings = list(read.problems)
    explained = {problem.field for problem in read.problems}
    for finding in result.findings:
        if finding.code.endswith("_missing") and finding.field in explained:
            continue
        ref = read.cell_of(finding.field)
        findings.append(finding.located(None if ref is None else str(ref)))
    return tuple(findings)


def check_form(
    book: Book, read: ReadForm, calculation: Calculation, *, generated: bool, year: int | None = None
) -> FormOutcome:
    """One form, computed by the core and compared with what it shows."""
    result = evaluate_form(read.form, read.profile)
    agreement = agree(book, read, result, generated=generated)
    findings = [*located_findings(read, result), *agreement.findings]
    prefix = f"{read.sheet}!"
    findings += [
        warning(
            "formula_not_computed",
            "form",
            f"此单元格的公式 perfxl 无法计算（{reason}），沿用文件中保存的结果，未经核对",
        ).located(cell)
        for cell, reason in calculation.uncomputed.items()
        if cell.startswith(prefix)
    ]
    return FormOutcome(read.sheet, read, agreement.result, tuple(findings), generated, year)


def form_sheets(book: Book) -> list[str]:
    return [sheet for sheet in book.sheet_names() if is_generated(book, sheet)]


def check_book(book: Book, *, write: Callable[[FormOutcome], None] | None = None) -> list[FormOutcome]:
    """Every form of a workbook: the generated ones, or else those found by their labels.

    Sheets are read one at a time and released once their forms are checked, so that memory does not grow
    with the number of sheets. ``write``: called for each generated form while its sheet is still open
    (recalculation's own cells); what it writes is kept for saving.
    """
    calculation = book.calculate(FORM_FUNCTIONS)
    metadata = read_metadata(book)
    year = metadata.year if metadata else None
    outcomes = []
    for sheet in form_sheets(book):
        outcome = check_form(book, read_form(book, sheet, metadata), calculation, generated=True, year=year)
        if write is not None:
            write(outcome)
        book.release(sheet, keep_changes=write is not None)
        outcomes.append(outcome)
    if outcomes:
        return outcomes
    from perfxl.readback.labels import forms_on

    for sheet in book.sheet_names():
        try:
            found = forms_on(book, sheet)
        except NotImplementedError:  # an engine that cannot read a sheet's grid (xlwings): no hand-made forms
            log.debug(
                "%s: hand-made forms are not looked for through %s", book.name, type(book).__name__, exc_info=True
            )
            return []
        outcomes += [check_form(book, read, calculation, generated=False) for read in found]
        book.release(sheet, keep_changes=False)
    return outcomes


def summary_text(outcome: FormOutcome) -> str:
    errors, warnings = outcome.count(Level.ERROR), outcome.count(Level.WARNING)
    if errors == warnings == 0:
        return "检查通过：没有发现问题"
    return f"检查发现：错误 {errors} 项，警告 {warnings} 项（见标记的单元格及检查结果列）"


def stamp_text(now: dt.datetime | None = None) -> str:
    moment = (now or dt.datetime.now()).strftime("%Y-%m-%d %H:%M")
    return f"重新计算：{moment}，perfxl {__version__}"


def recalculate_book(
    book: Book, *, marker: Marker | None = None, stamp: str | None = None, notice: str | None = None
) -> list[FormOutcome]:
    """Every form of a workbook, checked; generated ones also get their summary, stamp and marks.

    ``notice``: a message for the user put before each form's summary (the button's xlwings check).
    A hand-made form's cells are the officer's: nothing is written to it.
    """

    def write(outcome: FormOutcome) -> None:
        fields = outcome.read.fields
        # Excel refuses a macro's write to a locked cell of a protected sheet: write with it unprotected.
        with unprotected(book, [outcome.sheet]):
            if "form.status" in fields:
                summary = summary_text(outcome)
                book.set_value(fields["form.status"], summary if notice is None else f"{notice}\n{summary}")
            if stamp is not None and "form.stamp" in fields:
                book.set_value(fields["form.stamp"], stamp)
            if marker is not None:
                _mark(outcome, marker)

    return check_book(book, write=write)


def _mark(outcome: FormOutcome, marker: Marker) -> None:
    """One note per input cell: the findings about it, or none (clearing an earlier mark)."""
    texts: dict[str, list[str]] = {}
    for finding in outcome.findings:
        if finding.cell and finding.level is not Level.INFO:
            texts.setdefault(finding.cell, []).append(f"【{finding.level.label}】{finding.message}")
    read = outcome.read
    markable = [
        ref
        for row in read.rows
        for key, ref in row.items()
        if key in ("row.actual", "row.score", "row.reason", "row.target", "row.weight", "row.name")
    ]
    markable += [ref for key, ref in read.fields.items() if key.startswith(("funds.", "project.", "budget.", "total."))]
    for ref in markable:
        lines = texts.get(str(ref))
        marker(ref, f"{NOTE_PREFIX}：\n" + "\n".join(lines) if lines else None)

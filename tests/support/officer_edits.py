"""What officers do to a returned form: type, paste past the validation, type over a formula, clear cells.

Edits are made at XML level (XlsxBook), as any spreadsheet would save them: a typed text is an inline
string, a typed number a number, typing over a formula removes the formula. Cached values are left as
they were, stale, as a program that does not recalculate would leave them.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

from perfxl.workbook.base import Ref
from perfxl.workbook.xlsx_book import XlsxBook

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"

# Values pasted into an actual cell: numbers, numeric text, dropdown answers and words outside them.
ACTUALS: tuple[object, ...] = (
    0.88,
    0.97,
    1,
    3,
    18,
    1745,
    0.5,
    0,
    -1,
    "88%",
    "88",
    "97%",
    "18次",
    "1,745人次",
    "100%",
    "较顺利",
    "已完成",
    "顺利完成",
    "完成",
    "基本完成",
    "达成",
    "部分达成",
    "未达成",
    "未完成",
    "顺利完成 ",
    "未统计",
    "",
    None,
    "TRUE",
)
SCORES: tuple[object, ...] = (4, 3.5, 0, 10, 12, -1, "4分", "4", "—", None)
AMOUNTS: tuple[object, ...] = (588865, 1200.5, 0, "588,865", " 1200 ", "壹万元", None, -5)
REASONS: tuple[object, ...] = ("受疫情影响，调整计划。", None, " ", "　")


@dataclass(frozen=True)
class Edit:
    cell: Ref
    value: object
    over_formula: bool = False

    def __str__(self) -> str:
        return f"{self.cell}={self.value!r}" + (" (typed over the formula)" if self.over_formula else "")


def type_into(book: XlsxBook, ref: Ref, value: object) -> None:
    """Type ``value`` into a cell as a spreadsheet user would: over a formula, the formula is gone."""
    sheet = book._sheet(ref.sheet)
    cell = sheet.cells.get((ref.min_row, ref.min_col))
    if cell is not None:
        for formula in cell.findall(f"{{{MAIN}}}f"):
            cell.remove(formula)
    book.set_value(ref, value)


def random_edits(book: XlsxBook, sheet: str, rng: random.Random, count: int) -> list[Edit]:
    """Up to ``count`` edits of one generated form's inputs (and now and then of a computed cell)."""
    names = book.names(sheet)
    rows = names["PERFXL_IND_NAME"].rows
    edits = []
    for _ in range(count):
        what = rng.random()
        row = rng.randrange(rows)
        if what < 0.55:
            ref = _row(names["PERFXL_IND_ACTUAL"], row)
            edits.append(Edit(ref, rng.choice(ACTUALS)))
        elif what < 0.7:
            edits.append(Edit(_row(names["PERFXL_IND_SCORE"], row), rng.choice(SCORES), over_formula=True))
        elif what < 0.8:
            edits.append(Edit(_row(names["PERFXL_IND_REASON"], row), rng.choice(REASONS)))
        elif what < 0.95:
            key = rng.choice(
                ["PERFXL_FUNDS_FISCAL_EXECUTED", "PERFXL_FUNDS_FISCAL_ANNUAL", "PERFXL_FUNDS_CARRYOVER_EXECUTED"]
            )
            edits.append(Edit(names[key], rng.choice(AMOUNTS)))
        else:  # a computed cell typed over: the rate, the budget score or the total
            key = rng.choice(["PERFXL_RATE", "PERFXL_BUDGET_SCORE", "PERFXL_TOTAL"])
            edits.append(Edit(names[key], rng.choice((0.9, 9, 95, 88.5)), over_formula=True))
    for edit in edits:
        if edit.over_formula:
            type_into(book, edit.cell, edit.value)
        else:
            book.set_value(edit.cell, edit.value)
    return edits


def _row(ref: Ref, index: int) -> Ref:
    return Ref.cell(ref.sheet, ref.min_row + index, ref.min_col)


def edited_copy(source: Path, target: Path, rng: random.Random, count: int) -> dict[str, list[Edit]]:
    """A copy of a generated workbook with random officer edits in every form sheet, saved."""
    with XlsxBook(source) as book:
        edits = {
            sheet: random_edits(book, sheet, rng, count)
            for sheet in book.sheet_names()
            if "PERFXL_TOTAL" in book.names(sheet)
        }
        book.save(target)
    return edits

"""What is at a target path already, and whether writing a new form there would lose anything.

The generator replaces only its own output, and only when nothing an officer typed would be lost:
a blank form, or a form whose typed values the new form holds as well (the same list generated
again). Everything else at a target path is left alone unless ``--force``: a filled form, a form
perfxl did not make, a workbook that is no form, a file that is no readable workbook, a folder.

"Typed" is what a protected form lets an officer type: every unlocked cell of a form sheet holding a
value rather than a formula (全年执行数, 实际完成值, 得分 typed over its formula, 偏差原因, 实际完成情况,
a budget the list left open, a bureau's own input rows), except the two cells the 重新计算 button
fills (检查摘要, 重新计算时间).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from perfxl.contract.fields import FIELDS
from perfxl.core.budget import COLUMNS
from perfxl.core.form import FormInput
from perfxl.readback.reader import is_generated, read_metadata
from perfxl.sheetlib.package import UnusableFile, check_package
from perfxl.workbook.base import Ref
from perfxl.workbook.xlsx_book import XlsxBook

# Filled by a recalculation, not typed by the officer.
RECALCULATION_FIELDS = ("form.status", "form.stamp")
SHOWN_LABELS = 5
EXECUTED_LABEL = dict(COLUMNS)["executed"]

Cell = tuple[str, int, int]  # sheet, row, column


@dataclass(frozen=True)
class Existing:
    """A file found at a target path."""

    replaceable: bool  # perfxl's own form: may be replaced if nothing typed is lost
    reason: str  # why it is left alone (Chinese), when it is not replaceable
    typed: Mapping[Cell, object] = field(default_factory=dict)  # cell -> what was typed there
    labels: Mapping[Cell, str] = field(default_factory=dict)  # cell -> its field's label, where it has one

    @property
    def blank(self) -> bool:
        return self.replaceable and not self.typed


@dataclass(frozen=True)
class TypedValues:
    typed: dict[Cell, object]
    labels: dict[Cell, str]


def typed_values(book: XlsxBook) -> TypedValues | None:
    """The typed values of a workbook perfxl generated; None when perfxl did not make it."""
    if read_metadata(book) is None:
        return None
    sheets = [sheet for sheet in book.sheet_names() if is_generated(book, sheet)]
    if not sheets:
        return None
    typed: dict[Cell, object] = {}
    labels: dict[Cell, str] = {}
    for sheet in sheets:
        names = book.names(sheet)
        skip = {
            (sheet, r.min_row, r.min_col)
            for key in RECALCULATION_FIELDS
            if (r := names.get(FIELDS[key].defined_name)) is not None
        }
        field_cells = {
            (sheet, cell.min_row, cell.min_col): f.label
            for f in FIELDS.values()
            if f.key not in RECALCULATION_FIELDS and (ref := names.get(f.defined_name)) is not None
            for cell in ref.cells()
        }
        for (row, col), value in book.cell_values(sheet).items():  # sparse: a stray far cell costs nothing
            key = (sheet, row, col)
            cell = Ref.cell(sheet, row, col)
            if (isinstance(value, str) and not value.strip()) or key in skip or book.formulas(cell)[0][0]:
                continue
            if book.locked(cell):
                continue
            typed[key] = value
            if key in field_cells:
                labels[key] = field_cells[key]
    return TypedValues(typed, labels)


def _filled_labels(form: FormInput) -> list[str]:
    """What a form read by its labels holds beyond what a blank form shows, by field label."""
    found = []
    if form.funds.total.executed is not None:
        found.append(EXECUTED_LABEL)
    for attribute, key in (("actual", "row.actual"), ("score", "row.score"), ("reason", "row.reason")):
        if any(getattr(row, attribute) not in (None, "") for row in form.indicators):
            found.append(FIELDS[key].label)
    if form.goal_actual:
        found.append(FIELDS["goal.actual"].label)
    return found


def _foreign(book: XlsxBook) -> str:
    from perfxl.readback.labels import find_forms, read_labelled_forms

    filled = []
    for sheet in find_forms(book):
        for read in read_labelled_forms(book, sheet):
            filled += [label for label in _filled_labels(read.form) if label not in filled]
    if filled:
        return f"是手工制作的自评表（不是 perfxl 生成的），已填写{'、'.join(filled)}"
    if find_forms(book):
        return "是手工制作的自评表（不是 perfxl 生成的）"
    return "是其他 Excel 工作簿（不是 perfxl 生成的自评表）"


def look_at(path: Path) -> Existing | None:
    """What is at ``path``: None when nothing is; never raises for what the file holds."""
    if not path.exists() and not path.is_symlink():
        return None
    if path.is_dir():
        return Existing(False, "是一个文件夹")
    if not path.is_file():
        return Existing(False, "不是普通文件")
    try:
        check_package(path)
        with XlsxBook(path) as book:
            values = typed_values(book)
            if values is None:
                return Existing(False, _foreign(book))
            return Existing(True, "", values.typed, values.labels)
    except UnusableFile as exc:
        return Existing(False, f"不是可以读取的 Excel 工作簿（{exc}）")
    except Exception as exc:  # whatever the file holds, the safe answer is to leave it alone
        logging.getLogger("perfxl.generate").exception("%s could not be read", path)
        return Existing(False, f"不是可以读取的 Excel 工作簿（{type(exc).__name__}）")


def lost_values(existing: Existing, new: TypedValues | None) -> dict[Cell, object]:
    """What was typed in ``existing`` and the new workbook does not hold in the same cell."""
    held = new.typed if new is not None else {}
    return {cell: value for cell, value in existing.typed.items() if held.get(cell, _MISSING) != value}


_MISSING = object()


def describe(existing: Existing, cells: Mapping[Cell, object]) -> str:
    """「已填写：全年执行数、实际完成值（12 格）」: what would be lost, by field, in Chinese."""
    counts: dict[str, int] = {}
    for cell in cells:
        label = existing.labels.get(cell) or f"{cell[0]}!{_address(cell)}"
        counts[label] = counts.get(label, 0) + 1
    parts = [label if count == 1 else f"{label}（{count} 格）" for label, count in counts.items()]
    shown = "、".join(parts[:SHOWN_LABELS]) + (f" 等 {len(parts)} 项" if len(parts) > SHOWN_LABELS else "")
    return f"已填写：{shown}"


def _address(cell: Cell) -> str:
    return Ref.cell(*cell).address

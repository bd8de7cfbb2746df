"""Where every template cell lands once the indicator band is repeated for n indicators."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from openpyxl.formula.tokenizer import Token, Tokenizer

from perfxl.form_template.loader import FormTemplate
from perfxl.sheetlib.addresses import cell_address

Box = tuple[int, int, int, int]  # min_col, min_row, max_col, max_row (1-based, inclusive)


@dataclass(frozen=True)
class FormLayout:
    template: FormTemplate
    indicators: int

    @property
    def extra(self) -> int:
        """Rows added by repeating the band."""
        return self.indicators - 1

    @property
    def band(self) -> int:
        return self.template.band_row

    @property
    def last_band_row(self) -> int:
        return self.band + self.extra

    def row(self, template_row: int) -> int:
        """Output row of a template row outside the band (1-based)."""
        return template_row if template_row < self.band else template_row + self.extra

    def band_rows(self) -> range:
        return range(self.band, self.last_band_row + 1)

    def field_address(self, key: str, absolute: bool = False) -> str:
        row, col = self.template.fields[key]
        return cell_address(self.row(row), col, absolute=absolute)

    def row_address(self, key: str, index: int, absolute: bool = False) -> str:
        return cell_address(self.band + index, self.template.fields[key][1], absolute=absolute)

    def column_range(self, key: str, absolute: bool = True) -> str:
        col = self.template.fields[key][1]
        first, last = (cell_address(row, col, absolute=absolute) for row in (self.band, self.last_band_row))
        return f"{first}:{last}"

    def has(self, key: str) -> bool:
        return key in self.template.fields

    def expand_box(self, box: Box) -> Box:
        """A range of the template, stretched over the repeated band and moved below it."""
        min_col, min_row, max_col, max_row = box
        new_min = min_row if min_row <= self.band else min_row + self.extra
        new_max = max_row if max_row < self.band else max_row + self.extra
        return min_col, new_min, max_col, new_max

    def merges(self) -> list[Box]:
        """Template merges outside the band (stretched or moved), and band-row merges once per row."""
        boxes: list[Box] = []
        for box in self.template.merges:
            _, min_row, _, max_row = box
            if min_row == max_row == self.band:
                boxes.extend((box[0], r, box[2], r) for r in self.band_rows())
            else:
                boxes.append(self.expand_box(box))
        return boxes

    def shift_formula(self, formula: str) -> str:
        """Re-point a template formula: references below the band move down, ranges over it grow."""
        if not formula.startswith("=") or self.extra == 0:
            return formula
        tokens = Tokenizer(formula).items
        parts = []
        for token in tokens:
            if token.type == Token.OPERAND and token.subtype == Token.RANGE:
                parts.append(self._shift_reference(token.value))
            else:
                parts.append(token.value)
        return "=" + "".join(parts)

    def _shift_reference(self, reference: str) -> str:
        sheet, bang, cells = reference.rpartition("!")
        ends = cells.split(":")
        rows = [_row_of(e) for e in ends]
        if not all(rows):
            return reference  # a defined name or a whole column: nothing to move
        first, last = rows[0], rows[-1]
        moved = []
        for i, end in enumerate(ends):
            row = rows[i]
            is_last = i == len(ends) - 1 and len(ends) > 1
            if row > self.band or (is_last and first <= self.band <= last):
                row += self.extra
            moved.append(_with_row(end, row))
        return f"{sheet}{bang}{':'.join(moved)}"


def _row_of(reference: str) -> int:
    """Row number of a cell reference such as $B$12; 0 when it is not one."""
    digits = "".join(ch for ch in reference if ch.isdigit())
    return int(digits) if digits and reference.rstrip("0123456789").replace("$", "").isalpha() else 0


def _with_row(reference: str, row: int) -> str:
    head = reference.rstrip("0123456789")
    return f"{head}{row}"


def groups(values: Sequence[str]) -> list[tuple[int, int]]:
    """(first, last) index pairs of runs of equal consecutive values: the 一级/二级 merges."""
    runs: list[tuple[int, int]] = []
    start = 0
    for i in range(1, len(values) + 1):
        if i == len(values) or values[i] != values[start]:
            runs.append((start, i - 1))
            start = i
    return runs

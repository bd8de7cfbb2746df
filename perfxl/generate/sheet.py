"""Write one form onto an xlsxwriter worksheet, from the template and the computed result."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from openpyxl.formula.translate import Translator
from xlsxwriter.format import Format
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from perfxl.contract.fields import FIELDS, INDICATORS_NAME
from perfxl.contract.values import form_values
from perfxl.core import labels
from perfxl.core.budget import SOURCES
from perfxl.core.cells import is_blank
from perfxl.core.form import FormResult
from perfxl.form_template.loader import FormTemplate, TemplateCell
from perfxl.generate.cells import CellContent, FormCells
from perfxl.generate.fast_sheet import UNCALCULATED
from perfxl.generate.formulas import Formulas, RowCells, check_conditions, number
from perfxl.generate.inputs import ActualDesign, design_actual
from perfxl.generate.layout import FormLayout, groups
from perfxl.sheetlib.addresses import cell_address, quote_sheet
from perfxl.text import DEFAULT_FONT_SIZE, lines_needed, row_height

# Conditional formats: a red fill where something is missing or wrong, yellow where a reason is asked.
RED = {"bg_color": "#FFC7CE", "font_color": "#9C0006"}
YELLOW = {"bg_color": "#FFEB9C", "font_color": "#9C5700"}
PROTECTION = {
    "objects": True,
    "scenarios": True,
    "format_cells": False,
    "format_columns": True,
    "format_rows": True,
    "insert_rows": False,
    "delete_rows": False,
    "select_locked_cells": True,
    "select_unlocked_cells": True,
}
LEVEL_COLUMNS = ("row.level1", "row.level2")
ONE_PAGE_INDICATORS = 25


class Formats:
    """xlsxwriter formats of one workbook, made once per template style and override."""

    def __init__(self, workbook: Workbook, template: FormTemplate) -> None:
        self.workbook = workbook
        self.template = template
        self._cache: dict[tuple[object, ...], Format] = {}

    def get(self, style: int, **overrides: object) -> Format:
        key = (style, *sorted(overrides.items()))
        if key not in self._cache:
            props = dict(self.template.styles[style])
            props.update({k: v for k, v in overrides.items() if v is not None})
            self._cache[key] = self.workbook.add_format(props)
        return self._cache[key]

    def conditional(self, props: Mapping[str, object]) -> Format:
        key = ("conditional", *sorted(props.items()))
        if key not in self._cache:
            self._cache[key] = self.workbook.add_format(dict(props))
        return self._cache[key]


@dataclass
class FormSheet:
    """One form being written: its layout, its cells' contents and the names it defines."""

    workbook: Workbook
    worksheet: Worksheet
    formats: Formats
    template: FormTemplate
    result: FormResult
    formulas: Formulas
    context: dict[str, object]
    designs: list[ActualDesign] = field(default_factory=list)
    heights: dict[int, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.layout = FormLayout(self.template, len(self.result.indicators))
        self.designs = [design_actual(r.target, r.input.actual) for r in self.result.indicators]
        values = form_values(self.result, [d.cell_value for d in self.designs])
        self.cells = FormCells(self.result, self.formulas, values)
        self.cell_by_position = {(c.row, c.col): c for c in self.template.cells}
        self.merge_boxes = self.layout.merges()

    # -- the whole sheet ----------------------------------------------------------------------------

    def write(self) -> None:
        self._columns()
        self._merges()
        for cell in self.template.cells:
            if cell.row == self.template.band_row:
                for index in range(len(self.result.indicators)):
                    self._band_cell(cell, index)
            else:
                self._static_or_field(cell)
        self._conditional_formats()
        self._row_heights()
        self._print_setup()
        self._names()
        self.worksheet.protect("", PROTECTION)
        self.worksheet.hide_gridlines(0 if self.template.print_setup.gridlines else 2)

    def _columns(self) -> None:
        for col in range(1, self.template.max_col + 1):
            width = self.template.column_widths.get(col)
            hidden = col in self.template.hidden_columns
            if width is not None or hidden:
                self.worksheet.set_column(col - 1, col - 1, width, None, {"hidden": hidden} if hidden else None)

    def _merges(self) -> None:
        boxes = list(self.merge_boxes)
        merged_band_columns = {
            c
            for (min_col, min_row, max_col, max_row) in self.template.merges
            if min_row == max_row == self.template.band_row
            for c in range(min_col, max_col + 1)
        }
        for key in LEVEL_COLUMNS:
            if key not in self.template.fields:
                continue
            col = self.template.fields[key][1]
            if col in merged_band_columns:
                continue
            values = [self._level_value(key, i) for i in range(len(self.result.indicators))]
            for first, last in groups(values):
                if last > first:
                    boxes.append((col, self.layout.band + first, col, self.layout.band + last))
        for min_col, min_row, max_col, max_row in boxes:
            cell = self.cell_by_position.get((self._template_row(min_row), min_col))
            style = self.formats.get(cell.style if cell else 0)
            self.worksheet.merge_range(min_row - 1, min_col - 1, max_row - 1, max_col - 1, "", style)

    def _level_value(self, key: str, index: int) -> str:
        row = self.result.indicators[index].input
        if key == "row.level1":
            return row.level1
        return f"{row.level1}\u0000{row.level2}"  # a 二级 group never crosses a 一级 boundary

    def _template_row(self, row: int) -> int:
        if row < self.layout.band:
            return row
        if row <= self.layout.last_band_row:
            return self.layout.band
        return row - self.layout.extra

    # -- cells outside the band -----------------------------------------------------------------------

    def _static_or_field(self, cell: TemplateCell) -> None:
        row = self.layout.row(cell.row)
        if cell.field is not None:
            self._put(row, cell.col, cell, self._field_content(cell.field))
            return
        if cell.is_formula:
            self._put(row, cell.col, cell, _template_formula(self.layout.shift_formula(str(cell.value))))
            return
        value = cell.text.render(self.context) if cell.text is not None else cell.value
        self._put(row, cell.col, cell, CellContent(value))

    def _field_content(self, key: str) -> CellContent:
        form = self.result.form
        cells = self.cells
        at = self.layout.field_address
        if key.startswith("project."):
            return CellContent(getattr(form, key.split(".")[1]))
        if key in ("form.status", "form.stamp"):
            # Filled by a recalculation: unlocked, so that the button may write them on the protected sheet.
            return CellContent(None, unlocked=True)
        if key.startswith("form."):
            return CellContent(None)  # the button's place
        if key == "goal.expected":
            return CellContent(form.goal_expected)
        if key == "goal.actual":
            return CellContent(
                form.goal_actual or None,
                unlocked=True,
                validation={
                    "validate": "any",
                    "input_title": "实际完成情况",
                    "input_message": "请概述年度总体目标的实际完成情况。",
                },
            )
        if key.startswith("funds."):
            _, source, column = key.split(".")
            if source != "total":
                return cells.funds_source(source, column)
            sources = [at(f"funds.{s}.{column}") for s, _ in SOURCES if self.layout.has(f"funds.{s}.{column}")]
            return cells.funds_total(column, sources)
        if key == "budget.weight":
            return CellContent(float(self.result.profile.budget_weight))
        if key == "budget.rate":
            return cells.rate(at("funds.total.annual"), at("funds.total.executed"))
        if key == "budget.score":
            return cells.budget_score(
                at("funds.total.annual"), at("funds.total.executed"), at("budget.rate"), self._budget_weight()
            )
        if key == "total.weight":
            return cells.total_weight(self._budget_weight(), self.layout.column_range("row.weight", absolute=False))
        if key == "total.score":
            return cells.total(at("budget.score"), self.layout.column_range("row.score", absolute=False))
        if key == "total.grade":
            return cells.grade(at("total.score"))
        raise AssertionError(key)  # every other field is a row field

    def _budget_weight(self) -> str:
        """The budget weight cell, or the profile's number when the template shows none."""
        if self.layout.has("budget.weight"):
            return self.layout.field_address("budget.weight")
        return number(self.result.profile.budget_weight)

    # -- the band -----------------------------------------------------------------------------------

    def _row_cells(self, index: int) -> RowCells:
        at = self.layout.row_address
        return RowCells(
            target=at("row.target", index),
            actual=at("row.actual", index),
            weight=at("row.weight", index),
            score=at("row.score", index),
            reason=at("row.reason", index) if self.layout.has("row.reason") else '""',
            rule_score=at("row.rule_score", index) if self.layout.has("row.rule_score") else None,
        )

    def _band_cell(self, cell: TemplateCell, index: int) -> None:
        row = self.layout.band + index
        indicator = self.result.indicators[index]
        if cell.is_formula:
            formula = Translator(str(cell.value), cell_address(cell.row, cell.col)).translate_formula(
                cell_address(row, cell.col)
            )
            self._put(row, cell.col, cell, _template_formula(formula))
            return
        if cell.field is None:
            value = (
                cell.text.render({**self.context, **_row_context(indicator, index)})
                if cell.text is not None
                else cell.value
            )
            self._put(row, cell.col, cell, CellContent(value))
            return
        self._put(row, cell.col, cell, self._row_content(cell.field, index))

    def _row_content(self, key: str, index: int) -> CellContent:
        indicator = self.result.indicators[index]
        design = self.designs[index]
        cells = self._row_cells(index)
        row = indicator.input
        if key == "row.level1":
            return CellContent(row.level1)
        if key == "row.level2":
            return CellContent(row.level2)
        if key == "row.name":
            return CellContent(row.name)
        if key == "row.target":
            return CellContent(row.target)
        if key == "row.weight":
            return CellContent(float(row.weight))
        if key == "row.actual":
            return CellContent(
                design.cell_value,
                unlocked=True,
                num_format=design.num_format,
                validation=design.validation(strict=self.formulas.mode == "native"),
            )
        if key == "row.reason":
            return CellContent(
                row.reason or None,
                unlocked=True,
                validation={
                    "validate": "any",
                    "input_title": labels.REASON,
                    "input_message": f"{labels.SCORE}低于{labels.WEIGHT}、未完全达成、人工评分或超额完成时须填写。",
                },
            )
        if key == "row.score":
            return self.cells.score(index, indicator, cells, design)
        if key == "row.rule_score":
            return self.cells.rule_score(index, cells, design)
        if key == "row.check":
            return self.cells.check(index, cells, design)
        raise AssertionError(key)

    # -- writing ------------------------------------------------------------------------------------

    def _put(self, row: int, col: int, cell: TemplateCell, content: CellContent) -> None:
        overrides: dict[str, object] = {}
        if content.unlocked:
            overrides["locked"] = False
        if content.num_format:
            overrides["num_format"] = content.num_format
        fmt = self.formats.get(cell.style, **overrides)
        r, c = row - 1, col - 1
        value = content.value
        if content.formula:
            self.worksheet.write_formula(r, c, str(value), fmt, content.cached)
        elif is_blank(value, whitespace_is_blank=False):
            self.worksheet.write_blank(r, c, None, fmt)
        elif isinstance(value, str):
            self.worksheet.write_string(r, c, value, fmt)
            self._fit_text(row, col, cell, value)
        else:
            self.worksheet.write(r, c, value, fmt)
        if content.validation:
            self.worksheet.data_validation(r, c, r, c, dict(content.validation))

    def _conditional_formats(self) -> None:
        """Red where a score exceeds its weight or a reason is owed, yellow where over-achievement asks one.

        The generic rules are written once over the whole band (their references are relative to
        its first row); over-achievement carries each row's own threshold.
        """
        if not (self.layout.has("row.reason") and self.layout.has("row.score")):
            return
        first = check_conditions(self._row_cells(0), self.designs[0], self.result.profile)
        scores = self.layout.column_range("row.score", absolute=False)
        reasons = self.layout.column_range("row.reason", absolute=False)
        for code, column in (("score_above_weight", scores), ("score_negative", scores), ("reason_missing", reasons)):
            self.worksheet.conditional_format(
                column, {"type": "formula", "criteria": "=" + first[code], "format": self.formats.conditional(RED)}
            )
        for index, design in enumerate(self.designs):
            row = self._row_cells(index)
            condition = check_conditions(row, design, self.result.profile).get("over_achievement")
            if condition:
                self.worksheet.conditional_format(
                    row.reason,
                    {"type": "formula", "criteria": "=" + condition, "format": self.formats.conditional(YELLOW)},
                )

    def _fit_text(self, row: int, col: int, cell: TemplateCell, value: str) -> None:
        style = self.template.styles[cell.style]
        if not style.get("text_wrap"):
            return
        width = self._merged_width(row, col)
        size = float(style.get("font_size", DEFAULT_FONT_SIZE))  # type: ignore[arg-type]
        height = row_height(lines_needed(value, width, size), size)
        self.heights[row] = max(self.heights.get(row, 0.0), height)

    def _merged_width(self, row: int, col: int) -> float:
        last_col = col
        first_row = last_row = row
        for min_col, min_row, max_col, max_row in self.merge_boxes:
            if min_col == col and min_row == row:
                last_col, last_row = max_col, max_row
                break
        width = sum(self.template.column_widths.get(c, 8.43) for c in range(col, last_col + 1))
        # A text merged down several rows spreads its height over them.
        return width * (last_row - first_row + 1)

    def _row_heights(self) -> None:
        for template_row in range(1, self.template.max_row + 1):
            rows = (
                self.layout.band_rows() if template_row == self.template.band_row else [self.layout.row(template_row)]
            )
            base = self.template.row_heights.get(template_row)
            for row in rows:
                height = max(base or 0.0, self.heights.get(row, 0.0))
                if height:
                    self.worksheet.set_row(row - 1, height)

    def _print_setup(self) -> None:
        setup = self.template.print_setup
        ws = self.worksheet
        if setup.paper:
            ws.set_paper(setup.paper)
        if setup.landscape:
            ws.set_landscape()
        else:
            ws.set_portrait()
        left, right, top, bottom, header, footer = setup.margins
        ws.set_margins(left=left, right=right, top=top, bottom=bottom)
        if setup.fit_width is not None:
            # "Automatic" height: a form of up to ONE_PAGE_INDICATORS prints on one page, longer ones flow on.
            height = setup.fit_height or (1 if len(self.result.indicators) <= ONE_PAGE_INDICATORS else 0)
            ws.fit_to_pages(setup.fit_width, height)
        elif setup.scale:
            ws.set_print_scale(setup.scale)
        if setup.centre_horizontally:
            ws.center_horizontally()
        if setup.area:
            min_col, min_row, max_col, max_row = self.layout.expand_box(setup.area)
            ws.print_area(min_row - 1, min_col - 1, max_row - 1, max_col - 1)
        if setup.title_rows:
            first, last = (self.layout.expand_box((1, setup.title_rows[0], 1, setup.title_rows[1])))[1::2]
            ws.repeat_rows(first - 1, last - 1)
        if setup.header:
            ws.set_header(setup.header, {"margin": header})
        if setup.footer:
            ws.set_footer(setup.footer, {"margin": footer})

    def _names(self) -> None:
        sheet = quote_sheet(self.worksheet.name)
        for key, (row, col) in self.template.fields.items():
            definition = FIELDS[key]
            if definition.is_row_field:
                reference = self.layout.column_range(key)
            else:
                reference = cell_address(self.layout.row(row), col, absolute=True)
            self.workbook.define_name(f"{sheet}!{definition.defined_name}", f"={sheet}!{reference}")
        band_columns = self.template.band_columns().values()
        first = cell_address(self.layout.band, min(band_columns), absolute=True)
        last = cell_address(self.layout.last_band_row, max(band_columns), absolute=True)
        self.workbook.define_name(f"{sheet}!{INDICATORS_NAME}", f"={sheet}!{first}:{last}")


def _row_context(indicator: object, index: int) -> dict[str, object]:
    row = indicator.input  # type: ignore[attr-defined]
    return {
        "row.index": index + 1,
        "row.level1": row.level1,
        "row.level2": row.level2,
        "row.name": row.name,
        "row.target": row.target,
        "row.weight": row.weight,
    }


def _template_formula(formula: str) -> CellContent:
    """A formula of the bureau's template: its result is computed once the whole workbook is written
    (perfxl.generate.book), so it is written as not yet calculated."""
    return CellContent(formula, True, UNCALCULATED)

"""Assemble generated workbooks: one form per file, or all forms plus a 目录 sheet in one file."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import xlsxwriter
from xlsxwriter.worksheet import Worksheet

from perfxl.contract.metadata import PROFILE_NAME
from perfxl.contract.profiles import load_profile, profile_to_json
from perfxl.core.errors import PerfxlError
from perfxl.core.form import FormResult
from perfxl.excel.versions import embedded_xlwings_version
from perfxl.form_template.loader import FormTemplate
from perfxl.generate.fast_sheet import FastFormulaWorksheet
from perfxl.generate.formulas import formulas_for
from perfxl.generate.macros import add_button, add_conf_sheet, attach_project
from perfxl.generate.metadata import MetadataSheet
from perfxl.generate.sheet import Formats, FormSheet
from perfxl.naming import INDEX_SHEET, sheet_name
from perfxl.output import atomic_path, creation_time
from perfxl.sheetlib.addresses import quote_sheet

# Excel (2016+) stops recalculating a file whose calcId is at least its own on open: a udf-mode form
# then keeps its cached numbers on a PC where the UDFs cannot run.
CURRENT_CALC_ID = 191029


class BookWriter:
    """One output workbook holding one or more forms."""

    def __init__(
        self,
        path: Path,
        template: FormTemplate,
        mode: str,
        year: int,
        list_name: str,
        profile_json: str,
        index: bool = False,
    ) -> None:
        self.workbook = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False, "strings_to_formulas": False})
        created = creation_time()
        self.workbook.set_properties(
            {
                "title": "财政项目支出绩效自评表",
                "creator": "perfxl",
                "created": created,
                "comments": f"perfxl {mode} 模式生成",
            }
        )
        if mode == "udf":
            self.workbook.calc_on_load = False
            self.workbook.calc_id = CURRENT_CALC_ID
        self.template = template
        self.mode = mode
        self.year = year
        self.formats = Formats(self.workbook, template)
        self.default_profile = profile_to_json(load_profile())
        self.sheet_names: set[str] = set()
        self.forms: list[tuple[str, FormResult, FormSheet]] = []
        self.metadata = MetadataSheet(
            self.workbook,
            template_name=template.path.name,
            template_version=template.version,
            mode=mode,
            year=year,
            profile_json=profile_json,
            list_name=list_name,
            xlwings_version=embedded_xlwings_version() if mode == "udf" else None,
        )
        # Sheets keep the order they are added in (defined names refer to sheets by position).
        self.index_sheet = (
            self.workbook.add_worksheet(INDEX_SHEET, worksheet_class=FastFormulaWorksheet) if index else None
        )

    def add_form(self, result: FormResult) -> FormSheet:
        name = sheet_name(result.form.name, self.sheet_names)
        worksheet = self.workbook.add_worksheet(name, worksheet_class=FastFormulaWorksheet)
        profile_cell = None if profile_to_json(result.profile) == self.default_profile else PROFILE_NAME
        form = FormSheet(
            workbook=self.workbook,
            worksheet=worksheet,
            formats=self.formats,
            template=self.template,
            result=result,
            formulas=formulas_for(self.mode, result.profile, profile_cell),
            context=_context(result, self.year),
        )
        form.write()
        if self.mode == "udf" and form.layout.has("form.button"):
            row, col = self.template.fields["form.button"]
            add_button(worksheet, form.layout.row(row) - 1, col - 1)
        self.metadata.add_form(name, result)
        self.forms.append((name, result, form))
        return form

    def _write_index(self, sheet: Worksheet) -> None:
        """The 目录 sheet of a single workbook: one line per form, linked, with its total and grade."""
        sheet.activate()
        title = self.workbook.add_format({"font_name": "黑体", "font_size": 14})
        header = self.workbook.add_format(
            {"font_name": "宋体", "bold": True, "border": 1, "align": "center", "bg_color": "#DDEBF7"}
        )
        body = self.workbook.add_format({"font_name": "宋体", "border": 1})
        link = self.workbook.add_format({"font_name": "宋体", "border": 1, "font_color": "#0563C1", "underline": 1})
        sheet.write(0, 0, f"{self.year} 年度项目支出绩效自评表目录", title)
        headings = ("序号", "项目名称", "主管部门", "实施单位", "总分", "等级")
        for c, heading in enumerate(headings):
            sheet.write(2, c, heading, header)
        for i, (name, result, form) in enumerate(self.forms):
            r = 3 + i
            sheet.write_number(r, 0, i + 1, body)
            sheet.write_url(r, 1, f"internal:{quote_sheet(name)}!A1", link, result.form.name)
            sheet.write(r, 2, result.form.department, body)
            sheet.write(r, 3, result.form.unit, body)
            for c, key in ((4, "total.score"), (5, "total.grade")):
                if form.layout.has(key):
                    reference = f"={quote_sheet(name)}!{form.layout.field_address(key, absolute=True)}"
                    cached = result.total if key == "total.score" else result.grade
                    sheet.write_formula(
                        r,
                        c,
                        reference,
                        body,
                        "" if cached is None else (float(cached) if key == "total.score" else cached),
                    )
        for c, width in enumerate((6, 30, 28, 28, 8, 6)):
            sheet.set_column(c, c, width)
        sheet.freeze_panes(3, 0)
        sheet.set_paper(9)
        sheet.fit_to_pages(1, 0)
        sheet.repeat_rows(2)

    def close(self) -> None:
        if self.index_sheet is not None:
            self._write_index(self.index_sheet)
        if self.mode == "udf":
            add_conf_sheet(self.workbook)
        self.metadata.write()
        if self.mode == "udf":
            attach_project(self.workbook)
        self.workbook.close()


def _context(result: FormResult, year: int) -> dict[str, object]:
    """What a template's text placeholders outside the indicator band show (perfxl.form_template.placeholders)."""
    form = result.form
    return {
        "year": year,
        "profile": result.profile.name,
        "project.name": form.name,
        "project.department": form.department,
        "project.unit": form.unit,
        "goal.expected": form.goal_expected,
        "goal.actual": form.goal_actual,
    }


class ReplaceRefused(PerfxlError):
    """The new workbook was written but may not replace what is at its target (``reason``, Chinese)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def write_book(
    path: Path,
    results: Sequence[FormResult],
    template: FormTemplate,
    mode: str,
    year: int,
    list_name: str,
    index: bool,
    refuse: Callable[[Path], str | None] | None = None,
) -> Path:
    """Write forms into one workbook at ``path``, atomically.

    ``refuse``: asked with the finished temporary file just before it replaces ``path``; a reason it
    returns raises ReplaceRefused and leaves ``path`` as it was.
    """
    profile_json = profile_to_json(results[0].profile)
    with atomic_path(path) as temporary:
        book = BookWriter(temporary, template, mode, year, list_name, profile_json, index=index)
        for result in results:
            book.add_form(result)
        book.close()
        if template.has_formulas:
            _calculate(temporary)
        if refuse is not None and (reason := refuse(temporary)) is not None:
            raise ReplaceRefused(reason)
    return path


def _calculate(path: Path) -> None:
    """Cache the results of the template's own formulas, computed as a spreadsheet would.

    A formula perfxl's engine cannot compute keeps xlsxwriter's untyped empty value, which makes the
    spreadsheet compute it on open (and ``perfxl check`` reports it as not verified).
    """
    from perfxl.readback.functions import FORM_FUNCTIONS
    from perfxl.workbook.xlsx_book import XlsxBook

    with XlsxBook(path) as book:
        book.calculate(FORM_FUNCTIONS)
        if book.changed:
            book.save()

"""The hidden ``perfxl`` sheet: what a returned form needs to be recognised and checked.

It records the template and perfxl versions, the mode, the year, the scoring profile (which the UDF
formulas of a non-default profile read through the PERFXL_PROFILE name), for a workbook with macros
the xlwings version its VBA project declares (so that the 重新计算 button can compare it with the
installed xlwings without reading the file), and every indicator's target and weight as generated,
so that a target changed in a returned form is detected.
"""

from __future__ import annotations

from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from perfxl import __version__
from perfxl.core.form import FormResult
from perfxl.forms.meta import (
    FORMAT,
    META_NAME,
    PROFILE_NAME,
    PROFILE_ROW,
    SHEET,
    TABLE_HEADER,
    TABLE_NAME,
    XLWINGS_VERSION_KEY,
)

__all__ = ["FORMAT", "META_NAME", "PROFILE_NAME", "SHEET", "TABLE_NAME", "MetadataSheet"]


class MetadataSheet:
    """Collects the forms of a workbook; written as its last sheet when the workbook is closed."""

    def __init__(self, workbook: Workbook, *, template_name: str, template_version: str, mode: str, year: int,
                 profile_json: str, list_name: str, xlwings_version: str | None = None) -> None:
        self.workbook = workbook
        self.settings = (
            ("perfxl 自评表元数据（请勿修改）", ""),
            ("格式", FORMAT),
            ("perfxl 版本", __version__),
            ("模板", template_name),
            ("模板版本", template_version),
            ("计算方式", mode),
            ("年度", year),
            ("评分配置", profile_json),
            ("项目清单", list_name),
            # Only workbooks with a VBA project: their xlwings module's version (last, so older rows keep their places).
            *(() if xlwings_version is None else ((XLWINGS_VERSION_KEY, xlwings_version),)),
        )
        assert self.settings[PROFILE_ROW - 1][0] == "评分配置"
        self.indicators: list[tuple[object, ...]] = []

    def add_form(self, sheet_name: str, result: FormResult) -> None:
        for index, row in enumerate(result.indicators, start=1):
            self.indicators.append((sheet_name, result.form.name, index, row.input.level1, row.input.level2,
                                    row.input.name, row.input.target, float(row.input.weight)))

    def write(self) -> None:
        sheet: Worksheet = self.workbook.add_worksheet(SHEET)
        sheet.very_hidden()
        for r, (key, value) in enumerate(self.settings):
            sheet.write(r, 0, key)
            sheet.write(r, 1, value)
        self.workbook.define_name(PROFILE_NAME, f"={SHEET}!$B${PROFILE_ROW}")
        self.workbook.define_name(META_NAME, f"={SHEET}!$A$1:$B${len(self.settings)}")
        header_row = len(self.settings) + 1
        for c, heading in enumerate(TABLE_HEADER):
            sheet.write(header_row, c, heading)
        for r, values in enumerate(self.indicators, start=header_row + 1):
            for c, value in enumerate(values):
                sheet.write(r, c, value)
        last = header_row + 1 + max(len(self.indicators), 1)
        self.workbook.define_name(TABLE_NAME, f"={SHEET}!$A${header_row + 2}:$H${last}")

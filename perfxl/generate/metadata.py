"""Write the hidden ``perfxl`` sheet of a generated workbook (its format: perfxl.contract.metadata)."""

from __future__ import annotations

from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from perfxl import __version__
from perfxl.contract.metadata import (
    META_NAME,
    PROFILE_NAME,
    PROFILE_ROW,
    SHEET,
    TABLE_HEADER,
    TABLE_NAME,
    indicator_rows,
    settings_rows,
)
from perfxl.core.form import FormResult


class MetadataSheet:
    """Collects the forms of a workbook; written as its last sheet when the workbook is closed."""

    def __init__(
        self,
        workbook: Workbook,
        *,
        template_name: str,
        template_version: str,
        mode: str,
        year: int,
        profile_json: str,
        list_name: str,
        xlwings_version: str | None = None,
    ) -> None:
        self.workbook = workbook
        self.settings = settings_rows(
            perfxl_version=__version__,
            template_name=template_name,
            template_version=template_version,
            mode=mode,
            year=year,
            profile_json=profile_json,
            list_name=list_name,
            xlwings_version=xlwings_version,
        )
        self.indicators: list[tuple[object, ...]] = []

    def add_form(self, sheet_name: str, result: FormResult) -> None:
        self.indicators.extend(indicator_rows(sheet_name, result))

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

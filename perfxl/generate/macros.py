"""What makes a udf-mode form work in desktop Excel on its own: the VBA project, the buttons and the
``xlwings.conf`` sheet that tells xlwings where the UDFs live."""

from __future__ import annotations

import io

from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from perfxl.excel.udf_metadata import UDF_MODULE
from perfxl.excel.vba_project import build_vba_project, document_modules
from perfxl.excel.vba_source import RECALC_MACRO

CONF_SHEET = "xlwings.conf"
CONF = (("UDF Modules", UDF_MODULE), ("Show Console", "False"))
BUTTON = {
    "macro": RECALC_MACRO,
    "caption": "重新计算",
    "width": 120,
    "height": 32,
    "description": "重新计算并检查本工作簿中的全部自评表",
}


def add_conf_sheet(workbook: Workbook) -> Worksheet:
    """Hidden, but a user may unhide and edit it (e.g. to set Interpreter_Win)."""
    sheet = workbook.add_worksheet(CONF_SHEET)
    for row, (key, value) in enumerate(CONF):
        sheet.write_string(row, 0, key)
        sheet.write_string(row, 1, value)
    sheet.set_column(0, 1, 24)
    sheet.hide()
    return sheet


def add_button(sheet: Worksheet, row: int, col: int) -> None:
    """The 重新计算 button, bound to the project's PerfxlRecalc macro (0-based cell)."""
    sheet.insert_button(row, col, dict(BUTTON))


def attach_project(workbook: Workbook) -> None:
    """The VBA project, with the code names of the workbook and of every sheet in sheet order."""
    sheets = workbook.worksheets()
    workbook.add_vba_project(io.BytesIO(build_vba_project(sheets=len(sheets))), is_stream=True)
    names = document_modules(sheets=len(sheets))
    workbook.set_vba_name(names[0])
    for sheet, code_name in zip(sheets, names[1:], strict=True):
        sheet.set_vba_name(code_name)

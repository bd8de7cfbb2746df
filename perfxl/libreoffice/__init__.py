"""LibreOffice headless as an independent spreadsheet engine: recalculate, read, convert to PDF.

- :func:`convert` — one-shot ``soffice --convert-to`` (about 1 s per call), checked and time-limited.
- :class:`UnoSession` / :func:`recalculate_and_read` — one soffice for many workbooks (about 0.1 s each):
  set cells, recalculate everything, read every defined name, list error cells;
  :meth:`UnoSession.inspect_macros` lists a workbook's VBA modules and button bindings and runs macros.

Every soffice run uses a throwaway profile that forces full recalculation on load (cached values are
never trusted) and maps 宋体/仿宋_GB2312/黑体 to Noto CJK SC. Failures raise :class:`LibreOfficeError`
with a Chinese message.
"""

from perfxl.libreoffice.session import (
    CellError,
    CellInput,
    ErrorValue,
    FormControl,
    Grid,
    MacroReport,
    UnoSession,
    Value,
    WorkbookRequest,
    WorkbookResult,
    recalculate_and_read,
)
from perfxl.libreoffice.soffice import LibreOfficeError, Profile, convert, find_soffice, find_uno_python

__all__ = [
    "CellError",
    "CellInput",
    "ErrorValue",
    "FormControl",
    "Grid",
    "LibreOfficeError",
    "MacroReport",
    "Profile",
    "UnoSession",
    "Value",
    "WorkbookRequest",
    "WorkbookResult",
    "convert",
    "find_soffice",
    "find_uno_python",
    "recalculate_and_read",
]

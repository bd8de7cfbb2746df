"""What the batch's Excel outputs share: workbook, cell styles, titled tables, print setup and problem rows.

:mod:`perfxl.batch.summary` (the bureau's 汇总 workbook) and :mod:`perfxl.batch.report` (the 问题清单 sent
back to the units) both write their tables through :func:`write_table`, and their problem lists through
:func:`problem_rows` and :func:`write_problem_table`, so the two files look and sort alike.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Collection, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.utility import xl_col_to_name
from xlsxwriter.worksheet import Worksheet

from perfxl.batch.marks import KIND_NAMES, mark_workbook
from perfxl.batch.model import CheckedForm, FileProblem
from perfxl.core.cells import is_blank
from perfxl.core.findings import Level
from perfxl.output import atomic_path, creation_time
from perfxl.text import lines_needed, row_height

FONT = "宋体"
FONT_SIZE = 10
TITLE_ROW, NOTE_ROW, HEADER_ROW = 0, 1, 2  # every table sheet: title, a note line, then the table
PAPER_A4 = 9
DEFAULT_LEVELS: frozenset[Level] = frozenset({Level.ERROR, Level.WARNING})
LEVEL_ORDER = {Level.ERROR: 0, Level.WARNING: 1, Level.INFO: 2}
ERROR_FILL, WARNING_FILL = "#FFC7CE", "#FFEB9C"  # Excel's "light red" and "light yellow" fills

NUMBER_FORMATS = {"int": "0", "money": "#,##0.00", "rate": "0.00%", "score": "0.00"}
ALIGN = {"text": "left", "wrap": "left", "center": "center"}


@dataclass(frozen=True)
class TableColumn:
    heading: str
    width: float
    style: str = "text"  # text | wrap | center | int | money | rate | score


@dataclass(frozen=True)
class Formula:
    """A formula cell and the value perfxl computed for it (what Excel shows before it recalculates)."""

    text: str
    cached: Decimal | int | str | None

    @property
    def value(self) -> float | str:
        if self.cached is None:
            return ""
        return self.cached if isinstance(self.cached, str) else float(self.cached)


@dataclass(frozen=True)
class Link:
    """Text linking to a place in the workbook (``'Sheet'!A1``)."""

    text: str
    target: str


Cell = str | int | Decimal | Formula | Link | None


class Styles:
    """The cell formats of one output workbook: one per column style, plain and for the totals row."""

    def __init__(self, workbook: xlsxwriter.Workbook) -> None:
        self.workbook = workbook
        base = {"font_name": FONT, "font_size": FONT_SIZE, "valign": "vcenter"}
        self.title = workbook.add_format({**base, "font_name": "黑体", "font_size": 16, "align": "center"})
        self.note = workbook.add_format({**base, "font_color": "#595959"})
        self.header = workbook.add_format(
            {**base, "bold": True, "border": 1, "align": "center", "text_wrap": True, "bg_color": "#DDEBF7"}
        )
        self.link = workbook.add_format({**base, "border": 1, "font_color": "#0563C1", "underline": 1})
        self.note_link = workbook.add_format({**base, "font_color": "#0563C1", "underline": 1})
        self.error_fill = workbook.add_format({"bg_color": ERROR_FILL})
        self.warning_fill = workbook.add_format({"bg_color": WARNING_FILL})
        self._cells: dict[tuple[str, bool], Format] = {}
        self._number_formats = dict(NUMBER_FORMATS)
        self._base = base

    def set_number_format(self, style: str, num_format: str) -> None:
        """Show the numbers of a column style with ``num_format`` in this workbook (before any cell uses it)."""
        if any(key == style for key, _ in self._cells):
            raise ValueError(f"style {style!r} is already in use")
        self._number_formats[style] = num_format

    def cell(self, style: str, total: bool = False) -> Format:
        """The format of a table cell of a column style; ``total``: bold on grey, for the totals row."""
        key = (style, total)
        if key not in self._cells:
            spec: dict[str, object] = {**self._base, "border": 1}
            if style in self._number_formats:
                spec["num_format"] = self._number_formats[style]
                spec["align"] = "center" if style == "int" else "right"
            else:
                spec["align"] = ALIGN[style]
            if style == "wrap" or total:
                spec["text_wrap"] = True
            if total:
                spec.update(bold=True, bg_color="#F2F2F2")
            self._cells[key] = self.workbook.add_format(spec)
        return self._cells[key]


@contextmanager
def output_workbook(path: str | Path, title: str, kind: str) -> Iterator[tuple[xlsxwriter.Workbook, Styles]]:
    """An xlsxwriter workbook written to a temporary file beside ``path`` and renamed onto it when complete,
    marked as perfxl's output of ``kind`` (:mod:`perfxl.batch.marks`) so that the next run may replace it."""
    with atomic_path(Path(path), what=KIND_NAMES[kind]) as temporary:
        workbook = xlsxwriter.Workbook(
            str(temporary), {"strings_to_numbers": False, "strings_to_formulas": False, "strings_to_urls": False}
        )
        workbook.set_properties({"title": title, "creator": "perfxl", "created": creation_time()})
        mark_workbook(workbook, kind)
        try:
            yield workbook, Styles(workbook)
        except BaseException:
            with contextlib.suppress(Exception):  # the temporary file is removed; keep the original error
                workbook.close()
            raise
        workbook.close()


def generated_text(generated: dt.datetime | None) -> str:
    moment = generated or creation_time()
    return f"生成时间：{moment:%Y-%m-%d %H:%M}"


def collation_key(text: str | None) -> tuple[bool, bytes]:
    """Chinese text in pinyin order, as Excel sorts it (GB2312's first level is in pinyin order); blank last."""
    text = (text or "").strip()
    return (not text, text.encode("gb18030"))


def write_heading(sheet: Worksheet, styles: Styles, columns: int, title: str, note: str) -> None:
    """The title across the table's width and a note line under it."""
    if columns > 1:
        sheet.merge_range(TITLE_ROW, 0, TITLE_ROW, columns - 1, title, styles.title)
    else:
        sheet.write_string(TITLE_ROW, 0, title, styles.title)
    sheet.set_row(TITLE_ROW, 28)
    sheet.write_string(NOTE_ROW, 0, note, styles.note)


def write_cell(sheet: Worksheet, row: int, col: int, value: Cell, cell_format: Format, styles: Styles) -> None:
    if isinstance(value, Formula):
        sheet.write_formula(row, col, value.text, cell_format, value.value)
    elif isinstance(value, Link):
        sheet.write_url(row, col, f"internal:{value.target}", styles.link, value.text)
    elif isinstance(value, (int, Decimal)):
        sheet.write_number(row, col, float(value), cell_format)
    elif is_blank(value, whitespace_is_blank=False):
        sheet.write_blank(row, col, None, cell_format)
    else:
        sheet.write_string(row, col, value, cell_format)


def write_table(
    sheet: Worksheet,
    styles: Styles,
    columns: Sequence[TableColumn],
    rows: Sequence[Sequence[Cell]],
    *,
    title: str,
    note: str,
    totals: Sequence[Cell] | None = None,
    total_lines: int = 1,
    autofilter: bool = True,
) -> int:
    """Title and note (:func:`write_heading`), header at :data:`HEADER_ROW`, the rows, an optional totals row
    (outside the filter); frozen header, autofilter, column widths and print setup. Returns the 0-based index
    of the last data row (the header's when there are no rows)."""
    write_heading(sheet, styles, len(columns), title, note)
    for c, column in enumerate(columns):
        sheet.write_string(HEADER_ROW, c, column.heading, styles.header)
        sheet.set_column(c, c, column.width)
    sheet.set_row(HEADER_ROW, 30)
    for r, values in enumerate(rows, start=HEADER_ROW + 1):
        for c, (column, value) in enumerate(zip(columns, values, strict=True)):
            write_cell(sheet, r, c, value, styles.cell(column.style), styles)
        lines = max(
            (
                lines_needed(value, column.width, FONT_SIZE)
                for column, value in zip(columns, values, strict=True)
                if column.style == "wrap" and isinstance(value, str)
            ),
            default=1,
        )
        if lines > 1:  # LibreOffice (and Excel's printout) would keep the default height of one line
            sheet.set_row(r, row_height(lines, FONT_SIZE))
    last = HEADER_ROW + len(rows)
    if totals is not None:
        for c, (column, value) in enumerate(zip(columns, totals, strict=True)):
            write_cell(sheet, last + 1, c, value, styles.cell(column.style, total=True), styles)
        if total_lines > 1:
            sheet.set_row(last + 1, row_height(total_lines, FONT_SIZE))
    sheet.freeze_panes(HEADER_ROW + 1, 0)
    if autofilter:
        sheet.autofilter(HEADER_ROW, 0, last, len(columns) - 1)
    print_setup(sheet, repeat_row=HEADER_ROW)
    return last


def print_setup(sheet: Worksheet, repeat_row: int | None = None) -> None:
    """A4 landscape, one page wide, page numbers in the footer; the header row repeated on every page."""
    sheet.set_paper(PAPER_A4)
    sheet.set_landscape()
    sheet.fit_to_pages(1, 0)
    sheet.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
    sheet.center_horizontally()
    sheet.set_footer("&C第 &P 页，共 &N 页")
    if repeat_row is not None:
        sheet.repeat_rows(repeat_row)


def column_range(col: int, first_row: int, last_row: int) -> str:
    """``$E$4:$E$9`` for 0-based column and rows."""
    letter = xl_col_to_name(col)
    return f"${letter}${first_row + 1}:${letter}${last_row + 1}"


# -- problems --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProblemRow:
    """One line of a problem list: a finding of a form, or a file the batch could not use."""

    source: str
    sheet: str
    project: str
    unit: str | None  # None for a file problem: its unit is unknown
    level: Level
    cell: str  # "H12", without the sheet
    message: str


def cell_address(located: str | None) -> str:
    """ "业务工作经历!H12" → "H12" (a sheet name may itself be quoted and contain "!")."""
    return "" if not located else located.rpartition("!")[2]


def problem_rows(
    forms: Sequence[CheckedForm], problems: Sequence[FileProblem], levels: Collection[Level] = DEFAULT_LEVELS
) -> list[ProblemRow]:
    """Every finding of the given levels and every file problem, sorted by file, sheet and severity; within
    that, findings keep their order in the form."""
    rows = [
        ProblemRow(
            form.source,
            form.sheet or "",
            form.project,
            form.result.form.unit.strip(),
            finding.level,
            cell_address(finding.cell),
            finding.message,
        )
        for form in forms
        for finding in form.findings
        if finding.level in levels
    ]
    rows += [ProblemRow(p.source, "", "", None, Level.ERROR, "", p.message) for p in problems]
    return sorted(rows, key=lambda r: (collation_key(r.source), collation_key(r.sheet), LEVEL_ORDER[r.level]))


PROBLEM_COLUMNS = {
    "no": TableColumn("序号", 6, "int"),
    "source": TableColumn("文件", 30, "text"),
    "sheet": TableColumn("工作表", 16, "text"),
    "project": TableColumn("项目名称", 28, "text"),
    "level": TableColumn("级别", 6, "center"),
    "cell": TableColumn("单元格", 8, "center"),
    "message": TableColumn("问题说明", 60, "wrap"),
    "action": TableColumn("处理意见", 36, "wrap"),
}


def _problem_values(number: int, row: ProblemRow) -> dict[str, Cell]:
    return {
        "no": number,
        "source": row.source,
        "sheet": row.sheet,
        "project": row.project,
        "level": row.level.label,
        "cell": row.cell,
        "message": row.message,
        "action": None,
    }


def write_problem_table(
    sheet: Worksheet, styles: Styles, rows: Sequence[ProblemRow], keys: Sequence[str], *, title: str, note: str
) -> int:
    """A problem list with the columns ``keys`` (of :data:`PROBLEM_COLUMNS`), 问题说明 wrapped, errors on light
    red and warnings on light yellow. ``note`` may use ``{counts}`` for 「错误 n 项，警告 m 项」. Returns the
    last data row (0-based)."""
    columns = [PROBLEM_COLUMNS[k] for k in keys]
    values = [[_problem_values(i, row)[k] for k in keys] for i, row in enumerate(rows, start=1)]
    last = write_table(sheet, styles, columns, values, title=title, note=note.replace("{counts}", level_counts(rows)))
    if rows:
        level = xl_col_to_name(keys.index("level"))
        first = HEADER_ROW + 1
        for label, fill in ((Level.ERROR.label, styles.error_fill), (Level.WARNING.label, styles.warning_fill)):
            sheet.conditional_format(
                first,
                0,
                last,
                len(keys) - 1,
                {"type": "formula", "criteria": f'=${level}{first + 1}="{label}"', "format": fill},
            )
    else:
        message_col = keys.index("message")
        sheet.write_string(HEADER_ROW + 1, message_col, "未发现问题。", styles.note)
    return last


def level_counts(rows: Sequence[ProblemRow]) -> str:
    """「错误 n 项，警告 m 项」, and 「，提示 k 项」 when the rows include 提示."""
    count = {level: sum(1 for r in rows if r.level is level) for level in Level}
    text = f"错误 {count[Level.ERROR]} 项，警告 {count[Level.WARNING]} 项"
    return text + (f"，提示 {count[Level.INFO]} 项" if count[Level.INFO] else "")

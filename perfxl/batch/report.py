"""The 问题清单 workbook a bureau sends back to the units (``perfxl check --report``).

Sheets: 总览 (per 实施单位: forms, errors and warnings, each unit linked to its sheet), one sheet per 实施单位
listing its forms' problems with an empty 处理意见 column for the unit to fill in, and 无法读取的文件 when
some files could not be used (their 实施单位 is unknown).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from pathlib import Path

from perfxl.batch.marks import REPORT
from perfxl.batch.model import CheckedForm, FileProblem
from perfxl.batch.tables import (
    DEFAULT_LEVELS,
    HEADER_ROW,
    Cell,
    Formula,
    Link,
    ProblemRow,
    TableColumn,
    collation_key,
    column_range,
    generated_text,
    output_workbook,
    problem_rows,
    write_problem_table,
    write_table,
)
from perfxl.core.findings import Level
from perfxl.naming import sheet_name
from perfxl.sheetlib.addresses import quote_sheet

OVERVIEW_SHEET, FILES_SHEET = "总览", "无法读取的文件"
NO_UNIT = "（未填写实施单位）"
# Excel reserves "History"; the others are this workbook's own sheets.
RESERVED = {OVERVIEW_SHEET, FILES_SHEET, "History"}
UNIT_KEYS = ("no", "source", "project", "level", "cell", "message", "action")
FILE_KEYS = ("no", "source", "level", "message", "action")
OVERVIEW_COLUMNS = (
    TableColumn("序号", 6, "int"),
    TableColumn("实施单位", 36),
    TableColumn("工作表", 24),
    TableColumn("自评表数", 10, "int"),
    TableColumn("错误", 8, "int"),
    TableColumn("警告", 8, "int"),
)
RETURN_NOTE = "请逐项核实，在“处理意见”列填写处理情况后报回。"
LEVEL_COL = UNIT_KEYS.index("level")


@dataclass
class UnitSheet:
    unit: str  # as written in the forms ("" when missing)
    name: str  # the worksheet's name
    forms: int
    rows: list[ProblemRow]

    @property
    def label(self) -> str:
        return self.unit or NO_UNIT


def write_report(
    path: str | Path,
    forms: Sequence[CheckedForm],
    problems: Sequence[FileProblem],
    *,
    year: int | None = None,
    levels: Collection[Level] = DEFAULT_LEVELS,
    generated: dt.datetime | None = None,
) -> Path:
    """Write the 问题清单 workbook to ``path`` (atomically) and return the path.

    Each unit's sheet lists the findings of ``levels`` (errors and warnings by default) of its forms, by file
    and then by severity; every 实施单位 with a form gets a sheet, also when nothing was found.
    """
    path = Path(path)
    title = f"{year} 年度项目支出绩效自评表问题清单" if year is not None else "项目支出绩效自评表问题清单"
    units = unit_sheets(forms, problem_rows(forms, (), levels))
    file_rows = problem_rows((), problems)
    with output_workbook(path, title, REPORT) as (workbook, styles):
        overview = workbook.add_worksheet(OVERVIEW_SHEET)
        for unit in units:
            sheet = workbook.add_worksheet(unit.name)
            write_problem_table(
                sheet,
                styles,
                unit.rows,
                UNIT_KEYS,
                title=f"{unit.label}：绩效自评表问题清单",
                note=f"自评表 {unit.forms} 张，{{counts}}。{RETURN_NOTE}",
            )
        if file_rows:
            sheet = workbook.add_worksheet(FILES_SHEET)
            write_problem_table(
                sheet,
                styles,
                file_rows,
                FILE_KEYS,
                title=FILES_SHEET,
                note=f"共 {len(file_rows)} 个文件，未能检查。请核实文件后重新报送。",
            )
        note = f"{generated_text(generated)}　共 {len(units)} 个实施单位、{len(forms)} 张自评表"
        last = write_table(
            overview,
            styles,
            OVERVIEW_COLUMNS,
            [_overview_row(i, u) for i, u in enumerate(units, 1)],
            title=title,
            note=note,
            totals=_overview_totals(units) if units else None,
        )
        if file_rows:
            overview.write_url(
                last + 3,
                1,
                f"internal:{quote_sheet(FILES_SHEET)}!A1",
                styles.note_link,
                f"另有 {len(file_rows)} 个文件无法读取，见“{FILES_SHEET}”工作表",
            )
        overview.activate()
    return path


def unit_sheets(forms: Sequence[CheckedForm], rows: Sequence[ProblemRow]) -> list[UnitSheet]:
    """One sheet per 实施单位 in pinyin order, with a valid and unique name (≤31 characters, no []:*?/\\)."""
    counts: dict[str, int] = {}
    for checked in forms:
        unit = checked.result.form.unit.strip()
        counts[unit] = counts.get(unit, 0) + 1
    taken = set(RESERVED)
    sheets = []
    for unit in sorted(counts, key=collation_key):
        name = sheet_name(unit or NO_UNIT, taken)
        sheets.append(UnitSheet(unit, name, counts[unit], [r for r in rows if r.unit == unit]))
    return sheets


def _count(unit: UnitSheet, level: Level) -> Formula:
    """COUNTIF over the unit sheet's 级别 column, so that 总览 counts what the unit's sheet lists."""
    first = HEADER_ROW + 1
    levels = column_range(LEVEL_COL, first, first + max(len(unit.rows), 1) - 1)
    return Formula(
        f'=COUNTIF({quote_sheet(unit.name)}!{levels},"{level.label}")', sum(1 for r in unit.rows if r.level is level)
    )


def _overview_row(number: int, unit: UnitSheet) -> list[Cell]:
    return [
        number,
        Link(unit.label, f"{quote_sheet(unit.name)}!A1"),
        unit.name,
        unit.forms,
        _count(unit, Level.ERROR),
        _count(unit, Level.WARNING),
    ]


def _overview_totals(units: Sequence[UnitSheet]) -> list[Cell]:
    first, last = HEADER_ROW + 1, HEADER_ROW + len(units)

    def total(col: int, cached: int) -> Formula:
        return Formula(f"=SUM({column_range(col, first, last)})", cached)

    return [
        "合计",
        f"共 {len(units)} 个实施单位",
        None,
        total(3, sum(u.forms for u in units)),
        total(4, sum(1 for u in units for r in u.rows if r.level is Level.ERROR)),
        total(5, sum(1 for u in units for r in u.rows if r.level is Level.WARNING)),
    ]

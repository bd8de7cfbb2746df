"""Read a 项目清单 workbook back into the plain structure of a project list (spec-format.md).

The reader checks only what is particular to a workbook: sheets and headers, cells holding a date, a
logical value or an error where text or a number belongs, and indicator rows whose 项目名称 names no
project. Everything else is checked by build_project_list, as for YAML; the reader hands it a
``locate`` function so that its problems name the sheet, row and column (「指标」表第12行「分值」).

Columns are found by their header text (workbook_layout), in any order; blank rows are skipped; texts
are stripped; numbers stored as text are passed on as text (build_project_list reads them); a number
is passed on as Excel stores it, so a 实际完成值 typed as 100% in a General cell is the number 1 (the
core reads it as 100% against a percentage target).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

import yaml

from perfxl.core.cells import folded, is_blank
from perfxl.core.errors import PerfxlError
from perfxl.core.numbers import NotANumber, plain, to_decimal
from perfxl.errors import InputError, Problem, Stage
from perfxl.projectlist.model import ProjectList
from perfxl.projectlist.validate import Key, build_project_list
from perfxl.projectlist.workbook_layout import (
    ACTUAL,
    AMOUNT,
    HEADER_SEARCH_ROWS,
    INDICATOR_COLUMNS,
    INFO_FIELDS,
    NOTE_PREFIX,
    NUMERIC_KINDS,
    PROJECT_COLUMNS,
    SCORE,
    SHEET_INDICATORS,
    SHEET_INFO,
    SHEET_PROJECTS,
    TARGET,
    TEXT,
    WEIGHT,
    ListColumn,
    normalise_header,
)
from perfxl.sheetlib.package import UnusableFile, check_package

if TYPE_CHECKING:
    from openpyxl.cell.read_only import EmptyCell, ReadOnlyCell
    from openpyxl.workbook.workbook import Workbook
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet

    Cell = ReadOnlyCell | EmptyCell

log = logging.getLogger("perfxl.projectlist")
EXPECTED = {AMOUNT: "金额（数字）", WEIGHT: "数字", SCORE: "数字", ACTUAL: "数值或文字"}
DATE_HINT = "Excel 把输入当成了日期或时间，请把单元格设为“文本”格式后重新输入"


@dataclass
class WorkbookContent:
    """What a workbook holds: the plain data, where each value came from, and the problems found."""

    data: dict[str, object]
    locations: dict[Key, str] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    structural: bool = False  # a sheet or a header is missing: the data are incomplete

    def locate(self, key: Key) -> str | None:
        """The place of a value, or of the nearest enclosing row or sheet: 「指标」表第12行「分值」."""
        while key:
            if key in self.locations:
                return self.locations[key]
            key = key[:-1]
        return None


def _number_text(value: int | float | Decimal) -> str:
    try:
        number = to_decimal(value)
    except NotANumber:
        return str(value)
    return plain(number)


def _sheet_label(sheet: str) -> str:
    return f"「{sheet}」表"


def _cell_label(sheet: str, row: int, column: str) -> str:
    return f"「{sheet}」表第{row}行「{column}」"


class _Reader:
    def __init__(self, file: str, book: Workbook) -> None:
        self.file = file
        self.book = book
        self.content = WorkbookContent(data={})
        self.names_in_doubt = False  # a 项目 row without a name, or two rows whose names are not told apart

    def problem(
        self,
        message: str,
        field: str | None = None,
        project: str | None = None,
        *,
        structural: bool = False,
        stage: Stage = Stage.CONTENT,
    ) -> None:
        """A problem of the workbook; a structural one (a sheet or a header) is of the file as a whole."""
        stage = Stage.FILE if structural else stage
        self.content.problems.append(Problem(self.file, message, project, field, stage))
        self.content.structural |= structural

    def sheet(self, name: str) -> ReadOnlyWorksheet | None:
        """The sheet of that name (spaces and full-width forms aside), or None after a problem."""
        for title in self.book.sheetnames:
            if folded(title) == name:
                sheet: ReadOnlyWorksheet = self.book[title]  # type: ignore[assignment]
                sheet.reset_dimensions()  # the stored dimension may be wrong: read every cell there is
                return sheet
        self.problem(
            f"缺少「{name}」表（工作表）。请使用 perfxl 的项目清单模板，不要删除或改名工作表",
            _sheet_label(name),
            structural=True,
        )
        return None

    # --- cells -----------------------------------------------------------------------------------

    def value(
        self, cell: Cell, kind: str, where: str, project: str | None = None, stage: Stage = Stage.CONTENT
    ) -> object:
        """The value a cell passes on, or None (blank, or a problem reported)."""
        value = cell.value
        expected = EXPECTED.get(kind, "文字")
        if value is None:
            return None
        if cell.data_type == "e":
            self.problem(f"单元格为错误值 {value}，应为{expected}", where, project, stage=stage)
            return None
        if isinstance(value, str):
            return value.strip() or None
        if isinstance(value, bool):
            self.problem(f"应为{expected}，当前为逻辑值 {'TRUE' if value else 'FALSE'}", where, project, stage=stage)
            return None
        if isinstance(value, (datetime, date, time, timedelta)):
            shown = value.date() if isinstance(value, datetime) and value.time() == time(0) else value
            self.problem(f"应为{expected}，当前为日期或时间「{shown}」：{DATE_HINT}", where, project, stage=stage)
            return None
        if not isinstance(value, (int, float, Decimal)):  # pragma: no cover - openpyxl gives no other type
            self.problem(f"应为{expected}，当前为「{value}」", where, project, stage=stage)
            return None
        if kind in NUMERIC_KINDS or kind == ACTUAL:
            return value  # as Excel stores it
        if kind == TARGET and "%" in (cell.number_format or ""):
            return f"{_number_text(to_decimal(value) * 100)}%"  # the text the officer sees and typed
        return _number_text(value)

    # --- tables ----------------------------------------------------------------------------------

    def table(self, name: str, columns: Sequence[ListColumn]) -> list[tuple[int, dict[ListColumn, Cell]]]:
        """The non-blank data rows of a sheet as (row number, {column: cell}); [] after a problem."""
        from openpyxl.cell.read_only import EMPTY_CELL

        sheet = self.sheet(name)
        if sheet is None:
            return []
        rows = _rows(sheet)
        by_header = {normalise_header(column.header): column for column in columns}
        key_header = normalise_header(columns[0].header)
        header_index = next(
            (
                i
                for i, row in enumerate(rows[:HEADER_SEARCH_ROWS])
                if any(normalise_header(c.value or "") == key_header for c in row)
            ),
            None,
        )
        if header_index is None:
            self.problem(
                f"前{HEADER_SEARCH_ROWS}行中找不到表头行（应有「{columns[0].label}」等表头），"
                "请使用 perfxl 的项目清单模板",
                _sheet_label(name),
                structural=True,
            )
            return []
        header_row = header_index + 1
        header_where = f"{_sheet_label(name)}第{header_row}行"
        found: dict[int, ListColumn] = {}
        seen: dict[ListColumn, int] = {}
        ok = True
        for position, cell in enumerate(rows[header_index]):
            if is_blank(cell.value):
                continue
            text = normalise_header(cell.value)
            column = by_header.get(text)
            if column is None:
                if not text.startswith(NOTE_PREFIX):
                    self.problem(
                        f"无法识别的表头「{str(cell.value).strip()}」：请使用模板中的表头文字；"
                        f"自己加的备注列，表头请以「{NOTE_PREFIX}」开头",
                        header_where,
                        structural=True,
                    )
                    ok = False
                continue
            if column in seen:
                self.problem(f"表头「{column.label}」出现了两次", header_where, structural=True)
                ok = False
                continue
            seen[column] = position
            found[position] = column
        missing = [c.label for c in columns if c.role == "required" and c not in seen]
        if missing:
            self.problem(f"缺少必填的表头「{'」「'.join(missing)}」", header_where, structural=True)
            ok = False
        if not ok:
            return []
        table = []
        for number, row in enumerate(rows[header_index + 1 :], start=header_row + 1):
            cells = {column: row[i] if i < len(row) else EMPTY_CELL for i, column in found.items()}
            if any(not is_blank(c.value) for c in cells.values()):
                table.append((number, cells))
        return table

    # --- sheets ----------------------------------------------------------------------------------

    def info(self) -> None:
        sheet = self.sheet(SHEET_INFO)
        if sheet is None:
            for each_field in INFO_FIELDS:
                self.content.locations[(each_field.key,)] = _sheet_label(SHEET_INFO)
            return
        labels = {normalise_header(alias): f for f in INFO_FIELDS for alias in (f.label, *f.aliases)}
        found: dict[str, object] = {}
        for number, row in enumerate(_rows(sheet), start=1):
            for position, cell in enumerate(row):
                info_field = labels.get(normalise_header(cell.value)) if isinstance(cell.value, str) else None
                if info_field is None:
                    continue
                where = _cell_label(SHEET_INFO, number, info_field.label)
                self.content.locations[(info_field.key,)] = where
                value_cell = row[position + 1] if position + 1 < len(row) else None
                found[info_field.key] = (
                    None if value_cell is None else self.info_value(info_field.key, value_cell, where)
                )
                break
        for info_field in INFO_FIELDS:
            if info_field.key not in found and info_field.required:
                self.problem(
                    f"缺少「{info_field.label}」一行（第一列写「{info_field.label}」，右边一格填写内容）",
                    _sheet_label(SHEET_INFO),
                    structural=True,
                )
        self.content.data.update({key: value for key, value in found.items() if value is not None})

    def info_value(self, key: str, cell: Cell, where: str) -> object:
        value = self.value(cell, WEIGHT if key in ("perfxl", "year") else "text", where, stage=Stage.FILE)
        if key in ("perfxl", "year"):
            if isinstance(value, str):
                value = value.removesuffix("年").strip()
            try:
                number = to_decimal(value) if value is not None else None
            except NotANumber:
                return value  # build_project_list names what is wrong with it
            return int(number) if number is not None and number == number.to_integral_value() else value
        if key == "profile" and isinstance(value, str) and value.startswith("{"):
            try:
                return yaml.safe_load(value)
            except yaml.YAMLError:
                self.problem(
                    "评分配置应为配置名称，或 {base: 配置名称, 设置: 值} 形式的改动，当前内容无法识别",
                    where,
                    stage=Stage.FILE,
                )
                return None
        return value

    def projects(self) -> tuple[list[dict[str, object]], dict[str, int]]:
        """The projects of the 项目 sheet, and the index of each by its folded name."""
        projects: list[dict[str, object]] = []
        index_by_name: dict[str, int] = {}
        name_column = PROJECT_COLUMNS[0]
        for number, cells in self.table(SHEET_PROJECTS, PROJECT_COLUMNS):
            name_where = _cell_label(SHEET_PROJECTS, number, name_column.label)
            name = self.name(cells[name_column], name_where, stage=Stage.NAME)
            if name is None:
                self.names_in_doubt = True
                continue
            key: Key = ("projects", len(projects))
            self.content.locations[key] = f"{_sheet_label(SHEET_PROJECTS)}第{number}行"
            self.content.locations[(*key, "name")] = name_where
            project = {"name": name, **self.row(SHEET_PROJECTS, number, cells, key, name, skip=name_column)}
            compared = folded(name)
            self.names_in_doubt |= compared in index_by_name  # repeated: build_project_list reports it
            if compared in index_by_name and projects[index_by_name[compared]]["name"] != name:
                self.problem(
                    f"项目名称与「{projects[index_by_name[compared]]['name']}」只差空格或全角/半角，无法区分，"
                    "请改为不同的名称",
                    name_where,
                    name,
                    stage=Stage.NAME,
                )
            index_by_name.setdefault(compared, len(projects))
            projects.append(project)
        self.content.locations[("projects",)] = _sheet_label(SHEET_PROJECTS)
        return projects, index_by_name

    def indicators(self, projects: list[dict[str, object]], index_by_name: dict[str, int]) -> None:
        """Add the rows of the 指标 sheet to their projects, in the order of the sheet."""
        rows: list[list[dict[str, object]]] = [[] for _ in projects]
        unknown: dict[str, list[int]] = {}  # a name the 项目 sheet lacks → the rows naming it
        unknown_at: dict[str, int] = {}  # → where among the problems its first row came
        project_column = INDICATOR_COLUMNS[0]
        for number, cells in self.table(SHEET_INDICATORS, INDICATOR_COLUMNS):
            where = _cell_label(SHEET_INDICATORS, number, project_column.label)
            name = self.name(cells[project_column], where, "，以说明此指标属于哪个项目")
            if name is None:
                continue
            index = index_by_name.get(folded(name))
            if index is None:
                if not self.content.structural:  # else the 项目 sheet could not be read: every name would be missing
                    unknown.setdefault(name, []).append(number)
                    unknown_at.setdefault(name, len(self.content.problems))
                continue
            key: Key = ("projects", index, "indicators", len(rows[index]))
            self.content.locations[key] = f"{_sheet_label(SHEET_INDICATORS)}第{number}行"
            rows[index].append(
                self.row(SHEET_INDICATORS, number, cells, key, str(projects[index]["name"]), skip=project_column)
            )
        for project, indicators in zip(projects, rows, strict=True):
            project["indicators"] = indicators
        # One problem per missing name, not one per row, in the place of its first row; after a problem with
        # the 项目 sheet's names (one changed, repeated or left out) it most likely follows from that one, and
        # comes after every other problem.
        stage = Stage.FOLLOW_ON if self.names_in_doubt else Stage.CONTENT
        for name in sorted(unknown, key=unknown_at.__getitem__, reverse=True):
            numbers = unknown[name]
            count = f"（共 {len(numbers)} 行）" if len(numbers) > 1 else ""
            message = (
                f"「{SHEET_PROJECTS}」表中没有名为「{name}」的项目{count}：请检查项目名称是否与"
                f"「{SHEET_PROJECTS}」表完全一致，或先在「项目」表中添加该项目"
            )
            where = f"{_sheet_label(SHEET_INDICATORS)}{_rows_label(numbers)}「{project_column.label}」"
            self.content.problems.insert(unknown_at[name], Problem(self.file, message, name, where, stage))

    def name(self, cell: Cell, where: str, purpose: str = "", stage: Stage = Stage.CONTENT) -> str | None:
        """The 项目名称 of a row, or None after a problem."""
        name = self.value(cell, TEXT, where, stage=stage)
        if isinstance(name, str):
            return name
        if cell.value is None or isinstance(cell.value, str):  # else value() has said what is wrong
            self.problem(
                f"必须填写项目名称（此行其他栏已有内容）{purpose}；如合并了单元格，请取消合并并在每行填写项目名称",
                where,
                stage=stage,
            )
        return None

    def row(
        self, sheet: str, number: int, cells: dict[ListColumn, Cell], key: Key, project: str, skip: ListColumn
    ) -> dict[str, object]:
        """A row as a mapping of the plain data, recording where each value sits."""
        mapping: dict[str, object] = {}
        for column, cell in cells.items():
            if column is skip:
                continue
            where = _cell_label(sheet, number, column.label)
            self.content.locations[(*key, *column.key)] = where
            value = self.value(cell, column.kind, where, project)
            if value is not None:
                _put(mapping, column.key, value)
        return mapping

    def read(self) -> WorkbookContent:
        present = {folded(title) for title in self.book.sheetnames}
        if not present & {SHEET_INFO, SHEET_PROJECTS, SHEET_INDICATORS}:
            self.problem(
                f"不是项目清单工作簿：没有「{SHEET_INFO}」「{SHEET_PROJECTS}」「{SHEET_INDICATORS}」表。"
                "请使用 perfxl 的项目清单模板（templates/项目清单.xlsx）填写",
                structural=True,
            )
            return self.content
        self.info()
        projects, index_by_name = self.projects()
        self.indicators(projects, index_by_name)
        self.content.data["projects"] = projects
        return self.content


def _rows_label(numbers: Sequence[int]) -> str:
    """[24, 25, 26, 30] → 第24–26、30行."""
    runs: list[list[int]] = []
    for number in numbers:
        if runs and number == runs[-1][-1] + 1:
            runs[-1].append(number)
        else:
            runs.append([number])
    return "第" + "、".join(f"{run[0]}–{run[-1]}" if len(run) > 1 else str(run[0]) for run in runs) + "行"


def _put(target: dict[str, object], key: tuple[str, ...], value: object) -> None:
    for part in key[:-1]:
        target = target.setdefault(part, {})  # type: ignore[assignment]
    target[key[-1]] = value


class _Damaged(PerfxlError):
    """openpyxl failed on the XML of a sheet: the file is damaged, or not as a spreadsheet program writes it."""

    def __init__(self, sheet: str, error: Exception) -> None:
        super().__init__(sheet, error)
        self.sheet, self.error = sheet, error


def _rows(sheet: ReadOnlyWorksheet) -> list[tuple[Cell, ...]]:
    """Every row of a sheet, read now: openpyxl parses a read-only sheet while it is iterated, and whatever
    it raises on the sheet's XML (a shared string's index out of range, a cell reference it cannot parse,
    broken XML) is the file's problem, _Damaged, not perfxl's."""
    try:
        return [tuple(row) for row in sheet.iter_rows()]  # type: ignore[misc, arg-type]  # read-only cells
    except MemoryError:
        raise
    except Exception as exc:
        raise _Damaged(sheet.title, exc) from exc


UNREADABLE = "无法读取 Excel 文件："


def read_workbook(path: str | Path) -> WorkbookContent:
    """Read a 项目清单 workbook: its plain data, the place of every value, and the workbook's problems."""
    from openpyxl import load_workbook

    path = Path(path)
    try:
        check_package(path)  # a zip bomb or a broken zip is refused as for a returned form, before openpyxl
    except UnusableFile as exc:
        raise InputError([Problem(path.name, f"{UNREADABLE}{exc}", stage=Stage.FILE)]) from None
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except MemoryError:
        raise
    except Exception as exc:  # whatever openpyxl raises on the workbook's parts: see _rows
        log.debug("%s: openpyxl cannot load it", path, exc_info=True)
        reason = f"文件已损坏、已加密，或不是 .xlsx 格式（{type(exc).__name__}）；.xls 文件请在 Excel 中另存为 .xlsx"
        raise InputError([Problem(path.name, UNREADABLE + reason, stage=Stage.FILE)]) from None
    try:
        return _Reader(path.name, book).read()
    except _Damaged as exc:
        log.debug("%s: openpyxl cannot read sheet %s", path, exc.sheet, exc_info=exc.error)
        raise InputError(
            [
                Problem(
                    path.name,
                    f"{UNREADABLE}「{exc.sheet}」表已损坏或不是 Excel 保存的格式"
                    f"（{type(exc.error).__name__}）：请在 Excel 中打开并另存后再试",
                    stage=Stage.FILE,
                )
            ]
        ) from None
    finally:
        book.close()


def read_project_list_workbook(path: str | Path) -> dict[str, object]:
    """The plain structure of a 项目清单 workbook, as a YAML project list holds it.

    InputError for what is wrong with the workbook as a workbook; the content itself is checked by
    build_project_list (load_project_list does both).
    """
    content = read_workbook(path)
    if content.problems:
        raise InputError(content.problems)
    return content.data


def load_project_list_workbook(path: Path) -> ProjectList:
    """Read and check a 项目清单 workbook; every problem names the sheet, and the row where there is one."""
    content = read_workbook(path)
    if content.structural:
        raise InputError(content.problems)
    try:
        project_list = build_project_list(content.data, path, locate=content.locate)
    except InputError as exc:
        # A cell the reader already refused is left out of the data; build_project_list may then call it
        # missing: that second problem about the same cell is dropped.
        reported = {p.field for p in content.problems}
        raise InputError([*content.problems, *(p for p in exc.problems if p.field not in reported)]) from None
    if content.problems:
        raise InputError(content.problems)
    return project_list

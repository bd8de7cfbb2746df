"""Read 自评表 that perfxl did not make: hand-made sheets in the standard layout, found by their labels.

A generated form is read through its defined names (perfxl.readback.reader); a hand-made one has none,
so every part is found by the text around it (rules.md §1):

- labels are compared normalised (perfxl.readback.label_grid);
- the indicator table, and where each form of a sheet lies when several are stacked one below another,
  come from perfxl.readback.label_table; 一级/二级 cells merged down their groups (or left blank below the
  first row) are filled down; header and title rows repeated at the top of a printed page are skipped;
- a single field (项目名称, 主管部门, 实施单位) is the first non-empty cell right of its label;
  预期目标 and 实际完成情况 the first below theirs; 等级 the first right of its label (or below it) in or
  just below the 总分 row;
- the funds block crosses the row labels 年度资金总额 / 当年财政拨款 / 上年结转资金 / 其他资金 with the
  column labels 年初预算数 / 全年预算数 / 全年执行数;
- a percentage typed as a plain number is read by perfxl.readback.percent_cells, with a finding saying how.

The result is the same :class:`ReadForm` the generated reader gives, so everything downstream (evaluation,
findings with their cells) works on either. What cannot be found or read becomes a located finding.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TypeGuard

from perfxl.contract.fields import FIELDS
from perfxl.contract.profiles import load_profile
from perfxl.core.budget import COLUMN_LABELS, COLUMNS, SOURCES, TOTAL_LABEL, Funds, FundsRow
from perfxl.core.cells import folded, is_blank
from perfxl.core.findings import Finding, error, warning
from perfxl.core.indicator import IndicatorInput
from perfxl.core.labels import ACTUAL, NAME, SCORE, TARGET, WEIGHT
from perfxl.core.numbers import NotANumber, to_decimal
from perfxl.core.profile import GRADE_NAMES, Profile
from perfxl.readback.label_grid import (
    FUNDS_COLUMNS,
    FUNDS_ROWS,
    GOAL_LABELS,
    GRADE_LABELS,
    REQUIRED_COLUMNS,
    Grid,
    blank_mark,
    is_footer,
    is_title_line,
    label_kind,
    normalise_label,
)
from perfxl.readback.label_table import (
    FormStart,
    SheetLayout,
    Table,
    head_labels,
    is_repeated_head,
    row_cell,
    sheet_layout,
    stop_row,
    table_at,
)
from perfxl.readback.percent_cells import read_row_percentages, shown_number
from perfxl.readback.reader import ReadForm, form_input, is_generated
from perfxl.workbook.base import Book, Ref, cell_text

__all__ = ["find_forms", "normalise_label", "read_labelled_form", "read_labelled_forms"]

_GRADE_ROWS = 2  # 等级 is looked for in the 总分 row and this many rows below it
_MAX_GRADE = 4  # 优, 良好, 不合格…


def find_forms(book: Book) -> list[str]:
    """The visible sheets that hold a 自评表: a 项目名称 label above an indicator table."""
    hidden = book.hidden_sheets()
    return [
        sheet
        for sheet in book.sheet_names()
        if sheet not in hidden and any(s.name_row is not None for s in sheet_layout(Grid(book, sheet)).starts)
    ]


def forms_on(book: Book, sheet: str, profile: Profile | None = None) -> list[ReadForm]:
    """The forms on a visible sheet, read as :func:`read_labelled_forms` reads them; none on a sheet that holds
    no 自评表 (:func:`find_forms`'s test), the sheet read once."""
    if sheet in book.hidden_sheets():
        return []
    grid = Grid(book, sheet)
    layout = sheet_layout(grid)
    if not any(start.name_row is not None for start in layout.starts):
        return []
    return _read_forms(book, grid, layout, profile or load_profile())


def read_labelled_forms(book: Book, sheet: str, profile: Profile | None = None) -> list[ReadForm]:
    """Every form on ``sheet``, top to bottom, each with the problems met while reading it (at least one form:
    a sheet without an indicator table gives one, with that problem)."""
    grid = Grid(book, sheet)
    return _read_forms(book, grid, sheet_layout(grid), profile or load_profile())


def _read_forms(book: Book, grid: Grid, layout: SheetLayout, profile: Profile) -> list[ReadForm]:
    if not layout.starts:
        return [_Reader(book, grid, layout, 1, None, grid.max_row).read(profile)]
    forms = []
    first_row = 1
    for start in layout.starts:
        reader = _Reader(book, grid, layout, first_row, start, layout.bound(start, grid.max_row))
        forms.append(reader.read(profile))
        first_row = reader.end_row + 1
    for row in layout.name_rows:
        if row > layout.starts[-1].header_row:  # a head pasted below the last form, without its table
            forms[-1].problems.append(_headless(grid, row, None))
    return forms


def _headless(grid: Grid, row: int, next_name_row: int | None) -> Finding:
    where = "" if next_name_row is None else f"（下一张表的「项目名称」在第 {next_name_row} 行）"
    return error(
        "form_unreadable",
        "name",
        f"工作表「{grid.sheet}」第 {row} 行的「项目名称」下方没有指标表{where}，这部分未作为自评表读取",
    ).located(str(grid.ref(row, 1)))


def read_labelled_form(book: Book, sheet: str, profile: Profile | None = None) -> ReadForm:
    """The first form on ``sheet``; when there are more, an error says so (use :func:`read_labelled_forms`)."""
    first, *others = read_labelled_forms(book, sheet, profile)
    if others:
        rows = "、".join(str(_first_row(read)) for read in others)
        first.problems.append(
            error(
                "forms_not_read",
                "indicators",
                f"工作表「{sheet}」中有 {len(others) + 1} 张自评表，只读取了第一张（项目名称在第 {rows} 行的表未读取）",
            ).located(str(Ref.cell(sheet, 1, 1)))
        )
    return first


def _first_row(read: ReadForm) -> int:
    """Where a form read from a sheet begins, for messages: its 项目名称, else its first indicator."""
    name = read.fields.get("project.name")
    if name is not None:
        return name.min_row
    return read.rows[0]["row.name"].min_row if read.rows else 1


class _Reader:
    """One form of a sheet, in the rows ``first_row``…``last_row``."""

    def __init__(
        self, book: Book, grid: Grid, layout: SheetLayout, first_row: int, start: FormStart | None, last_row: int
    ) -> None:
        self.book = book
        self.grid = grid
        self.layout = layout
        self.sheet = grid.sheet
        self.first_row = first_row
        self.start = start
        self.last_row = last_row
        self.end_row = last_row  # the last row the form used (its 总分 row), once read
        self.fields: dict[str, Ref] = {}
        self.problems: list[Finding] = []

    def problem(self, finding: Finding, ref: Ref | None) -> None:
        self.problems.append(finding.located(None if ref is None else str(ref)))

    def read(self, profile: Profile) -> ReadForm:
        grid = self.grid
        table = table_at(grid, self.start.header_row) if self.start else None
        if table is None:
            headings = "".join(f"「{label}」" for label in (NAME, TARGET, ACTUAL, WEIGHT, SCORE))
            self.problem(
                error("table_missing", "indicators", f"未找到绩效指标表（应有{headings}等表头）"),
                grid.ref(self.first_row, 1),
            )
        head = range(self._head_start(), (table.first_cell[0] if table else self.last_row + 1))
        values = self._head(head)
        funds = self._funds(head)
        indicators, rows, actual_cells = self._indicators(table) if table else ([], [], [])
        if table is not None:
            self._other_tables()
        form = form_input(values, funds, indicators)
        return ReadForm(self.sheet, form, profile, "udf", None, self.fields, rows, actual_cells, self.problems)

    # -- where the form lies --

    def _head_start(self) -> int:
        """The head's first row; a 项目名称 with no table of its own above this form's one is reported."""
        if self.start is None or self.start.name_row is None:
            return self.first_row
        strays = [r for r in self.layout.name_rows if self.first_row <= r < self.start.name_row]
        self.problems.extend(_headless(self.grid, row, self.start.name_row) for row in strays)
        return self.start.name_row if strays else self.first_row

    def _other_tables(self) -> None:
        """Table headers after this form's 总分 row with no 项目名称 above them: reported, not read."""
        for row in self.layout.header_rows:
            if self.end_row < row <= self.last_row:
                message = f"工作表「{self.sheet}」第 {row} 行另有一张指标表，但其上方没有「项目名称」，未读取"
                self.problem(error("form_unreadable", "indicators", message), self.grid.ref(row, 1))

    # -- head: single fields and goals --

    def _head(self, rows: range) -> dict[str, object]:
        grid = self.grid
        values: dict[str, object] = {}
        found = head_labels(grid, rows)
        for key, field_label in (
            ("project.name", "项目名称"),
            ("project.department", "主管部门"),
            ("project.unit", "实施单位"),
        ):
            if key not in found:
                self.problem(
                    error("label_missing", key.removeprefix("project."), f"未找到「{field_label}」栏目"),
                    grid.ref(self.first_row, 1),
                )
                continue
            row, col, inline = found[key]
            if inline is not None:
                values[key], self.fields[key] = inline, grid.ref(row, col)
            else:
                values[key], self.fields[key] = grid.right_of(row, col)
        for key, (row, col) in grid.find(GOAL_LABELS, rows).items():
            located = grid.below(row, col, rows.stop - 1)
            if located is None:
                located = grid.right_of(row, col)
                if located[0] is None:
                    located = (None, grid.ref(grid.span(row, col).max_row + 1, col))
            values[key], self.fields[key] = located
        return values

    # -- the funds block --

    def _funds(self, rows: range) -> Funds:
        grid = self.grid
        header_row = None
        columns: dict[str, int] = {}
        for r in grid.rows(rows.start, rows.stop - 1):
            kinds = {}
            for c in grid.columns(r):
                kind = label_kind(grid.label(r, c), FUNDS_COLUMNS)
                if kind is not None and kind not in kinds:
                    kinds[kind] = c
            if "annual" in kinds and "executed" in kinds:
                header_row, columns = grid.span(r, kinds["annual"]).max_row, kinds
                break
        if header_row is None:
            wanted = f"「{COLUMN_LABELS['annual']}」「{COLUMN_LABELS['executed']}」"
            self.problem(
                error("label_missing", "funds.total.annual", f"未找到资金表的{wanted}栏目"), grid.ref(self.first_row, 1)
            )
            return Funds()
        first_amount = min(columns[k] for k in ("initial", "annual", "executed") if k in columns)
        source_rows: dict[str, int] = {}
        for r in grid.rows(header_row + 1, rows.stop - 1):
            for c in grid.columns(r, 1, first_amount - 1):
                kind = label_kind(grid.label(r, c), FUNDS_ROWS)
                if kind is not None and kind not in source_rows:
                    source_rows[kind] = r
        if not source_rows:
            self.problem(
                error("label_missing", "funds.total.annual", f"未找到资金表的「{TOTAL_LABEL}」等行"),
                grid.ref(header_row, first_amount),
            )
            return Funds()
        amounts_by_source: dict[str, FundsRow] = {}
        for source, row in source_rows.items():
            amounts: list[Decimal | None] = []
            for column, _ in COLUMNS:
                if column not in columns:
                    amounts.append(None)
                    continue
                key = f"funds.{source}.{column}"
                ref = grid.ref(row, columns[column])
                self.fields[key] = ref
                amounts.append(self._amount(grid.value(row, columns[column]), key, ref))
            amounts_by_source[source] = FundsRow(*amounts)
        if "total" in source_rows:
            for key in ("budget.weight", "budget.rate", "budget.score"):
                if key in columns:
                    self.fields[key] = grid.ref(source_rows["total"], columns[key])
        return Funds(
            **{source: amounts_by_source.get(source, FundsRow()) for source, _ in SOURCES},
            stated_total=amounts_by_source.get("total"),
        )

    def _amount(self, value: object, key: str, ref: Ref) -> Decimal | None:
        amount = _number(value)
        if amount is None and not blank_mark(value):
            self.problem(error("amount_unreadable", key, f"{FIELDS[key].label}「{cell_text(value)}」不是数字"), ref)
        return amount

    # -- the indicator table --

    def _indicators(self, table: Table) -> tuple[list[IndicatorInput], list[dict[str, Ref]], list[object]]:
        grid = self.grid
        columns = table.columns
        header_ref = grid.ref(*table.first_cell)
        for key in REQUIRED_COLUMNS:
            if key not in columns:
                label = FIELDS[key].label
                if key == "row.score":
                    self.problem(
                        warning("column_missing", "indicators", f"指标表缺少「{label}」列，按规则计算得分"), header_ref
                    )
                else:
                    self.problem(error("column_missing", "indicators", f"指标表缺少「{label}」列"), header_ref)
        generated = is_generated(self.book, self.sheet)
        indicators: list[IndicatorInput] = []
        rows: list[dict[str, Ref]] = []
        actual_cells: list[object] = []
        level1 = level2 = ""
        last_row = table.header_row
        total_row = None
        for r in grid.rows(table.header_row + 1, self.last_row):  # rows without a value hold no indicator
            stop = stop_row(grid, r, table)
            if stop == "subtotal":
                continue
            if stop is not None:
                total_row = r if stop == "total" else None
                break
            last_row = r
            if is_repeated_head(grid, r):
                continue  # the top of a continued printed page
            cells = {key: row_cell(grid, r, span) for key, span in columns.items()}
            refs = {key: grid.ref(r, col) for key, (_, col) in cells.items()}
            new_level1 = self._level(r, columns.get("row.level1"))
            if new_level1 is not None and new_level1 != level1:
                level1, level2 = new_level1, ""
            level2 = self._level(r, columns.get("row.level2")) or level2
            value = {key: v for key, (v, _) in cells.items()}
            if is_blank(value.get("row.name")) and is_blank(value.get("row.target")):
                # A blank row, or a 二级 heading without 三级 rows; numbers without a 三级指标 are reported.
                stray = next(
                    (key for key in ("row.weight", "row.score", "row.actual") if not blank_mark(value.get(key))), None
                )
                if stray is not None:
                    self.problem(
                        warning("row_ignored", "indicators", f"第{r}行没有{NAME}和{TARGET}，未作为指标读取"),
                        refs[stray],
                    )
                continue
            index = len(indicators)
            name = cell_text(value.get("row.name"))
            weight = _number(value.get("row.weight"))
            if weight is None and "row.weight" in columns:
                shown = cell_text(value.get("row.weight"))
                message = f"指标「{name}」的分值「{shown}」不是数字" if shown else f"指标「{name}」未填写分值"
                self.problem(error("weight_unreadable", f"indicators[{index}].weight", message), refs["row.weight"])
            score = self._score(r, index, name, cells, refs, generated) if "row.score" in columns else None
            actual = value.get("row.actual")
            if isinstance(actual, str):
                actual = actual.strip() or None
            actual_cells.append(actual)
            target = self._target(r, cells.get("row.target"))
            actual_format = grid.number_format(r, cells["row.actual"][1]) if _is_number(actual) else "General"
            read = read_row_percentages(name, index, target, actual, actual_format)
            for key, finding in read.findings:
                self.problem(finding, refs.get(key))
            indicators.append(
                IndicatorInput(
                    level1,
                    level2,
                    name,
                    read.target,
                    weight or Decimal(0),
                    read.actual,
                    score,
                    cell_text(value.get("row.reason")),
                )
            )
            rows.append(refs)
        self.end_row = total_row or last_row
        if total_row is not None:
            for key, column in (("total.weight", "row.weight"), ("total.score", "row.score")):
                if column in columns:
                    self.fields[key] = grid.ref(total_row, columns[column][0])
        else:
            where = grid.ref(last_row + 1, columns["row.score"][0] if "row.score" in columns else table.first_cell[1])
            self.problem(warning("label_missing", "indicators", "未找到「总分」行，无法核对表中填写的总分"), where)
        self._grade(total_row or last_row + 1, table)
        return indicators, rows, actual_cells

    def _score(
        self,
        row: int,
        index: int,
        name: str,
        cells: dict[str, tuple[object, int]],
        refs: dict[str, Ref],
        generated: bool,
    ) -> Decimal | None:
        """The officer's 得分, None where the cell is empty or holds perfxl's own formula."""
        value, col = cells["row.score"]
        if generated and self.book.formulas(self.grid.ref(row, col))[0][0]:
            return None  # perfxl's own formula: not an officer score
        score = _number(value)
        if score is None and not blank_mark(value):
            self.problem(
                error(
                    "score_unreadable",
                    f"indicators[{index}].score",
                    f"指标「{name}」的得分「{cell_text(value)}」不是数字",
                ),
                refs["row.score"],
            )
        return score

    def _level(self, row: int, columns: tuple[int, int] | None) -> str | None:
        """一级/二级 on a row: the text of its (merged) cell, None where the row leaves it to the row above."""
        if columns is None:
            return None
        grid = self.grid
        for c in range(columns[0], columns[1] + 1):
            text = cell_text(grid.value(row, c))
            if text:
                return text
        return None

    def _target(self, row: int, cell: tuple[object, int] | None) -> str:
        """年度指标值 as shown: a number keeps its percent format and quoted prefix (0.95 in ``">="0%`` → >=95%)."""
        if cell is None:
            return ""
        value, col = cell
        if _is_number(value):
            return shown_number(value, self.grid.number_format(row, col))
        return cell_text(value)

    # -- 等级 --

    def _grade(self, total_row: int, table: Table) -> None:
        """total.grade: right of (or below) a 等级 label in the 总分 row or just below it; without a label, a
        grade (优/良/中/差) right of the 总分 row's 得分."""
        grid = self.grid
        last = min(total_row + _GRADE_ROWS, self.last_row)
        for r in range(total_row, last + 1):
            for c, value in grid.row_values(r):
                if not isinstance(value, str):
                    continue
                label, colon, inline = value.strip().replace("：", ":").partition(":")
                if normalise_label(label) not in GRADE_LABELS:
                    continue
                if colon and inline.strip():
                    self.fields["total.grade"] = grid.ref(r, c)
                    return
                found, ref = grid.right_of(r, c)
                if found is None:
                    below = grid.below(r, c, min(r + 1, self.last_row))
                    if below is not None and _looks_like_grade(below[0]):
                        ref = below[1]
                self.fields["total.grade"] = ref
                return
        if "total.score" in self.fields and "row.score" in table.columns:
            for c, value in grid.row_values(total_row):
                if c > table.columns["row.score"][1] and cell_text(value) in GRADE_NAMES:
                    self.fields["total.grade"] = grid.ref(total_row, c)
                    return


def _looks_like_grade(value: object) -> bool:
    """A value below a 等级 label that can be the grade (优, 良好…), not a footer or the next form's title."""
    text = cell_text(value)
    return 0 < len(text) <= _MAX_GRADE and not is_footer(normalise_label(text)) and not is_title_line(text)


def _is_number(value: object) -> TypeGuard[int | float]:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _number(value: object) -> Decimal | None:
    """A number, or numeric text ("588,865", "1408340.00", "10分", "5元"); None otherwise."""
    if blank_mark(value):
        return None
    if isinstance(value, str):
        value = folded(value, keep_whitespace=True).strip().removesuffix("分").removesuffix("元").strip()
    try:
        return to_decimal(value)
    except NotANumber:
        return None

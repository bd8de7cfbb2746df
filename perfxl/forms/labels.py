"""Read 自评表 that perfxl did not make: hand-made sheets in the standard layout, found by their labels.

A generated form is read through its defined names (perfxl.forms.reader); a hand-made one has none,
so every part is found by the text around it (rules.md §1):

- labels are compared normalised: NFKC, no whitespace or line breaks, no parenthesised note, no
  trailing colon ("项　目　名　称", "实际\\n完成值", "项目资金\\n（元）", "其中：当年财政拨款" all match);
- the indicator table starts at the row holding 三级指标 and 实际完成值 (and most of 一级指标, 二级指标,
  年度指标值, 分值, 得分, 偏差原因分析及改进措施), each column taken from its label, in any order; its rows
  run to the 总分 row (or a footer such as 填报人, or the end of the sheet); 一级/二级 cells merged down
  their groups (or left blank below the first row) are filled down;
- a single field (项目名称, 主管部门, 实施单位) is the first non-empty cell right of its label;
  预期目标 and 实际完成情况 the first below theirs;
- the funds block crosses the row labels 年度资金总额 / 当年财政拨款 / 上年结转资金 / 其他资金 with the
  column labels 年初预算数 / 全年预算数 / 全年执行数.

The result is the same :class:`ReadForm` the generated reader gives, so everything downstream (evaluation,
findings with their cells) works on either. What cannot be found or read becomes a located finding.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

from perfxl.core.budget import COLUMNS, SOURCES, Funds, FundsRow
from perfxl.core.findings import Finding, error, warning
from perfxl.core.form import FormInput
from perfxl.core.indicator import IndicatorInput
from perfxl.core.numbers import NotANumber, to_decimal
from perfxl.core.profile import Profile
from perfxl.forms.reader import ReadForm, is_generated
from perfxl.profiles import load_profile
from perfxl.template.fields import FIELDS
from perfxl.workbook.base import Ref, cell_text


class LabelledBook(Protocol):
    """What reading by labels needs of a workbook (perfxl.workbook.xlsx_book.XlsxBook has it all)."""

    hidden: set[str]

    def sheet_names(self) -> list[str]: ...

    def names(self, sheet: str | None) -> dict[str, Ref]: ...

    def values(self, ref: Ref) -> list[list[object]]: ...

    def formulas(self, ref: Ref) -> list[list[bool]] | None: ...

    def used_range(self, name: str) -> Ref | None: ...

    def merged_ranges(self, name: str) -> list[Ref]: ...

    def number_formats(self, ref: Ref) -> list[list[str]]: ...


# -- labels -------------------------------------------------------------------------------------

_NOTE = re.compile(r"\([^()]*\)")
_MAX_LABEL = 20  # longer texts are values, never labels
_BLANK_MARKS = frozenset({"—", "-", "–", "－", "/", "／", "——", "无"})


def normalise_label(text: object) -> str:
    """"项　目　名　称" → 项目名称, "实际\\n完成值" → 实际完成值, "项目资金（元）" → 项目资金, "其中：" → 其中."""
    folded = unicodedata.normalize("NFKC", str(text))
    folded = _NOTE.sub("", folded)
    return "".join(folded.split()).strip(":*")


def _one_of(*words: str) -> Callable[[str], bool]:
    return lambda label: label in words


def _without_of_which(label: str) -> str:
    """"其中:当年财政拨款" → "当年财政拨款"."""
    return label.removeprefix("其中").lstrip(":")


# The indicator table: row field → its column label.
INDICATOR_LABELS: tuple[tuple[str, Callable[[str], bool]], ...] = (
    ("row.level1", _one_of("一级指标")),
    ("row.level2", _one_of("二级指标")),
    ("row.name", _one_of("三级指标", "三级指标名称")),
    ("row.target", _one_of("年度指标值", "指标值", "年度目标值", "目标值", "预期指标值")),
    ("row.actual", _one_of("实际完成值", "全年实际完成值", "实际完成", "实际值", "完成值", "全年实际值")),
    ("row.weight", _one_of("分值", "指标分值", "权重")),
    ("row.score", _one_of("得分", "指标得分", "自评得分")),
    ("row.reason", lambda label: label.startswith("偏差原因") or ("原因" in label and "措施" in label)),
    # The extra columns of generated forms, so that a generated sheet read by its labels is complete.
    ("row.rule_score", _one_of("规则得分")),
    ("row.check", _one_of("检查结果")),
)
REQUIRED_COLUMNS = ("row.target", "row.actual", "row.weight", "row.score")

HEADER_LABELS: tuple[tuple[str, Callable[[str], bool]], ...] = (
    ("project.name", _one_of("项目名称")),
    ("project.department", _one_of("主管部门", "主管部门及代码", "主管单位")),
    ("project.unit", _one_of("实施单位", "项目实施单位", "实施单位及代码")),
)
GOAL_LABELS: tuple[tuple[str, Callable[[str], bool]], ...] = (
    ("goal.expected", _one_of("预期目标", "年度预期目标")),
    ("goal.actual", _one_of("实际完成情况", "年度目标实际完成情况", "目标实际完成情况")),
)
# Other labels of the form's head: a field's value never is one of them.
OTHER_HEAD_LABELS = frozenset({
    "项目负责人", "负责人", "联系电话", "联系人", "项目编码", "项目代码", "项目类别", "项目属性", "预算年度",
    "项目资金", "年度总体目标", "绩效指标", "填报人", "填报日期",
})

FUNDS_COLUMNS: tuple[tuple[str, Callable[[str], bool]], ...] = (
    ("initial", _one_of("年初预算数", "年初预算")),
    ("annual", _one_of("全年预算数", "全年预算", "调整后预算数")),
    ("executed", _one_of("全年执行数", "全年执行", "实际执行数")),
    ("budget.weight", _one_of("分值")),
    ("budget.rate", _one_of("执行率", "预算执行率")),
    ("budget.score", _one_of("得分")),
)
FUNDS_ROWS: tuple[tuple[str, Callable[[str], bool]], ...] = (
    ("total", lambda label: label.startswith("年度资金总额") or label in ("资金总额", "年度资金总计")),
    ("fiscal", lambda label: _without_of_which(label) in ("当年财政拨款", "财政拨款", "本年财政拨款", "财政资金")),
    ("carryover", lambda label: "结转" in _without_of_which(label)),
    ("other", lambda label: _without_of_which(label) in ("其他资金", "其他")),
)
TOTAL_ROW_LABELS = frozenset({"总分", "合计", "总计", "总分合计"})
SUBTOTAL_LABELS = frozenset({"小计"})
FOOTER_PREFIXES = ("填报人", "填表人", "联系电话", "填报日期", "填表日期", "审核人", "单位负责人", "财务负责人",
                   "备注", "注:", "说明:")
FOOTER_LABELS = frozenset({"注", "说明"})


def _kind(label: str, table: Iterable[tuple[str, Callable[[str], bool]]]) -> str | None:
    return next((key for key, matches in table if matches(label)), None)


# -- the sheet as a grid ------------------------------------------------------------------------


class _Grid:
    """The values of one sheet by cell, with its merged ranges."""

    def __init__(self, book: LabelledBook, sheet: str) -> None:
        self.book = book
        self.sheet = sheet
        used = book.used_range(sheet)
        self.max_row = used.max_row if used else 0
        self.max_col = used.max_col if used else 0
        rows = book.values(used) if used else []
        self.cells: dict[tuple[int, int], object] = {
            (r, c): value for r, row in enumerate(rows, 1) for c, value in enumerate(row, 1) if not _blank(value)}
        self.spans: dict[tuple[int, int], Ref] = {}  # every cell of a merged range (within the used range) → it
        for merged in book.merged_ranges(sheet):
            for r in range(merged.min_row, min(merged.max_row, self.max_row) + 1):
                for c in range(merged.min_col, min(merged.max_col, self.max_col) + 1):
                    self.spans[(r, c)] = merged
        # Short texts, normalised, in reading order: the candidates for labels.
        self.labels: list[tuple[int, int, str]] = sorted(
            (r, c, label) for (r, c), value in self.cells.items()
            if isinstance(value, str) and 0 < len(label := normalise_label(value)) <= _MAX_LABEL)

    def ref(self, row: int, col: int) -> Ref:
        return Ref.cell(self.sheet, row, col)

    def span(self, row: int, col: int) -> Ref:
        return self.spans.get((row, col)) or self.ref(row, col)

    def value(self, row: int, col: int) -> object:
        """The value shown in a cell: a merged range's, for any of its cells."""
        span = self.span(row, col)
        return self.cells.get((span.min_row, span.min_col))

    def is_anchor(self, row: int, col: int) -> bool:
        span = self.span(row, col)
        return (span.min_row, span.min_col) == (row, col)

    def label(self, row: int, col: int) -> str:
        value = self.cells.get((row, col))
        return normalise_label(value) if isinstance(value, str) else ""

    def find(self, table: Iterable[tuple[str, Callable[[str], bool]]], rows: range | None = None,
             ) -> dict[str, tuple[int, int]]:
        """The first cell of each label kind, in reading order (within ``rows``)."""
        found: dict[str, tuple[int, int]] = {}
        table = tuple(table)
        for r, c, label in self.labels:
            if rows is not None and r not in rows:
                continue
            kind = _kind(label, table)
            if kind is not None and kind not in found:
                found[kind] = (r, c)
        return found

    def right_of(self, row: int, col: int) -> tuple[object, Ref]:
        """The first non-empty cell right of a label (past its merged range); (None, next cell) if none."""
        start = self.span(row, col).max_col + 1
        c = start
        while c <= self.max_col:
            if self.is_anchor(row, c) and (row, c) in self.cells:
                value = self.cells[(row, c)]
                if isinstance(value, str) and _is_known_label(normalise_label(value)):
                    break  # the next label: this field is empty
                return value, self.ref(row, c)
            c = self.span(row, c).max_col + 1 if self.span(row, c).min_row == row else c + 1
        return None, self.ref(row, start)

    def below(self, row: int, col: int, last_row: int) -> tuple[object, Ref] | None:
        """The first non-empty cell below a label, up to ``last_row``; None if there is none."""
        r = self.span(row, col).max_row + 1
        while r <= last_row:
            if self.is_anchor(r, col) and (r, col) in self.cells:
                value = self.cells[(r, col)]
                if isinstance(value, str) and _is_known_label(normalise_label(value)):
                    return None
                return value, self.ref(r, col)
            r = self.span(r, col).max_row + 1 if self.span(r, col).min_col == col else r + 1
        return None


def _is_known_label(label: str) -> bool:
    return label in OTHER_HEAD_LABELS or any(
        _kind(label, table) is not None for table in (HEADER_LABELS, GOAL_LABELS, FUNDS_ROWS))


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


# -- the indicator table ------------------------------------------------------------------------


@dataclass(frozen=True)
class _Table:
    header_row: int  # the row of the column labels (its last row, if they are merged down)
    columns: dict[str, tuple[int, int]]  # row field → (first, last) column of its label
    first_cell: tuple[int, int]  # the 三级指标 label


def _find_table(grid: _Grid) -> _Table | None:
    """The indicator table's header: the row with the most column labels, among them 三级指标 and 实际完成值."""
    by_row: dict[int, dict[str, tuple[int, int]]] = {}
    for r, c, label in grid.labels:
        kind = _kind(label, INDICATOR_LABELS)
        if kind is not None:
            by_row.setdefault(r, {}).setdefault(kind, (r, c))
    candidates = [(len(kinds), -r, r) for r, kinds in by_row.items() if "row.name" in kinds and "row.actual" in kinds]
    if not candidates:
        return None
    _, _, row = max(candidates)
    kinds = by_row[row]
    columns = {}
    last_row = row
    for kind, (r, c) in kinds.items():
        span = grid.span(r, c)
        columns[kind] = (span.min_col, span.max_col)
        last_row = max(last_row, span.max_row)
    return _Table(last_row, columns, kinds["row.name"])


def _row_cell(grid: _Grid, row: int, columns: tuple[int, int]) -> tuple[object, int]:
    """The value of a field on an indicator row, within its label's columns: (value, column)."""
    first, last = columns
    for c in range(first, last + 1):
        if (row, c) in grid.cells:
            return grid.cells[(row, c)], c
    return None, first


def _is_stop_row(grid: _Grid, row: int, table: _Table) -> str | None:
    """"total" for the 总分 row, "subtotal" for a 小计 row, "footer" for 填报人 and the like, else None."""
    reason = table.columns.get("row.reason")
    for c in range(1, grid.max_col + 1):
        label = grid.label(row, c)
        if not label:
            continue
        if label in TOTAL_ROW_LABELS:
            return "total"
        if label in SUBTOTAL_LABELS:
            return "subtotal"
        if (reason is None or not reason[0] <= c <= reason[1]) and (
                label.startswith(FOOTER_PREFIXES) or label in FOOTER_LABELS):
            return "footer"
    return None


# -- reading ------------------------------------------------------------------------------------


def find_forms(book: LabelledBook) -> list[str]:
    """The visible sheets that look like a 自评表: a 项目名称 label above an indicator table."""
    hidden = getattr(book, "hidden", set())
    return [sheet for sheet in book.sheet_names() if sheet not in hidden and _looks_like_form(_Grid(book, sheet))]


def _looks_like_form(grid: _Grid) -> bool:
    table = _find_table(grid)
    if table is None:
        return False
    return "project.name" in _head_labels(grid, range(1, table.first_cell[0]))


def _head_labels(grid: _Grid, rows: range) -> dict[str, tuple[int, int, str | None]]:
    """The labels of the single fields: (row, column, None), or (row, column, value) for "项目名称：业务工作经历"."""
    found = {key: (r, c, None) for key, (r, c) in grid.find(HEADER_LABELS, rows).items()}
    for (r, c), value in sorted(grid.cells.items()):
        if r not in rows or not isinstance(value, str):
            continue
        label, *rest = _COLON.split(value.strip(), maxsplit=1)  # the value as typed, not normalised
        key = _kind(normalise_label(label), HEADER_LABELS) if rest and rest[0].strip() else None
        if key is not None and key not in found:
            found[key] = (r, c, rest[0].strip())
    return found


def read_labelled_form(book: LabelledBook, sheet: str, profile: Profile | None = None) -> ReadForm:
    """The form on ``sheet``, found by its labels, with the problems met while reading it."""
    grid = _Grid(book, sheet)
    reader = _Reader(book, grid)
    return reader.read(profile or load_profile())


class _Reader:
    def __init__(self, book: LabelledBook, grid: _Grid) -> None:
        self.book = book
        self.grid = grid
        self.sheet = grid.sheet
        self.fields: dict[str, Ref] = {}
        self.problems: list[Finding] = []

    def problem(self, finding: Finding, ref: Ref | None) -> None:
        self.problems.append(finding.located(None if ref is None else str(ref)))

    def read(self, profile: Profile) -> ReadForm:
        grid = self.grid
        table = _find_table(grid)
        if table is None:
            self.problem(error("table_missing", "indicators",
                               "未找到绩效指标表（应有「三级指标」「年度指标值」「实际完成值」「分值」「得分」等表头）"),
                         grid.ref(1, 1))
        head_end = table.first_cell[0] - 1 if table else grid.max_row
        values = self._head(head_end)
        funds = self._funds(head_end)
        indicators, rows, actual_cells = self._indicators(table) if table else ((), [], [])
        form = FormInput(
            name=cell_text(values.get("project.name")), department=cell_text(values.get("project.department")),
            unit=cell_text(values.get("project.unit")), funds=funds, indicators=tuple(indicators),
            goal_expected=cell_text(values.get("goal.expected")), goal_actual=cell_text(values.get("goal.actual")),
        )
        return ReadForm(self.sheet, form, profile, "udf", None, self.fields, rows, actual_cells, self.problems)

    # -- head: single fields and goals --

    def _head(self, head_end: int) -> dict[str, object]:
        grid = self.grid
        values: dict[str, object] = {}
        found = _head_labels(grid, range(1, head_end + 1))
        for key, field_label in (("project.name", "项目名称"), ("project.department", "主管部门"),
                                 ("project.unit", "实施单位")):
            if key not in found:
                self.problem(error("label_missing", key.removeprefix("project."), f"未找到「{field_label}」栏目"),
                             grid.ref(1, 1))
                continue
            row, col, inline = found[key]
            if inline is not None:
                values[key], self.fields[key] = inline, grid.ref(row, col)
            else:
                values[key], self.fields[key] = grid.right_of(row, col)
        for key, (row, col) in grid.find(GOAL_LABELS, range(1, head_end + 1)).items():
            located = grid.below(row, col, head_end)
            if located is None:
                located = grid.right_of(row, col)
                if located[0] is None:
                    located = (None, grid.ref(grid.span(row, col).max_row + 1, col))
            values[key], self.fields[key] = located
        return values

    # -- the funds block --

    def _funds(self, head_end: int) -> Funds:
        grid = self.grid
        header_row = None
        columns: dict[str, int] = {}
        for r in range(1, head_end + 1):
            kinds = {}
            for c in range(1, grid.max_col + 1):
                kind = _kind(grid.label(r, c), FUNDS_COLUMNS)
                if kind is not None and kind not in kinds:
                    kinds[kind] = c
            if "annual" in kinds and "executed" in kinds:
                header_row, columns = grid.span(r, kinds["annual"]).max_row, kinds
                break
        if header_row is None:
            self.problem(error("label_missing", "funds.total.annual", "未找到资金表的「全年预算数」「全年执行数」栏目"),
                         grid.ref(1, 1))
            return Funds()
        first_amount = min(columns[k] for k in ("initial", "annual", "executed") if k in columns)
        source_rows: dict[str, int] = {}
        for r in range(header_row + 1, head_end + 1):
            for c in range(1, first_amount):
                kind = _kind(grid.label(r, c), FUNDS_ROWS)
                if kind is not None and kind not in source_rows:
                    source_rows[kind] = r
        if not source_rows:
            self.problem(error("label_missing", "funds.total.annual", "未找到资金表的「年度资金总额」等行"),
                         grid.ref(header_row, first_amount))
            return Funds()
        rows: dict[str, FundsRow] = {}
        for source, row in source_rows.items():
            amounts = []
            for column, _ in COLUMNS:
                if column not in columns:
                    amounts.append(None)
                    continue
                key = f"funds.{source}.{column}"
                ref = grid.ref(row, columns[column])
                self.fields[key] = ref
                amounts.append(self._amount(grid.value(row, columns[column]), key, ref))
            rows[source] = FundsRow(*amounts)
        if "total" in source_rows:
            for key in ("budget.weight", "budget.rate", "budget.score"):
                if key in columns:
                    self.fields[key] = grid.ref(source_rows["total"], columns[key])
        return Funds(**{source: rows.get(source, FundsRow()) for source, _ in SOURCES},
                     stated_total=rows.get("total"))

    def _amount(self, value: object, key: str, ref: Ref) -> Decimal | None:
        amount = _number(value)
        if amount is None and not _blank_mark(value):
            self.problem(error("amount_unreadable", key, f"{FIELDS[key].label}「{cell_text(value)}」不是数字"), ref)
        return amount

    # -- the indicator table --

    def _indicators(self, table: _Table) -> tuple[list[IndicatorInput], list[dict[str, Ref]], list[object]]:
        grid = self.grid
        columns = table.columns
        header_ref = grid.ref(*table.first_cell)
        for key in REQUIRED_COLUMNS:
            if key not in columns:
                label = FIELDS[key].label
                if key == "row.score":
                    self.problem(warning("column_missing", "indicators", f"指标表缺少「{label}」列，按规则计算得分"),
                                 header_ref)
                else:
                    self.problem(error("column_missing", "indicators", f"指标表缺少「{label}」列"), header_ref)
        generated = is_generated(self.book, self.sheet)
        indicators: list[IndicatorInput] = []
        rows: list[dict[str, Ref]] = []
        actual_cells: list[object] = []
        level1 = level2 = ""
        last_row = table.header_row
        total_row = None
        for r in range(table.header_row + 1, grid.max_row + 1):
            stop = _is_stop_row(grid, r, table)
            if stop == "subtotal":
                continue
            if stop is not None:
                total_row = r if stop == "total" else None
                break
            last_row = r
            cells = {key: _row_cell(grid, r, span) for key, span in columns.items()}
            refs = {key: grid.ref(r, col) for key, (_, col) in cells.items()}
            new_level1 = self._level(r, columns.get("row.level1"))
            if new_level1 is not None and new_level1 != level1:
                level1, level2 = new_level1, ""
            level2 = self._level(r, columns.get("row.level2")) or level2
            value = {key: v for key, (v, _) in cells.items()}
            if _blank(value.get("row.name")) and _blank(value.get("row.target")):
                # A blank row, or a 二级 heading without 三级 rows; numbers without a 三级指标 are reported.
                stray = next((key for key in ("row.weight", "row.score", "row.actual")
                              if not _blank_mark(value.get(key))), None)
                if stray is not None:
                    self.problem(warning("row_ignored", "indicators",
                                         f"第{r}行没有三级指标和年度指标值，未作为指标读取"), refs[stray])
                continue
            index = len(indicators)
            name = cell_text(value.get("row.name"))
            weight = _number(value.get("row.weight"))
            if weight is None and "row.weight" in columns:
                shown = cell_text(value.get("row.weight"))
                message = f"指标「{name}」的分值「{shown}」不是数字" if shown else f"指标「{name}」未填写分值"
                self.problem(error("weight_unreadable", f"indicators[{index}].weight", message), refs["row.weight"])
            score = None
            if "row.score" in columns:
                score_col = cells["row.score"][1]
                formula = self.book.formulas(grid.ref(r, score_col))
                if generated and formula and formula[0][0]:
                    score = None  # perfxl's own formula: not an officer score
                else:
                    score = _number(value.get("row.score"))
                    if score is None and not _blank_mark(value.get("row.score")):
                        self.problem(error("score_unreadable", f"indicators[{index}].score",
                                           f"指标「{name}」的得分「{cell_text(value.get('row.score'))}」不是数字"),
                                     refs["row.score"])
            actual = value.get("row.actual")
            if isinstance(actual, str):
                actual = actual.strip() or None
            target = self._target(r, cells.get("row.target"))
            indicators.append(IndicatorInput(level1, level2, name, target, weight or Decimal(0), actual, score,
                                             cell_text(value.get("row.reason"))))
            rows.append(refs)
            actual_cells.append(actual)
        if total_row is not None:
            for key, column in (("total.weight", "row.weight"), ("total.score", "row.score")):
                if column in columns:
                    self.fields[key] = grid.ref(total_row, columns[column][0])
        else:
            where = grid.ref(last_row + 1, columns["row.score"][0] if "row.score" in columns else table.first_cell[1])
            self.problem(warning("label_missing", "indicators", "未找到「总分」行，无法核对表中填写的总分"), where)
        return indicators, rows, actual_cells

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
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            code = self.book.number_formats(self.grid.ref(row, col))[0][0]
            return _formatted(value, code)
        return cell_text(value)


# -- values -------------------------------------------------------------------------------------

_QUOTED = re.compile(r'"([^"]*)"')
_COLON = re.compile("[:：]")


def _blank_mark(value: object) -> bool:
    """Empty, or a dash standing for nothing."""
    return _blank(value) or (isinstance(value, str) and value.strip() in _BLANK_MARKS)


def _number(value: object) -> Decimal | None:
    """A number, or numeric text ("588,865", "1408340.00", "10分", "5元"); None otherwise."""
    if _blank_mark(value):
        return None
    if isinstance(value, str):
        value = unicodedata.normalize("NFKC", value).strip().removesuffix("分").removesuffix("元").strip()
    try:
        return to_decimal(value)
    except NotANumber:
        return None


def _formatted(value: float, code: str) -> str:
    """A number as its format shows it, for what matters to a target: percent, and quoted text around it."""
    section = code.split(";")[0]
    literals = _QUOTED.findall(section)
    bare = _QUOTED.sub("", section)
    number = to_decimal(value)
    percent = "%" in bare
    if percent:
        number *= 100
    shown = format(number.normalize(), "f") if number != 0 else "0"
    prefix = suffix = ""
    if literals:
        first_literal = section.find('"')
        digits = re.search(r"[0#?]|General", section, flags=re.IGNORECASE)
        if digits is not None and first_literal < digits.start():
            prefix = literals[0]
            literals = literals[1:]
        suffix = "".join(literals)
    return f"{prefix}{shown}{'%' if percent else ''}{suffix}"

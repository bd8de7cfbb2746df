"""The labels of a 自评表 and one sheet as a grid of cells: what reading a form by its labels stands on.

Labels are compared normalised: NFKC, no whitespace or line breaks, no parenthesised note, no trailing
colon ("项　目　名　称", "实际\\n完成值", "项目资金\\n（元）", "其中：当年财政拨款" all match).
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable

from perfxl.contract.fields import FIELDS
from perfxl.core import labels
from perfxl.core.budget import COLUMN_LABELS, SOURCES, TOTAL_LABEL
from perfxl.core.cells import folded, is_blank
from perfxl.workbook.base import Book, Ref

SOURCE_LABELS = dict(SOURCES)
REASON_START = labels.REASON[:4]  # 偏差原因: hand-made forms word the rest differently

# -- labels -------------------------------------------------------------------------------------

LabelTable = tuple[tuple[str, Callable[[str], bool]], ...]

_NOTE = re.compile(r"\([^()]*\)")
MAX_LABEL = 20  # longer texts are values, never labels
BLANK_MARKS = frozenset({"—", "-", "–", "－", "/", "／", "——", "无"})


def normalise_label(text: object) -> str:
    """ "项　目　名　称" → 项目名称, "实际\\n完成值" → 实际完成值, "项目资金（元）" → 项目资金, "其中：" → 其中."""
    label = _NOTE.sub("", folded(text, keep_whitespace=True))
    return "".join(label.split()).strip(":*")


def _one_of(*words: str) -> Callable[[str], bool]:
    return lambda label: label in words


def _field(key: str, *variants: str) -> Callable[[str], bool]:
    """A field's label as perfxl writes it (perfxl.contract.fields), or a variant hand-made forms use."""
    return _one_of(FIELDS[key].label, *variants)


def _without_of_which(label: str) -> str:
    """ "其中:当年财政拨款" → "当年财政拨款"."""
    return label.removeprefix("其中").lstrip(":")


# The indicator table: row field → its column label.
INDICATOR_LABELS: LabelTable = (
    ("row.level1", _field("row.level1")),
    ("row.level2", _field("row.level2")),
    ("row.name", _field("row.name", f"{labels.NAME}名称")),
    ("row.target", _field("row.target", "指标值", "年度目标值", "目标值", "预期指标值")),
    ("row.actual", _field("row.actual", f"全年{labels.ACTUAL}", "实际完成", "实际值", "完成值", "全年实际值")),
    ("row.weight", _field("row.weight", f"指标{labels.WEIGHT}", "权重")),
    ("row.score", _field("row.score", f"指标{labels.SCORE}", f"自评{labels.SCORE}")),
    ("row.reason", lambda label: label.startswith(REASON_START) or ("原因" in label and "措施" in label)),
    # The extra columns of generated forms, so that a generated sheet read by its labels is complete.
    ("row.rule_score", _field("row.rule_score")),
    ("row.check", _field("row.check")),
)
REQUIRED_COLUMNS = ("row.target", "row.actual", "row.weight", "row.score")

HEADER_LABELS: LabelTable = (
    ("project.name", _field("project.name")),
    ("project.department", _field("project.department", "主管部门及代码", "主管单位")),
    ("project.unit", _field("project.unit", "项目实施单位", "实施单位及代码")),
)
GOAL_LABELS: LabelTable = (
    ("goal.expected", _field("goal.expected", "年度预期目标")),
    ("goal.actual", _field("goal.actual", "年度目标实际完成情况", "目标实际完成情况")),
)
# Other labels of the form's head: a field's value never is one of them.
OTHER_HEAD_LABELS = frozenset(
    {
        "项目负责人",
        "负责人",
        "联系电话",
        "联系人",
        "项目编码",
        "项目代码",
        "项目类别",
        "项目属性",
        "预算年度",
        "项目资金",
        "年度总体目标",
        "绩效指标",
        "填报人",
        "填报日期",
    }
)

FUNDS_COLUMNS: LabelTable = (
    ("initial", _one_of(COLUMN_LABELS["initial"], "年初预算")),
    ("annual", _one_of(COLUMN_LABELS["annual"], "全年预算", "调整后预算数")),
    ("executed", _one_of(COLUMN_LABELS["executed"], "全年执行", "实际执行数")),
    # The funds block heads its budget columns with the indicator table's words.
    ("budget.weight", _one_of(labels.WEIGHT)),
    ("budget.rate", _field("budget.rate", "预算执行率")),
    ("budget.score", _one_of(labels.SCORE)),
)
FUNDS_ROWS: LabelTable = (
    ("total", lambda label: label.startswith(TOTAL_LABEL) or label in ("资金总额", "年度资金总计")),
    (
        "fiscal",
        lambda label: _without_of_which(label) in (SOURCE_LABELS["fiscal"], "财政拨款", "本年财政拨款", "财政资金"),
    ),
    ("carryover", lambda label: "结转" in _without_of_which(label)),
    ("other", lambda label: _without_of_which(label) in (SOURCE_LABELS["other"], "其他")),
)
TOTAL_ROW_LABELS = frozenset({"总分", "合计", "总计", "总分合计"})
SUBTOTAL_LABELS = frozenset({"小计"})
GRADE_LABELS = frozenset({"等级", "自评等级", "评价等级", "绩效等级", "评定等级", "等次", "自评等次", "评价等次"})
FOOTER_PREFIXES = (
    "填报人",
    "填表人",
    "联系电话",
    "填报日期",
    "填表日期",
    "审核人",
    "单位负责人",
    "财务负责人",
    "备注",
    "注:",
    "说明:",
)
FOOTER_LABELS = frozenset({"注", "说明"})
# What the top of a continued printed page repeats besides the column labels.
SIDE_LABELS = frozenset({"绩效指标", "绩效指标表", "续表", "续", "续上表"})
_TITLE_WORD = "自评表"
_MAX_TITLE = 40
_YEAR_LINE = re.compile(r"^\(?\d{4}年度?\)?$")


def label_kind(label: str, table: Iterable[tuple[str, Callable[[str], bool]]]) -> str | None:
    return next((key for key, matches in table if matches(label)), None)


def is_known_label(label: str) -> bool:
    """A label of the head: a field's value never is one."""
    return label in OTHER_HEAD_LABELS or any(
        label_kind(label, table) is not None for table in (HEADER_LABELS, GOAL_LABELS, FUNDS_ROWS)
    )


def is_footer(label: str) -> bool:
    return label.startswith(FOOTER_PREFIXES) or label in FOOTER_LABELS


def is_title_line(text: str) -> bool:
    """The form's title or its year line: "财政项目支出绩效自评表", "（2022 年度）", "2022年度"."""
    line = folded(text)
    return len(line) <= _MAX_TITLE and (_TITLE_WORD in line or bool(_YEAR_LINE.match(line)))


def blank_mark(value: object) -> bool:
    """Empty, or a dash standing for nothing."""
    return is_blank(value) or (isinstance(value, str) and value.strip() in BLANK_MARKS)


# -- the sheet as a grid ------------------------------------------------------------------------


_MATERIALISED_MERGE = 10_000  # cells of a merged range indexed one by one; a form's merges are far smaller


class Grid:
    """The values of one sheet by cell, with its merged ranges (a Book with the sheet-grid capabilities:
    :meth:`Book.cell_values`, :meth:`Book.merged_ranges`)."""

    def __init__(self, book: Book, sheet: str) -> None:
        self.book = book
        self.sheet = sheet
        # Sparse throughout: a value typed in a far corner must not make the sheet a vast grid of nothing.
        self.cells: dict[tuple[int, int], object] = {
            key: value for key, value in book.cell_values(sheet).items() if not is_blank(value)
        }
        by_row: dict[int, list[int]] = {}
        by_column: dict[int, list[int]] = {}
        for r, c in self.cells:
            by_row.setdefault(r, []).append(c)
            by_column.setdefault(c, []).append(r)
        self._columns_of = {r: sorted(cols) for r, cols in by_row.items()}
        self._rows_of = {c: sorted(rows) for c, rows in by_column.items()}
        self._rows = sorted(by_row)
        self.max_row = self._rows[-1] if self._rows else 0
        self.max_col = max(by_column, default=0)
        self.spans: dict[tuple[int, int], Ref] = {}  # every cell of a small merged range (within the used range) → it
        self._large_merges: list[Ref] = []  # the rare huge ones, looked through when asked
        for merged in book.merged_ranges(sheet):
            rows = range(merged.min_row, min(merged.max_row, self.max_row) + 1)
            cols = range(merged.min_col, min(merged.max_col, self.max_col) + 1)
            if len(rows) * len(cols) > _MATERIALISED_MERGE:
                self._large_merges.append(merged)
                continue
            for r in rows:
                for c in cols:
                    self.spans[(r, c)] = merged
        # Short texts, normalised, in reading order: the candidates for labels.
        self.labels: list[tuple[int, int, str]] = sorted(
            (r, c, label)
            for (r, c), value in self.cells.items()
            if isinstance(value, str) and 0 < len(label := normalise_label(value)) <= MAX_LABEL
        )
        self._formats: dict[tuple[int, int], str] = {}

    def ref(self, row: int, col: int) -> Ref:
        return Ref.cell(self.sheet, row, col)

    def span(self, row: int, col: int) -> Ref:
        span = self.spans.get((row, col))
        if span is None and self._large_merges:
            span = next(
                (m for m in self._large_merges if m.min_row <= row <= m.max_row and m.min_col <= col <= m.max_col), None
            )
        return span or self.ref(row, col)

    def rows(self, first: int, last: int) -> list[int]:
        """The rows from ``first`` to ``last`` that hold something, top to bottom."""
        return self._rows[bisect_left(self._rows, first) : bisect_right(self._rows, last)]

    def columns(self, row: int, first: int = 1, last: int | None = None) -> list[int]:
        """The columns of a row that hold something (from ``first`` to ``last``), left to right."""
        cols = self._columns_of.get(row, [])
        return cols[bisect_left(cols, first) : bisect_right(cols, last if last is not None else self.max_col)]

    def value(self, row: int, col: int) -> object:
        """The value shown in a cell: a merged range's, for any of its cells."""
        span = self.span(row, col)
        return self.cells.get((span.min_row, span.min_col))

    def number_format(self, row: int, col: int) -> str:
        if (row, col) not in self._formats:
            self._formats[(row, col)] = self.book.number_formats(self.ref(row, col))[0][0]
        return self._formats[(row, col)]

    def is_anchor(self, row: int, col: int) -> bool:
        span = self.span(row, col)
        return (span.min_row, span.min_col) == (row, col)

    def label(self, row: int, col: int) -> str:
        value = self.cells.get((row, col))
        return normalise_label(value) if isinstance(value, str) else ""

    def row_values(self, row: int) -> list[tuple[int, object]]:
        """The cells of a row that hold something, left to right: (column, value)."""
        return [(c, self.cells[(row, c)]) for c in self.columns(row)]

    def find(self, table: LabelTable, rows: range | None = None) -> dict[str, tuple[int, int]]:
        """The first cell of each label kind, in reading order (within ``rows``)."""
        found: dict[str, tuple[int, int]] = {}
        for r, c, label in self.labels:
            if rows is not None and r not in rows:
                continue
            kind = label_kind(label, table)
            if kind is not None and kind not in found:
                found[kind] = (r, c)
        return found

    def right_of(self, row: int, col: int) -> tuple[object, Ref]:
        """The first non-empty cell right of a label (past its merged range); (None, next cell) if none."""
        start = self.span(row, col).max_col + 1
        for c in self.columns(row, start):
            if self.is_anchor(row, c):
                value = self.cells[(row, c)]
                if isinstance(value, str) and is_known_label(normalise_label(value)):
                    break  # the next label: this field is empty
                return value, self.ref(row, c)
        return None, self.ref(row, start)

    def below(self, row: int, col: int, last_row: int) -> tuple[object, Ref] | None:
        """The first non-empty cell below a label, up to ``last_row``; None if there is none."""
        rows = self._rows_of.get(col, [])
        for r in rows[bisect_left(rows, self.span(row, col).max_row + 1) : bisect_right(rows, last_row)]:
            if self.is_anchor(r, col):
                value = self.cells[(r, col)]
                if isinstance(value, str) and is_known_label(normalise_label(value)):
                    return None
                return value, self.ref(r, col)
        return None

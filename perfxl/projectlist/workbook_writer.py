"""Write a 项目清单 workbook (the Excel form of a project list, spec-format.md) with xlsxwriter.

The input is the plain structure a YAML project list holds, so that the blank template is the data of
a list with no projects and any YAML list can be converted. Nothing is validated here beyond refusing
keys the workbook has no place for: build_project_list checks the data when the workbook is read back.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

import yaml

from perfxl.contract.metadata import MAX_YEAR, MIN_YEAR
from perfxl.contract.profiles import available_profiles
from perfxl.core import labels
from perfxl.core.budget import COLUMN_LABELS, TOTAL_LABEL
from perfxl.core.grammar import parse_target
from perfxl.projectlist.workbook_layout import (
    ACTUAL,
    AMOUNT,
    EVALUATION,
    INDICATOR_COLUMNS,
    INDICATOR_PROJECT_KEY,
    INFO_FIELDS,
    INFO_HEADER,
    LEVEL1_CHOICES,
    LEVEL2_CHOICES,
    LONG_TEXT,
    NOTE_PREFIX,
    NUMERIC_KINDS,
    PROJECT_COLUMNS,
    REQUIRED,
    SCORE,
    SHEET_GUIDE,
    SHEET_INDICATORS,
    SHEET_INFO,
    SHEET_PROJECTS,
    TARGET,
    TEXT,
    VALIDATED_ROWS,
    WEIGHT,
    ListColumn,
)
from perfxl.sheetlib.addresses import column_letters

if TYPE_CHECKING:
    from xlsxwriter.workbook import Workbook
    from xlsxwriter.worksheet import Worksheet

HEADER_COLOURS = {REQUIRED: "#F8CBAD", EVALUATION: "#C6E0B4", "optional": "#DDEBF7"}
TEXT_FORMAT = "@"
AMOUNT_FORMAT = "#,##0.00"
LINE_HEIGHT = 14.25  # points per line of 11-point text
GUIDE_WIDTH = 100

_INITIAL, _ANNUAL, _EXECUTED = (COLUMN_LABELS[key] for key in ("initial", "annual", "executed"))
GUIDE_TITLE = "项目清单填写说明（perfxl 项目清单，格式版本 1）"
GUIDE: tuple[tuple[str, str], ...] = (
    (
        "用途",
        "本工作簿列出本单位本年度的项目及其绩效指标。perfxl 读取后，计算并检查每个项目的"
        "《财政项目支出绩效自评表》（预算执行率、各指标得分、总分和等级）。"
        f"编制时只填目标和{labels.WEIGHT}即为空白表；自评时再填写执行数、{labels.ACTUAL}等。",
    ),
    (
        "四张表",
        "「说明」即本页；「基本信息」填写年度、默认主管部门、默认实施单位和评分配置；"
        "「项目」每行一个项目；「指标」每行一个三级指标，用「项目名称」对应到项目。",
    ),
    (
        "表头颜色",
        "橙色表头为必填；绿色表头为自评时填写（编制空白表时留空）；蓝色表头为选填。选中单元格时会显示该栏的填写提示。",
    ),
    (
        "基本信息",
        "格式版本固定为 1，请勿修改。年度填四位数年份。"
        "「项目」表中主管部门、实施单位留空的项目，使用这里的默认值。评分配置可从下拉列表选择，"
        "留空即按财政部《项目支出绩效评价管理办法》（财预〔2020〕10号）的 mof-2020 配置计分。",
    ),
    (
        "项目",
        "项目名称必填，且在本表中不能重复。资金单位为元，按当年财政拨款、上年结转资金、其他资金"
        f"三个来源分别填写{_INITIAL}、{_ANNUAL}和{_EXECUTED}；{_EXECUTED}在自评时填写。"
        f"{TOTAL_LABEL}可以不填，perfxl 按三个来源相加；如填写，须等于三个来源之和。",
    ),
    (
        "指标",
        "每个三级指标占一行。「项目名称」须与「项目」表中的名称完全一致，可从下拉列表选择；"
        "同一项目的指标按本表中的先后顺序排列，不必相邻。一级指标、二级指标可从下拉列表选择。分值填数字。"
        "得分一般留空，由 perfxl 按评分规则计算；只有需要人工给分时才填写，"
        f"并在「{labels.REASON}」中说明理由。",
    ),
    (
        labels.TARGET,
        "按原样填写，如 ≥3次、>=95%、=100%、≤5%、不低于90%、95%以上、0起、顺利完成。"
        "此列已设为“文本”格式，输入的内容原样保存：例如 =100% 不会被当成公式，100% 也不会变成数字 1。",
    ),
    (
        labels.ACTUAL,
        "此列同样已设为“文本”格式，输入什么就按什么读取：100% 就是 100%，18次 就是 18 次。"
        "对百分比指标，只填数字（如 88）按 88% 计。注意：若单元格里是数字（例如从其他表格粘贴来的，"
        "或单元格格式被改成了“常规”），perfxl 按 Excel 实际存储的数值读取：显示为 88% 的单元格"
        "存储的是 0.88，对百分比指标按 88% 计；但在“常规”格式中直接输入的 88 是数字 88，"
        "对百分比指标会按 8800% 计。因此请保持此列为文本格式，粘贴时使用“选择性粘贴 → 值”后核对。",
    ),
    (
        "可以做的调整",
        "可以调整列的顺序、插入或删除空行、增加行（下拉列表和数字检查预设到第 "
        f"{VALIDATED_ROWS + 1} 行）。perfxl 按表头文字找列，请勿修改表头文字；"
        f"{TOTAL_LABEL}各列可以删除。如需自己的备注列，表头请以「{NOTE_PREFIX}」开头，"
        "perfxl 不读取这些列。请勿合并单元格。",
    ),
    (
        "检查",
        "保存后运行 perfxl check 文件名.xlsx。发现的问题会逐条指明所在的表、行号和栏目，"
        "例如：「指标」表第12行「分值」：应为数字。有问题时不会生成任何结果，请改正后重新运行。",
    ),
)


def _plain_text(value: object) -> str:
    return value if isinstance(value, str) else str(value)


def _lines(value: object, width: int) -> int:
    """Lines a text takes when wrapped in a column ``width`` characters wide (CJK characters count 2)."""
    if not isinstance(value, str):
        return 1
    return sum(
        max(1, math.ceil(sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line) / (width - 1)))
        for line in value.splitlines() or [""]
    )


class _Writer:
    """The workbook being written, its cell formats and the number of data rows it prepares."""

    def __init__(self, workbook: Workbook, rows: int) -> None:
        self.workbook = workbook
        self.rows = rows
        self.base = {"font_name": "宋体", "font_size": 11, "valign": "vcenter"}
        self.headers = {
            role: workbook.add_format(
                {**self.base, "bold": True, "bg_color": colour, "border": 1, "text_wrap": True, "align": "center"}
            )
            for role, colour in HEADER_COLOURS.items()
        }
        text_cells = workbook.add_format({**self.base, "num_format": TEXT_FORMAT})
        self.formats = {
            TEXT: workbook.add_format(self.base),
            LONG_TEXT: workbook.add_format({**self.base, "text_wrap": True}),
            AMOUNT: workbook.add_format({**self.base, "num_format": AMOUNT_FORMAT}),
            WEIGHT: workbook.add_format({**self.base, "align": "center"}),
            SCORE: workbook.add_format({**self.base, "align": "center"}),
            TARGET: text_cells,
            ACTUAL: text_cells,
        }
        self.percent = workbook.add_format({**self.base, "num_format": "0%"})
        self.percent_decimals = workbook.add_format({**self.base, "num_format": "0.0#%"})

    def table(
        self,
        sheet: Worksheet,
        columns: Sequence[ListColumn],
        rows: Sequence[Mapping[tuple[str, ...], object]],
        validations: Sequence[Mapping[str, object]],
    ) -> None:
        sheet.set_row(0, 36)
        sheet.freeze_panes(1, 1)
        _print_setup(sheet, landscape=True)
        sheet.repeat_rows(0)
        for index, (column, validation) in enumerate(zip(columns, validations, strict=True)):
            sheet.set_column(index, index, column.width, self.formats[column.kind])
            sheet.write_string(0, index, column.header, self.headers[column.role])
            sheet.data_validation(1, index, self.rows, index, dict(validation))
        for row_index, row in enumerate(rows, start=1):
            for index, column in enumerate(columns):
                self.cell(sheet, row_index, index, column, row.get(column.key), row.get(("target",)))
            lines = max((_lines(row.get(c.key), c.width) for c in columns if c.kind == LONG_TEXT), default=1)
            if lines > 1:  # neither Excel nor LibreOffice fits the height of wrapped text on opening
                sheet.set_row(row_index, LINE_HEIGHT * lines + 3)

    def cell(self, sheet: Worksheet, row: int, col: int, column: ListColumn, value: object, target: object) -> None:
        """Numbers stay numbers where a number may stand; text is written as text (=100% is no formula)."""
        if value is None:
            return
        fmt = self.formats[column.kind]
        if isinstance(value, bool):
            sheet.write_boolean(row, col, value, fmt)
        elif isinstance(value, (int, float, Decimal)) and column.kind in (*NUMERIC_KINDS, ACTUAL):
            if column.kind == ACTUAL and isinstance(target, str) and parse_target(target).is_percent:
                fmt = self.percent if (Decimal(str(value)) * 100) % 1 == 0 else self.percent_decimals
            sheet.write_number(row, col, float(value), fmt)
        elif isinstance(value, (str, int, float, Decimal)):
            sheet.write_string(row, col, _plain_text(value), fmt)
        else:
            raise ValueError(f"无法写入项目清单工作簿：「{column.label}」的值应为文字或数字，当前为「{value}」")


def _help(column: ListColumn) -> dict[str, object]:
    return {"input_title": column.label[:32], "input_message": column.help}


def _column_validation(column: ListColumn, name_range: str, unique_rule: str | None = None) -> dict[str, object]:
    """The data validation of a data column: a list, a numeric check, or only the input message."""
    key, kind = column.key, column.kind
    if key == INDICATOR_PROJECT_KEY:
        return {
            "validate": "list",
            "source": name_range,
            "error_type": "warning",
            "error_title": "项目名称",
            "error_message": "「项目」表中没有这个项目名称。请先在「项目」表中填写项目，或从下拉列表选择。",
            **_help(column),
        }
    if key in (("level1",), ("level2",)):
        choices = LEVEL1_CHOICES if key == ("level1",) else LEVEL2_CHOICES
        return {
            "validate": "list",
            "source": list(choices),
            "error_type": "warning",
            "error_title": column.label,
            "error_message": f"不是常用的{column.label}名称。确实要使用此名称，请点“是”。",
            **_help(column),
        }
    if unique_rule:
        return {
            "validate": "custom",
            "value": unique_rule,
            "error_title": "项目名称重复",
            "error_message": "本表中已有同名项目，项目名称不能重复。",
            **_help(column),
        }
    if kind == AMOUNT:
        return {
            "validate": "decimal",
            "criteria": ">=",
            "value": 0,
            "error_title": "金额",
            "error_message": "请输入不小于 0 的金额（元），只填数字，不要带“元”或其他文字。",
            **_help(column),
        }
    if kind == WEIGHT:
        return {
            "validate": "decimal",
            "criteria": "between",
            "minimum": 0,
            "maximum": 100,
            "error_title": "分值",
            "error_message": "分值应为 0 到 100 之间的数字。",
            **_help(column),
        }
    if kind == SCORE:
        return {
            "validate": "decimal",
            "criteria": "between",
            "minimum": 0,
            "maximum": 100,
            "error_type": "warning",
            "error_title": "得分",
            "error_message": "得分应为 0 到该指标分值之间的数字。确实要填写此数，请点“是”。",
            **_help(column),
        }
    return {"validate": "any", **_help(column)}


def _refuse_unknown(keys: Iterable[object], where: str) -> None:
    unknown = "、".join(".".join(k) if isinstance(k, tuple) else str(k) for k in keys)
    if unknown:
        raise ValueError(f"无法写入项目清单工作簿：{where}有工作簿中没有位置的字段「{unknown}」")


def _flatten(data: Mapping[str, object]) -> dict[tuple[str, ...], object]:
    """A project mapping as {key path: value}, as the columns address it: ("funds", "fiscal", "annual")."""
    flat: dict[tuple[str, ...], object] = {}
    for key, value in data.items():
        if isinstance(value, Mapping):
            flat.update({(key, *path): inner for path, inner in _flatten(value).items()})
        else:
            flat[(key,)] = value
    return flat


Row = dict[tuple[str, ...], object]


def _rows(data: Mapping[str, object]) -> tuple[list[Row], list[Row]]:
    """The rows of the 项目 and 指标 sheets."""
    _refuse_unknown([k for k in data if k not in {f.key for f in INFO_FIELDS} | {"projects"}], "清单")
    projects = data.get("projects") or []
    if not isinstance(projects, list):
        raise ValueError("无法写入项目清单工作簿：projects（项目列表）应为列表")
    project_keys = {column.key for column in PROJECT_COLUMNS}
    indicator_keys = {column.key for column in INDICATOR_COLUMNS}
    project_rows, indicator_rows = [], []
    for index, project in enumerate(projects):
        where = f"第{index + 1}个项目"
        if not isinstance(project, Mapping):
            raise ValueError(f"无法写入项目清单工作簿：{where}应为键值对")
        flat = _flatten({k: v for k, v in project.items() if k != "indicators"})
        _refuse_unknown([k for k in flat if k not in project_keys], where)
        project_rows.append(flat)
        for number, indicator in enumerate(project.get("indicators") or [], start=1):
            if not isinstance(indicator, Mapping):
                raise ValueError(f"无法写入项目清单工作簿：{where}的第{number}个指标应为键值对")
            row: Row = {(key,): value for key, value in indicator.items()}
            _refuse_unknown([k for k in row if k not in indicator_keys], f"{where}的第{number}个指标")
            row[INDICATOR_PROJECT_KEY] = project.get("name")
            indicator_rows.append(row)
    return project_rows, indicator_rows


def _print_setup(sheet: Worksheet, *, landscape: bool = False) -> None:
    sheet.set_paper(9)  # A4
    if landscape:
        sheet.set_landscape()
    sheet.fit_to_pages(1, 0)


def _write_guide(writer: _Writer, sheet: Worksheet) -> None:
    workbook = writer.workbook
    title = workbook.add_format({**writer.base, "bold": True, "font_size": 14})
    heading = workbook.add_format({**writer.base, "bold": True, "valign": "top"})
    body = workbook.add_format({**writer.base, "text_wrap": True, "valign": "top"})
    sheet.set_column(0, 0, 14)
    sheet.set_column(1, 1, GUIDE_WIDTH)
    sheet.write_string(0, 0, GUIDE_TITLE, title)
    sheet.set_row(0, 24)
    for row, (head, text) in enumerate(GUIDE, start=2):
        sheet.write_string(row, 0, head, heading)
        sheet.write_string(row, 1, text, body)
        sheet.set_row(row, LINE_HEIGHT * _lines(text, GUIDE_WIDTH) + 4)
    row = len(GUIDE) + 3
    for role, text in ((REQUIRED, "必填"), (EVALUATION, "自评时填写"), ("optional", "选填")):
        sheet.write_string(row, 0, text, writer.headers[role])
        row += 1
    sheet.hide_gridlines(2)
    _print_setup(sheet)


def _write_info(writer: _Writer, sheet: Worksheet, data: Mapping[str, object]) -> None:
    workbook = writer.workbook
    header = writer.headers["optional"]
    label_formats = {True: writer.headers[REQUIRED], False: header}
    note = workbook.add_format({**writer.base, "font_color": "#595959", "text_wrap": True})
    sheet.set_column(0, 0, 16)
    value_format = workbook.add_format({**writer.base, "align": "left"})
    sheet.set_column(1, 1, 40, value_format)
    sheet.set_column(2, 2, 70, note)
    for col, text in enumerate(INFO_HEADER):
        sheet.write_string(0, col, text, header)
    for row, field in enumerate(INFO_FIELDS, start=1):
        sheet.write_string(row, 0, field.label, label_formats[field.required])
        sheet.write_string(row, 2, field.help, note)
        value = data.get(field.key)
        if isinstance(value, Mapping):  # a profile with overrides: its YAML flow form
            value = yaml.safe_dump(dict(value), default_flow_style=True, allow_unicode=True, width=10_000).strip()
        if isinstance(value, bool) or value is None:
            pass
        elif isinstance(value, (int, float)):
            sheet.write_number(row, 1, value, value_format)
        else:
            sheet.write_string(row, 1, _plain_text(value), value_format)
        options: dict[str, object] = {"validate": "any"}
        if field.key == "perfxl":
            options = {
                "validate": "integer",
                "criteria": "==",
                "value": 1,
                "error_title": "格式版本",
                "error_message": "格式版本固定为 1。",
            }
        elif field.key == "year":
            options = {
                "validate": "integer",
                "criteria": "between",
                "minimum": MIN_YEAR,
                "maximum": MAX_YEAR,
                "error_title": "年度",
                "error_message": "请输入四位数年份，如 2022。",
            }
        elif field.key == "profile":
            options = {"validate": "list", "source": available_profiles(), "show_error": False}
        sheet.data_validation(row, 1, row, 1, {**options, "input_title": field.label, "input_message": field.help})
    sheet.freeze_panes(1, 0)
    _print_setup(sheet, landscape=True)


def write_project_list_workbook(
    data: Mapping[str, object], path: str | Path, *, created: datetime | None = None
) -> None:
    """Write ``data`` (a project list's plain structure) as a 项目清单 workbook at ``path``.

    ``created`` fixes the document's creation time, so that a script can rebuild byte-identical files.
    """
    import xlsxwriter

    project_rows, indicator_rows = _rows(data)
    rows = max(VALIDATED_ROWS, len(project_rows), len(indicator_rows))
    workbook = xlsxwriter.Workbook(str(path))
    properties: dict[str, object] = {
        "title": "项目清单",
        "subject": "财政项目支出绩效自评 项目清单",
        "comments": "perfxl 项目清单，格式版本 1",
    }
    if created is not None:
        properties["created"] = created
    workbook.set_properties(properties)
    writer = _Writer(workbook, rows)
    guide = workbook.add_worksheet(SHEET_GUIDE)
    info = workbook.add_worksheet(SHEET_INFO)
    projects = workbook.add_worksheet(SHEET_PROJECTS)
    indicators = workbook.add_worksheet(SHEET_INDICATORS)
    _write_guide(writer, guide)
    _write_info(writer, info, data)

    name_col = column_letters(1 + next(i for i, c in enumerate(PROJECT_COLUMNS) if c.key == ("name",)))
    names = f"${name_col}$2:${name_col}${rows + 1}"
    name_range, unique_rule = f"='{SHEET_PROJECTS}'!{names}", f"=COUNTIF({names},{name_col}2)<=1"
    writer.table(
        projects,
        PROJECT_COLUMNS,
        project_rows,
        [_column_validation(c, name_range, unique_rule if c.key == ("name",) else None) for c in PROJECT_COLUMNS],
    )
    writer.table(
        indicators, INDICATOR_COLUMNS, indicator_rows, [_column_validation(c, name_range) for c in INDICATOR_COLUMNS]
    )
    indicators.autofilter(0, 0, max(len(indicator_rows), 1), len(INDICATOR_COLUMNS) - 1)

    guide.activate()
    workbook.close()

"""The layout of the 项目清单 workbook, shared by its writer and its reader.

Sheets: 说明 (how to fill in), 基本信息 (one label/value row per list-level field), 项目 (one row per
project), 指标 (one row per 三级指标, keyed by 项目名称). Columns are found by their header text, so a
column's place is free; its header text is what identifies it.
"""

from __future__ import annotations

from dataclasses import dataclass

from perfxl.contract.fields import FIELDS
from perfxl.core import labels
from perfxl.core.budget import COLUMN_LABELS, COLUMNS, SOURCES, TOTAL_LABEL
from perfxl.core.cells import folded

SHEET_GUIDE = "说明"
SHEET_INFO = "基本信息"
SHEET_PROJECTS = "项目"
SHEET_INDICATORS = "指标"

# Rows of data that carry validations and formats below the header (row 1).
VALIDATED_ROWS = 2000
# Rows scanned from the top for the header row, in case an officer put a title above it.
HEADER_SEARCH_ROWS = 10
# Extra columns whose header starts with this are the officer's own notes and are not read.
NOTE_PREFIX = "备注"

LEVEL1_CHOICES = ("产出指标", "效益指标", "满意度指标", "成本指标")
LEVEL2_CHOICES = (
    "数量指标",
    "质量指标",
    "时效指标",
    "成本指标",
    "经济效益指标",
    "社会效益指标",
    "生态效益指标",
    "可持续影响指标",
    "服务对象满意度指标",
    "经济成本指标",
    "社会成本指标",
    "生态环境成本指标",
)

# How a column is filled in: required when the list is made, filled in at self-evaluation time
# (blank in a blank form), or optional. The header colour tells them apart.
REQUIRED, EVALUATION, OPTIONAL = "required", "evaluation", "optional"

# What a cell holds, which decides its format, its validation and how the reader takes its value.
TEXT, LONG_TEXT, AMOUNT, WEIGHT, SCORE, TARGET, ACTUAL = (
    "text",
    "long_text",
    "amount",
    "weight",
    "score",
    "target",
    "actual",
)
NUMERIC_KINDS = (AMOUNT, WEIGHT, SCORE)


@dataclass(frozen=True)
class ListColumn:
    key: tuple[str, ...]  # path in a project (or indicator) mapping of the plain data
    header: str  # as written in the header cell; a line break splits a two-part header
    kind: str
    role: str
    width: int
    help: str  # input message shown when a cell of the column is selected (≤ 255 characters)

    @property
    def label(self) -> str:
        """The header as problems name it: 当年财政拨款·全年预算数."""
        return self.header.replace("\n", "·")


def normalise_header(text: object) -> str:
    """Header text as compared: full-width folded, no spaces, line breaks, separators or marks."""
    header = folded(text, keep_whitespace=True)
    for mark in ("(元)", "*", "·", "・", "-", "—", "_", "/"):
        header = header.replace(mark, "")
    return "".join(header.split())


_FUNDS_HELP = {
    "initial": f"{COLUMN_LABELS['initial']}，单位：元。",
    "annual": f"{COLUMN_LABELS['annual']}（调整后），单位：元。",
    "executed": f"{COLUMN_LABELS['executed']}，单位：元。自评时填写；编制空白表时留空。",
}


def _funds_columns() -> list[ListColumn]:
    columns = []
    for source, source_label in (*SOURCES, ("total", TOTAL_LABEL)):
        for column, column_label in COLUMNS:
            role = EVALUATION if column == "executed" else OPTIONAL
            help_text = _FUNDS_HELP[column]
            if source == "total":
                role, help_text = OPTIONAL, help_text + "可不填；填写时须等于三项资金来源之和。"
            columns.append(
                ListColumn(("funds", source, column), f"{source_label}\n{column_label}", AMOUNT, role, 14, help_text)
            )
    return columns


PROJECT_COLUMNS: tuple[ListColumn, ...] = (
    ListColumn(
        ("name",),
        FIELDS["project.name"].label,
        TEXT,
        REQUIRED,
        28,
        "必填，每行一个项目，名称不能重复。「指标」表按此名称对应项目。",
    ),
    ListColumn(
        ("department",),
        FIELDS["project.department"].label,
        TEXT,
        OPTIONAL,
        24,
        "留空则使用「基本信息」表中的默认主管部门。",
    ),
    ListColumn(
        ("unit",), FIELDS["project.unit"].label, TEXT, OPTIONAL, 24, "留空则使用「基本信息」表中的默认实施单位。"
    ),
    *_funds_columns(),
    ListColumn(
        ("goal", "expected"), FIELDS["goal.expected"].label, LONG_TEXT, OPTIONAL, 40, "年度总体目标中的预期目标。"
    ),
    ListColumn(
        ("goal", "actual"),
        FIELDS["goal.actual"].label,
        LONG_TEXT,
        EVALUATION,
        40,
        "年度总体目标的实际完成情况，自评时填写。",
    ),
)

INDICATOR_PROJECT_KEY = ("project",)
INDICATOR_COLUMNS: tuple[ListColumn, ...] = (
    ListColumn(
        INDICATOR_PROJECT_KEY,
        FIELDS["project.name"].label,
        TEXT,
        REQUIRED,
        24,
        "必填，须与「项目」表中的项目名称完全一致，可从下拉列表选择。每个指标一行，同一项目的指标按先后顺序排列。",
    ),
    ListColumn(
        ("level1",), labels.LEVEL1, TEXT, REQUIRED, 12, "从下拉列表选择：产出指标、效益指标、满意度指标、成本指标。"
    ),
    ListColumn(
        ("level2",),
        labels.LEVEL2,
        TEXT,
        REQUIRED,
        18,
        "从下拉列表选择，如数量指标、质量指标、时效指标、社会效益指标等。",
    ),
    ListColumn(("name",), labels.NAME, TEXT, REQUIRED, 28, "指标名称，如「培训出勤率」。"),
    ListColumn(
        ("target",),
        labels.TARGET,
        TARGET,
        REQUIRED,
        16,
        "文本格式，按原样填写，如 ≥3次、>=95%、=100%、不高于5%、顺利完成。",
    ),
    ListColumn(
        ("weight",),
        labels.WEIGHT,
        WEIGHT,
        REQUIRED,
        8,
        "数字，0 到 100。全部三级指标分值与预算执行率分值（一般为 10 分）合计应为 100。",
    ),
    ListColumn(
        ("actual",),
        labels.ACTUAL,
        ACTUAL,
        EVALUATION,
        16,
        "文本格式，按原样填写，如 18次、97%、顺利完成。百分比指标只填数字（如 88）也按 88% 计。自评时填写。",
    ),
    ListColumn(
        ("score",),
        labels.SCORE,
        SCORE,
        EVALUATION,
        8,
        "一般留空，由 perfxl 按评分规则计算。只有需要人工给分时才填写，并须填写偏差原因。",
    ),
    ListColumn(("reason",), labels.REASON, LONG_TEXT, EVALUATION, 40, "未完成目标、扣分或人工给分时必须填写。"),
)


@dataclass(frozen=True)
class InfoField:
    key: str  # top-level key of the plain data
    label: str
    aliases: tuple[str, ...]
    required: bool
    help: str


INFO_FIELDS: tuple[InfoField, ...] = (
    InfoField("perfxl", "格式版本", ("perfxl",), True, "固定为 1，请勿修改。"),
    InfoField("year", "年度", (), True, "四位数年份，如 2022。"),
    InfoField("department", "默认主管部门", ("主管部门",), False, "「项目」表中主管部门留空的项目使用此值。"),
    InfoField("unit", "默认实施单位", ("实施单位",), False, "「项目」表中实施单位留空的项目使用此值。"),
    InfoField(
        "profile", "评分配置", (), False, "评分规则的配置名称，可从下拉列表选择；留空即 mof-2020（财预〔2020〕10号）。"
    ),
)
INFO_HEADER = ("栏目", "填写内容", "说明")

"""Where a generated workbook keeps its metadata: the hidden sheet, its names, its rows and its format tag.

The hidden ``perfxl`` sheet records the template and perfxl versions, the mode, the year, the scoring
profile (which the UDF formulas of a non-default profile read through the PERFXL_PROFILE name), for a
workbook with macros the xlwings version its VBA project declares (so that the 重新计算 button can
compare it with the installed xlwings without reading the file), and every indicator's target and
weight as generated, so that a target changed in a returned form is detected.

Shared by the generator that writes it (perfxl.generate.metadata) and the readers that recognise a
returned form by it (perfxl.readback.reader, perfxl.excel.versions).
"""

from __future__ import annotations

from typing import TypeGuard

from perfxl.core import labels
from perfxl.core.form import FormResult

SHEET = "perfxl"
FORMAT = "perfxl-form/1"
PROFILE_NAME = "PERFXL_PROFILE"
META_NAME = "PERFXL_META"
TABLE_NAME = "PERFXL_META_INDICATORS"
TABLE_HEADER = ("工作表", "项目名称", "序号", labels.LEVEL1, labels.LEVEL2, labels.NAME, labels.TARGET, labels.WEIGHT)

# The settings rows (column A the key, column B the value), in this order.
TITLE = "perfxl 自评表元数据（请勿修改）"
FORMAT_KEY = "格式"
PERFXL_VERSION_KEY = "perfxl 版本"
TEMPLATE_KEY = "模板"
TEMPLATE_VERSION_KEY = "模板版本"
MODE_KEY = "计算方式"
YEAR_KEY = "年度"
PROFILE_KEY = "评分配置"
LIST_KEY = "项目清单"
XLWINGS_VERSION_KEY = "xlwings 版本"  # settings row of udf forms: the xlwings their VBA project declares
PROFILE_ROW = 8  # 1-based row of the profile JSON in column B
# The 年度 a form may be for, and so a project list (its 年度 becomes every form's) and its 项目清单 workbook.
MIN_YEAR, MAX_YEAR = 2000, 2100


def is_year(value: object) -> TypeGuard[int | float]:
    """Whether ``value`` is a 年度 perfxl accepts: a whole number from MIN_YEAR to MAX_YEAR (not a bool)."""
    return (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and float(value).is_integer()
        and MIN_YEAR <= value <= MAX_YEAR
    )


def settings_rows(
    *,
    perfxl_version: str,
    template_name: str,
    template_version: str,
    mode: str,
    year: int,
    profile_json: str,
    list_name: str,
    xlwings_version: str | None = None,
) -> tuple[tuple[str, object], ...]:
    """The settings rows of a workbook's metadata sheet, from its first row."""
    rows: tuple[tuple[str, object], ...] = (
        (TITLE, ""),
        (FORMAT_KEY, FORMAT),
        (PERFXL_VERSION_KEY, perfxl_version),
        (TEMPLATE_KEY, template_name),
        (TEMPLATE_VERSION_KEY, template_version),
        (MODE_KEY, mode),
        (YEAR_KEY, year),
        (PROFILE_KEY, profile_json),
        (LIST_KEY, list_name),
        # Only workbooks with a VBA project: their xlwings module's version (last, so older rows keep their places).
        *(() if xlwings_version is None else ((XLWINGS_VERSION_KEY, xlwings_version),)),
    )
    assert rows[PROFILE_ROW - 1][0] == PROFILE_KEY
    return rows


def indicator_rows(sheet_name: str, result: FormResult) -> list[tuple[object, ...]]:
    """A form's rows of the indicator table (:data:`TABLE_HEADER`): each indicator as generated."""
    return [
        (
            sheet_name,
            result.form.name,
            index,
            row.input.level1,
            row.input.level2,
            row.input.name,
            row.input.target,
            float(row.input.weight),
        )
        for index, row in enumerate(result.indicators, start=1)
    ]

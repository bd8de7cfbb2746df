"""The 复核表 (review.md): the bureau's review of returned forms as a workbook a reviewer fills in.

Sheets: 指标复核 (one row per indicator: what the unit scored, what the rulebook suggests and why, and the
reviewer's open columns 复核得分, 佐证材料, 复核说明, unlocked and validated; every other cell locked), 项目复核
(one row per form: 自评总分 and 复核总分, 自评等级 and 复核等级, the review's as formulas over 指标复核 so that
the reviewer's scores recompute in Excel, WPS and LibreOffice), one 反馈 sheet per 实施单位 in the final table
(the second pass: what a bureau sends back), 无法读取的文件 when some files could not be used, and 说明 (the
rules in force, the grade thresholds, how to fill in the open columns).

Every formula carries the value perfxl computes for it as its cached value: the core's 建议复核得分 and
复核总分 (perfxl.review.scores), or in the final table the reviewer's scores summed and rounded the same way.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from xlsxwriter.format import Format
from xlsxwriter.utility import xl_col_to_name
from xlsxwriter.worksheet import Worksheet

from perfxl.batch.marks import REVIEW
from perfxl.batch.model import FileProblem
from perfxl.batch.tables import (
    FONT,
    FONT_SIZE,
    HEADER_ROW,
    Cell,
    Formula,
    Styles,
    TableColumn,
    collation_key,
    column_range,
    generated_text,
    output_workbook,
    problem_rows,
    write_cell,
    write_problem_table,
    write_table,
)
from perfxl.core.labels import ACTUAL, NAME, TARGET, WEIGHT
from perfxl.core.numbers import plain
from perfxl.core.profile import GRADE_NAMES, Profile
from perfxl.naming import sheet_name
from perfxl.review.model import FormReview, IndicatorKey, IndicatorReview, Review, indicator_key
from perfxl.review.rulebook import Rulebook
from perfxl.review.scores import review_total
from perfxl.sheetlib.addresses import quote_sheet
from perfxl.text import lines_needed, row_height

INDICATOR_SHEET, FORM_SHEET, NOTES_SHEET, FILES_SHEET = "指标复核", "项目复核", "说明", "无法读取的文件"
FEEDBACK_PREFIX = "反馈-"
NO_UNIT = "（未填写实施单位）"
EVIDENCE_CHOICES = ("有", "无")
NO_EVIDENCE = "无"
FIRST_ROW = HEADER_ROW + 1  # 0-based row of the first data row on 指标复核 and 项目复核
OPEN_FILL = "#FFF2CC"  # the reviewer's columns: light yellow, as forms mark the cells to fill in

INDICATOR_COLUMNS: dict[str, TableColumn] = {
    "form_no": TableColumn("表号", 6, "int"),
    "department": TableColumn("主管部门", 18, "wrap"),
    "unit": TableColumn("实施单位", 18, "wrap"),
    "project": TableColumn("项目", 22, "wrap"),
    "level1": TableColumn("一级指标", 10, "wrap"),
    "level2": TableColumn("二级指标", 12, "wrap"),
    "name": TableColumn(NAME, 22, "wrap"),
    "target": TableColumn(TARGET, 14, "wrap"),
    "actual": TableColumn(ACTUAL, 14, "wrap"),
    "weight": TableColumn(WEIGHT, 7, "score"),
    "self_score": TableColumn("自评得分", 8, "score"),
    "suggested": TableColumn("建议复核得分", 9, "score"),
    "difference": TableColumn("差异", 8, "score"),
    "opinion": TableColumn("复核意见", 48, "wrap"),
    "review_score": TableColumn("复核得分", 9, "score"),
    "evidence": TableColumn("佐证材料", 8, "center"),
    "note": TableColumn("复核说明", 30, "wrap"),
    "final": TableColumn("最终得分", 9, "score"),
}
OPEN_KEYS = ("review_score", "evidence", "note")  # the reviewer's columns: unlocked
I_COL = {key: index for index, key in enumerate(INDICATOR_COLUMNS)}

FORM_COLUMNS: dict[str, TableColumn] = {
    "form_no": TableColumn("表号", 6, "int"),
    "department": TableColumn("主管部门", 20, "wrap"),
    "unit": TableColumn("实施单位", 20, "wrap"),
    "project": TableColumn("项目", 26, "wrap"),
    "budget_score": TableColumn("预算执行率得分", 10, "score"),
    "self_total": TableColumn("自评总分", 9, "score"),
    "review_total": TableColumn("复核总分", 9, "score"),
    "difference": TableColumn("差异", 8, "score"),
    "self_grade": TableColumn("自评等级", 8, "center"),
    "review_grade": TableColumn("复核等级", 8, "center"),
    "opinion": TableColumn("复核意见", 48, "wrap"),
    "source": TableColumn("文件", 28),
    "sheet": TableColumn("工作表", 14),
}
F_COL = {key: index for index, key in enumerate(FORM_COLUMNS)}

FEEDBACK_FORM_COLUMNS = (
    TableColumn("项目", 28, "wrap"),
    TableColumn("自评总分", 9, "score"),
    TableColumn("复核总分", 9, "score"),
    TableColumn("差异", 8, "score"),
    TableColumn("自评等级", 8, "center"),
    TableColumn("复核等级", 8, "center"),
    TableColumn("复核意见", 56, "wrap"),
)
FEEDBACK_ROW_COLUMNS = (
    TableColumn("项目", 28, "wrap"),
    TableColumn("一级指标", 10, "wrap"),
    TableColumn("二级指标", 12, "wrap"),
    TableColumn("三级指标", 22, "wrap"),
    TableColumn("分值", 9, "score"),
    TableColumn("自评得分", 8, "score"),
    TableColumn("复核得分", 8, "score"),
    TableColumn("差异", 8, "score"),
    TableColumn("理由", 56, "wrap"),
)
PROBLEM_FILE_KEYS = ("no", "source", "level", "message")

FILL_NOTES = (
    (
        "复核得分",
        "复核人认定的最终得分，0 到分值之间的数；不填则按“建议复核得分”计。"
        "低于建议复核得分时须在“复核说明”中写明理由。",
    ),
    ("佐证材料", "选择“有”或“无”；标“无”的指标，下次运行 perfxl review --reviewed 时按“无佐证材料”规则处理。"),
    ("复核说明", "复核得分的理由、需被复核单位补充或改正的内容；会写入发给该单位的“反馈”工作表。"),
    ("最终得分", "复核得分（已填写时）或建议复核得分；项目复核表的复核总分、复核等级按此自动计算。"),
    (
        "第二轮",
        "填好后保存，运行 perfxl review 自评表文件夹 --reviewed 本复核表.xlsx -o 复核结果.xlsx："
        "perfxl 检查所填内容，写出最终复核表和每个实施单位的“反馈”工作表。",
    ),
)


@dataclass(frozen=True)
class ReviewerEntry:
    """What the reviewer typed on one 指标复核 row (checked: perfxl.batch.reviewer_input)."""

    key: IndicatorKey
    score: Decimal | None  # 复核得分; None: not filled in
    evidence: str | None  # 有 / 无; None: not filled in
    note: str  # 复核说明
    cell: str  # the row's 复核得分 cell, "指标复核!O5", for messages


Entries = Mapping[IndicatorKey, ReviewerEntry]


def final_score(row: IndicatorReview, entry: ReviewerEntry | None) -> Decimal | None:
    """最终得分: the reviewer's 复核得分 where typed, else the 建议复核得分."""
    if entry is not None and entry.score is not None:
        return entry.score
    return row.suggested


def final_total(form: FormReview, entries: Entries) -> Decimal | None:
    """复核总分 with the reviewer's scores: 预算执行率得分 + Σ 最终得分, rounded as the core rounds 总分 (without
    entries: the core's 复核总分)."""
    finals = [final_score(row, entries.get(indicator_key(form.result.form, row.input))) for row in form.indicators]
    return review_total(form.result.budget_score, finals, form.result.profile)


def review_order(forms: Sequence[FormReview]) -> list[FormReview]:
    """By 主管部门, 实施单位, 项目 (pinyin order, blank last), then file and sheet."""

    def key(form: FormReview) -> tuple:
        typed = form.result.form
        return (
            collation_key(typed.department),
            collation_key(typed.unit),
            collation_key(typed.name),
            collation_key(form.reviewed.source),
            collation_key(form.reviewed.sheet),
        )

    return sorted(forms, key=key)


def write_review_table(
    path: str | Path,
    review: Review,
    problems: Sequence[FileProblem] = (),
    *,
    entries: Entries | None = None,
    year: int | None = None,
    generated: dt.datetime | None = None,
) -> Path:
    """Write the 复核表 to ``path`` (atomically) and return the path.

    ``entries``: the reviewer's entries of a reviewed 复核表 (the second pass): kept in the open columns, the
    totals' cached values computed with them, and a 反馈 sheet written per 实施单位. None: the first pass.
    """
    path = Path(path)
    final = entries is not None
    kept = entries or {}
    what = "复核结果" if final else "复核表"
    title = f"{year} 年度项目支出绩效自评{what}" if year is not None else f"项目支出绩效自评{what}"
    forms = review_order(review.forms)
    with output_workbook(path, title, REVIEW) as (workbook, styles):
        indicator_sheet = workbook.add_worksheet(INDICATOR_SHEET)
        form_sheet = workbook.add_worksheet(FORM_SHEET)
        units = _unit_sheets(forms) if final else []
        feedback = [(unit, workbook.add_worksheet(name)) for unit, name in units]
        files_sheet = workbook.add_worksheet(FILES_SHEET) if problems else None
        notes = workbook.add_worksheet(NOTES_SHEET)
        note = (
            f"{generated_text(generated)}　共 {len(forms)} 张自评表、{sum(len(f.indicators) for f in forms)} 个三级指标"
        )
        if problems:
            note += f"，另有 {len(problems)} 个文件无法读取"
        last_indicator = _write_indicators(indicator_sheet, styles, forms, kept, title, note)
        _write_forms(form_sheet, styles, forms, kept, last_indicator, title, note)
        for unit, sheet in feedback:
            _write_feedback(sheet, styles, unit, [f for f in forms if f.result.form.unit.strip() == unit], kept)
        if files_sheet is not None:
            rows = problem_rows((), problems)
            write_problem_table(
                files_sheet,
                styles,
                rows,
                PROBLEM_FILE_KEYS,
                title=FILES_SHEET,
                note=f"共 {len(rows)} 个文件，未能复核。请核实文件后重新报送。",
            )
        _write_notes(notes, styles, review.rulebook, forms, review)
        indicator_sheet.activate()
    return path


# -- 指标复核 ------------------------------------------------------------------------------------------


def _opinion(row: IndicatorReview) -> str:
    return "\n".join(f"{i}. {f.message}" for i, f in enumerate(row.findings, start=1)) if row.findings else ""


def _indicator_values(
    number: int, form: FormReview, row: IndicatorReview, entry: ReviewerEntry | None, here: int
) -> list[Cell]:
    typed = form.result.form
    review_cell = f"{xl_col_to_name(I_COL['review_score'])}{here}"
    suggested_cell = f"{xl_col_to_name(I_COL['suggested'])}{here}"
    final = final_score(row, entry)
    values: dict[str, Cell] = {
        "form_no": number,
        "department": typed.department,
        "unit": typed.unit,
        "project": typed.name,
        "level1": row.input.level1,
        "level2": row.input.level2,
        "name": row.input.name,
        "target": row.input.target,
        "actual": row.result.actual.text,
        "weight": row.weight,
        "self_score": row.self_score,
        "suggested": row.suggested,
        "difference": row.difference,
        "opinion": _opinion(row),
        "review_score": None if entry is None else entry.score,
        "evidence": None if entry is None else entry.evidence,
        "note": None if entry is None else entry.note,
        "final": Formula(
            f'=IF(ISNUMBER({review_cell}),{review_cell},IF(ISNUMBER({suggested_cell}),{suggested_cell},""))', final
        ),
    }
    return [values[key] for key in INDICATOR_COLUMNS]


def _write_indicators(
    sheet: Worksheet, styles: Styles, forms: Sequence[FormReview], entries: Entries, title: str, note: str
) -> int:
    """The indicator rows; returns the 0-based index of the last one (the header's when there is none)."""
    rows: list[list[Cell]] = []
    for number, form in enumerate(forms, start=1):
        for row in form.indicators:
            entry = entries.get(indicator_key(form.result.form, row.input))
            rows.append(_indicator_values(number, form, row, entry, FIRST_ROW + len(rows) + 1))
    columns = list(INDICATOR_COLUMNS.values())
    last = write_table(sheet, styles, columns, rows, title=title, note=note + "。黄色列由复核人填写。")
    open_formats = _open_formats(styles)
    for r, values in enumerate(rows, start=FIRST_ROW):
        for key in OPEN_KEYS:
            write_cell(sheet, r, I_COL[key], values[I_COL[key]], open_formats[key], styles)
    if rows:
        _validate(sheet, last)
    else:
        sheet.write_string(FIRST_ROW, I_COL["project"], "没有可复核的自评表。", styles.note)
    for key in OPEN_KEYS:  # header of the reviewer's columns in their colour
        sheet.write_string(HEADER_ROW, I_COL[key], INDICATOR_COLUMNS[key].heading, _open_header(styles))
    _protect(sheet)
    return last


def _open_formats(styles: Styles) -> dict[str, Format]:
    base = {
        "font_name": FONT,
        "font_size": FONT_SIZE,
        "valign": "vcenter",
        "border": 1,
        "locked": False,
        "bg_color": OPEN_FILL,
    }
    return {
        "review_score": styles.workbook.add_format({**base, "num_format": "0.00", "align": "right"}),
        "evidence": styles.workbook.add_format({**base, "align": "center"}),
        "note": styles.workbook.add_format({**base, "align": "left", "text_wrap": True}),
    }


def _open_header(styles: Styles) -> Format:
    return styles.workbook.add_format(
        {
            "font_name": FONT,
            "font_size": FONT_SIZE,
            "valign": "vcenter",
            "bold": True,
            "border": 1,
            "align": "center",
            "text_wrap": True,
            "bg_color": "#FFD966",
        }
    )


def _validate(sheet: Worksheet, last: int) -> None:
    weight = f"${xl_col_to_name(I_COL['weight'])}{FIRST_ROW + 1}"
    sheet.data_validation(
        FIRST_ROW,
        I_COL["review_score"],
        last,
        I_COL["review_score"],
        {
            "validate": "decimal",
            "criteria": "between",
            "minimum": 0,
            "maximum": f"={weight}",
            "input_title": "复核得分",
            "input_message": "0 到分值之间的数；不填按建议复核得分计。低于建议复核得分时请填写复核说明。",
            "error_title": "复核得分",
            "error_message": "复核得分应为 0 到该指标分值之间的数。",
        },
    )
    sheet.data_validation(
        FIRST_ROW,
        I_COL["evidence"],
        last,
        I_COL["evidence"],
        {
            "validate": "list",
            "source": list(EVIDENCE_CHOICES),
            "input_title": "佐证材料",
            "input_message": "有 或 无",
            "error_title": "佐证材料",
            "error_message": "请选择“有”或“无”。",
        },
    )


def _protect(sheet: Worksheet) -> None:
    """Locked cells protected without a password: the reviewer may filter, resize and select, not retype."""
    sheet.protect(
        "",
        {
            "autofilter": True,
            "sort": True,
            "format_columns": True,
            "format_rows": True,
            "select_locked_cells": True,
            "select_unlocked_cells": True,
        },
    )


# -- 项目复核 ------------------------------------------------------------------------------------------


def _form_opinion(form: FormReview) -> str:
    return "\n".join(f"{i}. {f.message}" for i, f in enumerate(form.findings, start=1))


def _grade_formula(total_cell: str, profile: Profile) -> str:
    """The profile's grade of a total, as an IF chain: 优 ≥ 90, 良 ≥ 80, 中 ≥ 60, else 差 (by default)."""
    formula = f'"{GRADE_NAMES[-1]}"'
    for name, lower in reversed(list(zip(GRADE_NAMES, profile.grades, strict=False))):
        formula = f'IF({total_cell}>={plain(lower)},"{name}",{formula})'
    return f'=IF({total_cell}="","",{formula})'


def _form_values(number: int, form: FormReview, entries: Entries, last_indicator: int, here: int) -> list[Cell]:
    result, profile = form.result, form.result.profile
    decimals = profile.score_decimals
    sheet = quote_sheet(INDICATOR_SHEET)
    last = max(last_indicator, FIRST_ROW)
    keys = f"{sheet}!{column_range(I_COL['form_no'], FIRST_ROW, last)}"
    finals = f"{sheet}!{column_range(I_COL['final'], FIRST_ROW, last)}"

    def cell(key: str) -> str:
        return f"{xl_col_to_name(F_COL[key])}{here}"

    number_cell, budget, total, own = cell("form_no"), cell("budget_score"), cell("review_total"), cell("self_total")
    reviewed = final_total(form, entries)
    difference = None if reviewed is None or form.self_total is None else reviewed - form.self_total
    # 复核总分 is blank, as the core's is None, while any indicator of the form has no final score.
    total_formula = (
        f'=IF(OR(NOT(ISNUMBER({budget})),COUNTIFS({keys},{number_cell},{finals},">=0")<COUNTIFS({keys},{number_cell})),'
        f'"",ROUND({budget}+SUMIFS({finals},{keys},{number_cell}),{decimals}))'
    )
    values: dict[str, Cell] = {
        "form_no": number,
        "department": result.form.department,
        "unit": result.form.unit,
        "project": result.form.name,
        "budget_score": result.budget_score,
        "self_total": form.self_total,
        "review_total": Formula(total_formula, reviewed),
        "difference": Formula(f'=IF(OR({total}="",{own}=""),"",ROUND({total}-{own},{decimals}))', difference),
        "self_grade": form.self_grade or "",
        "review_grade": Formula(_grade_formula(total, profile), None if reviewed is None else profile.grade(reviewed)),
        "opinion": _form_opinion(form),
        "source": form.reviewed.source,
        "sheet": form.reviewed.sheet,
    }
    return [values[key] for key in FORM_COLUMNS]


def _write_forms(
    sheet: Worksheet,
    styles: Styles,
    forms: Sequence[FormReview],
    entries: Entries,
    last_indicator: int,
    title: str,
    note: str,
) -> None:
    rows = [
        _form_values(number, form, entries, last_indicator, FIRST_ROW + number)
        for number, form in enumerate(forms, start=1)
    ]
    write_table(
        sheet,
        styles,
        list(FORM_COLUMNS.values()),
        rows,
        title=title,
        note=note + "。复核总分、复核等级随指标复核表的复核得分自动计算。",
    )
    if not forms:
        sheet.write_string(FIRST_ROW, F_COL["project"], "没有可复核的自评表。", styles.note)
    _protect(sheet)


# -- 反馈 ------------------------------------------------------------------------------------------


def _unit_sheets(forms: Sequence[FormReview]) -> list[tuple[str, str]]:
    """(实施单位, its 反馈 sheet's name) in pinyin order; names valid and unique (perfxl.naming.sheet_name)."""
    taken = {INDICATOR_SHEET, FORM_SHEET, NOTES_SHEET, FILES_SHEET}
    units = sorted({form.result.form.unit.strip() for form in forms}, key=collation_key)
    return [(unit, sheet_name(FEEDBACK_PREFIX + (unit or NO_UNIT), taken)) for unit in units]


def feedback_reason(row: IndicatorReview, entry: ReviewerEntry | None) -> str:
    """Why a score changed: the reviewer's 复核说明, else the rules' messages."""
    if entry is not None and entry.note.strip():
        return entry.note.strip()
    return "；".join(f.message for f in row.findings)


def changed_rows(
    form: FormReview, entries: Entries
) -> list[tuple[IndicatorReview, Decimal | None, ReviewerEntry | None]]:
    """The indicators whose 最终得分 differs from the 自评得分, with that score and the reviewer's entry."""
    changed = []
    for row in form.indicators:
        entry = entries.get(indicator_key(form.result.form, row.input))
        final = final_score(row, entry)
        if final != row.self_score:
            changed.append((row, final, entry))
    return changed


def _write_feedback(sheet: Worksheet, styles: Styles, unit: str, forms: Sequence[FormReview], entries: Entries) -> None:
    form_rows: list[list[Cell]] = []
    for form in forms:
        total = final_total(form, entries)
        form_rows.append(
            [
                form.result.form.name,
                form.self_total,
                total,
                None if total is None or form.self_total is None else total - form.self_total,
                form.self_grade or "",
                "" if total is None else form.result.profile.grade(total),
                _form_opinion(form),
            ]
        )
    changes = [(form, change) for form in forms for change in changed_rows(form, entries)]
    last = write_table(
        sheet,
        styles,
        FEEDBACK_FORM_COLUMNS,
        form_rows,
        title=f"{unit or NO_UNIT}：绩效自评复核反馈",
        note=f"自评表 {len(forms)} 张，复核调整得分的三级指标 {len(changes)} 个（见下表）。",
        autofilter=False,
    )
    top = last + 2
    sheet.write_string(top, 0, "复核调整得分的三级指标", styles.header)
    header = top + 1
    for c, column in enumerate(FEEDBACK_ROW_COLUMNS):
        sheet.write_string(header, c, column.heading, styles.header)
    for r, (form, (row, final, entry)) in enumerate(changes, start=header + 1):
        difference = None if final is None or row.self_score is None else final - row.self_score
        reason = feedback_reason(row, entry)
        values: list[Cell] = [
            form.result.form.name,
            row.input.level1,
            row.input.level2,
            row.input.name,
            row.weight,
            row.self_score,
            final,
            difference,
            reason,
        ]
        for c, (column, value) in enumerate(zip(FEEDBACK_ROW_COLUMNS, values, strict=True)):
            write_cell(sheet, r, c, value, styles.cell(column.style), styles)
        reason_lines = lines_needed(reason, FEEDBACK_ROW_COLUMNS[-1].width, FONT_SIZE)
        if reason_lines > 1:
            sheet.set_row(r, row_height(reason_lines, FONT_SIZE))
    if not changes:
        sheet.write_string(header + 1, 0, "复核未调整本单位的指标得分。", styles.note)
    for c, column in enumerate(FEEDBACK_ROW_COLUMNS):  # the wider of the two tables' columns
        width = max(column.width, FEEDBACK_FORM_COLUMNS[c].width if c < len(FEEDBACK_FORM_COLUMNS) else 0)
        sheet.set_column(c, c, width)


# -- 说明 ------------------------------------------------------------------------------------------


def _profiles(forms: Sequence[FormReview]) -> list[Profile]:
    profiles: list[Profile] = []
    for form in forms:
        if form.result.profile not in profiles:
            profiles.append(form.result.profile)
    return profiles


def _grades_text(profile: Profile) -> str:
    bounds = "，".join(f"{name}≥{plain(lower)}" for name, lower in zip(GRADE_NAMES, profile.grades, strict=False))
    return f"{bounds}，{GRADE_NAMES[-1]}<{plain(profile.grades[-1])}"


def rule_deduction_text(deduction: Decimal) -> str:
    return f"扣减分值的{plain(deduction * 100)}%" if deduction else "不扣分"


def _write_notes(
    sheet: Worksheet, styles: Styles, rulebook: Rulebook, forms: Sequence[FormReview], review: Review
) -> None:
    columns = [
        TableColumn("规则代码", 24),
        TableColumn("说明", 80, "wrap"),
        TableColumn("级别", 8, "center"),
        TableColumn("扣分", 18, "center"),
    ]
    rows: list[list[Cell]] = [
        [rule.code, rule.description, rule.severity.label, rule_deduction_text(rule.deduction)]
        for rule in rulebook.in_force
    ]
    last = write_table(
        sheet,
        styles,
        columns,
        rows,
        title="说明",
        note=f"复核规则「{rulebook.name}」：{rulebook.description}。下表为启用的规则。",
        autofilter=False,
    )
    lines: list[tuple[str, str]] = [
        ("建议复核得分", "自评得分减去触发规则中最大的扣分比例 × 分值（不低于 0），按评分配置的小数位数四舍五入。"),
        ("复核总分", "预算执行率得分与各三级指标最终得分之和，四舍五入；有指标尚无得分时为空。"),
    ]
    for profile in _profiles(forms):
        lines.append((f"等级（评分配置「{profile.name}」）", _grades_text(profile) + "。"))
    lines += list(FILL_NOTES)
    lines += [("未交回的申报项目", f.message) for f in review.findings]
    row = last + 2
    for heading, text in lines:
        sheet.write_string(row, 0, heading, styles.cell("wrap"))
        sheet.write_string(row, 1, text, styles.cell("wrap"))
        lines_of_text = lines_needed(text, columns[1].width, FONT_SIZE)
        if lines_of_text > 1:
            sheet.set_row(row, row_height(lines_of_text, FONT_SIZE))
        row += 1

"""The bureau's 汇总 workbook: one row per form with totals, charts, every problem, and what the columns mean.

Sheets: 汇总表 (the forms, sorted by 主管部门, 实施单位 and 总分, with a totals row of formulas), 图表 (等级分布
table and native charts of 总分, 等级 and 执行率), 问题清单 (every finding and every unusable file) and 说明.

With a reviewed 复核表 (SummaryReview), 汇总表 has 复核总分 and 复核等级 right after 总分 and 等级, the totals row
their average and grade counts, and 等级分布 the distribution before and after the review; without one the
workbook is what it was before the review existed.

Numbers are real numbers with number formats. Formulas carry the value perfxl computed as their cached
value, by the rule the formula states (rules.md §2–§3: ROUND is half away from zero), so a viewer that does
not recalculate shows the same numbers as Excel.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import xlsxwriter
from xlsxwriter.utility import xl_col_to_name
from xlsxwriter.worksheet import Worksheet

from perfxl.batch.marks import SUMMARY
from perfxl.batch.model import CheckedForm, FileProblem
from perfxl.batch.tables import (
    DEFAULT_LEVELS,
    HEADER_ROW,
    Cell,
    Formula,
    Styles,
    TableColumn,
    collation_key,
    column_range,
    generated_text,
    output_workbook,
    print_setup,
    problem_rows,
    write_problem_table,
    write_table,
)
from perfxl.contract.profiles import load_profile
from perfxl.core.budget import COLUMN_LABELS, TOTAL_LABEL, sum_present
from perfxl.core.findings import Level
from perfxl.core.numbers import plain, round_half_up
from perfxl.core.profile import GRADE_NAMES, Profile
from perfxl.sheetlib.addresses import quote_sheet

SUMMARY_SHEET, CHART_SHEET, PROBLEM_SHEET, NOTES_SHEET = "汇总表", "图表", "问题清单", "说明"
ANNUAL, EXECUTED = COLUMN_LABELS["annual"], COLUMN_LABELS["executed"]
FIRST_ROW = HEADER_ROW + 1  # 0-based row of the first form

SUMMARY_COLUMNS: dict[str, TableColumn] = {
    "no": TableColumn("序号", 6, "int"),
    "department": TableColumn("主管部门", 24),
    "unit": TableColumn("实施单位", 24),
    "project": TableColumn("项目名称", 30),
    "annual": TableColumn(f"{ANNUAL}（元）", 16, "money"),
    "executed": TableColumn(f"{EXECUTED}（元）", 16, "money"),
    "rate": TableColumn("执行率", 10, "rate"),
    "budget_score": TableColumn("预算执行率得分", 10, "score"),
    "total": TableColumn("总分", 9, "score"),
    "grade": TableColumn("等级", 8, "center"),
    "missed": TableColumn("未达成指标数", 9, "int"),
    "errors": TableColumn("错误", 7, "int"),
    "warnings": TableColumn("警告", 7, "int"),
    "source": TableColumn("文件", 30),
    "sheet": TableColumn("工作表", 16),
}
COL = {key: index for index, key in enumerate(SUMMARY_COLUMNS)}
REVIEW_COLUMNS: dict[str, TableColumn] = {
    "review_total": TableColumn("复核总分", 9, "score"),
    "review_grade": TableColumn("复核等级", 8, "center"),
}
PROBLEM_KEYS = ("no", "source", "sheet", "project", "level", "cell", "message")

# The notes of the scoring rules (执行率, 预算执行率得分, 总分、等级) come from the forms' profiles: rule_notes.
NOTES_BEFORE_RULES = (
    (SUMMARY_SHEET, "排序", "按主管部门、实施单位（拼音序），再按总分从高到低；总分未能计算的自评表排在本单位最后。"),
    (SUMMARY_SHEET, f"{ANNUAL}、{EXECUTED}", f"自评表“{TOTAL_LABEL}”行的{ANNUAL}和{EXECUTED}，单位为元。"),
)
NOTES_AFTER_RULES = (
    (SUMMARY_SHEET, "未达成指标数", "得分低于分值（未得满分）的三级指标个数；尚无得分的指标不计入。"),
    (SUMMARY_SHEET, "错误、警告", "检查发现的问题数；错误须改正，警告须核实。明细见“问题清单”。"),
    (
        SUMMARY_SHEET,
        "合计行",
        "预算数、执行数、未达成指标数、错误、警告为合计；执行率为合计执行数 ÷ 合计预算数；"
        "总分为有总分的自评表的平均分；等级为各等级的项目数。",
    ),
    (CHART_SHEET, "等级分布", "各等级的项目数（按汇总表的等级列统计），及各项目总分、执行率的图表。"),
    (PROBLEM_SHEET, "级别", "错误：必须改正；警告：请核实或说明；提示：供参考。"),
    (PROBLEM_SHEET, "单元格", "问题所在的单元格（在“工作表”列所示的工作表中）；为空时指整张表或整个文件。"),
    (PROBLEM_SHEET, "无法读取的文件", "级别为错误、项目名称为空的行：该文件未能读取，未计入汇总表。"),
)


@dataclass(frozen=True)
class ReviewScore:
    """One form's 复核总分 and 复核等级 (None and "": the form is not in the reviewed table, or has no total)."""

    total: Decimal | None
    grade: str


@dataclass(frozen=True)
class SummaryReview:
    """What the reviewed 复核表 says of the forms: ``scores`` in the order of the forms given to write_summary."""

    rulebook: str  # the rulebook's name
    table: str  # the reviewed 复核表, as the user gave it
    scores: Sequence[ReviewScore]


def summary_columns(review: SummaryReview | None) -> dict[str, TableColumn]:
    """汇总表's columns: with a review, 复核总分 and 复核等级 right after 总分 and 等级."""
    if review is None:
        return SUMMARY_COLUMNS
    columns: dict[str, TableColumn] = {}
    for key, column in SUMMARY_COLUMNS.items():
        columns[key] = column
        if key == "grade":
            columns.update(REVIEW_COLUMNS)
    return columns


@dataclass(frozen=True)
class SummaryRules:
    """The figures the summary computes itself follow its forms' scoring profiles.

    Each form's own figures (执行率, 得分, 总分, 等级) were computed by its profile; the totals row rounds its
    执行率 and average 总分, and the number formats show them, to the most decimals any form's profile keeps,
    so that no form's figure is shown less precisely than its own profile states it.
    """

    profiles: tuple[Profile, ...]  # distinct, in the order of the first form (in the table) using each

    @property
    def rate_decimals(self) -> int:
        return max(p.rate_decimals for p in self.profiles)

    @property
    def score_decimals(self) -> int:
        return max(p.score_decimals for p in self.profiles)

    @property
    def rate_format(self) -> str:
        """A rate of 4 decimals is a percentage of 2: 0.6567 → 65.67%."""
        return _decimal_format(max(self.rate_decimals - 2, 0)) + "%"

    @property
    def score_format(self) -> str:
        return _decimal_format(self.score_decimals)


def _decimal_format(decimals: int) -> str:
    return "0." + "0" * decimals if decimals else "0"


def summary_rules(forms: Sequence[CheckedForm]) -> SummaryRules:
    """The rules of the forms' profiles; with no form, the default profile's."""
    profiles: list[Profile] = []
    for checked in forms:
        if checked.result.profile not in profiles:
            profiles.append(checked.result.profile)
    return SummaryRules(tuple(profiles) or (load_profile(),))


def rule_notes(rules: SummaryRules) -> tuple[tuple[str, str, str], ...]:
    """What 执行率, 预算执行率得分 and 总分、等级 mean, by each profile's rules (named when there are several)."""

    def each(text: Callable[[Profile], str]) -> str:
        if len(rules.profiles) == 1:
            return text(rules.profiles[0])
        return "\n".join(f"评分配置「{p.name}」：{text(p)}" for p in rules.profiles)

    def grades(p: Profile) -> str:
        bounds = "，".join(f"{name}≥{plain(lower)}" for name, lower in zip(GRADE_NAMES, p.grades, strict=False))
        return f"{bounds}，{GRADE_NAMES[-1]}<{plain(p.grades[-1])}"

    return (
        (
            SUMMARY_SHEET,
            "执行率",
            each(lambda p: f"{EXECUTED} ÷ {ANNUAL}，四舍五入保留{p.rate_decimals}位小数（显示为百分比）。"),
        ),
        (
            SUMMARY_SHEET,
            "预算执行率得分",
            each(
                lambda p: (
                    f"执行率{'（超过100%按100%计）' if p.cap_budget_rate else ' '}× 预算执行率分值，"
                    f"保留{p.score_decimals}位小数。"
                )
            ),
        ),
        (
            SUMMARY_SHEET,
            "总分、等级",
            each(lambda p: f"预算执行率得分与各三级指标得分之和；等级：{grades(p)}。")
            + "有指标尚无得分时，总分和等级为空。",
        ),
    )


def summary_order(forms: Sequence[CheckedForm]) -> list[CheckedForm]:
    """By 主管部门, 实施单位 (pinyin order, blank last), then 总分 from high to low; forms without a 总分 come
    after the unit's scored forms; ties by 项目名称, file and sheet."""

    def key(checked: CheckedForm) -> tuple:
        form, total = checked.result.form, checked.result.total
        return (
            collation_key(form.department),
            collation_key(form.unit),
            total is None,
            -(total or 0),
            collation_key(form.name),
            collation_key(checked.source),
            collation_key(checked.sheet),
        )

    return sorted(forms, key=key)


def write_summary(
    path: str | Path,
    forms: Sequence[CheckedForm],
    problems: Sequence[FileProblem],
    *,
    year: int | None = None,
    levels: Collection[Level] = DEFAULT_LEVELS,
    generated: dt.datetime | None = None,
    review: SummaryReview | None = None,
) -> Path:
    """Write the 汇总 workbook to ``path`` (atomically) and return the path.

    ``levels``: which findings 问题清单 lists (errors and warnings by default; add ``Level.INFO`` for 提示).
    ``generated``: the time on the generated-at line (now by default).
    ``review``: the 复核总分 and 复核等级 of a reviewed 复核表, one per form of ``forms``.
    """
    path = Path(path)
    title = f"{year} 年度项目支出绩效自评汇总" if year is not None else "项目支出绩效自评汇总"
    ordered = summary_order(forms)
    rules = summary_rules(ordered)
    layout = _Layout(summary_columns(review), _scores_by_form(forms, review))
    with output_workbook(path, title, SUMMARY) as (workbook, styles):
        styles.set_number_format("rate", rules.rate_format)
        styles.set_number_format("score", rules.score_format)
        # The findings come right after the table they explain; the charts after them.
        summary = workbook.add_worksheet(SUMMARY_SHEET)
        problem_sheet = workbook.add_worksheet(PROBLEM_SHEET)
        charts = workbook.add_worksheet(CHART_SHEET)
        notes = workbook.add_worksheet(NOTES_SHEET)
        note = f"{generated_text(generated)}　共 {len(ordered)} 张自评表"
        if problems:
            note += f"，另有 {len(problems)} 个文件无法读取（见问题清单）"
        _write_forms(summary, styles, ordered, rules, layout, title, note)
        _write_charts(workbook, charts, styles, ordered, rules, layout)
        rows = problem_rows(ordered, problems, levels)
        write_problem_table(
            problem_sheet, styles, rows, PROBLEM_KEYS, title="问题清单", note=f"共 {len(rows)} 项：{{counts}}"
        )
        _write_notes(notes, styles, rules, review)
        summary.activate()
    return path


@dataclass(frozen=True)
class _Layout:
    """汇总表's columns for this workbook, and each form's review scores (None: no review)."""

    columns: dict[str, TableColumn]
    scores: dict[int, ReviewScore] | None  # by id() of the CheckedForm

    @property
    def col(self) -> dict[str, int]:
        return {key: index for index, key in enumerate(self.columns)}

    def score(self, checked: CheckedForm) -> ReviewScore:
        assert self.scores is not None
        return self.scores[id(checked)]


def _scores_by_form(forms: Sequence[CheckedForm], review: SummaryReview | None) -> dict[int, ReviewScore] | None:
    if review is None:
        return None
    return {id(checked): score for checked, score in zip(forms, review.scores, strict=True)}


def _form_row(number: int, checked: CheckedForm, layout: _Layout) -> list[Cell]:
    result = checked.result
    total = result.form.funds.total
    values: dict[str, Cell] = {
        "no": number,
        "department": result.form.department,
        "unit": result.form.unit,
        "project": result.form.name,
        "annual": total.annual,
        "executed": total.executed,
        "rate": result.rate,
        "budget_score": result.budget_score,
        "total": result.total,
        "grade": result.grade or "",
        "missed": result.missed_indicators,
        "errors": checked.count(Level.ERROR),
        "warnings": checked.count(Level.WARNING),
        "source": checked.source,
        "sheet": checked.sheet or "",
    }
    if layout.scores is not None:
        score = layout.score(checked)
        values["review_total"], values["review_grade"] = score.total, score.grade
    return [values[key] for key in layout.columns]


def _write_forms(
    sheet: Worksheet,
    styles: Styles,
    forms: Sequence[CheckedForm],
    rules: SummaryRules,
    layout: _Layout,
    title: str,
    note: str,
) -> None:
    rows = [_form_row(i, checked, layout) for i, checked in enumerate(forms, start=1)]
    totals = _totals(forms, rules, layout) if forms else None
    write_table(
        sheet,
        styles,
        list(layout.columns.values()),
        rows,
        title=title,
        note=note,
        totals=totals,
        total_lines=len(GRADE_NAMES),
    )
    if not forms:
        sheet.write_string(FIRST_ROW, layout.col["project"], "没有可汇总的自评表。", styles.note)


def _totals(forms: Sequence[CheckedForm], rules: SummaryRules, layout: _Layout) -> list[Cell]:
    """The totals row under the forms: formulas over the columns, each with its value computed here."""
    last = FIRST_ROW + len(forms) - 1
    here = last + 2  # 1-based row of the totals row itself
    col = layout.col

    def column(key: str) -> str:
        return column_range(col[key], FIRST_ROW, last)

    def cell_here(key: str) -> str:
        return f"{xl_col_to_name(col[key])}{here}"

    def average_of(key: str, scores: list[Decimal]) -> Formula:
        average = round_half_up(sum(scores, Decimal(0)) / len(scores), score_decimals) if scores else None
        return Formula(f'=IF(COUNT({column(key)})=0,"",ROUND(AVERAGE({column(key)}),{score_decimals}))', average)

    def grade_counts(key: str, grades: list[str]) -> Formula:
        formula = "&CHAR(10)&".join(f'"{g} "&COUNTIF({column(key)},"{g}")' for g in GRADE_NAMES)
        return Formula(f"={formula}", "\n".join(f"{g} {grades.count(g)}" for g in GRADE_NAMES))

    results = [f.result for f in forms]
    annual = sum_present(r.form.funds.total.annual for r in results) or Decimal(0)
    executed = sum_present(r.form.funds.total.executed for r in results) or Decimal(0)
    rate_decimals, score_decimals = rules.rate_decimals, rules.score_decimals
    rate = None if annual == 0 else round_half_up(executed / annual, rate_decimals)
    e, f = cell_here("annual"), cell_here("executed")
    values: dict[str, Cell] = {
        "no": "合计",
        "project": f"共 {len(forms)} 张自评表",
        "annual": Formula(f"=SUM({column('annual')})", annual),
        "executed": Formula(f"=SUM({column('executed')})", executed),
        "rate": Formula(f'=IF({e}=0,"",ROUND({f}/{e},{rate_decimals}))', rate),
        "total": average_of("total", [r.total for r in results if r.total is not None]),
        "grade": grade_counts("grade", [r.grade for r in results if r.grade]),
        "missed": Formula(f"=SUM({column('missed')})", sum(r.missed_indicators for r in results)),
        "errors": Formula(f"=SUM({column('errors')})", sum(c.count(Level.ERROR) for c in forms)),
        "warnings": Formula(f"=SUM({column('warnings')})", sum(c.count(Level.WARNING) for c in forms)),
    }
    if layout.scores is not None:
        scores = [layout.score(checked) for checked in forms]
        values["review_total"] = average_of("review_total", [s.total for s in scores if s.total is not None])
        values["review_grade"] = grade_counts("review_grade", [s.grade for s in scores if s.grade])
    return [values.get(key) for key in layout.columns]


def _write_charts(
    workbook: xlsxwriter.Workbook,
    sheet: Worksheet,
    styles: Styles,
    forms: Sequence[CheckedForm],
    rules: SummaryRules,
    layout: _Layout,
) -> None:
    """The 等级分布 table (COUNTIF over 汇总表's 等级 column, and with a review over its 复核等级 column too) and
    three native charts over the real ranges."""
    count = len(forms)
    col = layout.col
    reviewed = layout.scores is not None
    sheet.write_string(0, 0, "等级分布", styles.header)
    sheet.write_string(1, 0, "等级", styles.header)
    # Per column of the table: its heading, the 汇总表 column it counts, each form's grade there.
    counted: list[tuple[str, str, Callable[[CheckedForm], str | None]]] = [
        ("自评" if reviewed else "项目数", "grade", lambda f: f.result.grade)
    ]
    if reviewed:
        counted.append(("复核后", "review_grade", lambda f: layout.score(f).grade))
    last = FIRST_ROW + max(count, 1) - 1
    for c, (heading, key, grade_of) in enumerate(counted, start=1):
        sheet.write_string(1, c, heading, styles.header)
        grades = f"{quote_sheet(SUMMARY_SHEET)}!{column_range(col[key], FIRST_ROW, last)}"
        for i, grade in enumerate(GRADE_NAMES):
            if c == 1:
                sheet.write_string(2 + i, 0, grade, styles.cell("center"))
            cached = sum(1 for f in forms if grade_of(f) == grade)
            sheet.write_formula(2 + i, c, f'=COUNTIF({grades},"{grade}")', styles.cell("int"), cached)
    sheet.set_column(0, len(counted), 10)
    print_setup(sheet)
    if count == 0:
        sheet.write_string(7, 0, "没有可汇总的自评表，未生成图表。", styles.note)
        return
    font = {"name": "宋体", "size": 10}
    title_font = {"name": "黑体", "size": 12}

    grade_chart = workbook.add_chart({"type": "column"})
    for c, (heading, _, _) in enumerate(counted, start=1):
        grade_chart.add_series(
            {
                "name": heading,
                "categories": [CHART_SHEET, 2, 0, 1 + len(GRADE_NAMES), 0],
                "values": [CHART_SHEET, 2, c, 1 + len(GRADE_NAMES), c],
                "data_labels": {"value": True},
            }
        )
    grade_chart.set_title({"name": "等级分布", "name_font": title_font})
    grade_chart.set_x_axis({"name": "等级", "name_font": font, "num_font": font})
    grade_chart.set_y_axis({"name": "项目数", "name_font": font, "num_font": font, "min": 0, "num_format": "0"})
    grade_chart.set_legend({"position": "bottom", "font": font} if reviewed else {"none": True})
    sheet.insert_chart(0, 3, grade_chart, {"x_scale": 1.0, "y_scale": 1.0})

    # One bar per project, first project at the top, as in 汇总表; the chart grows with the number of forms.
    height = max(300, 80 + 24 * count)
    for top_col, key, title, axis, options in (
        (3, "total", "各项目总分", "总分", {"min": 0, "max": 100, "num_format": "0"}),
        (13, "rate", "各项目预算执行率", "执行率", {"min": 0, "num_format": "0%"}),
    ):
        chart = workbook.add_chart({"type": "bar"})
        chart.add_series(
            {
                "name": SUMMARY_COLUMNS[key].heading,
                "categories": [SUMMARY_SHEET, FIRST_ROW, col["project"], FIRST_ROW + count - 1, col["project"]],
                "values": [SUMMARY_SHEET, FIRST_ROW, col[key], FIRST_ROW + count - 1, col[key]],
                "data_labels": {
                    "value": True,
                    "font": font,
                    "num_format": rules.score_format if key == "total" else rules.rate_format,
                },
            }
        )
        chart.set_title({"name": title, "name_font": title_font})
        # In a bar chart the vertical axis (y) holds the categories and the horizontal one (x) the values.
        chart.set_y_axis({"name": "项目名称", "name_font": font, "num_font": font, "reverse": True, "crossing": "max"})
        chart.set_x_axis({"name": axis, "name_font": font, "num_font": font, **options})
        chart.set_legend({"none": True})
        chart.set_size({"width": 640, "height": height})
        sheet.insert_chart(16, top_col, chart)


def review_notes(review: SummaryReview) -> tuple[tuple[str, str, str], ...]:
    """What 复核总分 and 复核等级 are, and which rulebook and table they come from."""
    return (
        (
            SUMMARY_SHEET,
            "复核总分、复核等级",
            f"按复核规则「{review.rulebook}」和已填写的复核表「{Path(review.table).name}」计算，"
            "与 perfxl review --reviewed 写出的最终复核表相同：预算执行率得分与各三级指标最终得分"
            "（复核人填写的复核得分，未填写时为建议复核得分）之和，保留位数同总分；复核等级按该自评表的评分配置分档。"
            "不在复核表中的自评表为空。",
        ),
    )


def _notes_after_rules(review: SummaryReview | None) -> tuple[tuple[str, str, str], ...]:
    if review is None:
        return NOTES_AFTER_RULES
    extra = {
        "合计行": "复核总分为有复核总分的自评表的平均分；复核等级为复核后各等级的项目数。",
        "等级分布": "有复核时，“自评”列按汇总表的等级列、“复核后”列按复核等级列统计。",
    }
    return tuple((sheet, column, text + extra.get(column, "")) for sheet, column, text in NOTES_AFTER_RULES)


def _write_notes(sheet: Worksheet, styles: Styles, rules: SummaryRules, review: SummaryReview | None) -> None:
    columns = [TableColumn("工作表", 10, "center"), TableColumn("列", 22), TableColumn("说明", 80, "wrap")]
    reviewed = review_notes(review) if review is not None else ()
    notes = (*NOTES_BEFORE_RULES, *rule_notes(rules), *reviewed, *_notes_after_rules(review))
    write_table(
        sheet,
        styles,
        columns,
        [list(row) for row in notes],
        title="说明",
        note="各工作表中列的含义及汇总规则。",
        autofilter=False,
    )

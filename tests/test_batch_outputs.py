"""The batch's Excel outputs: the bureau's 汇总 workbook and the 问题清单 sent back to the units.

The forms are the two seed forms evaluated by the core, plus variants: another 主管部门 (sorted first in
pinyin order although 财 has a higher code point than 人), another 实施单位, a form with an error (a reason
removed) and a form without a 总分 (an actual left blank). Both workbooks are read back with openpyxl,
their charts from the chart XML parts, checked as packages and recalculated by LibreOffice.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from perfxl.batch.model import CheckedForm, FileProblem
from perfxl.batch.report import unit_sheets, write_report
from perfxl.batch.summary import write_summary
from perfxl.batch.tables import problem_rows
from perfxl.cli import bundled_example
from perfxl.core.budget import Funds, FundsRow
from perfxl.core.findings import Finding, Level
from perfxl.core.form import FormInput, evaluate_form
from perfxl.core.numbers import round_half_up
from perfxl.projectlist import load_project_list
from perfxl.sheetlib.addresses import quote_sheet
from perfxl_tools.ooxml import validate_package
from tests.support.office import plain, require_libreoffice

GENERATED = dt.datetime(2023, 3, 31, 9, 30)
HR, JD, CZ = "上海市人力资源和社会保障局", "上海市职业技能鉴定中心", "上海市财政局"
JY, XX = "上海市就业促进中心", "上海市财政局信息中心"
# Where the test puts each indicator field of a finding (a form's 三级指标 start on row 14).
FIELD_COLUMNS = {"target": "E", "actual": "F", "weight": "G", "score": "H", "reason": "I"}
SUMMARY_HEADER = [
    "序号",
    "主管部门",
    "实施单位",
    "项目名称",
    "全年预算数（元）",
    "全年执行数（元）",
    "执行率",
    "预算执行率得分",
    "总分",
    "等级",
    "未达成指标数",
    "错误",
    "警告",
    "文件",
    "工作表",
]


def locate(finding: Finding, sheet: str) -> Finding:
    match = re.fullmatch(r"indicators\[(\d+)\]\.(\w+)", finding.field)
    if match and match[2] in FIELD_COLUMNS:
        return finding.located(f"{quote_sheet(sheet)}!{FIELD_COLUMNS[match[2]]}{14 + int(match[1])}")
    if finding.field.startswith("funds."):
        return finding.located(f"{quote_sheet(sheet)}!F7")
    return finding


def checked(form: FormInput, profile, source: str, sheet: str) -> CheckedForm:
    result = evaluate_form(form, profile)
    return CheckedForm(source, sheet, result, tuple(locate(f, sheet) for f in result.findings))


def change_row(form: FormInput, indicator: str, **changes: object) -> tuple:
    return tuple(dataclasses.replace(row, **changes) if row.name == indicator else row for row in form.indicators)


@pytest.fixture(scope="module")
def forms() -> list[CheckedForm]:
    """In input order (not the summary's)."""
    seed = load_project_list(bundled_example())
    work, exams = seed.forms  # 业务工作经历 89.96 良, 鉴定考务经费 92.57 优
    profile = seed.profile
    with_error = dataclasses.replace(
        work, name="职业技能竞赛经费", indicators=change_row(work, "课题报告完成情况", reason="")
    )
    without_total = dataclasses.replace(
        exams, name="技能人才评价经费", indicators=change_row(exams, "命题组卷完成及时性", actual=None)
    )
    employment = dataclasses.replace(work, unit=JY, name="就业服务经费")
    over_budget = dataclasses.replace(
        exams,
        department=CZ,
        unit=XX,
        name="财政信息系统运维",
        funds=Funds(
            fiscal=FundsRow(Decimal(1000000), Decimal(1000000), Decimal("1050000.50")),
            carryover=FundsRow(Decimal(0), Decimal(0)),
            other=FundsRow(Decimal(0), Decimal(0)),
        ),
    )
    return [
        checked(without_total, profile, "2022_技能人才评价经费.xlsx", "技能人才评价经费"),
        checked(work, profile, "2022_业务工作经历.xlsx", "业务工作经历"),
        checked(employment, profile, "就业中心/2022_就业服务经费.xlsx", "就业服务经费"),
        checked(with_error, profile, "2022_职业技能竞赛经费.xlsx", "职业技能竞赛经费"),
        checked(exams, profile, "2022_鉴定考务经费.xlsx", "鉴定考务经费"),
        checked(over_budget, profile, "财政局/2022_财政信息系统运维.xlsx", "财政信息系统运维"),
    ]


PROBLEMS = [
    FileProblem("损坏的文件.xlsx", "文件已损坏，无法打开"),
    FileProblem("2022_空白.xlsx", "文件中没有找到自评表"),
]
# 部门, 单位, 项目 in summary order: pinyin (财 cai < 人 ren; 就 jiu < 职 zhi), then 总分 descending, no 总分 last.
ORDER = [
    (CZ, XX, "财政信息系统运维"),  # 96.00: 鉴定考务经费 with a full budget score
    (HR, JY, "就业服务经费"),  # 89.96
    (HR, JD, "鉴定考务经费"),  # 92.57
    (HR, JD, "业务工作经历"),  # 89.96 (tie: 业 ye < 职 zhi)
    (HR, JD, "职业技能竞赛经费"),  # 89.96
    (HR, JD, "技能人才评价经费"),  # no 总分
]


@pytest.fixture(scope="module")
def books(forms: list[CheckedForm], tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("batch")
    summary = write_summary(folder / "汇总.xlsx", forms, PROBLEMS, year=2022, generated=GENERATED)
    report = write_report(folder / "问题清单.xlsx", forms, PROBLEMS, year=2022, generated=GENERATED)
    return summary, report


def rows_of(sheet, first: int = 4, last: int | None = None) -> list[list[object]]:
    last = sheet.max_row if last is None else last
    return [[c.value for c in row] for row in sheet.iter_rows(min_row=first, max_row=last)]


def by_project(forms: list[CheckedForm]) -> dict[str, CheckedForm]:
    return {f.project: f for f in forms}


# -- 汇总表 -------------------------------------------------------------------------------------


def test_summary_has_one_typed_row_per_form_in_order(books, forms) -> None:
    sheet = openpyxl.load_workbook(books[0])["汇总表"]
    assert [c.value for c in sheet[3]] == SUMMARY_HEADER
    rows = rows_of(sheet, 4, 9)
    assert [tuple(r[1:4]) for r in rows] == ORDER
    assert [r[0] for r in rows] == [1, 2, 3, 4, 5, 6]
    named = by_project(forms)
    for row in rows:
        result = named[row[3]].result
        assert row[4] == float(result.form.funds.total.annual)
        assert row[5] == float(result.form.funds.total.executed)
        assert row[6] == float(result.rate)
        assert row[7] == float(result.budget_score)
        assert row[8] == (None if result.total is None else float(result.total))
        assert row[9] == (result.grade or None)
        assert row[10] == result.missed_indicators
        assert (row[11], row[12]) == (named[row[3]].count(Level.ERROR), named[row[3]].count(Level.WARNING))
        assert (row[13], row[14]) == (named[row[3]].source, named[row[3]].sheet)
    first = rows[0]
    assert first[6:10] == [1.05, 10.0, 96.0, "优"]  # rate above 100% shown as is, score capped
    assert rows[2][6:9] == [0.6567, 6.57, 92.57]  # the seed's 鉴定考务经费
    assert rows[4][11:13] == [1, 2]  # the removed reason is an error
    assert rows[5][8:10] == [None, None]
    formats = [sheet.cell(4, c).number_format for c in range(5, 12)]
    assert formats == ["#,##0.00", "#,##0.00", "0.00%", "0.00", "0.00", "General", "0"]
    assert all(isinstance(sheet.cell(r, c).value, float | int) for r in range(4, 10) for c in (5, 6, 7, 8, 11, 12, 13))


def test_summary_totals_row_has_formulas_with_cached_values(books, forms) -> None:
    formulas = openpyxl.load_workbook(books[0])["汇总表"]
    cached = openpyxl.load_workbook(books[0], data_only=True)["汇总表"]
    assert formulas.max_row == 10
    row = [c.value for c in formulas[10]]
    assert row[0] == "合计" and row[3] == "共 6 张自评表"
    assert row[4:7] == ["=SUM($E$4:$E$9)", "=SUM($F$4:$F$9)", '=IF(E10=0,"",ROUND(F10/E10,4))']
    assert row[8] == '=IF(COUNT($I$4:$I$9)=0,"",ROUND(AVERAGE($I$4:$I$9),2))'
    assert row[9].startswith('="优 "&COUNTIF($J$4:$J$9,"优")&CHAR(10)&"良 "&COUNTIF($J$4:$J$9,"良")')
    assert row[10:13] == ["=SUM($K$4:$K$9)", "=SUM($L$4:$L$9)", "=SUM($M$4:$M$9)"]
    values = [c.value for c in cached[10]]
    results = [f.result for f in forms]
    annual = sum(r.form.funds.total.annual for r in results)
    executed = sum(r.form.funds.total.executed for r in results)
    assert (values[4], values[5]) == (float(annual), float(executed))
    assert values[6] == float(round_half_up(executed / annual, 4))
    assert (annual, executed, values[6]) == (Decimal(6846146), Decimal("4708448.00"), 0.6878)
    scored = [r.total for r in results if r.total is not None]
    assert values[8] == float(round_half_up(sum(scored) / len(scored), 2)) == 91.69  # 458.45 / 5, the blank left out
    assert values[9] == "优 2\n良 3\n中 0\n差 0"
    # Errors: 职业技能竞赛经费's missing reason, and 技能人才评价经费's cleared actual (a filled form's gap).
    assert values[10:13] == [sum(r.missed_indicators for r in results), 2, 10]
    assert formulas.cell(10, 5).number_format == "#,##0.00" and formulas.cell(10, 7).number_format == "0.00%"


def test_summary_layout_title_filter_and_printing(books) -> None:
    book = openpyxl.load_workbook(books[0])
    assert book.sheetnames == ["汇总表", "问题清单", "图表", "说明"]  # the findings right after the table
    sheet = book["汇总表"]
    assert sheet["A1"].value == "2022 年度项目支出绩效自评汇总"
    assert "A1:O1" in {str(r) for r in sheet.merged_cells.ranges}
    assert sheet["A2"].value == "生成时间：2023-03-31 09:30　共 6 张自评表，另有 2 个文件无法读取（见问题清单）"
    assert sheet.freeze_panes == "A4"
    assert sheet.auto_filter.ref == "A3:O9"  # the totals row stays out of the filter
    assert sheet.print_title_rows == "$3:$3"
    assert (sheet.page_setup.orientation, sheet.page_setup.paperSize) == ("landscape", 9)
    assert sheet.sheet_properties.pageSetUpPr.fitToPage and sheet.page_setup.fitToHeight == 0
    assert sheet.column_dimensions["D"].width > 20 and sheet.column_dimensions["A"].width < 10


@pytest.mark.slow
def test_summary_without_year_or_forms(tmp_path: Path) -> None:
    path = write_summary(tmp_path / "空.xlsx", [], [], generated=GENERATED)
    book = openpyxl.load_workbook(path)
    sheet = book["汇总表"]
    assert sheet["A1"].value == "项目支出绩效自评汇总"
    assert sheet["A2"].value == "生成时间：2023-03-31 09:30　共 0 张自评表"
    assert sheet["D4"].value == "没有可汇总的自评表。"
    assert [c.value for c in book["问题清单"][4]][6] == "未发现问题。"
    assert not [n for n in zipfile.ZipFile(path).namelist() if n.startswith("xl/charts/")]
    assert [p for p in validate_package(path) if p.severity == "error"] == []


# -- 图表 ---------------------------------------------------------------------------------------


def chart_parts(path: Path) -> list[str]:
    with zipfile.ZipFile(path) as package:
        names = sorted(
            (n for n in package.namelist() if re.fullmatch(r"xl/charts/chart\d+\.xml", n)),
            key=lambda n: int(re.findall(r"\d+", n)[0]),
        )
        return [package.read(n).decode("utf-8") for n in names]


def test_charts_reference_the_summary_ranges(books) -> None:
    charts = chart_parts(books[0])
    assert len(charts) == 3
    described = [
        (
            re.findall(r'<c:barDir val="(\w+)"/>', xml),
            re.findall(r"<c:f>(.*?)</c:f>", xml),
            re.findall(r"<a:t>(.*?)</a:t>", xml),
        )
        for xml in charts
    ]
    assert described[0] == (["col"], ["图表!$A$3:$A$6", "图表!$B$3:$B$6"], ["等级分布", "等级", "项目数"])
    assert described[1] == (["bar"], ["汇总表!$D$4:$D$9", "汇总表!$I$4:$I$9"], ["各项目总分", "项目名称", "总分"])
    assert described[2] == (
        ["bar"],
        ["汇总表!$D$4:$D$9", "汇总表!$G$4:$G$9"],
        ["各项目预算执行率", "项目名称", "执行率"],
    )
    with zipfile.ZipFile(books[0]) as package:
        drawing_rels = package.read("xl/worksheets/_rels/sheet3.xml.rels").decode()
    assert "drawing" in drawing_rels  # the charts sit on the second sheet, 图表


def test_grade_table_counts_with_formulas(books) -> None:
    formulas = openpyxl.load_workbook(books[0])["图表"]
    cached = openpyxl.load_workbook(books[0], data_only=True)["图表"]
    assert [[c.value for c in row] for row in formulas["A2:B3"]] == [
        ["等级", "项目数"],
        ["优", "=COUNTIF('汇总表'!$J$4:$J$9,\"优\")"],
    ]
    assert [[c.value for c in row] for row in cached["A3:B6"]] == [["优", 2], ["良", 3], ["中", 0], ["差", 0]]


# -- 问题清单 and 说明 -----------------------------------------------------------------------------


def expected_problems(forms: list[CheckedForm], levels: set[Level]) -> list[tuple]:
    """(文件, 工作表, 项目, 级别, 单元格, 说明) by file, sheet and severity, findings in form order within that."""
    order = {Level.ERROR: 0, Level.WARNING: 1, Level.INFO: 2}
    rows = [
        (f.source, f.sheet, f.project, x.level.label, (x.cell or "").split("!")[-1], x.message, order[x.level])
        for f in forms
        for x in f.findings
        if x.level in levels
    ]
    rows += [(p.source, "", "", "错误", "", p.message, 0) for p in PROBLEMS]
    rows.sort(key=lambda r: (r[0].encode("gb18030"), r[1].encode("gb18030"), r[6]))
    return [r[:6] for r in rows]


def test_problem_list_rows(books, forms) -> None:
    sheet = openpyxl.load_workbook(books[0])["问题清单"]
    assert [c.value for c in sheet[3]] == ["序号", "文件", "工作表", "项目名称", "级别", "单元格", "问题说明"]
    rows = rows_of(sheet)
    expected = expected_problems(forms, {Level.ERROR, Level.WARNING})
    assert [tuple(r[1:]) for r in rows] == [tuple(v or None for v in e) for e in expected]  # "" is a blank cell
    assert [r[0] for r in rows] == list(range(1, len(expected) + 1))
    assert len(rows) == 14  # 10 warnings and 2 errors of the forms, 2 unusable files
    assert "提示" not in {r[4] for r in rows}
    # 职业技能竞赛经费: the error comes before its warnings, although the core found it second.
    contest = [r for r in rows if r[3] == "职业技能竞赛经费"]
    assert [r[4] for r in contest] == ["错误", "警告", "警告"]
    assert contest[0][5:] == ["I19", "指标「课题报告完成情况」得分低于分值，须填写偏差原因分析及改进措施"]
    assert [r[1:7] for r in rows if r[1] in {"2022_空白.xlsx", "损坏的文件.xlsx"}] == [
        ["2022_空白.xlsx", None, None, "错误", None, "文件中没有找到自评表"],
        ["损坏的文件.xlsx", None, None, "错误", None, "文件已损坏，无法打开"],
    ]
    assert sheet["A2"].value == "共 14 项：错误 4 项，警告 10 项"


def test_problem_list_format(books) -> None:
    sheet = openpyxl.load_workbook(books[0])["问题清单"]
    assert sheet.freeze_panes == "A4" and sheet.auto_filter.ref == "A3:G17"
    assert sheet["G4"].alignment.wrap_text
    rules = {str(r.sqref): r.rules for r in sheet.conditional_formatting}
    ((rules_range, level_rules),) = rules.items()
    assert rules_range == "A4:G17"
    fills = {rule.formula[0]: rule.dxf.fill.bgColor.rgb for rule in level_rules}
    assert fills == {'$E4="错误"': "FFFFC7CE", '$E4="警告"': "FFFFEB9C"}


def test_problem_list_with_infos(tmp_path: Path, forms) -> None:
    path = write_summary(tmp_path / "全部.xlsx", forms, PROBLEMS, levels=set(Level))
    rows = rows_of(openpyxl.load_workbook(path)["问题清单"])
    assert [tuple(v or "" for v in r[1:]) for r in rows] == expected_problems(forms, set(Level))
    assert "提示" in {r[4] for r in rows}


def test_notes_sheet_explains_the_columns(books) -> None:
    sheet = openpyxl.load_workbook(books[0])["说明"]
    explained = {row[1] for row in rows_of(sheet)}
    assert {"执行率", "未达成指标数", "合计行", "排序", "级别", "单元格"} <= explained
    assert all(row[2] for row in rows_of(sheet))


# -- the 问题清单 workbook for the units ---------------------------------------------------------


def test_report_sheets_and_overview(books, forms) -> None:
    book = openpyxl.load_workbook(books[1])
    assert book.sheetnames == ["总览", XX, JY, JD, "无法读取的文件"]
    overview = book["总览"]
    assert overview["A1"].value == "2022 年度项目支出绩效自评表问题清单"
    assert [c.value for c in overview[3]] == ["序号", "实施单位", "工作表", "自评表数", "错误", "警告"]
    rows = rows_of(overview, 4, 7)
    assert [r[:4] for r in rows[:3]] == [[1, XX, XX, 1], [2, JY, JY, 1], [3, JD, JD, 4]]
    assert rows[3] == ["合计", "共 3 个实施单位", None, "=SUM($D$4:$D$6)", "=SUM($E$4:$E$6)", "=SUM($F$4:$F$6)"]
    assert rows[2][4] == f"=COUNTIF('{JD}'!$D$4:$D$11,\"错误\")"
    assert overview["B4"].hyperlink.location == f"'{XX}'!A1"
    cached = rows_of(openpyxl.load_workbook(books[1], data_only=True)["总览"], 4, 7)
    assert [r[3:] for r in cached] == [[1, 0, 2], [1, 0, 2], [4, 2, 6], [6, 2, 10]]
    assert overview["B9"].value == "另有 2 个文件无法读取，见“无法读取的文件”工作表"


def test_report_unit_sheet_lists_the_units_problems(books, forms) -> None:
    sheet = openpyxl.load_workbook(books[1])[JD]
    assert [c.value for c in sheet[3]] == ["序号", "文件", "项目名称", "级别", "单元格", "问题说明", "处理意见"]
    rows = rows_of(sheet)
    ours = [f for f in forms if f.result.form.unit == JD]
    expected = [(e[0], e[2], e[3], e[4], e[5]) for e in expected_problems(ours, {Level.ERROR, Level.WARNING}) if e[2]]
    assert [tuple(r[1:6]) for r in rows] == expected
    # Files in pinyin order (技 鉴 业 职), and by severity within a file.
    assert [r[2] for r in rows] == [
        "技能人才评价经费",
        "技能人才评价经费",
        "鉴定考务经费",
        "业务工作经历",
        "业务工作经历",
        "职业技能竞赛经费",
        "职业技能竞赛经费",
        "职业技能竞赛经费",
    ]
    assert all(r[6] is None for r in rows)  # 处理意见: for the unit to fill in
    assert sheet["A1"].value == f"{JD}：绩效自评表问题清单"
    assert sheet["A2"].value.startswith("自评表 4 张，错误 2 项，警告 6 项。")
    assert sheet.freeze_panes == "A4" and sheet.auto_filter.ref == "A3:G11"
    assert sheet["F4"].alignment.wrap_text and sheet["G4"].alignment.wrap_text
    assert sheet.print_title_rows == "$3:$3" and sheet.page_setup.orientation == "landscape"
    files = openpyxl.load_workbook(books[1])["无法读取的文件"]
    assert rows_of(files) == [
        [1, "2022_空白.xlsx", "错误", "文件中没有找到自评表", None],
        [2, "损坏的文件.xlsx", "错误", "文件已损坏，无法打开", None],
    ]


def test_report_rows_are_sorted_by_file_then_severity(books) -> None:
    rows = rows_of(openpyxl.load_workbook(books[1])[JD])
    keys = [(r[1].encode("gb18030"), {"错误": 0, "警告": 1}[r[3]]) for r in rows]
    assert keys == sorted(keys)
    assert rows[0][1] == "2022_技能人才评价经费.xlsx"


def test_report_sheet_names_are_valid_and_unique(tmp_path: Path, forms) -> None:
    base = forms[1]
    long_name = "上海市某某区人力资源和社会保障局所属职业技能鉴定与技能人才评价指导服务中心"
    units = ["总览", long_name + "甲", long_name + "乙", "鉴定中心[试点]/培训部:二?*", "", "History", "鉴定中心'"]
    variants = [
        dataclasses.replace(
            base, result=dataclasses.replace(base.result, form=dataclasses.replace(base.result.form, unit=unit))
        )
        for unit in units
    ]
    names = [u.name for u in unit_sheets(variants, problem_rows(variants, ()))]
    assert len(set(n.lower() for n in names)) == len(names) == len(units)
    assert all(len(n) <= 31 and not re.search(r"[\[\]:*?/\\]", n) for n in names)
    assert {"总览", "History"}.isdisjoint(names)
    path = write_report(tmp_path / "单位.xlsx", variants, [])
    book = openpyxl.load_workbook(path)
    assert book.sheetnames[0] == "总览" and "无法读取的文件" not in book.sheetnames
    assert "（未填写实施单位）" in [book["总览"].cell(r, 2).value for r in range(4, 11)]
    assert [p for p in validate_package(path) if p.severity == "error"] == []


def test_report_for_a_unit_without_problems(tmp_path: Path, forms) -> None:
    path = write_report(tmp_path / "无问题.xlsx", forms[1:2], [], levels={Level.ERROR})
    sheet = openpyxl.load_workbook(path)[JD]
    assert sheet["A2"].value.startswith("自评表 1 张，错误 0 项，警告 0 项。")
    assert sheet["F4"].value == "未发现问题。"
    assert [p for p in validate_package(path) if p.severity == "error"] == []


# -- files ----------------------------------------------------------------------------------------


@pytest.mark.slow
def test_both_workbooks_are_valid_packages(books) -> None:
    for path in books:
        assert [p for p in validate_package(path) if p.severity == "error"] == [], path.name


def test_writing_replaces_the_target_atomically(tmp_path: Path, forms) -> None:
    target = tmp_path / "汇总.xlsx"
    target.write_bytes(b"old")
    broken = dataclasses.replace(forms[0], findings=None)  # fails while the workbook is being written
    with pytest.raises(TypeError):
        write_summary(target, [*forms, broken], [])
    assert target.read_bytes() == b"old" and list(tmp_path.iterdir()) == [target]
    write_report(tmp_path / "问题清单.xlsx", forms, [])
    write_summary(target, forms, [])
    assert zipfile.is_zipfile(target)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["汇总.xlsx", "问题清单.xlsx"]


# -- LibreOffice recalculates every formula to its cached value ----------------------------------


def formula_cells(path: Path) -> dict[str, object]:
    """Every formula cell ("'Sheet'!A1") and the value cached in the file."""
    formulas = openpyxl.load_workbook(path)
    cached = openpyxl.load_workbook(path, data_only=True)
    return {
        f"{quote_sheet(sheet.title)}!{cell.coordinate}": cached[sheet.title][cell.coordinate].value
        for sheet in formulas.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if isinstance(cell.value, str) and cell.value.startswith("=")
    }


@pytest.mark.libreoffice
def test_libreoffice_recalculates_the_cached_values(books) -> None:
    require_libreoffice()
    from perfxl_tools.uno_session import UnoSession

    with UnoSession(timeout=120) as office:
        for path in books:
            cells = formula_cells(path)
            assert len(cells) >= 8
            result = office.recalculate(path, names=False, cells=list(cells), errors=True)
            assert result.errors == [], result.errors
            for ref, cached in cells.items():
                value = result.value(ref)
                if isinstance(cached, float) and isinstance(value, float):
                    assert value == pytest.approx(cached, rel=1e-12, abs=1e-9), ref
                else:
                    assert plain(value) == plain(cached), ref


# -- figures from the forms' profiles ------------------------------------------------------------
# A bureau's profile unlike the default in every figure the summary shows: 2 rate decimals (a percentage
# without decimals), 1 score decimal, other grade lines, no cap on the rate.
BUREAU = {"rate_decimals": 2, "score_decimals": 1, "grades": [85, 70, 50], "cap_budget_rate": False}


def _rescored(forms: list[CheckedForm], profile) -> list[CheckedForm]:
    return [checked(f.result.form, profile, f.source, f.sheet) for f in forms]


def _notes(path: Path) -> dict[str, str]:
    return {row[1]: row[2] for row in rows_of(openpyxl.load_workbook(path)["说明"])}


def test_summary_figures_follow_a_non_default_profile(forms, tmp_path: Path) -> None:
    profile = load_project_list(bundled_example()).profile.with_overrides(BUREAU, name="某市-2023")
    bureau = _rescored(forms, profile)
    path = write_summary(tmp_path / "汇总.xlsx", bureau, [], year=2022, generated=GENERATED)
    formulas = openpyxl.load_workbook(path)["汇总表"]
    cached = openpyxl.load_workbook(path, data_only=True)["汇总表"]
    rows = rows_of(cached, 4, 9)
    named = by_project(bureau)
    assert {row[3]: (row[6], row[8], row[9]) for row in rows} == {
        name: (float(f.result.rate), None if f.result.total is None else float(f.result.total), f.result.grade)
        for name, f in named.items()
    }
    assert rows[0][6:10] == [1.05, 10.5, 96.5, "优"]  # 105% not capped: 10.5 of 10; 96.5 ≥ 85
    assert rows[2][6:10] == [0.66, 6.6, 92.6, "优"]  # the seed's 鉴定考务经费: 945926.25 / 1440512 → 66%
    assert rows[1][9] == "优"  # 就业服务经费: 89.96 → 90.0 is 良 by the default lines, 优 by 85
    assert [formulas.cell(4, c).number_format for c in (7, 8, 9)] == ["0%", "0.0", "0.0"]
    totals = [c.value for c in formulas[10]]
    assert totals[6] == '=IF(E10=0,"",ROUND(F10/E10,2))'
    assert totals[8] == '=IF(COUNT($I$4:$I$9)=0,"",ROUND(AVERAGE($I$4:$I$9),1))'
    results = [f.result for f in bureau]
    annual = sum(r.form.funds.total.annual for r in results)
    executed = sum(r.form.funds.total.executed for r in results)
    scored = [r.total for r in results if r.total is not None]
    values = [c.value for c in cached[10]]
    assert values[6] == float(round_half_up(executed / annual, 2)) == 0.69
    assert values[8] == float(round_half_up(sum(scored) / len(scored), 1))
    assert formulas.cell(10, 7).number_format == "0%"
    notes = _notes(path)
    assert notes["执行率"] == "全年执行数 ÷ 全年预算数，四舍五入保留2位小数（显示为百分比）。"
    assert notes["预算执行率得分"] == "执行率 × 预算执行率分值，保留1位小数。"
    assert notes["总分、等级"].startswith("预算执行率得分与各三级指标得分之和；等级：优≥85，良≥70，中≥50，差<50。")
    charts = {
        name: zipfile.ZipFile(path).read(name).decode()
        for name in zipfile.ZipFile(path).namelist()
        if name.startswith("xl/charts/chart")
    }
    assert sum('formatCode="0.0"' in xml for xml in charts.values()) == 1
    assert sum('formatCode="0%"' in xml for xml in charts.values()) == 1


def test_summary_of_forms_under_two_profiles_names_each_rule(forms, tmp_path: Path) -> None:
    profile = load_project_list(bundled_example()).profile.with_overrides(BUREAU, name="某市-2023")
    mixed = forms[:3] + _rescored(forms[3:], profile)
    path = write_summary(tmp_path / "汇总.xlsx", mixed, [], year=2022, generated=GENERATED)
    formulas = openpyxl.load_workbook(path)["汇总表"]
    # Each form's own figures by its profile; the totals to the most decimals any of them keeps.
    assert formulas.cell(4, 7).number_format == "0.00%" and formulas.cell(4, 9).number_format == "0.00"
    assert formulas.cell(10, 7).value == '=IF(E10=0,"",ROUND(F10/E10,4))'
    notes = _notes(path)
    assert sorted(notes["执行率"].splitlines()) == [
        "评分配置「mof-2020」：全年执行数 ÷ 全年预算数，四舍五入保留4位小数（显示为百分比）。",
        "评分配置「某市-2023」：全年执行数 ÷ 全年预算数，四舍五入保留2位小数（显示为百分比）。",
    ]
    assert "评分配置「某市-2023」：预算执行率得分与各三级指标得分之和；等级：优≥85" in notes["总分、等级"]

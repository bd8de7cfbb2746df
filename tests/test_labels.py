"""Reading hand-made 自评表 by their labels (perfxl.readback.labels), in several layouts."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from openpyxl.worksheet.worksheet import Worksheet

from perfxl.cli import bundled_example
from perfxl.core.budget import FundsRow
from perfxl.core.findings import Level
from perfxl.core.form import evaluate_form
from perfxl.core.numbers import to_decimal
from perfxl.generate import generate
from perfxl.readback.labels import find_forms, normalise_label, read_labelled_form
from perfxl.readback.reader import read_form, read_metadata
from perfxl.readback.recalc import located_findings
from perfxl.workbook.base import Ref
from perfxl.workbook.xlsx_book import XlsxBook
from tests.support.handmade import (
    COST_ROWS,
    DEPARTMENT,
    EXAM,
    PROFILE,
    SEEDS,
    UNIT,
    WORK,
    D,
    Seed,
    cost_form,
    handmade_book,
    moved_columns_form,
    shanghai_form,
)


def _read(path: Path, sheet: str | None = None):
    with XlsxBook(path) as book:
        sheets = find_forms(book)
        return sheets, read_labelled_form(book, sheet or sheets[0])


def _seed_inputs(seed: Seed) -> list[tuple]:
    return [
        (l1, l2, name, target, actual, D(weight), D(str(score)), reason)
        for l1, l2, name, target, actual, weight, score, reason in seed.rows
    ]


def _inputs(read) -> list[tuple]:
    return [(r.level1, r.level2, r.name, r.target, r.actual, r.weight, r.score, r.reason) for r in read.form.indicators]


def _check_seed_results(read, seed: Seed, expected: dict) -> None:
    result = evaluate_form(read.form, PROFILE)
    assert result.rate == to_decimal(expected["rate"])
    assert result.budget_score == to_decimal(expected["budget_score"])
    assert result.total == to_decimal(expected["total"]) == to_decimal(seed.total)
    assert result.grade == expected["grade"]


# --- labels ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("项　目　名　称", "项目名称"),
        ("年度\n指标值", "年度指标值"),
        ("实际\n完成值", "实际完成值"),
        ("偏差原因分析及\n改进措施", "偏差原因分析及改进措施"),
        ("项目资金\n（元）", "项目资金"),
        ("年度\n总体\n目标", "年度总体目标"),
        ("其中：当年财政拨款", "其中:当年财政拨款"),
        ("主管部门：", "主管部门"),
    ],
)
def test_labels_are_compared_without_spaces_breaks_notes_and_colons(text: str, label: str) -> None:
    assert normalise_label(text) == label


# --- the seed layout --------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(SEEDS))
def test_seed_layout_reads_the_published_form(tmp_path: Path, name: str, seed_expected: dict) -> None:
    seed = SEEDS[name]
    path = handmade_book(tmp_path, lambda ws: shanghai_form(ws, seed))
    sheets, read = _read(path)
    assert sheets == [name]
    assert read.problems == []
    form = read.form
    assert (form.name, form.department, form.unit) == (name, DEPARTMENT, UNIT)
    assert (form.goal_expected, form.goal_actual) == seed.goal
    (_, initial, annual, executed), (_, *fiscal) = seed.funds[:2]
    assert form.funds.stated_total == FundsRow(to_decimal(initial), to_decimal(annual), to_decimal(executed))
    assert form.funds.fiscal == FundsRow(*(to_decimal(v) for v in fiscal))
    assert form.funds.carryover == form.funds.other == FundsRow(D(0), D(0), None)
    assert _inputs(read) == _seed_inputs(seed)
    assert (read.mode, read.profile_json, read.profile) == ("udf", None, PROFILE)
    _check_seed_results(read, seed, seed_expected[name])


def test_seed_layout_refs_point_at_the_cells(tmp_path: Path) -> None:
    total_row = 0

    def build(ws: Worksheet) -> None:
        nonlocal total_row
        total_row = shanghai_form(ws, WORK)

    _, read = _read(handmade_book(tmp_path, build))
    sheet = WORK.name
    assert {key: ref.address for key, ref in read.fields.items()} == {
        "project.name": "C3",
        "project.department": "C4",
        "project.unit": "G4",
        "goal.expected": "B11",
        "goal.actual": "F11",
        "funds.total.initial": "C6",
        "funds.total.annual": "D6",
        "funds.total.executed": "E6",
        "funds.fiscal.initial": "C7",
        "funds.fiscal.annual": "D7",
        "funds.fiscal.executed": "E7",
        "funds.carryover.initial": "C8",
        "funds.carryover.annual": "D8",
        "funds.carryover.executed": "E8",
        "funds.other.initial": "C9",
        "funds.other.annual": "D9",
        "funds.other.executed": "E9",
        "budget.weight": "F6",
        "budget.rate": "G6",
        "budget.score": "H6",
        "total.weight": f"G{total_row}",
        "total.score": f"H{total_row}",
    }
    assert all(ref.sheet == sheet for ref in read.fields.values())
    assert total_row == 35
    assert len(read.rows) == 22
    assert {key: str(ref) for key, ref in read.rows[0].items()} == {
        "row.level1": f"{sheet}!B13",
        "row.level2": f"{sheet}!C13",
        "row.name": f"{sheet}!D13",
        "row.target": f"{sheet}!E13",
        "row.actual": f"{sheet}!F13",
        "row.weight": f"{sheet}!G13",
        "row.score": f"{sheet}!H13",
        "row.reason": f"{sheet}!I13",
    }
    assert read.rows[-1]["row.score"] == Ref.cell(sheet, 34, 8)
    assert read.actual_cells[0] == "18次"
    # The core's findings land on the cells: 培训覆盖人次数 (row 29) is over-achieved without a reason.
    findings = located_findings(read, evaluate_form(read.form, PROFILE))
    warnings = {(f.code, f.cell) for f in findings if f.level is Level.WARNING}
    assert ("over_achievement", f"{sheet}!I29") in warnings
    assert ("over_achievement", f"{sheet}!I13") in warnings


# --- other layouts ----------------------------------------------------------------------------------


def test_moved_columns_blank_rows_and_a_responsible_person_row(tmp_path: Path, seed_expected: dict) -> None:
    path = handmade_book(tmp_path, lambda ws: moved_columns_form(ws, EXAM))
    sheets, read = _read(path)
    assert sheets == [EXAM.name]
    assert read.problems == []
    form = read.form
    assert (form.name, form.department, form.unit) == (EXAM.name, DEPARTMENT, UNIT)
    assert (form.goal_expected, form.goal_actual) == EXAM.goal
    assert form.funds.fiscal == FundsRow(D(5736420), D(1440512), D("945926.25"))
    assert _inputs(read) == _seed_inputs(EXAM)
    _check_seed_results(read, EXAM, seed_expected[EXAM.name])
    assert read.fields["project.name"] == Ref.cell(EXAM.name, 5, 4)
    assert read.fields["project.unit"] == Ref.cell(EXAM.name, 6, 8)
    assert read.fields["funds.total.annual"] == Ref.cell(EXAM.name, 10, 4)
    assert read.fields["funds.total.initial"] == Ref.cell(EXAM.name, 10, 5)
    assert read.fields["goal.actual"] == Ref.cell(EXAM.name, 15, 6)
    first = {key: ref.address for key, ref in read.rows[0].items()}
    assert first == {
        "row.level1": "B18",
        "row.level2": "C18",
        "row.name": "D18",
        "row.weight": "E18",
        "row.target": "F18",
        "row.actual": "H18",
        "row.score": "I18",
        "row.reason": "J18",
    }
    # 效益指标 starts after the blank row: 8 产出 rows (18–25), blank 26, then 27.
    assert read.rows[8]["row.name"].address == "D27"
    assert read.fields["total.score"].address == "I32"  # 效益 27–28, blank 29, 满意度 30–31


def test_no_sub_rows_and_cost_indicators(tmp_path: Path) -> None:
    sheets, read = _read(handmade_book(tmp_path, cost_form))
    assert sheets == ["职业培训补贴"]
    assert read.problems == []
    form = read.form
    assert (form.name, form.department, form.unit) == ("职业培训补贴发放", DEPARTMENT, UNIT)
    assert form.funds.stated_total == FundsRow(D(1200000), D(1000000), D(950000))
    assert form.funds.fiscal == form.funds.carryover == form.funds.other == FundsRow()
    assert _inputs(read) == [
        (l1, l2, name, target, actual, D(weight), D(str(score)), reason)
        for l1, l2, name, target, actual, weight, score, reason in COST_ROWS
    ]
    result = evaluate_form(form, PROFILE)
    assert (result.rate, result.budget_score, result.total, result.grade) == (D("0.95"), D("9.50"), D("98.97"), "优")
    assert [r.input.level1 for r in result.indicators].count("成本指标") == 1
    assert read.fields["funds.total.executed"].address == "E5"
    assert [row["row.name"].address for row in read.rows][2:4] == ["D11", "D13"]  # 小计 in row 12
    assert read.fields["total.score"].address == "H17"


def test_percentages_as_numbers_and_amounts_as_text(tmp_path: Path, seed_expected: dict) -> None:
    path = handmade_book(tmp_path, lambda ws: shanghai_form(ws, WORK, percent_numbers=True, amounts_as_text=True))
    with XlsxBook(path) as book:  # the file holds what the layout claims
        assert book.values(Ref.cell(WORK.name, 7, 3)) == [["1,408,340.00"]]
        assert book.values(Ref.cell(WORK.name, 19, 6)) == [[0.97]]
    _, read = _read(path)
    assert read.problems == []
    assert read.form.funds.fiscal == FundsRow(D(1408340), D(988374), D(588865))
    assert read.form.funds.stated_total == FundsRow(D(1408340), D(988374), D(588865))
    # Targets read as shown ("=100%", ">=95%"); actuals as Excel stores them (0.97 for 97%).
    assert [r.target for r in read.form.indicators] == [row[3] for row in WORK.rows]
    actuals = {r.name: r.actual for r in read.form.indicators}
    assert (actuals["培训出勤率"], actuals["课题报告验收合格率"], actuals["考生满意度"]) == (0.97, 0, 0.88)
    assert actuals["工作人员培训场次数"] == "18次"
    _check_seed_results(read, WORK, seed_expected[WORK.name])


# --- problems ----------------------------------------------------------------------------------------


def test_unreadable_weight_score_and_amount_are_located(tmp_path: Path) -> None:
    def build(ws: Worksheet) -> None:
        shanghai_form(ws, WORK)
        ws["G15"] = "五"  # 专家咨询工作完成率
        ws["H16"] = "满分"  # 设备购置数量
        ws["D7"] = "约98.8万"
        ws["G17"] = None  # 耗材购置完成率

    _, read = _read(handmade_book(tmp_path, build))
    sheet = WORK.name
    problems = {(p.code, p.cell): p for p in read.problems}
    assert set(problems) == {
        ("weight_unreadable", f"{sheet}!G15"),
        ("score_unreadable", f"{sheet}!H16"),
        ("amount_unreadable", f"{sheet}!D7"),
        ("weight_unreadable", f"{sheet}!G17"),
    }
    assert all(p.level is Level.ERROR for p in read.problems)
    assert problems[("weight_unreadable", f"{sheet}!G15")].message == "指标「专家咨询工作完成率」的分值「五」不是数字"
    assert problems[("weight_unreadable", f"{sheet}!G17")].message == "指标「耗材购置完成率」未填写分值"
    assert problems[("score_unreadable", f"{sheet}!H16")].message == "指标「设备购置数量」的得分「满分」不是数字"
    assert problems[("amount_unreadable", f"{sheet}!D7")].message == "当年财政拨款全年预算数「约98.8万」不是数字"
    # The rows are still read: the weight counts as 0, the score comes from the rule.
    rows = {r.name: r for r in read.form.indicators}
    assert rows["专家咨询工作完成率"].weight == 0
    assert rows["设备购置数量"].score is None


def test_missing_labels_are_reported(tmp_path: Path) -> None:
    def build(ws: Worksheet) -> None:
        shanghai_form(ws, WORK)
        ws["A3"] = None  # 项目名称
        ws["F4"] = "执行单位"  # not a known label: 实施单位 is missing
        ws["A35"] = None  # 总分

    path = handmade_book(tmp_path, build)
    sheets, read = _read(path, WORK.name)
    assert sheets == []  # without 项目名称 it is not taken for a form
    codes = {(p.code, p.field, p.cell, p.message) for p in read.problems}
    assert ("label_missing", "name", f"{WORK.name}!A1", "未找到「项目名称」栏目") in codes
    assert ("label_missing", "unit", f"{WORK.name}!A1", "未找到「实施单位」栏目") in codes
    assert ("label_missing", "indicators", f"{WORK.name}!H36", "未找到「总分」行，无法核对表中填写的总分") in codes
    assert read.form.name == read.form.unit == ""
    assert read.form.department == DEPARTMENT
    # The 总分 row without its label is no indicator: its numbers are reported, not read.
    assert len(read.form.indicators) == 22
    assert ("row_ignored", "indicators", f"{WORK.name}!G35", "第35行没有三级指标和年度指标值，未作为指标读取") in codes


def test_a_sheet_without_an_indicator_table(tmp_path: Path) -> None:
    def build(ws: Worksheet) -> None:
        ws.title = "说明"
        ws["A1"], ws["B1"] = "项目名称", "某项目"

    path = handmade_book(tmp_path, build)
    sheets, read = _read(path, "说明")
    assert sheets == []
    assert [(p.code, p.cell) for p in read.problems if p.code == "table_missing"] == [("table_missing", "说明!A1")]
    assert read.form.name == "某项目"
    assert read.form.indicators == ()


def test_only_form_sheets_are_listed(tmp_path: Path) -> None:
    workbook = openpyxl.Workbook()
    notes = workbook.active
    notes.title = "说明"
    notes["A1"] = "本工作簿包含自评表，请在「实际完成值」列填写。"
    listing = workbook.create_sheet("指标清单")  # 项目名称 in the same header row as 三级指标: a list
    listing.append(["项目名称", "一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值"])
    listing.append(["业务工作经历", "产出指标", "数量指标", "设备购置数量", "=5台", "5台", 3])
    shanghai_form(workbook.create_sheet(), WORK)
    hidden = workbook.create_sheet()
    shanghai_form(hidden, EXAM)
    hidden.sheet_state = "hidden"
    workbook.create_sheet("空白")
    path = tmp_path / "book.xlsx"
    workbook.save(path)
    with XlsxBook(path) as book:
        assert find_forms(book) == [WORK.name]


def test_the_project_list_workbook_holds_no_form() -> None:
    with XlsxBook(Path(bundled_example()).with_suffix(".xlsx")) as book:
        assert find_forms(book) == []


# --- generated forms, read by their labels -------------------------------------------------------------


@pytest.mark.parametrize("mode", ["native", "udf"])
def test_generated_forms_read_by_labels_as_by_names(tmp_path: Path, mode: str) -> None:
    for path in generate(bundled_example(), tmp_path, mode=mode):
        with XlsxBook(path) as book:
            (sheet,) = find_forms(book)  # the hidden metadata sheet is not listed
            labelled = read_labelled_form(book, sheet)
            named = read_form(book, sheet, read_metadata(book))
        assert labelled.problems == []
        assert labelled.form.indicators == named.form.indicators
        for source in ("fiscal", "carryover", "other"):
            assert getattr(labelled.form.funds, source) == getattr(named.form.funds, source)
        assert labelled.form.funds.total == named.form.funds.total
        by_labels, by_names = evaluate_form(labelled.form, PROFILE), evaluate_form(named.form, named.profile)
        assert (by_labels.rate, by_labels.budget_score, by_labels.total, by_labels.grade) == (
            by_names.rate,
            by_names.budget_score,
            by_names.total,
            by_names.grade,
        )
        assert by_labels.total == to_decimal(SEEDS[sheet].total)
        for key, ref in labelled.fields.items():
            assert named.fields[key] == ref, key
        assert {"budget.rate", "budget.score", "total.score", "total.grade"} <= set(labelled.fields)
        assert labelled.rows == [
            {key: ref for key, ref in row.items() if key in labelled.rows[0]} for row in named.rows
        ]


def test_labels_with_their_values_and_a_two_row_header(tmp_path: Path) -> None:
    """ "项目名称：…" in one cell; column labels merged over two rows, 三级指标 over two columns."""

    def build(ws: Worksheet) -> None:
        ws.title = "表1"
        ws["A1"], ws["A2"], ws["E2"] = "项目名称：就业见习补贴（本级）", "主管部门： 上海市某局", "实施单位:某中心"
        for cells in ("A1:I1", "A2:D2", "E2:I2", "C5:D6"):
            ws.merge_cells(cells)
        ws["A3"], ws["C3"], ws["D3"], ws["E3"] = "项目资金（万元）", "年初预算数", "全年预算数", "全年执行数"
        ws["B4"], ws["C4"], ws["D4"], ws["E4"] = "年度资金总额", 100, 80, 76
        header = (
            "一级指标",
            "二级指标",
            "三级指标",
            "年度指标值",
            "实际完成值",
            "分值",
            "得分",
            "偏差原因分析及改进措施",
        )
        for col, label in zip("ABCEFGHI", header, strict=True):
            ws[f"{col}5"] = label
            if col != "C":
                ws.merge_cells(f"{col}5:{col}6")
        rows = (
            ("产出指标", "数量指标", "见习人数", None, ">=10人", "12人", 45, 45),
            (None, None, None, "见习补贴发放率", "=100%", "100%", 45, 45),
            ("总分", None, None, None, None, None, 100, 99.5),
        )
        for row, values in enumerate(rows, 7):
            for col, value in zip("ABCDEFGH", values, strict=True):
                ws[f"{col}{row}"] = value
        ws["E7"].data_type = ws["E8"].data_type = "s"

    sheets, read = _read(handmade_book(tmp_path, build))
    assert sheets == ["表1"]
    assert read.problems == []
    form = read.form
    assert (form.name, form.department, form.unit) == ("就业见习补贴（本级）", "上海市某局", "某中心")
    assert read.fields["project.name"].address == "A1"
    assert read.fields["project.unit"].address == "E2"
    assert [(r.level1, r.level2, r.name) for r in form.indicators] == [
        ("产出指标", "数量指标", "见习人数"),
        ("产出指标", "数量指标", "见习补贴发放率"),
    ]
    assert [row["row.name"].address for row in read.rows] == ["C7", "D8"]
    result = evaluate_form(form, PROFILE)
    assert (result.rate, result.budget_score, result.total) == (D("0.95"), D("9.50"), D("99.50"))
    assert read.fields["total.score"].address == "H9"


def test_xlsx_book_used_range_merges_and_number_formats(tmp_path: Path) -> None:
    path = handmade_book(tmp_path, lambda ws: shanghai_form(ws, WORK, percent_numbers=True))
    with XlsxBook(path) as book:
        assert book.used_range(WORK.name) == Ref(WORK.name, 1, 1, 35, 9)
        merges = {ref.address for ref in book.merged_ranges(WORK.name)}
        assert {"A1:I1", "A5:A9", "B13:B27", "C13:C19", "A35:F35"} <= merges
        assert book.number_formats(Ref(WORK.name, 19, 5, 19, 6)) == [['">="0%', "0%"]]
        assert book.number_formats(Ref.cell(WORK.name, 6, 7)) == [["0.00%"]]
        assert book.number_formats(Ref.cell(WORK.name, 13, 4)) == [["General"]]
    empty = tmp_path / "empty.xlsx"
    openpyxl.Workbook().save(empty)
    with XlsxBook(empty) as book:
        assert book.used_range("Sheet") is None
        assert book.merged_ranges("Sheet") == []

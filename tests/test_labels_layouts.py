"""Layouts of real returned files, read by their labels: pages continued with their header typed again,
several forms on one sheet, percentages typed as plain numbers, the 等级 cell."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl.worksheet.worksheet import Worksheet

from perfxl.core.findings import Finding, Level
from perfxl.core.form import FormResult, evaluate_form
from perfxl.core.numbers import to_decimal
from perfxl.readback.labels import find_forms, read_labelled_form, read_labelled_forms
from perfxl.readback.percent_cells import (
    Certainty,
    PercentFormat,
    percent_format,
    read_plain_number,
    read_row_percentages,
    shown_number,
)
from perfxl.readback.reader import ReadForm
from perfxl.readback.recalc import located_findings
from perfxl.workbook.base import Ref, parse_reference
from perfxl.workbook.xlsx_book import XlsxBook
from tests.support.handmade import (
    DEPARTMENT,
    EXAM,
    PROFILE,
    UNIT,
    WORK,
    D,
    Seed,
    cost_form,
    handmade_book,
    insert_rows,
    moved_columns_form,
    shanghai_form,
    stacked_forms,
)

HEADER = (
    "绩效\n指标",
    "一级指标",
    "二级指标",
    "三级指标",
    "年度\n指标值",
    "实际\n完成值",
    "分值",
    "得分",
    "偏差原因分析及\n改进措施",
)


def _read_all(path: Path, sheet: str) -> list[ReadForm]:
    with XlsxBook(path) as book:
        return read_labelled_forms(book, sheet)


def _inputs(read: ReadForm) -> list[tuple]:
    return [(r.level1, r.level2, r.name, r.target, r.actual, r.weight, r.score, r.reason) for r in read.form.indicators]


def _seed_inputs(seed: Seed) -> list[tuple]:
    return [
        (l1, l2, name, target, actual, D(weight), D(str(score)), reason)
        for l1, l2, name, target, actual, weight, score, reason in seed.rows
    ]


def _check_published(read: ReadForm, seed: Seed, expected: dict) -> FormResult:
    result = evaluate_form(read.form, PROFILE)
    published = expected[seed.name]
    assert (read.form.name, read.form.department, read.form.unit) == (seed.name, DEPARTMENT, UNIT)
    assert (read.form.goal_expected, read.form.goal_actual) == seed.goal
    assert result.rate == to_decimal(published["rate"])
    assert result.budget_score == to_decimal(published["budget_score"])
    assert result.total == to_decimal(published["total"]) == to_decimal(seed.total)
    assert result.grade == published["grade"]
    return result


# --- a header row typed again at the top of a printed page ------------------------------------------------


def test_a_continued_page_with_its_header_and_title_typed_again(tmp_path: Path, seed_expected: dict) -> None:
    """Page 2 starts at 效益指标 (row 28): the officer inserted the title, the year line and the header there,
    each merged across the table as on page 1."""

    def build(ws: Worksheet) -> None:
        shanghai_form(ws, WORK)
        insert_rows(ws, 28, 3, split_merges=True)
        ws["A28"], ws["A29"] = "财政项目支出绩效自评表", "（2022 年度）"
        ws.merge_cells("A28:I28")
        ws.merge_cells("A29:I29")
        for col, label in zip("ABCDEFGHI", HEADER, strict=True):
            ws[f"{col}30"] = label

    path = handmade_book(tmp_path, build)
    with XlsxBook(path) as book:  # the file holds what the layout claims
        assert book.values(Ref(WORK.name, 30, 1, 30, 4)) == [["绩效\n指标", "一级指标", "二级指标", "三级指标"]]
        assert book.values(Ref.cell(WORK.name, 31, 2)) == [["效益指标"]]
    (read,) = _read_all(path, WORK.name)
    assert read.problems == []
    assert _inputs(read) == _seed_inputs(WORK)
    _check_published(read, WORK, seed_expected)
    assert read.rows[15]["row.name"].address == "D31"  # 培训工作开展情况, the first row of page 2
    assert read.fields["total.score"].address == "H38"
    findings = located_findings(read, evaluate_form(read.form, PROFILE))
    assert not [f for f in findings if f.cell and f.cell.endswith(("28", "29", "30"))]


def test_a_header_typed_inside_merged_groups_and_over_two_rows(tmp_path: Path, seed_expected: dict) -> None:
    """Page 2 starts inside 数量指标 (row 17): the 一级/二级 merges grow over the inserted rows (so the
    header there has no 一级/二级 labels), the labels are merged over two rows, 三级指标 over two columns
    of its own, and the title is typed in the 三级指标 column."""

    def build(ws: Worksheet) -> None:
        shanghai_form(ws, WORK)
        insert_rows(ws, 17, 3, split_merges=False)
        ws["D17"] = "财政项目支出绩效自评表（续）"
        ws.merge_cells("D17:I17")
        for col, label in zip("DEFGHI", HEADER[3:], strict=True):
            ws[f"{col}18"] = label
            ws.merge_cells(f"{col}18:{col}19")

    path = handmade_book(tmp_path, build)
    with XlsxBook(path) as book:
        assert {"B13:B30", "C13:C22", "E18:E19"} <= {m.address for m in book.merged_ranges(WORK.name)}
    (read,) = _read_all(path, WORK.name)
    assert read.problems == []
    assert _inputs(read) == _seed_inputs(WORK)
    _check_published(read, WORK, seed_expected)
    assert [row["row.name"].address for row in read.rows[3:5]] == ["D16", "D20"]


def test_a_header_row_typed_again_is_read_as_before_without_it(tmp_path: Path) -> None:
    """Without the skip, the repeated header was an indicator named 三级指标 (three errors, no total)."""

    def build(ws: Worksheet) -> None:
        cost_form(ws)
        insert_rows(ws, 14, 1, split_merges=False)
        for col, label in zip("ABCDEFGHI", HEADER, strict=True):
            ws[f"{col}14"] = label

    (plain,) = _read_all(handmade_book(tmp_path, cost_form, "plain.xlsx"), "职业培训补贴")
    (repeated,) = _read_all(handmade_book(tmp_path, build), "职业培训补贴")
    assert repeated.problems == []
    assert repeated.form.indicators == plain.form.indicators
    assert evaluate_form(repeated.form, PROFILE).total == evaluate_form(plain.form, PROFILE).total == D("98.97")
    assert "三级指标" not in [r.name for r in repeated.form.indicators]


# --- several forms on one sheet --------------------------------------------------------------------------


def test_two_seed_forms_stacked_on_one_sheet(tmp_path: Path, seed_expected: dict) -> None:
    firsts: list[int] = []

    def build(ws: Worksheet) -> None:
        firsts.extend(stacked_forms(ws, [lambda w: shanghai_form(w, WORK), lambda w: shanghai_form(w, EXAM)]))

    path = handmade_book(tmp_path, build)
    with XlsxBook(path) as book:
        assert find_forms(book) == ["汇总"]
        assert book.values(Ref.cell("汇总", firsts[1] + 2, 3)) == [[EXAM.name]]
    work, exam = _read_all(path, "汇总")
    assert work.problems == exam.problems == []
    assert _inputs(work) == _seed_inputs(WORK)
    assert _inputs(exam) == _seed_inputs(EXAM)
    _check_published(work, WORK, seed_expected)
    _check_published(exam, EXAM, seed_expected)
    # Every cell of the second form is its own, shifted by where it was pasted.
    shift = firsts[1] - 1
    assert shift == 37
    assert work.fields["total.score"].address == "H35"
    expected = {
        "project.name": "C3",
        "project.department": "C4",
        "project.unit": "G4",
        "goal.expected": "B11",
        "goal.actual": "F11",
        "funds.total.annual": "D6",
        "funds.fiscal.executed": "E7",
        "budget.weight": "F6",
        "budget.rate": "G6",
        "budget.score": "H6",
        "total.weight": "G25",
        "total.score": "H25",
    }
    for key, address in expected.items():
        alone = parse_reference(address, "汇总")
        assert exam.fields[key] == Ref.cell("汇总", alone.min_row + shift, alone.min_col), key
    assert exam.rows[0]["row.name"] == Ref.cell("汇总", 13 + shift, 4)
    assert exam.rows[-1]["row.score"] == Ref.cell("汇总", 24 + shift, 8)


def test_three_forms_of_different_layouts_stacked(tmp_path: Path, seed_expected: dict) -> None:
    def build(ws: Worksheet) -> None:
        stacked_forms(ws, [lambda w: shanghai_form(w, WORK), lambda w: moved_columns_form(w, EXAM), cost_form], gap=1)

    path = handmade_book(tmp_path, build)
    work, exam, cost = _read_all(path, "汇总")
    assert work.problems == exam.problems == cost.problems == []
    _check_published(work, WORK, seed_expected)
    _check_published(exam, EXAM, seed_expected)
    assert _inputs(exam) == _seed_inputs(EXAM)
    result = evaluate_form(cost.form, PROFILE)
    assert (cost.form.name, result.rate, result.total, result.grade) == (
        "职业培训补贴发放",
        D("0.95"),
        D("98.97"),
        "优",
    )
    assert [
        ref.min_row for ref in (work.fields["project.name"], exam.fields["project.name"], cost.fields["project.name"])
    ] == [3, 41, 73]
    # The footer of the second form (填报人, two rows below its 总分) is not the third form's.
    assert exam.fields["total.score"].min_row == 68
    assert cost.form.funds.stated_total.annual == D(1000000)


def test_the_single_form_reader_says_what_it_leaves(tmp_path: Path) -> None:
    def build(ws: Worksheet) -> None:
        stacked_forms(ws, [lambda w: shanghai_form(w, WORK), lambda w: shanghai_form(w, EXAM)])

    with XlsxBook(handmade_book(tmp_path, build)) as book:
        read = read_labelled_form(book, "汇总")
    assert read.form.name == WORK.name
    (problem,) = read.problems
    assert (problem.level, problem.code, problem.cell) == (Level.ERROR, "forms_not_read", "汇总!A1")
    assert problem.message == "工作表「汇总」中有 2 张自评表，只读取了第一张（项目名称在第 40 行的表未读取）"


def test_a_table_without_its_head_below_a_form_is_reported(tmp_path: Path) -> None:
    """Only the indicator table of a second project pasted below a form: an error names the sheet and the row."""

    def build(ws: Worksheet) -> None:
        stacked_forms(ws, [lambda w: shanghai_form(w, WORK), (lambda w: shanghai_form(w, EXAM), range(12, 26))])

    (read,) = _read_all(handmade_book(tmp_path, build), "汇总")
    assert len(read.form.indicators) == 22
    assert [(p.level, p.code, p.cell, p.message) for p in read.problems] == [
        (
            Level.ERROR,
            "form_unreadable",
            "汇总!A38",
            "工作表「汇总」第 38 行另有一张指标表，但其上方没有「项目名称」，未读取",
        )
    ]


def test_a_head_without_its_table_between_two_forms_is_reported(tmp_path: Path, seed_expected: dict) -> None:
    def build(ws: Worksheet) -> None:
        exam = lambda w: shanghai_form(w, EXAM)  # noqa: E731
        stacked_forms(ws, [lambda w: shanghai_form(w, WORK), (exam, range(1, 12)), exam])

    work, exam = _read_all(handmade_book(tmp_path, build), "汇总")
    assert work.problems == []
    _check_published(work, WORK, seed_expected)
    assert [(p.code, p.cell, p.message) for p in exam.problems] == [
        (
            "form_unreadable",
            "汇总!A40",
            "工作表「汇总」第 40 行的「项目名称」下方没有指标表（下一张表的「项目名称」在第 53 行），"
            "这部分未作为自评表读取",
        )
    ]
    _check_published(exam, EXAM, seed_expected)
    assert exam.fields["project.name"].address == "C53"


def test_a_head_without_its_table_below_the_last_form_is_reported(tmp_path: Path) -> None:
    def build(ws: Worksheet) -> None:
        stacked_forms(ws, [cost_form, (lambda w: shanghai_form(w, EXAM), range(1, 12))])

    (read,) = _read_all(handmade_book(tmp_path, build), "汇总")
    assert read.form.name == "职业培训补贴发放"
    assert [(p.code, p.cell, p.message) for p in read.problems] == [
        ("form_unreadable", "汇总!A22", "工作表「汇总」第 22 行的「项目名称」下方没有指标表，这部分未作为自评表读取")
    ]


# --- percentages typed as plain numbers ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("number", "reference", "percent", "certainty"),
    [
        ("88", "90", "88", Certainty.LIKELY),  # 88 typed for 88%: 8800% is not a percentage of that kind
        ("0.88", "90", "88", Certainty.AMBIGUOUS),  # 0.88% or 88%: nearer the target
        ("1", "100", "100", Certainty.AMBIGUOUS),  # =100% with 1: 100%, not 1%
        ("100", "100", "100", Certainty.LIKELY),
        ("120", "100", "120", Certainty.LIKELY),
        ("1.2", "100", "120", Certainty.AMBIGUOUS),
        ("2", "90", "200", Certainty.AMBIGUOUS),
        ("50", "90", "50", Certainty.LIKELY),
        ("1.5", "5", "1.5", Certainty.AMBIGUOUS),  # ≤5%: 1.5%, not 150%
        ("0.3", "5", "30", Certainty.AMBIGUOUS),
        ("0.5", "0", "0.5", Certainty.AMBIGUOUS),  # ≤0%: the figure
        ("-5", "10", "-5", Certainty.LIKELY),
        ("-0.05", "5", "-5", Certainty.AMBIGUOUS),
        ("250", "90", "250", Certainty.UNLIKELY),  # no reading is a likely percentage: the figure, to be checked
        ("3", "300", "300", Certainty.AMBIGUOUS),  # a target above 200% widens what is plausible
    ],
)
def test_the_rule_for_plain_numbers(number: str, reference: str, percent: str, certainty: Certainty) -> None:
    reading = read_plain_number(Decimal(number), Decimal(reference))
    assert (reading.percent, reading.certainty) == (Decimal(percent), certainty)
    assert reading.as_fraction is (reading.percent != Decimal(number))
    assert {reading.percent, reading.other} == {Decimal(number), Decimal(number) * 100}


@pytest.mark.parametrize(
    ("code", "kind"),
    [
        ("General", None),
        ("0%", PercentFormat.SCALED),
        ("0.00%", PercentFormat.SCALED),
        ('">="0%', PercentFormat.SCALED),
        ('0"%"', PercentFormat.LITERAL),
        ("0\\%", PercentFormat.LITERAL),
        ('General"次"', None),
        ('"%"0.0%', PercentFormat.SCALED),
        ("0;-0%", None),
    ],
)
def test_percent_formats(code: str, kind: PercentFormat | None) -> None:
    assert percent_format(code) is kind


@pytest.mark.parametrize(
    ("value", "code", "shown"),
    [
        (0.95, '">="0%', ">=95%"),
        (90, '0"%"', "90%"),
        (95, "0\\%", "95%"),
        (5, 'General"台"', "5台"),
        (0.95, '0%"以上"', "95%以上"),
        (0.5958, "0.00%", "59.58%"),
        (3, "General", "3"),
        (0, "0%", "0%"),
    ],
)
def test_numbers_shown_as_their_format_shows_them(value: float, code: str, shown: str) -> None:
    assert shown_number(value, code) == shown


def _percent_row(target: str, actual: object, code: str = "General") -> tuple[str, object, list[Finding]]:
    read = read_row_percentages("考生满意度", 0, target, actual, code)
    return read.target, read.actual, [finding for _, finding in read.findings]


def test_row_percentages_pass_what_the_core_is_to_read() -> None:
    assert _percent_row(">=90%", 88) == (
        ">=90%",
        "88%",
        [_finding(Level.INFO, "percent_read", "actual", "指标「考生满意度」的实际完成值「88」未带 %，按 88% 读取")],
    )
    assert _percent_row(">=90%", 0.88) == (
        ">=90%",
        0.88,
        [
            _finding(
                Level.WARNING,
                "percent_ambiguous",
                "actual",
                "指标「考生满意度」的实际完成值「0.88」未带 %，可读作 0.88% 或 88%，按 88% 读取；请改填为「88%」",
            )
        ],
    )
    assert _percent_row(">=90%", 250)[1:] == (
        "250%",
        [
            _finding(
                Level.WARNING,
                "percent_unlikely",
                "actual",
                "指标「考生满意度」的实际完成值「250」未带 %，按 250% 读取，请核对",
            )
        ],
    )
    # Certain: a % format (Excel's fraction, or a literal % after the figure), zero, a % typed, not a % row.
    assert _percent_row(">=90%", 0.88, "0%") == (">=90%", 0.88, [])
    assert _percent_row(">=90%", 88, '0"%"') == (">=90%", "88%", [])
    assert _percent_row("=100%", 0) == ("=100%", 0, [])
    assert _percent_row(">=90%", "88%") == (">=90%", "88%", [])
    assert _percent_row(">=3次", 18) == (">=3次", 18, [])
    assert _percent_row(">=3次", 88, '0"%"') == (">=3次", 88, [])
    assert _percent_row("完成", 1) == ("完成", 1, [])


def test_row_percentages_read_a_plain_target_by_its_actual() -> None:
    assert _percent_row("0.9", 0.88, "0%") == (
        "90%",
        0.88,
        [
            _finding(
                Level.WARNING,
                "percent_ambiguous",
                "target",
                "指标「考生满意度」的年度指标值「0.9」未带 %，可读作 0.9% 或 90%，按 90% 读取；请改填为「90%」",
            )
        ],
    )
    assert _percent_row(">=90", "88%") == (
        ">=90%",
        "88%",
        [_finding(Level.INFO, "percent_read", "target", "指标「考生满意度」的年度指标值「90」未带 %，按 90% 读取")],
    )
    assert _percent_row("90以上", 88, '0"%"')[:2] == ("90%以上", "88%")
    assert _percent_row("90", 88) == ("90", 88, [])  # neither side says %: as typed


def test_row_percentages_leave_text_to_the_core() -> None:
    """Text without % is the figure (rules.md §4): passed on as typed; the core warns where 100 times it is
    as likely (tests/test_cli_messages.py), whatever the source of the form."""
    assert _percent_row(">=90%", "0.88") == (">=90%", "0.88", [])
    assert _percent_row(">=90%", "88") == (">=90%", "88", [])


def _finding(level: Level, code: str, attribute: str, message: str) -> Finding:
    return Finding(level, code, f"indicators[0].{attribute}", message)


def test_percentages_typed_as_plain_numbers_in_a_hand_made_form(tmp_path: Path, seed_expected: dict) -> None:
    """The seed form with its percentages typed without % in General cells, a target typed as a number."""
    plain = {19: 0.97, 33: "90%", 34: 88, 14: 1, 22: 0, 15: 100}  # row → 实际完成值 typed

    def build(ws: Worksheet) -> None:
        shanghai_form(ws, WORK)
        for row, value in plain.items():
            ws[f"F{row}"] = value
        ws["E33"] = 0.9  # 受培训人员满意度 ">=90%" typed as 0.9 in a General cell, its actual as "90%"

    path = handmade_book(tmp_path, build)
    with XlsxBook(path) as book:
        assert book.number_formats(Ref(WORK.name, 33, 5, 34, 6)) == [["General"] * 2] * 2
        assert book.values(Ref.cell(WORK.name, 33, 5)) == [[0.9]]
        assert book.values(Ref.cell(WORK.name, 34, 6)) == [[88]]
    (read,) = _read_all(path, WORK.name)
    result = _check_published(read, WORK, seed_expected)
    rows = {r.input.name: r for r in result.indicators}
    assert (rows["考生满意度"].actual.value, rows["考生满意度"].actual.unit) == (D(88), "%")
    assert rows["考生满意度"].rule.score == to_decimal(seed_expected[WORK.name]["rule_scores"]["考生满意度"])
    assert rows["培训出勤率"].actual.value == D(97)
    assert rows["业务印刷工作完成率"].actual.value == D(100)
    assert rows["专家咨询工作完成率"].actual.value == D(100)
    assert rows["课题报告验收合格率"].actual.value == D(0)
    assert (rows["受培训人员满意度"].target.value, rows["受培训人员满意度"].target.unit) == (D(90), "%")
    assert rows["受培训人员满意度"].rule.score == D(5)
    sheet = WORK.name
    assert {(p.level, p.code, p.cell) for p in read.problems} == {
        (Level.WARNING, "percent_ambiguous", f"{sheet}!F19"),
        (Level.INFO, "percent_read", f"{sheet}!F34"),
        (Level.INFO, "percent_read", f"{sheet}!F15"),
        (Level.WARNING, "percent_ambiguous", f"{sheet}!F14"),
        (Level.WARNING, "percent_ambiguous", f"{sheet}!E33"),
    }
    messages = {p.cell: p.message for p in read.problems}
    assert messages[f"{sheet}!F14"] == (
        "指标「业务印刷工作完成率」的实际完成值「1」未带 %，可读作 1% 或 100%，按 100% 读取；请改填为「100%」"
    )
    assert messages[f"{sheet}!F34"] == "指标「考生满意度」的实际完成值「88」未带 %，按 88% 读取"
    assert read.actual_cells[-1] == 88  # what the cell holds, as before


# --- 等级 and the computed fields of every layout ------------------------------------------------------------


def _grade_row_beside(ws: Worksheet) -> None:
    cost_form(ws)  # 总分 in row 17: A 总分, G 100, H 98.97
    ws["I17"], ws["J17"] = "等级", "优"


def _grade_row_below(ws: Worksheet) -> None:
    total = shanghai_form(ws, WORK)
    ws[f"A{total + 1}"], ws[f"C{total + 1}"] = "自评等级", "良"
    ws.merge_cells(f"A{total + 1}:B{total + 1}")
    ws.merge_cells(f"C{total + 1}:I{total + 1}")


def _grade_two_rows(ws: Worksheet) -> None:
    total = shanghai_form(ws, WORK)
    ws[f"I{total}"], ws[f"I{total + 1}"] = "评价等级", "良"
    ws[f"A{total + 2}"] = "填报人："


def _grade_inline(ws: Worksheet) -> None:
    moved_columns_form(ws, EXAM)  # 总分 in row 32, 填报人 in row 34
    ws["J32"] = "绩效等级：优"


def _grade_without_label(ws: Worksheet) -> None:
    total = shanghai_form(ws, WORK)
    ws[f"I{total}"] = "良"


@pytest.mark.parametrize(
    ("build", "sheet", "address"),
    [
        (_grade_row_beside, "职业培训补贴", "J17"),
        (_grade_row_below, WORK.name, "C36"),
        (_grade_two_rows, WORK.name, "I36"),
        (_grade_inline, EXAM.name, "J32"),
        (_grade_without_label, WORK.name, "I35"),
    ],
)
def test_the_grade_cell(tmp_path: Path, build, sheet: str, address: str) -> None:
    (read,) = _read_all(handmade_book(tmp_path, build), sheet)
    assert read.problems == []
    assert read.fields["total.grade"] == parse_reference(address, sheet)


def test_no_grade_cell_when_there_is_none(tmp_path: Path) -> None:
    def build(ws: Worksheet) -> None:
        total = shanghai_form(ws, WORK)
        ws[f"I{total}"] = "评价等级"  # the label, with nothing beside or below it
        ws[f"A{total + 1}"] = "填报人：张三"

    (read,) = _read_all(handmade_book(tmp_path, build), WORK.name)
    assert read.fields["total.grade"].address == "J35"  # where it would be typed, right of the label
    (read,) = _read_all(handmade_book(tmp_path, lambda ws: shanghai_form(ws, WORK), "plain.xlsx"), WORK.name)
    assert "total.grade" not in read.fields


@pytest.mark.parametrize(
    ("build", "sheet", "fields"),
    [
        (lambda ws: shanghai_form(ws, WORK), WORK.name, ("G6", "H6", "H35")),
        (
            lambda ws: shanghai_form(ws, EXAM, percent_numbers=True, amounts_as_text=True),
            EXAM.name,
            ("G6", "H6", "H25"),
        ),
        (lambda ws: moved_columns_form(ws, EXAM), EXAM.name, ("G10", "I10", "I32")),
        (cost_form, "职业培训补贴", ("G5", "H5", "H17")),
    ],
)
def test_every_layout_has_its_computed_fields(tmp_path: Path, build, sheet: str, fields: tuple[str, ...]) -> None:
    (read,) = _read_all(handmade_book(tmp_path, build), sheet)
    assert tuple(read.fields[key].address for key in ("budget.rate", "budget.score", "total.score")) == fields


# --- a sheet's extent is no cost: values and merges far away ---------------------------------------------------


@pytest.mark.slow
def test_a_value_in_the_last_cell_and_a_huge_merge_do_not_make_a_vast_grid(tmp_path: Path, seed_expected: dict) -> None:
    """A stray value in XFD1048576 and a merge over 17 billion cells: read as the cells present (a dense read
    of the used range would never end). Run in a process with a time limit, so that a regression fails
    instead of hanging the suite."""
    import json
    import re
    import subprocess
    import sys
    import zipfile

    def build(ws: Worksheet) -> None:
        shanghai_form(ws, WORK)
        ws["XFD1048576"] = "备注"
        ws["K40"] = "附件"

    path = handmade_book(tmp_path, build)
    with zipfile.ZipFile(path) as source:
        parts = {info.filename: source.read(info) for info in source.infolist()}
    sheet = parts["xl/worksheets/sheet1.xml"].decode()
    # openpyxl would take minutes to make such a merge: write it into the sheet's XML as Excel would.
    sheet = re.sub(r"<mergeCells[^>]*>", lambda m: m.group(0) + '<mergeCell ref="K40:XFD1048576"/>', sheet, count=1)
    parts["xl/worksheets/sheet1.xml"] = sheet.encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in parts.items():
            target.writestr(name, data)
    run = subprocess.run(
        [sys.executable, "-m", "perfxl", "check", str(path), "--json"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    (form,) = json.loads(run.stdout)["forms"]
    assert form["total"] == seed_expected[WORK.name]["total"]

"""The 复核表 writer and the reader of a reviewed one (perfxl.batch.review_table, perfxl.batch.reviewer_input).

The forms are the two seed forms evaluated by the core, and a variant of 业务工作经历 in another 实施单位 with
a pseudo-quantitative 效益 target (pseudo_quantitative deducts 30%) and an indicator without an actual (no
score: its form has no 复核总分). The workbooks are read back with openpyxl, an independent reader; the
reviewer's entries are typed with openpyxl as Excel would save them.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from perfxl.batch.model import FileProblem
from perfxl.batch.review_table import (
    FEEDBACK_PREFIX,
    FORM_COLUMNS,
    FORM_SHEET,
    INDICATOR_COLUMNS,
    INDICATOR_SHEET,
    NOTES_SHEET,
    final_total,
    review_order,
    write_review_table,
)
from perfxl.batch.reviewer_input import match_entries, read_reviewed_table
from perfxl.cli import bundled_example
from perfxl.core.form import FormInput, evaluate_form
from perfxl.core.numbers import round_half_up
from perfxl.errors import InputError
from perfxl.projectlist import load_project_list
from perfxl.review import Review, ReviewedForm, load_rulebook, review_forms
from perfxl.review.model import form_key, indicator_key

GENERATED = dt.datetime(2023, 4, 10, 9, 0)
OTHER_UNIT = "上海市就业促进中心"
PSEUDO, UNSCORED = "培训工作开展情况", "设备购置数量"
HEADER_ROW, FIRST = 3, 4  # 1-based
INDICATOR_HEADINGS = [
    "表号",
    "主管部门",
    "实施单位",
    "项目",
    "一级指标",
    "二级指标",
    "三级指标",
    "年度指标值",
    "实际完成值",
    "分值",
    "自评得分",
    "建议复核得分",
    "差异",
    "复核意见",
    "复核得分",
    "佐证材料",
    "复核说明",
    "最终得分",
]
FORM_HEADINGS = [
    "表号",
    "主管部门",
    "实施单位",
    "项目",
    "预算执行率得分",
    "自评总分",
    "复核总分",
    "差异",
    "自评等级",
    "复核等级",
    "复核意见",
    "文件",
    "工作表",
]
ICOL = {key: openpyxl.utils.get_column_letter(i + 1) for i, key in enumerate(INDICATOR_COLUMNS)}
FCOL = {key: openpyxl.utils.get_column_letter(i + 1) for i, key in enumerate(FORM_COLUMNS)}
EXCEL_2010_FUNCTIONS = {"IF", "ISNUMBER", "OR", "NOT", "COUNTIFS", "SUMIFS", "ROUND"}


def _variant(form: FormInput) -> FormInput:
    rows = []
    for row in form.indicators:
        if row.name == PSEUDO:
            row = dataclasses.replace(row, target="效果明显", actual="效果明显")
        elif row.name == UNSCORED:
            row = dataclasses.replace(row, actual=None, score=None)
        rows.append(row)
    return dataclasses.replace(form, unit=OTHER_UNIT, indicators=tuple(rows))


@pytest.fixture(scope="module")
def review() -> Review:
    seed = load_project_list(bundled_example())
    forms = [*seed.forms, _variant(seed.forms[0])]
    return review_forms([ReviewedForm(evaluate_form(f, seed.profile), "清单.yaml") for f in forms])


@pytest.fixture(scope="module")
def table(review: Review, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("review") / "复核表.xlsx"
    write_review_table(
        path, review, [FileProblem("坏.xlsx", "不是有效的 Excel 工作簿")], year=2022, generated=GENERATED
    )
    return path


def _rows(path: Path, sheet: str, data_only: bool = False) -> list[dict[str, object]]:
    ws = openpyxl.load_workbook(path, data_only=data_only)[sheet]
    header = [c.value for c in ws[HEADER_ROW]]
    return [
        dict(zip(header, (c.value for c in row), strict=True))
        for row in ws.iter_rows(min_row=FIRST)
        if row[0].value is not None
    ]


def _number(value: object) -> Decimal | None:
    return None if value in (None, "") else Decimal(str(value))


# -- the writer ------------------------------------------------------------------------------------------


def test_the_indicator_sheet_has_every_column_and_one_row_per_indicator(table: Path, review: Review) -> None:
    ws = openpyxl.load_workbook(table)[INDICATOR_SHEET]
    assert [c.value for c in ws[HEADER_ROW]] == INDICATOR_HEADINGS
    assert ws["A1"].value == "2022 年度项目支出绩效自评复核表"
    rows = _rows(table, INDICATOR_SHEET, data_only=True)
    assert len(rows) == sum(len(f.indicators) for f in review.forms)
    forms = review_order(review.forms)
    expected = [(number, form, row) for number, form in enumerate(forms, 1) for row in form.indicators]
    for got, (number, form, row) in zip(rows, expected, strict=True):
        typed = form.result.form
        assert (got["表号"], got["主管部门"], got["实施单位"], got["项目"]) == (
            number,
            typed.department,
            typed.unit,
            typed.name,
        )
        assert (got["一级指标"], got["二级指标"], got["三级指标"], got["年度指标值"]) == (
            row.input.level1,
            row.input.level2,
            row.input.name,
            row.input.target,
        )
        assert got["实际完成值"] == (row.result.actual.text or None)
        assert _number(got["分值"]) == row.weight
        assert _number(got["自评得分"]) == row.self_score
        assert _number(got["建议复核得分"]) == row.suggested
        assert _number(got["差异"]) == row.difference
        assert _number(got["最终得分"]) == row.suggested  # the cached value: no reviewer score yet
        assert (got["复核得分"], got["佐证材料"], got["复核说明"]) == (None, None, None)
        for finding in row.findings:
            assert finding.message in got["复核意见"]
        if not row.findings:
            assert got["复核意见"] is None


def test_the_pseudo_quantitative_row_shows_the_deduction_and_its_reason(table: Path) -> None:
    row = next(
        r for r in _rows(table, INDICATOR_SHEET, True) if r["实施单位"] == OTHER_UNIT and r["三级指标"] == PSEUDO
    )
    assert (row["自评得分"], row["建议复核得分"], row["差异"]) == (10, 7, -3)
    assert "效果明显" in row["复核意见"]


def test_only_the_reviewers_columns_are_unlocked_and_the_sheets_are_protected(table: Path) -> None:
    book = openpyxl.load_workbook(table)
    ws = book[INDICATOR_SHEET]
    assert ws.protection.sheet and not ws.protection.password
    assert book[FORM_SHEET].protection.sheet
    open_columns = {ICOL[k] for k in ("review_score", "evidence", "note")}
    for row in range(FIRST, ws.max_row + 1):
        for col, letter in enumerate(ICOL.values(), start=1):
            assert ws.cell(row, col).protection.locked is (letter not in open_columns), f"{letter}{row}"
    assert ws[f"{ICOL['name']}{HEADER_ROW}"].protection.locked


def test_the_reviewers_columns_are_validated(table: Path) -> None:
    ws = openpyxl.load_workbook(table)[INDICATOR_SHEET]
    last = ws.max_row
    validations = {str(v.sqref): v for v in ws.data_validations.dataValidation}
    score = validations[f"{ICOL['review_score']}{FIRST}:{ICOL['review_score']}{last}"]
    assert (score.type, score.formula1, score.formula2) == ("decimal", "0", f"${ICOL['weight']}{FIRST}")
    assert score.operator in (None, "between") and score.showErrorMessage
    evidence = validations[f"{ICOL['evidence']}{FIRST}:{ICOL['evidence']}{last}"]
    assert (evidence.type, evidence.formula1) == ("list", '"有,无"')


def test_the_form_sheet_has_totals_and_grades_before_and_after(table: Path, review: Review) -> None:
    ws = openpyxl.load_workbook(table)[FORM_SHEET]
    assert [c.value for c in ws[HEADER_ROW]] == FORM_HEADINGS
    rows = _rows(table, FORM_SHEET, data_only=True)
    for got, form in zip(rows, review_order(review.forms), strict=True):
        assert got["项目"] == form.result.form.name
        assert _number(got["预算执行率得分"]) == form.result.budget_score
        assert _number(got["自评总分"]) == form.self_total
        assert _number(got["复核总分"]) == form.review_total
        assert _number(got["差异"]) == form.difference
        assert got["自评等级"] == form.self_grade
        assert (got["复核等级"] or None) == form.review_grade
        for finding in form.findings:
            assert finding.message in got["复核意见"]
    totals = {r["实施单位"]: r["复核总分"] for r in rows}
    assert totals[OTHER_UNIT] in (None, "")  # an indicator without a score: no 复核总分, as the core says


def test_the_totals_are_formulas_of_excel_2010_functions_over_the_indicator_rows(table: Path) -> None:
    ws = openpyxl.load_workbook(table)[FORM_SHEET]
    formulas = [ws[f"{FCOL[k]}{FIRST}"].value for k in ("review_total", "difference", "review_grade")]
    assert all(isinstance(f, str) and f.startswith("=") for f in formulas)
    assert "SUMIFS(" in formulas[0] and "ROUND(" in formulas[0] and INDICATOR_SHEET in formulas[0]
    assert formulas[2].count("IF(") == 4 and ">=90" in formulas[2] and ">=80" in formulas[2]
    indicators = openpyxl.load_workbook(table)[INDICATOR_SHEET]
    formulas.append(indicators[f"{ICOL['final']}{FIRST}"].value)
    used = {name for f in formulas for name in re.findall(r"([A-Z][A-Z0-9.]*)\(", f)}
    assert used <= EXCEL_2010_FUNCTIONS, used


def test_the_notes_sheet_lists_the_rules_in_force_and_the_grade_thresholds(tmp_path: Path, review: Review) -> None:
    rulebook = load_rulebook().with_overrides({"rules": {"reason_quality": {"enabled": False}}}, name="本局规则")
    path = write_review_table(tmp_path / "t.xlsx", dataclasses.replace(review, rulebook=rulebook))
    ws = openpyxl.load_workbook(path)[NOTES_SHEET]
    cells = [[c.value for c in row] for row in ws.iter_rows()]
    codes = [row[0] for row in cells[HEADER_ROW:] if row[0] in {r.code for r in rulebook.rules.values()}]
    assert codes == [rule.code for rule in rulebook.in_force] and "reason_quality" not in codes
    framework = next(row for row in cells if row[0] == "framework")
    assert framework[1] == rulebook.rule("framework").description
    assert framework[2:] == ["错误", "扣减分值的100%"]
    text = "\n".join(str(v) for row in cells for v in row if v)
    assert "复核规则「本局规则」" in text
    assert "优≥90，良≥80，中≥60，差<60" in text
    assert "复核得分" in text and "佐证材料" in text and "复核说明" in text


def test_unusable_files_are_listed_in_their_own_sheet(table: Path) -> None:
    book = openpyxl.load_workbook(table)
    assert book.sheetnames == [INDICATOR_SHEET, FORM_SHEET, "无法读取的文件", NOTES_SHEET]
    values = [c.value for row in book["无法读取的文件"].iter_rows() for c in row]
    assert "坏.xlsx" in values


def test_the_table_is_marked_as_perfxls_review(table: Path) -> None:
    from perfxl.batch.marks import REVIEW, workbook_mark

    mark = workbook_mark(table)
    assert mark is not None and mark.kind == REVIEW and not mark.edited and mark.name == "复核表"


# -- the reviewer's second pass ----------------------------------------------------------------------


def _fill(table: Path, target: Path, entries: dict[tuple[str, str], dict[str, object]], *, swap: bool = False) -> Path:
    """Type entries into the open columns by (实施单位, 三级指标); ``swap``: then exchange the first two rows
    entirely (every cell), so that rows are no longer where the writer put them."""
    book = openpyxl.load_workbook(table)
    ws = book[INDICATOR_SHEET]
    for row in range(FIRST, ws.max_row + 1):
        key = (ws[f"{ICOL['unit']}{row}"].value, ws[f"{ICOL['name']}{row}"].value)
        for field, value in entries.get(key, {}).items():
            ws[f"{ICOL[field]}{row}"] = value
    if swap:
        for col in range(1, len(ICOL) + 1):
            a, b = ws.cell(FIRST, col), ws.cell(FIRST + 1, col)
            a.value, b.value = b.value, a.value
    book.save(target)
    return target


HR_UNIT = "上海市职业技能鉴定中心"


def test_entries_round_trip_by_keys_not_rows(table: Path, review: Review, tmp_path: Path) -> None:
    filled = _fill(
        table,
        tmp_path / "filled.xlsx",
        {
            (HR_UNIT, "考务人员安排完成率"): {"review_score": 3, "note": "无签到记录"},
            (HR_UNIT, "命题组卷工作完成率"): {"evidence": "无"},
            (HR_UNIT, "培训出勤率"): {"review_score": 3, "evidence": "有"},
        },
        swap=True,
    )
    read = read_reviewed_table(filled, "filled.xlsx")
    assert read.problems == []
    by_name = {key.indicator: entry for key, entry in read.entries.items() if key.form.unit == HR_UNIT}
    assert by_name["考务人员安排完成率"].score == 3 and by_name["考务人员安排完成率"].note == "无签到记录"
    assert by_name["命题组卷工作完成率"].evidence == "无" and by_name["命题组卷工作完成率"].score is None
    assert by_name["培训出勤率"].evidence == "有"
    assert len(read.entries) == sum(len(f.indicators) for f in review.forms)
    assert {k.indicator for k in read.no_evidence} == {"命题组卷工作完成率"}
    matched = match_entries(review, read)
    assert (matched.problems, matched.unreviewed, matched.gone) == ([], [], [])

    # The second pass: no_evidence from the reviewer's marks, the reviewer's scores kept, totals recomputed.
    forms = [f.reviewed for f in review.forms]
    again = review_forms(forms, review.rulebook, no_evidence=read.no_evidence)
    final = write_review_table(tmp_path / "final.xlsx", again, entries=read.entries, generated=GENERATED)
    exam = next(f for f in again.forms if f.result.form.name == "鉴定考务经费")
    # 考务人员安排完成率 7 → 3 (typed), 命题组卷工作完成率 7 → 0 (no evidence): 92.57 − 11
    assert final_total(exam, read.entries) == Decimal("81.57")
    rows = {r["项目"]: r for r in _rows(final, FORM_SHEET, data_only=True)}
    assert _number(rows["鉴定考务经费"]["复核总分"]) == Decimal("81.57")
    assert rows["鉴定考务经费"]["复核等级"] == "良" and _number(rows["鉴定考务经费"]["差异"]) == Decimal("-11")
    kept = {r["三级指标"]: r for r in _rows(final, INDICATOR_SHEET, True) if r["项目"] == "鉴定考务经费"}
    assert (kept["考务人员安排完成率"]["复核得分"], kept["考务人员安排完成率"]["复核说明"]) == (3, "无签到记录")
    assert kept["考务人员安排完成率"]["最终得分"] == 3
    assert kept["命题组卷工作完成率"]["佐证材料"] == "无" and kept["命题组卷工作完成率"]["建议复核得分"] == 0

    # The final table's entries read back as they were typed (a third pass starts from them).
    def typed(entries: dict) -> dict:
        return {k: (e.score, e.evidence, e.note) for k, e in entries.items()}

    assert typed(read_reviewed_table(final, "final.xlsx").entries) == typed(read.entries)


def test_the_final_table_has_a_feedback_sheet_per_unit(table: Path, review: Review, tmp_path: Path) -> None:
    filled = _fill(
        table, tmp_path / "filled.xlsx", {(HR_UNIT, "考务人员安排完成率"): {"review_score": 5, "note": "签到不全"}}
    )
    read = read_reviewed_table(filled, "filled.xlsx")
    final = write_review_table(tmp_path / "final.xlsx", review, entries=read.entries)
    book = openpyxl.load_workbook(final, data_only=True)
    assert book.sheetnames == [  # units in pinyin order: 就 (jiu) before 职 (zhi)
        INDICATOR_SHEET,
        FORM_SHEET,
        f"{FEEDBACK_PREFIX}{OTHER_UNIT}",
        f"{FEEDBACK_PREFIX}{HR_UNIT}",
        NOTES_SHEET,
    ]
    hr = [[c.value for c in row] for row in book[f"{FEEDBACK_PREFIX}{HR_UNIT}"].iter_rows()]
    assert hr[0][0] == f"{HR_UNIT}：绩效自评复核反馈"
    projects = [row[0] for row in hr[3:5]]
    assert sorted(projects) == ["业务工作经历", "鉴定考务经费"]
    changed = [row for row in hr if row[3] == "考务人员安排完成率"]
    assert changed == [["鉴定考务经费", "产出指标", "数量指标", "考务人员安排完成率", 7, 7, 5, -2, "签到不全"]]
    other = [[c.value for c in row] for row in book[f"{FEEDBACK_PREFIX}{OTHER_UNIT}"].iter_rows()]
    pseudo = next(row for row in other if row[3] == PSEUDO)
    assert pseudo[4:8] == [10, 10, 7, -3] and "效果明显" in pseudo[8]  # the rule's message is the reason


def test_long_unit_names_give_valid_unique_feedback_sheets(review: Review, tmp_path: Path) -> None:
    long = "上海市人力资源和社会保障局职业技能鉴定中心第一分中心"
    forms = []
    for index, reviewed in enumerate(f.reviewed for f in review.forms):
        typed = dataclasses.replace(reviewed.form, unit=f"{long}{index}", name=f"项目{index}")
        forms.append(ReviewedForm(evaluate_form(typed, reviewed.result.profile), "x.yaml"))
    path = write_review_table(tmp_path / "t.xlsx", review_forms(forms), entries={})
    names = openpyxl.load_workbook(path).sheetnames
    feedback = [n for n in names if n.startswith(FEEDBACK_PREFIX)]
    assert len(feedback) == 3 and len(set(feedback)) == 3 and all(len(n) <= 31 for n in feedback)


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ({"review_score": "八分"}, "复核得分「八分」不是数字"),
        ({"review_score": -1, "note": "x"}, "为负数"),
        ({"review_score": 7.5, "note": "x"}, "超过分值 7"),
        ({"review_score": 4}, "低于建议复核得分 7，须在“复核说明”中写明理由"),
        ({"review_score": 4.125, "note": "x"}, "小数位数超过评分配置的 2 位"),
        ({"evidence": "缺"}, "佐证材料应为「有」或「无」，当前为「缺」"),
    ],
)
def test_each_reviewer_input_error_names_its_cell(
    table: Path, review: Review, tmp_path: Path, entry: dict[str, object], message: str
) -> None:
    filled = _fill(table, tmp_path / "filled.xlsx", {(HR_UNIT, "考务人员安排完成率"): entry})
    matched = match_entries(review, read_reviewed_table(filled, "filled.xlsx"))
    assert len(matched.problems) == 1, matched.problems
    problem = matched.problems[0]
    assert message in problem.message and problem.project == "鉴定考务经费"
    ws = openpyxl.load_workbook(filled)[INDICATOR_SHEET]
    row = next(r for r in range(FIRST, ws.max_row + 1) if ws[f"{ICOL['name']}{r}"].value == "考务人员安排完成率")
    column = ICOL["evidence"] if "evidence" in entry else ICOL["review_score"]
    assert problem.field == f"{INDICATOR_SHEET}!{column}{row}"


def test_a_score_equal_to_the_suggestion_or_higher_needs_no_reason(table: Path, review: Review, tmp_path: Path) -> None:
    filled = _fill(
        table,
        tmp_path / "f.xlsx",
        {(OTHER_UNIT, PSEUDO): {"review_score": 7}, (HR_UNIT, "考生满意度"): {"review_score": 5}},
    )
    assert match_entries(review, read_reviewed_table(filled, "f.xlsx")).problems == []


def test_a_repeated_row_is_an_error(table: Path, tmp_path: Path) -> None:
    book = openpyxl.load_workbook(table)
    ws = book[INDICATOR_SHEET]
    for col in range(1, len(ICOL) + 1):
        ws.cell(FIRST + 1, col).value = ws.cell(FIRST, col).value
    book.save(tmp_path / "twice.xlsx")
    read = read_reviewed_table(tmp_path / "twice.xlsx", "twice.xlsx")
    assert len(read.problems) == 1 and "重复" in read.problems[0].message
    assert read.problems[0].field == f"{INDICATOR_SHEET}!{ICOL['name']}{FIRST + 1}"


def test_forms_missing_from_the_table_and_rows_whose_form_is_gone_are_listed(
    table: Path, review: Review, tmp_path: Path
) -> None:
    read = read_reviewed_table(table, "t.xlsx")
    seed = load_project_list(bundled_example())
    renamed = dataclasses.replace(seed.forms[1], name="鉴定考务经费（更正）")
    dropped = [f.reviewed for f in review.forms if f.result.form.name != "鉴定考务经费"]
    now = review_forms([*dropped, ReviewedForm(evaluate_form(renamed, seed.profile), "新.xlsx", "鉴定考务经费")])
    matched = match_entries(now, read)
    assert matched.problems == []
    assert matched.unreviewed == [f"{HR_UNIT} · 鉴定考务经费（更正）（新.xlsx · 鉴定考务经费）"]
    assert len(matched.gone) == len(seed.forms[1].indicators)
    assert all("没有项目「鉴定考务经费」" in line for line in matched.gone)


def test_an_indicator_renamed_since_is_a_row_whose_indicator_is_gone(table: Path, review: Review) -> None:
    read = read_reviewed_table(table, "t.xlsx")
    first = review.forms[0].reviewed
    rows = [dataclasses.replace(r, name="新指标") if i == 0 else r for i, r in enumerate(first.form.indicators)]
    changed = ReviewedForm(evaluate_form(dataclasses.replace(first.form, indicators=rows), first.result.profile), "x")
    now = review_forms([changed, *(f.reviewed for f in review.forms[1:])])
    gone = match_entries(now, read).gone
    assert len(gone) == 1 and f"已没有三级指标「{first.form.indicators[0].name}」" in gone[0]


def test_keys_fold_full_width_and_spaces(review: Review) -> None:
    typed = review.forms[0].result.form
    spaced = dataclasses.replace(typed, unit=f" {typed.unit}　", name=typed.name.replace("经", "经 "))
    assert form_key(spaced) == form_key(typed)
    assert indicator_key(spaced, typed.indicators[0]) == indicator_key(typed, typed.indicators[0])


def test_a_file_that_is_no_review_table_is_refused_in_chinese(tmp_path: Path) -> None:
    other = openpyxl.Workbook()
    other.active.title = "汇总表"
    other.save(tmp_path / "other.xlsx")
    with pytest.raises(InputError, match="没有「指标复核」工作表"):
        read_reviewed_table(tmp_path / "other.xlsx", "other.xlsx")
    headless = openpyxl.Workbook()
    headless.active.title = INDICATOR_SHEET
    headless.active["A3"] = "表号"
    headless.save(tmp_path / "headless.xlsx")
    with pytest.raises(InputError, match="缺少「主管部门」列"):
        read_reviewed_table(tmp_path / "headless.xlsx", "headless.xlsx")
    (tmp_path / "text.xlsx").write_text("not a workbook", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read_reviewed_table(tmp_path / "text.xlsx", "text.xlsx")
    assert "text.xlsx" in caught.value.render()
    with pytest.raises(InputError, match="文件不存在"):
        read_reviewed_table(tmp_path / "missing.xlsx", "missing.xlsx")


def test_round_half_up_matches_the_totals_formula_rounding(review: Review) -> None:
    """The core rounds 复核总分 with half-up, as Excel's ROUND: the cached values are the formula's results."""
    form = review.forms[0]
    summed = form.result.budget_score + sum(r.suggested for r in form.indicators)
    assert form.review_total == round_half_up(summed, form.result.profile.score_decimals)


@pytest.mark.slow
def test_a_table_of_a_thousand_forms_is_read_back_beyond_the_part_limit(tmp_path: Path) -> None:
    """17,000 indicator rows make a sheet part beyond the 8 MB XlsxBook parses whole: it is streamed."""
    import zipfile

    from perfxl.limits import MAX_PART_BYTES

    seed = load_project_list(bundled_example())
    forms = []
    for i in range(1000):
        typed = dataclasses.replace(seed.forms[i % 2], unit=f"单位{i // 10}", name=f"项目{i}")
        forms.append(ReviewedForm(evaluate_form(typed, seed.profile), f"{i}.xlsx"))
    review = review_forms(forms)
    path = write_review_table(tmp_path / "big.xlsx", review)
    with zipfile.ZipFile(path) as archive:
        assert archive.getinfo("xl/worksheets/sheet1.xml").file_size > MAX_PART_BYTES
    read = read_reviewed_table(path, "big.xlsx")
    assert len(read.entries) == 17_000 and read.problems == []
    matched = match_entries(review, read)
    assert (matched.problems, matched.unreviewed, matched.gone) == ([], [], [])

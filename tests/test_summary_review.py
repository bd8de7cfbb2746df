"""``perfxl summary --reviewed``: the 汇总表 shows the 复核总分 and 复核等级 that ``perfxl review --reviewed`` writes
in its final 复核表 for the same forms and table, with their totals and the grade distribution before and after;
a table whose 建议复核得分 is not this run's is refused in both commands; without ``--reviewed`` the summary is
as before. The reviewed tables are made by ``perfxl review`` on the bundled example's generated forms and filled
in with openpyxl, as a reviewer would in Excel."""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
import pytest

from perfxl.batch.review_table import INDICATOR_COLUMNS, INDICATOR_SHEET
from perfxl.batch.summary import SUMMARY_COLUMNS
from perfxl.cli import bundled_example, main
from perfxl.generate import generate

ICOL = {key: openpyxl.utils.get_column_letter(i + 1) for i, key in enumerate(INDICATOR_COLUMNS)}
FIRST = 4  # the first data row of 指标复核, 项目复核 and 汇总表
# What the reviewer types: a score lowered (with its reason), one raised, and an indicator without evidence.
TYPED = {
    ("鉴定考务经费", "考务人员安排完成率"): {"review_score": 3, "note": "无签到记录，按实际到岗认定"},
    ("鉴定考务经费", "考生满意度"): {"review_score": 5},
    ("业务工作经历", "专家咨询工作完成率"): {"evidence": "无"},
}


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("generated") / "forms"
    generate(bundled_example(), folder)
    return folder


@pytest.fixture
def forms(generated: Path, tmp_path: Path) -> Path:
    folder = tmp_path / "forms"
    shutil.copytree(generated, folder)
    return folder


def run(capsys: pytest.CaptureFixture[str], *args: object) -> tuple[int, str]:
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out + err


def fill_in(table: Path, target: Path, typed: dict[tuple[str, str], dict[str, object]] = TYPED) -> Path:
    book = openpyxl.load_workbook(table)
    ws = book[INDICATOR_SHEET]
    for row in range(FIRST, ws.max_row + 1):
        key = (ws[f"{ICOL['project']}{row}"].value, ws[f"{ICOL['name']}{row}"].value)
        for column, value in typed.get(key, {}).items():
            ws[f"{ICOL[column]}{row}"] = value
    book.save(target)
    return target


def reviewed_table(capsys: pytest.CaptureFixture[str], sources: Path, folder: Path) -> Path:
    code, out = run(capsys, "review", sources, "-o", folder / "复核表.xlsx")
    assert code == 0, out
    return fill_in(folder / "复核表.xlsx", folder / "已复核.xlsx")


def rows(path: Path, sheet: str) -> list[dict[str, object]]:
    """The table's rows (cached values) by heading, the totals row included."""
    ws = openpyxl.load_workbook(path, data_only=True)[sheet]
    header = [c.value for c in ws[FIRST - 1]]
    return [
        dict(zip(header, row, strict=True))
        for row in ws.iter_rows(min_row=FIRST, values_only=True)
        if row[0] is not None
    ]


def grade_distribution(path: Path) -> list[tuple[object, ...]]:
    ws = openpyxl.load_workbook(path, data_only=True)["图表"]
    return [row for row in ws.iter_rows(min_row=2, max_row=6, max_col=3, values_only=True)]


def test_the_summary_shows_the_final_tables_review_totals(
    forms: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    filled = reviewed_table(capsys, forms, tmp_path)
    code, out = run(capsys, "review", forms, "--reviewed", filled, "-o", tmp_path / "最终.xlsx")
    assert code == 1, out  # the indicator marked 无 is an error-level finding of the review
    assert "最终复核表已写入" in out
    final = {r["项目"]: (r["复核总分"], r["复核等级"]) for r in rows(tmp_path / "最终.xlsx", "项目复核")}
    # Lowered by 4 and raised by 1; the indicator without evidence (5 points) scores nothing.
    assert final == {"鉴定考务经费": (89.57, "良"), "业务工作经历": (84.96, "良")}

    code, out = run(capsys, "summary", forms, "--reviewed", filled, "-o", tmp_path / "汇总.xlsx")
    assert code == 0, out
    assert "含复核结果（复核规则「default」）" in out
    table = rows(tmp_path / "汇总.xlsx", "汇总表")
    *projects, totals = table
    assert {r["项目名称"]: (r["复核总分"], r["复核等级"]) for r in projects} == final
    headings = list(table[0])
    assert headings[headings.index("等级") + 1 : headings.index("等级") + 3] == ["复核总分", "复核等级"]
    assert totals["序号"] == "合计"
    assert totals["总分"] == 91.27 and totals["等级"] == "优 1\n良 1\n中 0\n差 0"
    assert totals["复核总分"] == 87.27 and totals["复核等级"] == "优 0\n良 2\n中 0\n差 0"
    assert grade_distribution(tmp_path / "汇总.xlsx") == [
        ("等级", "自评", "复核后"),
        ("优", 1, 0),
        ("良", 1, 2),
        ("中", 0, 0),
        ("差", 0, 0),
    ]
    notes = {r["列"]: r["说明"] for r in rows(tmp_path / "汇总.xlsx", "说明")}
    assert "复核规则「default」" in notes["复核总分、复核等级"]
    assert "已复核.xlsx" in notes["复核总分、复核等级"]
    assert "复核等级为复核后各等级的项目数" in notes["合计行"]


def test_a_form_not_in_the_table_has_a_blank_review_total_and_is_listed(
    forms: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    filled = reviewed_table(capsys, forms / "2022_鉴定考务经费.xlsm", tmp_path)
    code, out = run(capsys, "summary", forms, "--reviewed", filled, "-o", tmp_path / "汇总.xlsx")
    assert code == 1, out
    assert "[未复核] 上海市职业技能鉴定中心 · 业务工作经历" in out and "复核总分留空" in out
    *projects, totals = rows(tmp_path / "汇总.xlsx", "汇总表")
    assert {r["项目名称"]: (r["复核总分"], r["复核等级"]) for r in projects} == {
        "鉴定考务经费": (89.57, "良"),
        "业务工作经历": (None, None),
    }
    assert totals["复核总分"] == 89.57 and totals["复核等级"] == "优 0\n良 1\n中 0\n差 0"
    assert grade_distribution(tmp_path / "汇总.xlsx")[1:3] == [("优", 1, 0), ("良", 1, 1)]


@pytest.mark.parametrize("command", ["summary", "review"])
def test_a_suggested_score_that_is_not_this_runs_is_refused(
    command: str, forms: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    filled = reviewed_table(capsys, forms, tmp_path)
    book = openpyxl.load_workbook(filled)
    ws = book[INDICATOR_SHEET]
    row = next(r for r in range(FIRST, ws.max_row + 1) if ws[f"{ICOL['name']}{r}"].value == "考务工作完成情况")
    assert ws[f"{ICOL['suggested']}{row}"].value == 12
    ws[f"{ICOL['suggested']}{row}"] = 10.5  # as a table made with a stricter rulebook would have it
    book.save(filled)
    target = tmp_path / "输出.xlsx"
    code, out = run(capsys, command, forms, "--reviewed", filled, "-o", target)
    assert code == 2, out
    assert f"{INDICATOR_SHEET}!{ICOL['suggested']}{row}" in out
    assert (
        "复核表中的建议复核得分 10.5 与本次按复核规则计算的 12 不同："
        "请使用生成该复核表时的复核规则（--rules）和同样的自评表" in out
    )
    assert not target.exists()


def test_the_first_pass_tables_suggestion_stands_where_the_reviewer_marks_no_evidence(
    forms: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Marked 无, the row's suggestion drops to 0 in this run; the table's (5, from before the mark) is not a
    different rulebook, and the final table (with 0) read back again agrees too."""
    filled = reviewed_table(capsys, forms, tmp_path)
    code, out = run(capsys, "review", forms, "--reviewed", filled, "-o", tmp_path / "最终.xlsx")
    assert code == 1 and "最终复核表已写入" in out, out
    code, out = run(capsys, "summary", forms, "--reviewed", tmp_path / "最终.xlsx", "-o", tmp_path / "汇总.xlsx")
    assert code == 0, out
    *projects, _ = rows(tmp_path / "汇总.xlsx", "汇总表")
    assert {r["项目名称"]: r["复核总分"] for r in projects} == {"鉴定考务经费": 89.57, "业务工作经历": 84.96}


def test_rules_without_a_reviewed_table_and_outputs_over_inputs_are_refused(
    forms: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rules = tmp_path / "规则.yaml"
    rules.write_text("base: default\n", encoding="utf-8")
    code, out = run(capsys, "summary", forms, "--rules", rules, "-o", tmp_path / "汇总.xlsx")
    assert code == 2 and "--rules 只与 --reviewed 一起使用" in out
    filled = reviewed_table(capsys, forms, tmp_path)
    code, out = run(capsys, "summary", forms, "--reviewed", filled, "-o", filled)
    assert code == 2, out
    assert not (tmp_path / "汇总.xlsx").exists()


def test_without_reviewed_the_summary_is_as_before(
    forms: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = run(capsys, "summary", forms, "-o", tmp_path / "汇总.xlsx")
    assert code == 0, out
    assert "复核" not in out
    book = openpyxl.load_workbook(tmp_path / "汇总.xlsx")
    assert [c.value for c in book["汇总表"][FIRST - 1]] == [c.heading for c in SUMMARY_COLUMNS.values()]
    assert list(book["图表"].iter_rows(min_row=2, max_row=2, values_only=True)) == [("等级", "项目数")]
    assert len(book["图表"]._charts) == 3
    assert not any("复核" in str(c.value) for row in book["说明"].iter_rows() for c in row)

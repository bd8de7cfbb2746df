"""The form and its checker agree: perfxl reports what a form shows, and says where its reading differs.

The cases of issue 8 (items 3–5): values pasted past a native form's validation, typed results of
hand-made forms, cleared inputs. Each is an error finding on its cell naming what the form shows and
what it should show, and perfxl never counts a number the form does not show.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl.worksheet.worksheet import Worksheet

from perfxl.batch.runner import check_file, recalc_file
from perfxl.core.findings import Level
from perfxl.readback.agreement import displayed_decimals
from perfxl.workbook.base import Ref
from perfxl.workbook.xlsx_book import XlsxBook
from tests.support.handmade import WORK, handmade_book, shanghai_form
from tests.support.office import require_libreoffice
from tests.support.officer_edits import type_into

ROOT = Path(__file__).resolve().parents[1]
FILLED = ROOT / "workbooks" / "已填报-{mode}" / "2022_业务工作经历.{suffix}"
SHEET = "业务工作经历"


def _form(tmp_path: Path, mode: str = "native", **cells: object) -> Path:
    """The filled seed form with cells set as an officer would paste them (address → value)."""
    suffix = "xlsm" if mode == "udf" else "xlsx"
    path = tmp_path / f"{mode}.{suffix}"
    shutil.copy(str(FILLED).format(mode=mode, suffix=suffix), path)
    with XlsxBook(path) as book:
        for address, value in cells.items():
            ref = Ref.cell(SHEET, int(address[1:]), ord(address[0]) - 64)
            if address.startswith(("G6", "H6", "H35", "I35")):
                type_into(book, ref, value)
            else:
                book.set_value(ref, value)
        book.save()
    return path


def _errors(path: Path) -> tuple[object, dict[str, list[str]]]:
    (form,) = check_file(path, path.name).forms
    errors: dict[str, list[str]] = {}
    for finding in form.findings:
        if finding.level is Level.ERROR:
            errors.setdefault(finding.cell or "", []).append(f"{finding.code}: {finding.message}")
    return form, errors


def perfxl(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "perfxl", *args], capture_output=True, text=True, check=False)


# -- native forms: what the formulas see --------------------------------------------------------


def test_a_percentage_pasted_as_text_is_what_the_form_shows(tmp_path: Path) -> None:
    form, errors = _errors(_form(tmp_path, F19="97%"))  # 培训出勤率 ≥95%, a number cell
    assert form.result.total is None  # the form shows no 总分: its score cell shows an error text
    (message,) = errors[f"{SHEET}!F19"]
    assert message.startswith("actual_is_text:")
    assert "「97%」是文字" in message and "错误：完成值应为数值" in message and "重新输入数字 97%" in message


@pytest.mark.parametrize(("address", "answer"), [("F28", "较顺利"), ("F31", "已完成")])
def test_an_answer_outside_the_dropdown_is_what_the_form_shows(tmp_path: Path, address: str, answer: str) -> None:
    form, errors = _errors(_form(tmp_path, **{address: answer}))
    assert form.result.total is None
    (message,) = errors[f"{SHEET}!{address}"]
    assert message.startswith("actual_not_an_option:") and f"「{answer}」不是下拉列表中的选项" in message
    assert "请人工评分" in message


def test_an_amount_typed_as_text_is_not_counted(tmp_path: Path) -> None:
    form, errors = _errors(_form(tmp_path, E7="588,865"))
    assert form.result.rate is None and form.result.total is None  # the form's SUM passes over text
    (message,) = errors[f"{SHEET}!E7"]
    assert message.startswith("amount_is_text:") and "重新输入数字 588865" in message


@pytest.mark.slow
def test_the_issues_example_a_form_with_a_blank_total_is_never_reported_with_one(tmp_path: Path) -> None:
    path = _form(tmp_path, F19="97%", F28="较顺利", E7="588,865")
    run = perfxl("check", str(path), "--json")
    assert run.returncode == 1, run.stdout + run.stderr
    (data,) = json.loads(run.stdout)["forms"]
    assert data["total"] is None and data["grade"] is None
    outcome = recalc_file(path, path.name, stamp=None)
    with XlsxBook(path) as book:  # the recalculated file shows what the check reported
        names = book.names(SHEET)
        assert book.values(names["PERFXL_TOTAL"]) == [[""]] and book.values(names["PERFXL_RATE"]) == [[""]]
    assert outcome.forms[0].result.total is None


def test_udf_forms_score_text_as_their_functions_do(tmp_path: Path) -> None:
    """In a udf form PERF_SCORE reads text itself, as the core does: nothing to report."""
    form, errors = _errors(_form(tmp_path, "udf", F19="97%", F28="较顺利"))
    assert not [e for e in errors.values() for m in e if m.startswith(("actual_is_text", "actual_not_an_option"))]
    assert form.result.total == Decimal("86.96")  # 较顺利 → 部分达成, 7 of 10


def test_a_total_typed_over_its_formula_is_reported_and_shown(tmp_path: Path) -> None:
    form, errors = _errors(_form(tmp_path, H35=95))
    assert form.result.total == 95  # what the form shows, with the error
    (message,) = errors[f"{SHEET}!H35"]
    assert "总分被改为「95」，按表中数据计算应为「89.96」" in message


def test_a_score_typed_as_text_is_not_counted(tmp_path: Path) -> None:
    path = _form(tmp_path)
    with XlsxBook(path) as book:
        type_into(book, Ref.cell(SHEET, 13, 8), "10分")
        book.save()
    form, errors = _errors(path)
    assert form.result.total is None
    (message,) = errors[f"{SHEET}!H13"]
    assert message.startswith("score_is_text:") and "重新输入数字 10" in message


# -- cleared inputs ------------------------------------------------------------------------------


@pytest.mark.parametrize("mode", ["native", "udf"])
def test_a_cleared_execution_figure_is_an_error_on_its_cell(tmp_path: Path, mode: str) -> None:
    form, errors = _errors(_form(tmp_path, mode, E7=None))
    assert form.result.rate is None and form.result.total is None
    assert errors[f"{SHEET}!E7"] == ["executed_missing: 未填写全年执行数，执行率、预算执行率得分和总分无法计算"]


def test_a_cleared_budget_is_an_error_on_its_cell(tmp_path: Path) -> None:
    _, errors = _errors(_form(tmp_path, D7=None))  # locked in the form, but any tool can clear it
    assert errors[f"{SHEET}!D7"] == [
        "annual_missing: 未填写当年财政拨款的全年预算数，执行率、预算执行率得分和总分将不正确"
    ]


def test_a_cleared_actual_is_an_error_once_the_form_is_filled(tmp_path: Path) -> None:
    _, errors = _errors(_form(tmp_path, F13=None))
    assert errors[f"{SHEET}!F13"] == ["actual_missing: 指标「工作人员培训场次数」尚未填写实际完成值"]


def test_a_blank_form_only_notes_what_is_missing(tmp_path: Path) -> None:
    path = tmp_path / "blank.xlsx"
    shutil.copy(ROOT / "workbooks" / "空白表-native" / "2022_业务工作经历.xlsx", path)
    form, errors = _errors(path)
    assert errors == {} and form.result.total is None
    assert {f.code for f in form.findings if f.level is Level.INFO} >= {"actual_missing", "executed_missing"}


# -- hand-made forms: typed results are verified ------------------------------------------------


def _handmade(tmp_path: Path, **typed: object) -> Path:
    def build(ws: Worksheet) -> None:
        total = shanghai_form(ws, WORK)
        ws[f"I{total}"] = "良"  # 等级, beside 总分
        for address, value in typed.items():
            ws[address.replace("TOTAL", str(total))] = value

    return handmade_book(tmp_path, build)


def test_a_hand_made_form_with_right_typed_results_passes(tmp_path: Path) -> None:
    form, errors = _errors(_handmade(tmp_path))
    assert errors == {}
    assert (form.result.rate, form.result.budget_score, form.result.total, form.result.grade) == (
        Decimal("0.5958"),
        Decimal("5.96"),
        Decimal("89.96"),
        "良",
    )


@pytest.mark.slow
def test_a_wrongly_typed_total_exits_1_naming_the_cell(tmp_path: Path) -> None:
    path = _handmade(tmp_path, HTOTAL=90.96)
    run = perfxl("check", str(path))
    assert run.returncode == 1
    assert "H35 · 总分填写为「90.96」，按表中数据计算应为「89.96」" in run.stdout
    form, _ = _errors(path)
    assert form.result.total == Decimal("90.96")  # what the form shows, and so what a PDF prints


def test_every_typed_result_is_checked(tmp_path: Path) -> None:
    _, errors = _errors(_handmade(tmp_path, G6=0.9, H6=9, HTOTAL=95, ITOTAL="优"))
    assert errors == {
        f"{SHEET}!G6": ["result_differs: 执行率填写为「90%」，按表中数据计算应为「59.58%」"],
        f"{SHEET}!H6": ["result_differs: 预算执行率得分填写为「9」，按表中数据计算应为「5.96」"],
        f"{SHEET}!H35": ["result_differs: 总分填写为「95」，按表中数据计算应为「89.96」"],
        f"{SHEET}!I35": ["result_differs: 等级填写为「优」，按表中数据计算应为「良」"],
    }


def test_a_rate_differing_in_its_displayed_digits_is_an_error(tmp_path: Path) -> None:
    _, errors = _errors(_handmade(tmp_path, G6=0.5959))
    assert errors[f"{SHEET}!G6"] == ["result_differs: 执行率填写为「59.59%」，按表中数据计算应为「59.58%」"]


def test_a_rate_equal_as_displayed_passes(tmp_path: Path) -> None:
    _, errors = _errors(_handmade(tmp_path, G6=0.595753))  # shown as 59.58% in its 0.00% cell
    assert errors == {}


def test_results_typed_as_text_are_read_as_a_person_reads_them(tmp_path: Path) -> None:
    form, errors = _errors(_handmade(tmp_path, G6="59.58%", H6="5.96", HTOTAL="89.96分", ITOTAL="良好"))
    assert errors == {}
    assert form.result.total == Decimal("89.96")


def test_a_blank_typed_result_is_an_error(tmp_path: Path) -> None:
    _, errors = _errors(_handmade(tmp_path, HTOTAL=None))
    assert errors[f"{SHEET}!H35"] == ["result_differs: 总分未填写，按表中数据计算应为「89.96」"]


@pytest.mark.parametrize(
    ("code", "decimals"),
    [
        ("General", None),
        ("0", 0),
        ("0.00", 2),
        ("0.00%", 4),
        ("0.0%", 3),
        ("#,##0.00", 2),
        ('0.00"分"', 2),
        ("0%", 2),
        ("@", None),
        ("0.00;[Red]-0.00", 2),
    ],
)
def test_displayed_decimals(code: str, decimals: int | None) -> None:
    assert displayed_decimals(code) == decimals


# -- publishing: a PDF of wrong numbers is not silent ---------------------------------------------


@pytest.mark.slow
@pytest.mark.libreoffice
def test_pdf_lists_forms_with_errors_and_strict_refuses_them(tmp_path: Path) -> None:
    require_libreoffice()
    folder = tmp_path / "forms"
    folder.mkdir()
    shutil.copy(ROOT / "workbooks" / "已填报-native" / "2022_鉴定考务经费.xlsx", folder)

    def wrong_total(ws) -> None:
        total = shanghai_form(ws, WORK)
        ws[f"H{total}"] = 90.96

    handmade_book(folder, wrong_total, "手工_业务工作经历.xlsx")
    run = perfxl("pdf", str(folder), "-o", str(tmp_path / "pdf"))
    assert run.returncode == 1, run.stdout + run.stderr
    assert "[有错误]" in run.stdout and "手工_业务工作经历.xlsx" in run.stdout and "H35" in run.stdout
    assert "已导出 2 个 PDF" in run.stdout
    strict = perfxl("pdf", str(folder), "-o", str(tmp_path / "strict"), "--strict")
    assert strict.returncode == 1, strict.stdout + strict.stderr
    assert "未导出" in strict.stdout and "已导出 1 个 PDF" in strict.stdout
    assert sorted(p.name for p in (tmp_path / "strict").glob("*.pdf")) == ["2022_鉴定考务经费.pdf"]


def test_a_rate_typed_without_percent_in_a_general_cell_reads_as_a_percentage(tmp_path: Path) -> None:
    def build(ws: Worksheet) -> None:
        shanghai_form(ws, WORK)
        ws["G6"], ws["G6"].number_format = 59.58, "General"

    form, errors = _errors(handmade_book(tmp_path, build))
    assert errors == {} and form.result.rate == Decimal("0.5958")

"""``perfxl generate`` never replaces a filled form, a file it did not make, or an input of the same run."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from perfxl.cli import main
from perfxl.generate import default_template, generate
from perfxl.generate.existing import look_at
from perfxl.workbook.xlsx_book import XlsxBook
from tests.support.handmade import WORK, handmade_book, shanghai_form
from tests.support.named_lists import BLANK, FILLED, list_with_names
from tests.support.officer_edits import type_into

EXAMPLE_LIST_WORKBOOK = FILLED.parent / "2022-two-projects.xlsx"
WORK_FILE = "2022_业务工作经历.xlsx"
EXAM_FILE = "2022_鉴定考务经费.xlsx"


def _fill(path: Path, sheet: str, name: str, value: object, row: int = 0) -> None:
    """What an officer does: type a value into a form's input cell (and save)."""
    with XlsxBook(path) as book:
        ref = book.names(sheet)[name]
        type_into(book, ref.cells()[row], value)
        book.save()


def _generate(*args: str) -> int:
    return main(["generate", *args])


@pytest.fixture
def blank_forms(tmp_path: Path) -> Path:
    out = tmp_path / "自评表"
    generate(BLANK, out, mode="native")
    return out


@pytest.mark.parametrize(
    ("name", "value", "label"),
    [
        ("PERFXL_FUNDS_FISCAL_EXECUTED", 588865, "当年财政拨款全年执行数"),
        ("PERFXL_IND_ACTUAL", 3, "实际完成值"),
        ("PERFXL_IND_SCORE", 9, "得分"),
        ("PERFXL_IND_REASON", "受疫情影响，调整计划。", "偏差原因分析及改进措施"),
        ("PERFXL_GOAL_ACTUAL", "基本完成年度目标。", "实际完成情况"),
    ],
)
@pytest.mark.slow
def test_blank_over_filled_leaves_the_filled_form_alone(
    blank_forms: Path, capsys, name: str, value: object, label: str
) -> None:
    filled = blank_forms / WORK_FILE
    _fill(filled, "业务工作经历", name, value)
    before = filled.read_bytes()
    other_before = (blank_forms / EXAM_FILE).stat().st_mtime_ns
    code = _generate(str(BLANK), "-o", str(blank_forms), "--mode", "native")
    out, err = capsys.readouterr()
    assert code == 1
    assert filled.read_bytes() == before
    assert f"{filled}：已填写：{label}" in err and "--force" in err
    assert EXAM_FILE in out and WORK_FILE not in out  # the blank one was written again
    assert (blank_forms / EXAM_FILE).stat().st_mtime_ns != other_before
    assert sorted(p.name for p in blank_forms.iterdir()) == [WORK_FILE, EXAM_FILE]  # no temporary file left


@pytest.mark.slow
def test_force_replaces_a_filled_form(blank_forms: Path) -> None:
    filled = blank_forms / WORK_FILE
    _fill(filled, "业务工作经历", "PERFXL_IND_ACTUAL", 3)
    assert not look_at(filled).blank
    assert _generate(str(BLANK), "-o", str(blank_forms), "--mode", "native", "--force") == 0
    assert look_at(filled).blank


@pytest.mark.slow
def test_blank_over_blank_is_replaced(blank_forms: Path) -> None:
    first = {p.name: p.stat().st_mtime_ns for p in blank_forms.iterdir()}
    written = generate(BLANK, blank_forms, mode="native")
    assert written.left_alone == [] and len(written) == 2
    assert all(p.stat().st_mtime_ns != first[p.name] for p in written)


@pytest.mark.slow
def test_the_same_filled_list_again_replaces_its_forms(tmp_path: Path) -> None:
    """Nothing typed is lost when the new form holds the same values: the list generated again."""
    generate(FILLED, tmp_path, mode="udf")
    again = generate(FILLED, tmp_path, mode="udf")
    assert again.left_alone == [] and len(again) == 2


@pytest.mark.slow
def test_blank_list_over_forms_generated_from_a_filled_list(tmp_path: Path) -> None:
    generate(FILLED, tmp_path, mode="udf")
    before = {p: p.read_bytes() for p in tmp_path.iterdir()}
    again = generate(BLANK, tmp_path, mode="udf")
    assert list(again) == [] and {kept.path for kept in again.left_alone} == set(before)
    assert all("实际完成值" in kept.reason for kept in again.left_alone)
    assert {p: p.read_bytes() for p in tmp_path.iterdir()} == before


@pytest.mark.slow
def test_a_changed_list_does_not_replace_a_form_whose_typed_values_it_lacks(tmp_path: Path) -> None:
    source = list_with_names(tmp_path / "清单.yaml", ["业务工作经历"], filled=True)
    (path,) = generate(source, tmp_path / "out", mode="native")
    _fill(path, "业务工作经历", "PERFXL_IND_REASON", "另行说明。", row=2)
    again = generate(source, tmp_path / "out", mode="native")
    assert list(again) == [] and "偏差原因分析及改进措施" in again.left_alone[0].reason


@pytest.mark.slow
def test_single_over_a_filled_single_workbook(tmp_path: Path, capsys) -> None:
    (single,) = generate(BLANK, tmp_path, mode="udf", single="全部")
    _fill(single, "鉴定考务经费", "PERFXL_FUNDS_FISCAL_EXECUTED", 120000)
    before = single.read_bytes()
    assert _generate(str(BLANK), "-o", str(tmp_path), "--single", "全部") == 1
    assert f"{single}：已填写：当年财政拨款全年执行数" in capsys.readouterr().err
    assert single.read_bytes() == before
    assert _generate(str(BLANK), "-o", str(tmp_path), "--single", "全部", "--force") == 0
    assert single.read_bytes() != before and look_at(single).blank


@pytest.mark.slow
def test_a_hand_made_form_at_the_target_path_is_left_alone(tmp_path: Path, capsys) -> None:
    hand_made = handmade_book(tmp_path, lambda ws: shanghai_form(ws, WORK), name=WORK_FILE)
    before = hand_made.read_bytes()
    assert _generate(str(BLANK), "-o", str(tmp_path), "--mode", "native") == 1
    err = capsys.readouterr().err
    assert f"{hand_made}：是手工制作的自评表（不是 perfxl 生成的），已填写全年执行数、实际完成值" in err
    assert hand_made.read_bytes() == before
    assert (tmp_path / EXAM_FILE).exists()


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"not a workbook at all", "不是可以读取的 Excel 工作簿"),
        (b"PK\x03\x04broken", "不是可以读取的 Excel 工作簿"),
    ],
)
def test_a_file_that_is_no_workbook_is_left_alone(tmp_path: Path, content: bytes, reason: str) -> None:
    (tmp_path / WORK_FILE).write_bytes(content)
    written = generate(BLANK, tmp_path, mode="native")
    assert [p.name for p in written] == [EXAM_FILE]
    assert reason in written.left_alone[0].reason
    assert (tmp_path / WORK_FILE).read_bytes() == content


@pytest.mark.slow
def test_another_workbook_and_a_folder_at_the_target_path(tmp_path: Path) -> None:
    shutil.copy(EXAMPLE_LIST_WORKBOOK, tmp_path / WORK_FILE)  # a workbook, but no form
    (tmp_path / EXAM_FILE).mkdir()
    written = generate(BLANK, tmp_path, mode="native")
    reasons = {kept.path.name: kept.reason for kept in written.left_alone}
    assert reasons == {WORK_FILE: "是其他 Excel 工作簿（不是 perfxl 生成的自评表）", EXAM_FILE: "是一个文件夹"}
    forced = generate(BLANK, tmp_path, mode="native", force=True)
    assert [p.name for p in forced] == [WORK_FILE] and forced.left_alone[0].reason == "是一个文件夹"


@pytest.mark.slow
def test_an_output_never_replaces_the_project_list(tmp_path: Path, capsys) -> None:
    source = tmp_path / "全部.xlsx"
    shutil.copy(EXAMPLE_LIST_WORKBOOK, source)
    before = source.read_bytes()
    for extra in ([], ["--force"]):
        code = _generate(str(source), "-o", str(tmp_path), "--mode", "native", "--single", "全部.xlsx", *extra)
        assert code == 2
        assert "就是本次使用的项目清单「全部.xlsx」" in capsys.readouterr().err
    assert source.read_bytes() == before
    (tmp_path / "链接.xlsx").symlink_to(source)  # another name for the same file
    assert _generate(str(source), "-o", str(tmp_path), "--mode", "native", "--single", "链接", "--force") == 2
    assert source.read_bytes() == before and sorted(p.name for p in tmp_path.iterdir()) == ["全部.xlsx", "链接.xlsx"]


def test_an_output_never_replaces_the_template(tmp_path: Path, capsys) -> None:
    template = tmp_path / WORK_FILE
    shutil.copy(default_template(), template)
    before = template.read_bytes()
    code = _generate(str(BLANK), "-o", str(tmp_path), "--mode", "native", "--template", str(template), "--force")
    assert code == 2
    assert "就是本次使用的模板" in capsys.readouterr().err
    assert template.read_bytes() == before
    assert not (tmp_path / EXAM_FILE).exists()  # nothing written: the check comes before the first file


@pytest.mark.slow
def test_workers_report_what_they_left_alone(tmp_path: Path) -> None:
    names = [f"项目{i:02d}" for i in range(40)]
    source = list_with_names(tmp_path / "清单.yaml", names)
    out = tmp_path / "out"
    first = generate(source, out, mode="native", workers=2)
    _fill(first[7], "项目07", "PERFXL_IND_ACTUAL", 2)
    before = first[7].read_bytes()
    again = generate(source, out, mode="native", workers=2)
    assert [kept.path for kept in again.left_alone] == [first[7]]
    assert len(again) == 39 and first[7] not in again
    assert first[7].read_bytes() == before

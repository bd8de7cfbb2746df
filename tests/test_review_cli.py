"""``perfxl review`` as a bureau runs it: on the bundled example's generated forms and on a hand-made form,
the first pass and the reviewer's second pass, the rulebook and declared-list options, exit codes, and
outputs that never replace inputs. The command runs in-process (perfxl.cli.main); the one test that runs it as
a child process is marked slow."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
import yaml

from perfxl.batch.marks import REVIEW, workbook_mark
from perfxl.batch.review_table import FEEDBACK_PREFIX, INDICATOR_COLUMNS, INDICATOR_SHEET
from perfxl.cli import bundled_example, main
from perfxl.generate import generate
from tests.support.handmade import UNIT, WORK, handmade_book, shanghai_form

ICOL = {key: openpyxl.utils.get_column_letter(i + 1) for i, key in enumerate(INDICATOR_COLUMNS)}
FIRST = 4


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


def review(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["review", *map(str, args)])
    out, err = capsys.readouterr()
    return code, out, err


def _form_rows(path: Path) -> dict[str, dict[str, object]]:
    ws = openpyxl.load_workbook(path, data_only=True)["项目复核"]
    header = [c.value for c in ws[3]]
    return {row[3]: dict(zip(header, row, strict=True)) for row in ws.iter_rows(min_row=4, values_only=True) if row[0]}


def _type(table: Path, target: Path, entries: dict[str, dict[str, object]]) -> Path:
    book = openpyxl.load_workbook(table)
    ws = book[INDICATOR_SHEET]
    for row in range(FIRST, ws.max_row + 1):
        for key, value in entries.get(ws[f"{ICOL['name']}{row}"].value, {}).items():
            ws[f"{ICOL[key]}{row}"] = value
    book.save(target)
    return target


def test_review_of_the_bundled_examples_generated_forms(
    forms: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = review(capsys, forms, "-o", tmp_path / "复核表")
    assert code == 0, out
    path = tmp_path / "复核表.xlsx"
    assert f"复核表已写入：{path}" in out
    assert "低于 90%，表中未说明执行率偏低的原因" in out  # low_execution_no_reason, a warning
    assert "共复核 2 张自评表（复核规则「default」）：错误 0 项，警告 5 项。" in out
    rows = _form_rows(path)
    assert {name: (r["自评总分"], r["复核总分"], r["复核等级"]) for name, r in rows.items()} == {
        "业务工作经历": (89.96, 89.96, "良"),
        "鉴定考务经费": (92.57, 92.57, "优"),
    }
    mark = workbook_mark(path)
    assert mark is not None and mark.kind == REVIEW
    # A later run replaces its own table, and a 复核表 in the folder of forms is no input.
    shutil.copy(path, forms / "复核表.xlsx")
    code, out, err = review(capsys, forms, "-o", path)
    assert code == 0 and "共复核 2 张自评表" in out
    assert "是 perfxl 生成的复核表，不是自评表" in err


def test_review_of_a_hand_made_form(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "returned"
    folder.mkdir()
    handmade_book(folder, lambda ws: shanghai_form(ws, WORK), "手工.xlsx")
    code, out, _ = review(capsys, folder, "-o", tmp_path / "t.xlsx")
    assert code == 0, out
    rows = _form_rows(tmp_path / "t.xlsx")
    assert rows["业务工作经历"]["实施单位"] == UNIT and rows["业务工作经历"]["自评总分"] == 89.96
    assert rows["业务工作经历"]["复核总分"] == 89.96


def test_a_broken_file_among_the_forms_is_a_file_problem(
    forms: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (forms / "坏.xlsx").write_bytes(b"PK\x03\x04 not really a zip")
    code, out, _ = review(capsys, forms, "-o", tmp_path / "t.xlsx")
    assert code == 1
    assert "[错误] " in out and "坏.xlsx" in out and "共复核 2 张自评表，1 个文件无法使用" in out
    book = openpyxl.load_workbook(tmp_path / "t.xlsx")
    assert "无法读取的文件" in book.sheetnames
    assert len(_form_rows(tmp_path / "t.xlsx")) == 2


def test_outputs_never_replace_inputs(forms: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # A returned form named as the output: refused, --force or not.
    returned = tmp_path / "returned.xlsx"
    handmade_book(tmp_path, lambda ws: shanghai_form(ws, WORK), "returned.xlsx")
    data = returned.read_bytes()
    for extra in ([], ["--force"]):
        code, _, err = review(capsys, returned, "-o", returned, *extra)
        assert code == 2 and "是本次要读取的文件" in err, err
        assert returned.read_bytes() == data
    # The reviewed table is an input of the second pass: never the final table, even with --force.
    review(capsys, forms, "-o", tmp_path / "t.xlsx")
    filled = _type(tmp_path / "t.xlsx", tmp_path / "filled.xlsx", {"考生满意度": {"review_score": 4}})
    data = filled.read_bytes()
    code, _, err = review(capsys, forms, "--reviewed", filled, "-o", filled, "--force")
    assert code == 2 and "最终复核表不能覆盖它" in err and filled.read_bytes() == data
    # A file perfxl did not write is kept unless --force.
    other = tmp_path / "备忘.xlsx"
    openpyxl.Workbook().save(other)
    code, _, err = review(capsys, forms, "-o", other)
    assert code == 2 and "不是 perfxl 生成的复核表" in err and "--force" in err


def test_the_second_pass_writes_the_final_table_and_feedback(
    forms: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    review(capsys, forms, "-o", tmp_path / "t.xlsx")
    filled = _type(
        tmp_path / "t.xlsx",
        tmp_path / "filled.xlsx",
        {"考务人员安排完成率": {"review_score": 5, "note": "签到记录不全"}, "命题组卷工作完成率": {"evidence": "无"}},
    )
    code, out, _ = review(capsys, forms, "--reviewed", filled, "-o", tmp_path / "final.xlsx")
    # 佐证材料 无 makes no_evidence fire, an error of the rulebook: exit 1, as check exits on an error
    assert code == 1, out
    assert "最终复核表已写入" in out and "无佐证材料" in out
    rows = _form_rows(tmp_path / "final.xlsx")
    assert (rows["鉴定考务经费"]["复核总分"], rows["鉴定考务经费"]["复核等级"]) == (83.57, "良")  # 92.57 − 2 − 7
    book = openpyxl.load_workbook(tmp_path / "final.xlsx")
    assert f"{FEEDBACK_PREFIX}{UNIT}" in book.sheetnames


def test_the_second_pass_refuses_entries_with_errors(
    forms: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    review(capsys, forms, "-o", tmp_path / "t.xlsx")
    filled = _type(
        tmp_path / "t.xlsx",
        tmp_path / "filled.xlsx",
        {"考务人员安排完成率": {"review_score": 3}, "考生满意度": {"review_score": 9}},
    )
    code, _, err = review(capsys, forms, "--reviewed", filled, "-o", tmp_path / "final.xlsx")
    assert code == 2
    assert "低于建议复核得分 7，须在“复核说明”中写明理由" in err and "超过分值 5" in err
    assert f"{INDICATOR_SHEET}!{ICOL['review_score']}" in err and "未写出最终复核表" in err
    assert not (tmp_path / "final.xlsx").exists()


def test_the_second_pass_reports_forms_not_reviewed_and_rows_gone(
    forms: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    one = tmp_path / "one"
    one.mkdir()
    shutil.move(forms / "2022_鉴定考务经费.xlsm", one)
    review(capsys, forms, "-o", tmp_path / "t.xlsx")  # the table has 业务工作经历 only
    code, out, _ = review(capsys, one, "--reviewed", tmp_path / "t.xlsx", "-o", tmp_path / "final.xlsx")
    assert code == 1
    assert "[未复核] 上海市职业技能鉴定中心 · 鉴定考务经费" in out
    assert out.count("[已无此表]") == 22 and "没有项目「业务工作经历」" in out


def test_a_rules_file_changes_what_fires_and_a_bad_one_is_refused(
    forms: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rules = tmp_path / "本局.toml"
    rules.write_text('name = "本局"\n[rules.over_130_no_deduction]\nenabled = false\n', encoding="utf-8")
    code, out, _ = review(capsys, forms, "--rules", rules, "-o", tmp_path / "t.xlsx")
    assert code == 0 and "（复核规则「本局」）：错误 0 项，警告 2 项" in out
    rules.write_text("[rules.placeholder]\ndeduction = 2\n", encoding="utf-8")
    code, _, err = review(capsys, forms, "--rules", rules, "-o", tmp_path / "t2.xlsx")
    assert code == 2 and "rules.placeholder.deduction" in err and "本局.toml" in err
    assert not (tmp_path / "t2.xlsx").exists()
    yaml_rules = tmp_path / "本局.yaml"
    yaml_rules.write_text(yaml.safe_dump({"rules": {"low_execution_no_reason": {"enabled": False}}}), encoding="utf-8")
    code, out, _ = review(capsys, forms, "--rules", yaml_rules, "-o", tmp_path / "t3.xlsx")
    assert code == 0 and "警告 3 项" in out


def test_declared_targets_and_weights_are_compared(
    forms: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = review(capsys, forms, "--declared", bundled_example(), "-o", tmp_path / "t.xlsx")
    assert code == 0 and "错误 0 项" in out
    declared = yaml.safe_load(Path(bundled_example()).read_text(encoding="utf-8"))
    text = Path(bundled_example()).read_text(encoding="utf-8")
    changed = tmp_path / "申报.yaml"
    changed.write_text(text.replace(">=3次", ">=5次", 1), encoding="utf-8")
    assert declared and changed.read_text(encoding="utf-8") != text
    code, out, _ = review(capsys, forms, "--declared", changed, "-o", tmp_path / "t2.xlsx")
    assert code == 1 and "工作人员培训场次数" in out and "[错误]" in out
    code, _, err = review(capsys, forms, "--declared", tmp_path / "无此文件.yaml", "-o", tmp_path / "t3.xlsx")
    assert code == 2 and "文件不存在" in err


def test_no_forms_at_all_is_an_input_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "empty").mkdir()
    code, _, err = review(capsys, tmp_path / "empty", "-o", tmp_path / "t.xlsx")
    assert code == 2 and "没有找到可检查的项目清单或自评表" in err
    assert not (tmp_path / "t.xlsx").exists()


@pytest.mark.slow
def test_the_command_in_a_child_process_prints_chinese_help_and_runs(generated: Path, tmp_path: Path) -> None:
    run = subprocess.run([sys.executable, "-m", "perfxl", "review", "-h"], capture_output=True, text=True, check=False)
    assert run.returncode == 0 and "--reviewed" in run.stdout and "复核规则文件" in run.stdout
    run = subprocess.run(
        [sys.executable, "-m", "perfxl", "review", str(generated), "-o", str(tmp_path / "t.xlsx")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    assert (tmp_path / "t.xlsx").is_file()

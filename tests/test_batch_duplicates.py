"""A batch counts each form once: a file reached twice is read once, a project handed in twice is an error.

Real files in tmp_path: generated forms, their copies under other names, symbolic and hard links, a
hand-made workbook holding one project on two sheets; the 问题清单 and 汇总 workbooks read back with
openpyxl.
"""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from perfxl.batch.duplicates import CODE, duplicate_findings, with_duplicate_findings
from perfxl.batch.files import gather
from perfxl.batch.model import CheckedForm
from perfxl.cli import bundled_example
from perfxl.core.findings import Level
from perfxl.core.form import evaluate_form
from perfxl.generate import generate
from perfxl.projectlist import load_project_list
from tests.support.office import require_libreoffice
from tests.support.workbooks import named_values

WORK, EXAMS = "2022_业务工作经历.xlsx", "2022_鉴定考务经费.xlsx"


def perfxl(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[1])}
    return subprocess.run(
        [sys.executable, "-m", "perfxl", *args], capture_output=True, text=True, check=False, cwd=cwd, env=env
    )


@pytest.fixture(scope="module")
def native(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("native")
    generate(bundled_example(), folder, mode="native")
    return folder


# -- the same file once ------------------------------------------------------------------------------


@pytest.fixture
def files(tmp_path: Path) -> Path:
    """a/x.xlsx and a/y.xlsx, a link to x, a hard link to y, and a missing file."""
    folder = tmp_path / "a"
    folder.mkdir()
    (folder / "x.xlsx").write_bytes(b"x")
    (folder / "y.xlsx").write_bytes(b"y")
    (tmp_path / "link.xlsx").symlink_to(folder / "x.xlsx")
    os.link(folder / "y.xlsx", tmp_path / "hard.xlsx")
    return tmp_path


def test_the_same_path_twice_is_kept_once(files: Path) -> None:
    x = files / "a" / "x.xlsx"
    gathered = gather([x, str(x), files / "a" / ".." / "a" / "x.xlsx"])
    assert gathered.paths == [x]
    assert [(r.path, r.first) for r in gathered.repeats] == [(x, x), (files / "a" / ".." / "a" / "x.xlsx", x)]


def test_a_folder_and_a_file_inside_it(files: Path) -> None:
    folder, y = files / "a", files / "a" / "y.xlsx"
    gathered = gather([y, folder])
    assert gathered.paths == [y, folder / "x.xlsx"]  # the first occurrence, in the order given
    assert [r.path for r in gathered.repeats] == [y]


def test_links_are_the_file_they_point_to(files: Path) -> None:
    x, y = files / "a" / "x.xlsx", files / "a" / "y.xlsx"
    gathered = gather([files / "link.xlsx", files / "hard.xlsx", files / "a"])
    assert gathered.paths == [files / "link.xlsx", files / "hard.xlsx"]
    assert [(r.path, r.first) for r in gathered.repeats] == [(x, files / "link.xlsx"), (y, files / "hard.xlsx")]


def test_copies_and_missing_files(files: Path) -> None:
    """A copy is another file (its project may repeat: that is for the checks); a missing file, named
    twice, is one missing file."""
    shutil.copyfile(files / "a" / "x.xlsx", files / "copy.xlsx")
    missing = files / "没有.xlsx"
    gathered = gather([files / "a" / "x.xlsx", files / "copy.xlsx", missing, files / "a" / ".." / "没有.xlsx"])
    assert gathered.paths == [files / "a" / "x.xlsx", files / "copy.xlsx", missing]
    assert len(gathered.repeats) == 1


@pytest.mark.slow
def test_check_reads_a_file_reached_twice_once(native: Path, tmp_path: Path) -> None:
    folder = tmp_path / "收回"
    shutil.copytree(native, folder)
    (tmp_path / "链接.xlsx").symlink_to(folder / WORK)
    os.link(folder / EXAMS, tmp_path / "硬链接.xlsx")
    run = perfxl(
        "check", "收回", f"收回/../收回/{WORK}", "链接.xlsx", "硬链接.xlsx", f"收回/{EXAMS}", "--json", cwd=tmp_path
    )
    assert run.returncode == 0, run.stdout + run.stderr
    forms = json.loads(run.stdout)["forms"]  # the notes go to stderr: stdout stays JSON
    assert sorted(f["file"] for f in forms) == [f"收回/{WORK}", f"收回/{EXAMS}"]
    assert not [f for form in forms for f in form["findings"] if f["code"] == CODE]
    notes = run.stderr.splitlines()
    assert notes == [
        f"[重复] 收回/{WORK}：给出了不止一次，只处理一次",  # 收回/../收回/… is written as the file it names
        f"[重复] 链接.xlsx：与 收回/{WORK} 是同一个文件（链接或另一路径），只处理一次",
        f"[重复] 硬链接.xlsx：与 收回/{EXAMS} 是同一个文件（链接或另一路径），只处理一次",
        f"[重复] 收回/{EXAMS}：给出了不止一次，只处理一次",
    ]


@pytest.mark.slow
def test_recalc_rewrites_each_file_once(native: Path, tmp_path: Path) -> None:
    folder = tmp_path / "收回"
    shutil.copytree(native, folder)
    (tmp_path / "链接.xlsx").symlink_to(folder / WORK)
    run = perfxl("recalc", "收回", f"收回/{WORK}", "链接.xlsx", cwd=tmp_path)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "已重新计算 2 个文件" in run.stdout
    assert sum(1 for line in run.stdout.splitlines() if line.startswith(f"收回/{WORK}：")) == 1
    assert sum(1 for line in run.stdout.splitlines() if line.startswith(f"收回/{EXAMS}：")) == 1
    assert run.stderr.count("[重复]") == 2
    assert (tmp_path / "链接.xlsx").is_symlink()  # the link was not replaced by a rewritten file


@pytest.mark.libreoffice
def test_pdf_exports_a_file_reached_twice_once(native: Path, tmp_path: Path) -> None:
    require_libreoffice()
    run = perfxl("pdf", str(native), str(native / WORK), "-o", str(tmp_path / "pdf"))
    assert run.returncode == 0, run.stdout + run.stderr
    assert sorted(p.name for p in (tmp_path / "pdf").iterdir()) == ["2022_业务工作经历.pdf", "2022_鉴定考务经费.pdf"]
    assert run.stderr.count("[重复]") == 1


@pytest.mark.slow
def test_recalc_through_a_link_rewrites_the_file_it_points_to(native: Path, tmp_path: Path) -> None:
    target = tmp_path / WORK
    shutil.copyfile(native / WORK, target)
    (tmp_path / "链接.xlsx").symlink_to(target)
    before = target.read_bytes()
    run = perfxl("recalc", "链接.xlsx", cwd=tmp_path)
    assert run.returncode == 0, run.stdout + run.stderr
    assert (tmp_path / "链接.xlsx").is_symlink() and (tmp_path / "链接.xlsx").resolve() == target
    assert target.read_bytes() != before
    (names,) = named_values(target).values()
    assert names["PERFXL_STAMP"][0].startswith("重新计算：")


# -- the same project twice --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def seed() -> list[CheckedForm]:
    project_list = load_project_list(bundled_example())
    return [
        CheckedForm(
            f"2022_{form.name}.xlsx",
            form.name,
            evaluate_form(form, project_list.profile),
            evaluate_form(form, project_list.profile).findings,
            year=2022,
        )
        for form in project_list.forms
    ]


def renamed(
    form: CheckedForm,
    source: str,
    sheet: str | None = None,
    *,
    name: str | None = None,
    unit: str | None = None,
    year: int | None = 2022,
) -> CheckedForm:
    header = form.result.form
    header = dataclasses.replace(
        header, name=header.name if name is None else name, unit=header.unit if unit is None else unit
    )
    result = dataclasses.replace(form.result, form=header)
    return dataclasses.replace(form, source=source, sheet=sheet or form.sheet, result=result, year=year)


def test_each_of_two_forms_names_the_other(seed: list[CheckedForm]) -> None:
    work, exams = seed
    copy = renamed(work, "另一单位/业务工作经历（修改）.xlsx")
    found = duplicate_findings([work, exams, copy])
    assert found[1] == ()
    (first,), (second,) = found[0], found[2]
    assert first.level is Level.ERROR and first.code == CODE and first.field == "name" and first.cell is None
    assert first.message.startswith("项目重复：另一单位/业务工作经历（修改）.xlsx 中也有本项目")
    assert second.message.startswith("项目重复：2022_业务工作经历.xlsx 中也有本项目")


def test_names_and_units_are_compared_normalised(seed: list[CheckedForm]) -> None:
    work, _ = seed
    spaced = renamed(work, "b.xlsx", name=" 业务工作 经历　", unit="上海市职业技能鉴定中心\n")
    assert len(duplicate_findings([work, spaced])[1]) == 1
    other_unit = renamed(work, "c.xlsx", unit="上海市就业促进中心")
    assert duplicate_findings([work, other_unit]) == [(), ()]


def test_blank_names_and_other_years_are_not_repeats(seed: list[CheckedForm]) -> None:
    work, _ = seed
    blank = [renamed(work, "a.xlsx", name=" "), renamed(work, "b.xlsx", name="")]
    assert duplicate_findings(blank) == [(), ()]
    last_year = renamed(work, "2021.xlsx", year=2021)
    assert duplicate_findings([work, last_year]) == [(), ()]
    unknown_year = renamed(work, "手工.xlsx", year=None)  # a hand-made form does not say its year
    assert [len(f) for f in duplicate_findings([work, last_year, unknown_year])] == [1, 1, 1]
    assert "2022_业务工作经历.xlsx、2021.xlsx 中" in duplicate_findings([work, last_year, unknown_year])[2][0].message


def test_two_sheets_of_one_workbook_and_other_sheets_named(seed: list[CheckedForm]) -> None:
    work, exams = seed
    single = [
        renamed(work, "全部.xlsx", "业务工作经历"),
        renamed(exams, "全部.xlsx", "鉴定考务经费"),
        renamed(work, "全部.xlsx", "业务工作经历（2）"),
    ]
    separate = renamed(work, "单独.xlsx")
    found = duplicate_findings([*single, separate])
    assert found[0][0].message.startswith("项目重复：本文件的工作表“业务工作经历（2）”、单独.xlsx 中也有")
    assert found[3][0].message.startswith(
        "项目重复：全部.xlsx 的工作表“业务工作经历”、全部.xlsx 的工作表“业务工作经历（2）” 中也有"
    )
    assert found[1] == ()


def test_a_project_list_and_a_returned_form_of_the_same_project(seed: list[CheckedForm]) -> None:
    """Both in one summary would count the project twice."""
    work, _ = seed
    planned = dataclasses.replace(work, source="清单.yaml", sheet=None)
    found = duplicate_findings([planned, renamed(work, "收回/业务工作经历.xlsx")])
    assert found[0][0].message.startswith("项目重复：收回/业务工作经历.xlsx 中也有")
    assert found[1][0].message.startswith("项目重复：清单.yaml 中也有")


def test_the_finding_counts_as_an_error_of_the_form(seed: list[CheckedForm]) -> None:
    work, exams = seed
    copy = renamed(exams, "copy.xlsx")
    assert not exams.has_errors
    before = exams.count(Level.ERROR)
    checked = with_duplicate_findings([work, exams, copy])
    assert checked[0] is work
    assert checked[1].has_errors and checked[1].count(Level.ERROR) == before + 1
    assert checked[1].findings[:-1] == exams.findings and checked[1].findings[-1].code == CODE


@pytest.mark.slow
def test_check_report_and_summary_name_both_files(native: Path, tmp_path: Path) -> None:
    (tmp_path / "甲").mkdir()
    (tmp_path / "乙").mkdir()
    shutil.copyfile(native / WORK, tmp_path / "甲" / WORK)
    shutil.copyfile(native / EXAMS, tmp_path / "甲" / EXAMS)
    shutil.copyfile(native / WORK, tmp_path / "乙" / "业务工作经历（重报）.xlsx")
    first, second = f"甲/{WORK}", "乙/业务工作经历（重报）.xlsx"

    run = perfxl("check", "甲", "乙", "--report", "问题清单.xlsx", cwd=tmp_path)
    assert run.returncode == 1, run.stdout + run.stderr
    lines = [line for line in run.stdout.splitlines() if "项目重复" in line]
    assert len(lines) == 2  # each names its file and sheet (the sheet bears the project's name)
    assert lines[0].startswith(f"[错误] {first} · 业务工作经历 · 项目重复")
    assert lines[1].startswith(f"[错误] {second} · 业务工作经历 · 项目重复")
    assert f"{second} 中也有本项目" in lines[0] and f"{first} 中也有本项目" in lines[1]
    assert "错误 2 项" in run.stdout and "[重复]" not in run.stderr

    forms = {
        form["file"]: form for form in json.loads(perfxl("check", "甲", "乙", "--json", cwd=tmp_path).stdout)["forms"]
    }
    for this, other in ((first, second), (second, first)):
        (duplicate,) = (f for f in forms[this]["findings"] if f["code"] == CODE)
        assert duplicate["level"] == "error" and f"{other} 中也有本项目" in duplicate["message"]
    assert not [f for f in forms[f"甲/{EXAMS}"]["findings"] if f["code"] == CODE]

    report = openpyxl.load_workbook(tmp_path / "问题清单.xlsx")
    unit = report["上海市职业技能鉴定中心"]
    rows = [[c.value for c in row] for row in unit.iter_rows(min_row=4)]
    duplicates = [row for row in rows if row[5] and "项目重复" in row[5]]
    assert [(row[1], row[3]) for row in duplicates] == [(first, "错误"), (second, "错误")]
    assert second in duplicates[0][5] and first in duplicates[1][5]

    run = perfxl("summary", "甲", "乙", "-o", "汇总.xlsx", cwd=tmp_path)
    assert run.returncode == 1, run.stdout + run.stderr
    summary = openpyxl.load_workbook(tmp_path / "汇总.xlsx", data_only=True)
    table = [row for row in summary["汇总表"].iter_rows(min_row=4, max_row=6, values_only=True)]
    errors = {row[13]: row[11] for row in table}  # 文件 → 错误
    assert errors == {first: 1, second: 1, f"甲/{EXAMS}": 0}
    problems = [
        row for row in summary["问题清单"].iter_rows(min_row=4, values_only=True) if row[6] and "项目重复" in row[6]
    ]
    assert sorted((row[1], row[4]) for row in problems) == sorted([(first, "错误"), (second, "错误")])


@pytest.mark.slow
def test_one_project_on_two_sheets_of_one_workbook(tmp_path: Path) -> None:
    """A hand-made workbook with the same project on two sheets (the second with a full-width space in
    its name): a project is in a year's batch once, also within one file."""
    from tests.support.handmade import WORK as SEED
    from tests.support.handmade import shanghai_form

    workbook = openpyxl.Workbook()
    shanghai_form(workbook.active, SEED)
    second = workbook.create_sheet()
    shanghai_form(second, SEED)
    second.title = "业务工作经历（修改后）"
    second["C3"] = "业务工作经历　"
    workbook.save(tmp_path / "两张表.xlsx")
    run = perfxl("check", "两张表.xlsx", "--json", cwd=tmp_path)
    assert run.returncode == 1, run.stdout + run.stderr
    forms = json.loads(run.stdout)["forms"]
    messages = {form["sheet"]: [f["message"] for f in form["findings"] if f["code"] == CODE] for form in forms}
    assert messages == {
        "业务工作经历": [
            "项目重复：本文件的工作表“业务工作经历（修改后）” 中也有本项目（项目名称、实施单位均相同）；"
            "同一项目在一批中只应报送一份，请核实后删去多余的一份"
        ],
        "业务工作经历（修改后）": [
            "项目重复：本文件的工作表“业务工作经历” 中也有本项目（项目名称、实施单位均相同）；"
            "同一项目在一批中只应报送一份，请核实后删去多余的一份"
        ],
    }

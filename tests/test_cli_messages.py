"""The messages a Chinese officer reads (issue 9, item 8): argparse's help and usage errors, ``check --json``
on unusable input, the file and sheet of every finding, field labels, the warnings of ``generate``."""

from __future__ import annotations

import ast
import glob
import inspect
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
import yaml

from perfxl.cli.chinese_argparse import DEVELOPER_MESSAGES, MESSAGES, PLURAL_MESSAGES, ChineseArgumentParser
from perfxl.results import field_label
from tests.support.handmade import WORK, handmade_book, shanghai_form

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE_XLSX = ROOT / "perfxl" / "examples" / "2022-two-projects.xlsx"
COMMANDS = (
    [],
    ["check"],
    ["recalc"],
    ["summary"],
    ["pdf"],
    ["generate"],
    ["excel"],
    ["excel", "bas"],
    ["excel", "refresh"],
    ["excel", "wheelhouse"],
)
# What argparse says in English, none of which may reach a user.
ENGLISH = (
    "usage:",
    "options:",
    "positional arguments",
    "show this help",
    "error:",
    "invalid choice",
    "the following arguments",
    "unrecognized arguments",
    "expected one argument",
    "choose from",
)


def perfxl(*args: str, cwd: Path | None = None, python: str = sys.executable) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}  # this checkout's perfxl, from any folder
    return subprocess.run(
        [python, "-m", "perfxl", *args], capture_output=True, text=True, check=False, cwd=cwd or ROOT, env=env
    )


def other_pythons() -> list[str]:
    """Python 3.12 and 3.13 interpreters on this machine (pyenv's or on PATH), one of each, to check their
    argparse too."""
    candidates = [shutil.which(f"python3.{minor}") for minor in (12, 13)]
    candidates += sorted(glob.glob(os.path.expanduser("~/.pyenv/versions/3.1[23].*/bin/python3")))
    by_version: dict[str, str] = {}
    for candidate in filter(None, candidates):
        run = subprocess.run(
            [candidate, "-c", "import sys; print(sys.version_info[:2])"], capture_output=True, text=True, check=False
        )
        if run.returncode == 0:  # a pyenv shim of a version not selected fails
            by_version.setdefault(run.stdout.strip(), candidate)
    return sorted(by_version.values())


def english_left(text: str) -> list[str]:
    return [word for word in ENGLISH if word in text]


# --- argparse --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c) or "perfxl")
@pytest.mark.slow
def test_help_of_every_command_is_chinese(command: list[str]) -> None:
    run = perfxl(*command, "-h")
    assert run.returncode == 0, run.stderr
    assert run.stdout.startswith(f"用法：perfxl {' '.join(command)}".rstrip()), run.stdout
    assert "选项:" in run.stdout and "-h, --help  " in run.stdout and "显示本帮助并退出" in run.stdout
    assert not english_left(run.stdout), run.stdout


@pytest.mark.parametrize(
    ("args", "command", "says"),
    [
        (["generate", "--mode", "x"], "perfxl generate", "--mode：'x' 不是可选的值（可选：'udf', 'native'）"),
        (["summary", "forms"], "perfxl summary", "缺少必填的参数：-o/--output"),
        (["check", "--colour"], "perfxl check", "无法识别的参数：--colour"),
        (["excel", "refresh", "a.xlsm", "b.xlsm"], "perfxl excel refresh", "无法识别的参数：b.xlsm"),
        (["generate", "-o"], "perfxl generate", "-o/--output：后面应跟一个值"),
        (["excel"], "perfxl excel", "缺少必填的参数：操作"),
        ([], "perfxl", "缺少必填的参数：命令"),
        (
            ["chek"],
            "perfxl",
            "命令：'chek' 不是可选的值（可选：'check', 'recalc', 'summary', 'review', 'pdf', 'generate', 'excel'）",
        ),
    ],
)
@pytest.mark.slow
def test_usage_errors_are_chinese_name_the_command_and_exit_2(args: list[str], command: str, says: str) -> None:
    run = perfxl(*args)
    assert run.returncode == 2
    assert run.stdout == ""
    lines = run.stderr.splitlines()
    assert lines[0].startswith(f"用法：{command} ")  # the usage of the command the arguments were given to
    assert f"{command}：参数错误：{says}" in run.stderr, run.stderr
    assert lines[-1] == f"运行「{command} -h」查看用法。"
    assert not english_left(run.stderr) and "Traceback" not in run.stderr, run.stderr


def _messages_not_translated() -> list[str]:
    """argparse's message ids (its source's _() and ngettext() calls) that are in neither table."""
    import argparse

    tree = ast.parse(inspect.getsource(argparse))
    missing = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
            continue
        texts = [a.value for a in node.args[:2] if isinstance(a, ast.Constant) and isinstance(a.value, str)]
        if node.func.id == "_" and texts and texts[0] not in MESSAGES and texts[0] not in DEVELOPER_MESSAGES:
            missing.append(texts[0])
        if (
            node.func.id == "ngettext"
            and len(texts) == 2
            and tuple(texts) not in PLURAL_MESSAGES
            and texts[0] not in DEVELOPER_MESSAGES
        ):
            missing.append(texts[0])
    return missing


def test_every_message_argparse_can_show_a_user_is_translated() -> None:
    assert _messages_not_translated() == []


def test_other_argparse_users_in_the_process_keep_english() -> None:
    import argparse

    parser = ChineseArgumentParser(prog="p")
    parser.add_argument("--n", type=int)
    with pytest.raises(SystemExit):
        parser.parse_args(["--n", "x"])
    assert "用法：p" in parser.format_help()
    plain = argparse.ArgumentParser(prog="q")
    assert plain.format_help().startswith("usage: q") and "show this help message and exit" in plain.format_help()


@pytest.mark.parametrize("python", other_pythons() or [pytest.param("", marks=pytest.mark.skip("no 3.12/3.13"))])
@pytest.mark.slow
def test_help_and_errors_are_chinese_on_python_3_12_and_3_13(python: str) -> None:
    help_ = perfxl("generate", "-h", python=python)
    assert help_.returncode == 0 and help_.stdout.startswith("用法：perfxl generate"), help_.stderr
    assert not english_left(help_.stdout), help_.stdout
    for args in (["generate", "--mode", "x"], ["summary"], ["check", "--colour"], ["pdf", "-o"]):
        run = perfxl(*args, python=python)
        assert run.returncode == 2 and "参数错误" in run.stderr, run.stderr
        assert not english_left(run.stderr), run.stderr
    # The message ids of that Python's argparse: the same check, run there (it needs only perfxl.cli).
    code = (
        "import argparse, ast, inspect\n"
        "from perfxl.cli.chinese_argparse import DEVELOPER_MESSAGES, MESSAGES, PLURAL_MESSAGES\n"
        f"{inspect.getsource(_messages_not_translated)}\nprint(_messages_not_translated())"
    )
    ids = subprocess.run([python, "-c", code], capture_output=True, text=True, check=False, cwd=ROOT)
    assert ids.stdout.strip() == "[]", ids.stdout + ids.stderr


# --- check --json on unusable input ------------------------------------------------------------------------------


def _duplicate_name_list(tmp_path: Path) -> Path:
    path = tmp_path / "清单.xlsx"
    shutil.copyfile(EXAMPLE_XLSX, path)
    book = openpyxl.load_workbook(path)
    book["项目"].cell(3, 1).value = "业务工作经历"  # the second project renamed to the first's name
    book.save(path)
    return path


@pytest.mark.slow
def test_check_json_on_a_bad_project_list_prints_the_problems_cause_first(tmp_path: Path) -> None:
    run = perfxl("check", str(_duplicate_name_list(tmp_path)), "--json")
    assert run.returncode == 2
    data = json.loads(run.stdout)
    assert data["forms"] == []
    assert data["problems"] == [
        {
            "file": "清单.xlsx",
            "project": "业务工作经历",
            "where": "「项目」表第3行「项目名称」",
            "message": "项目名称重复：同一清单中每个项目名称只能出现一次",
        },
        {
            "file": "清单.xlsx",
            "project": "鉴定考务经费",
            "where": "「指标」表第24–35行「项目名称」",
            "message": "「项目」表中没有名为「鉴定考务经费」的项目（共 12 行）："
            "请检查项目名称是否与「项目」表完全一致，或先在「项目」表中添加该项目",
        },
    ]
    assert "项目名称重复" in run.stderr  # the text for the person at the terminal, as without --json


@pytest.mark.parametrize("content", ["::: not yaml [", "perfxl: 1\nyear: 2022\nprojects: []\n"])
@pytest.mark.slow
def test_check_json_on_an_unreadable_list_is_json(tmp_path: Path, content: str) -> None:
    path = tmp_path / "坏清单.yaml"
    path.write_text(content, encoding="utf-8")
    run = perfxl("check", str(path), "--json")
    assert run.returncode == 2
    problems = json.loads(run.stdout)["problems"]
    assert problems and all(p["file"] == "坏清单.yaml" and p["message"] for p in problems)


@pytest.mark.slow
def test_check_json_with_no_usable_file_is_json(tmp_path: Path) -> None:
    (tmp_path / "坏.xlsx").write_bytes(b"PK\x03\x04 broken")
    run = perfxl("check", str(tmp_path), "--json")
    assert run.returncode == 2
    [problem] = json.loads(run.stdout)["problems"]
    assert problem["file"].endswith("坏.xlsx") and "Traceback" not in run.stderr


# --- the file and sheet of every finding -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def two_files_of_one_project(tmp_path_factory: pytest.TempPathFactory, seed_list: Path) -> Path:
    """A project named 目录 generated twice: in a --single workbook (sheet 目录~2) and as its own file."""
    folder = tmp_path_factory.mktemp("forms")
    data = yaml.safe_load(seed_list.read_text(encoding="utf-8"))
    data["projects"][1]["name"] = "目录"
    del data["projects"][1]["indicators"][8]["reason"]  # 考务工作完成情况 12 of 15: an error on its 偏差原因 cell
    source = folder / "清单.yaml"
    source.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    for args in (["--single", str(folder / "全部.xlsx")], ["-o", str(folder / "各单位")]):
        run = perfxl("generate", str(source), "--mode", "native", *args)
        assert run.returncode == 0, run.stderr
    source.unlink()
    return folder


@pytest.mark.slow
def test_text_output_names_file_sheet_and_cell_of_every_finding(two_files_of_one_project: Path) -> None:
    run = perfxl("check", ".", cwd=two_files_of_one_project)
    assert run.returncode == 1, run.stderr
    lines = [line for line in run.stdout.splitlines() if line.startswith("[")]
    reason = [line for line in lines if "「考务工作完成情况」" in line and "偏差原因" in line]
    message = "指标「考务工作完成情况」得分低于分值，须填写偏差原因分析及改进措施"
    assert reason == [
        f"[错误] 全部.xlsx · 目录~2!I21 · 目录 · {message}",
        f"[错误] 各单位/2022_目录.xlsx · 目录~2!I21 · 目录 · {message}",
    ]
    # The sheet bearing the project's name, the project is not repeated; each line names its file.
    work = [line for line in lines if "「工作人员培训场次数」" in line]
    assert [line.split(" · ")[:2] for line in work] == [
        ["[警告] 全部.xlsx", "业务工作经历!I13"],
        ["[警告] 各单位/2022_业务工作经历.xlsx", "业务工作经历!I13"],
    ]
    assert all(line.count(" · ") >= 2 for line in lines), lines


@pytest.mark.slow
def test_json_keeps_field_paths_and_adds_their_labels(two_files_of_one_project: Path) -> None:
    run = perfxl("check", "全部.xlsx", "--json", cwd=two_files_of_one_project)
    forms = {form["sheet"]: form for form in json.loads(run.stdout)["forms"]}
    finding = next(f for f in forms["目录~2"]["findings"] if f["code"] == "reason_missing")
    assert (finding["field"], finding["label"], finding["cell"]) == (
        "indicators[8].reason",
        "指标「考务工作完成情况」的偏差原因分析及改进措施",
        "目录~2!I21",
    )
    assert forms["目录~2"]["file"] == "全部.xlsx" and forms["目录~2"]["project"] == "目录"


@pytest.mark.slow
def test_project_list_findings_name_the_list_and_the_project(tmp_path: Path, seed_list: Path) -> None:
    shutil.copyfile(seed_list, tmp_path / "清单.yaml")
    run = perfxl("check", "清单.yaml", cwd=tmp_path)
    assert "[警告] 清单.yaml · 业务工作经历 · 指标「工作人员培训场次数」实际完成值「18次」" in run.stdout


@pytest.mark.parametrize(
    ("field", "label"),
    [
        ("funds.total.initial", "年度资金总额年初预算数"),
        ("funds.fiscal.executed", "当年财政拨款全年执行数"),
        ("name", "项目名称"),
        ("unit", "实施单位"),
        ("budget.rate", "执行率"),
        ("total.grade", "等级"),
        ("indicators", "绩效指标"),
        ("indicators.weight", "三级指标分值"),
        ("indicators[3].reason", "第4个指标的偏差原因分析及改进措施"),
        ("indicators[0]", "第1个指标"),
        ("form", "自评表"),
        ("something.new", "something.new"),
    ],
)
def test_field_labels(field: str, label: str) -> None:
    assert field_label(field) == label


# --- a rate typed as text without % ------------------------------------------------------------------------------


def _list(tmp_path: Path, seed_list: Path, change) -> Path:
    data = yaml.safe_load(seed_list.read_text(encoding="utf-8"))
    change(data["projects"][0])
    path = tmp_path / "清单.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


@pytest.mark.slow
def test_a_quoted_rate_without_percent_in_a_list_warns_at_check(tmp_path: Path, seed_list: Path) -> None:
    path = _list(tmp_path, seed_list, lambda p: p["indicators"][6].update(actual="0.97"))  # 培训出勤率 >=95%
    run = perfxl("check", "清单.yaml", cwd=tmp_path)
    assert (
        "[警告] 清单.yaml · 业务工作经历 · 指标「培训出勤率」的实际完成值「0.97」未带 %，按 0.97% 读取；"
        "如为 97%，请改填为「97%」"
    ) in run.stdout
    assert path.is_file()


@pytest.mark.slow
def test_a_text_rate_in_a_list_workbook_warns_at_check(tmp_path: Path) -> None:
    path = tmp_path / "清单.xlsx"
    shutil.copyfile(EXAMPLE_XLSX, path)
    book = openpyxl.load_workbook(path)
    sheet = book["指标"]
    column = next(c.column for c in sheet[1] if str(c.value).replace("\n", "") == "实际完成值")
    row = next(r for r in range(2, sheet.max_row + 1) if sheet.cell(r, 4).value == "培训出勤率")
    sheet.cell(row, column).value = "0.97"  # typed into a cell formatted as text
    sheet.cell(row, column).number_format = "@"
    book.save(path)
    run = perfxl("check", "清单.xlsx", cwd=tmp_path)
    assert "[警告] 清单.xlsx · 业务工作经历 · 指标「培训出勤率」的实际完成值「0.97」未带 %，按 0.97% 读取" in run.stdout


@pytest.mark.slow
def test_a_text_rate_on_a_hand_made_form_is_warned_about_once(tmp_path: Path) -> None:
    def build(ws) -> None:
        shanghai_form(ws, WORK)
        ws["F19"] = "0.97"  # 培训出勤率 >=95%, typed as text

    path = handmade_book(tmp_path, build)
    run = perfxl("check", str(path))
    assert sum("「0.97」未带 %" in line for line in run.stdout.splitlines()) == 1, run.stdout


# --- generate warns about the list ---------------------------------------------------------------------------------


@pytest.mark.slow
def test_generate_warns_about_weights_and_text_rates_and_still_generates(tmp_path: Path, seed_list: Path) -> None:
    def change(project: dict) -> None:
        project["indicators"][0]["weight"] = 5  # 工作人员培训场次数 10 → 5: the weights add up to 95
        project["indicators"][6]["actual"] = "0.97"

    _list(tmp_path, seed_list, change)
    run = perfxl("generate", "清单.yaml", "-o", "out", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["2022_业务工作经历.xlsm", "2022_鉴定考务经费.xlsm"]
    warnings = [line for line in run.stderr.splitlines() if line.startswith("[警告]")]
    assert warnings == [
        "[警告] 清单.yaml · 业务工作经历 · 指标「培训出勤率」的实际完成值「0.97」未带 %，按 0.97% 读取；如为 97%，"
        "请改填为「97%」",
        "[警告] 清单.yaml · 业务工作经历 · 三级指标分值之和加预算执行率分值 10 为 95，应为 100",
    ]
    assert "项目清单中有以下问题（不影响生成）" in run.stderr


@pytest.mark.slow
def test_generate_of_a_sound_list_prints_no_warning(tmp_path: Path, seed_list: Path) -> None:
    run = perfxl("generate", str(seed_list), "-o", str(tmp_path / "out"))
    assert run.returncode == 0 and "[警告]" not in run.stderr, run.stderr

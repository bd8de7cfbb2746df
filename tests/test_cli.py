"""``perfxl check`` as a user runs it: output, JSON, exit codes, and no traceback on bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from perfxl.cli import bundled_example


def perfxl(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "perfxl", *args], capture_output=True, text=True, check=False)


@pytest.mark.slow
def test_check_on_the_bundled_example_prints_the_published_totals() -> None:
    run = perfxl("check")
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    row = {line.split()[0]: line.split() for line in lines[2:4]}
    assert row["业务工作经历"][1:5] == ["59.58%", "5.96", "89.96", "良"]
    assert row["鉴定考务经费"][1:5] == ["65.67%", "6.57", "92.57", "优"]
    assert "问题清单" in run.stdout
    assert "培训覆盖人次数" in run.stdout


@pytest.mark.slow
def test_check_json_matches_the_published_results(seed_list: Path, seed_expected: dict) -> None:
    run = perfxl("check", str(seed_list), "--json")
    assert run.returncode == 0, run.stderr
    forms = {f["project"]: f for f in json.loads(run.stdout)["forms"]}
    assert set(forms) == set(seed_expected)
    for name, expected in seed_expected.items():
        form = forms[name]
        assert (form["rate"], form["budget_score"], form["total"], form["grade"]) == (
            expected["rate"],
            expected["budget_score"],
            expected["total"],
            expected["grade"],
        )
        rows = {row["name"]: row for row in form["indicators"]}
        for indicator, rule_score in expected["rule_scores"].items():
            assert rows[indicator]["rule_score"] == rule_score
        warned = {f["message"].split("「")[1].split("」")[0] for f in form["findings"] if f["level"] == "warning"}
        assert warned == set(expected["warnings_expected"])
    first = forms["业务工作经历"]["indicators"][0]
    assert first == {
        "name": "工作人员培训场次数",
        "target": ">=3次",
        "actual": "18次",
        "weight": 10.0,
        "score": 10.0,
        "rule_score": 10.0,
        "tier": "达成",
    }
    first_finding = forms["业务工作经历"]["findings"][0]
    assert first_finding == {
        "level": "warning",
        "code": "over_achievement",
        "field": "indicators[0].reason",
        "label": "指标「工作人员培训场次数」的偏差原因分析及改进措施",
        "message": first_finding["message"],
    }


@pytest.mark.slow
def test_exit_code_1_when_a_form_has_an_error(tmp_path: Path, seed_list: Path) -> None:
    data = yaml.safe_load(seed_list.read_text(encoding="utf-8"))
    del data["projects"][0]["indicators"][5]["reason"]  # 课题报告完成情况: 0 of 1 without a reason
    path = tmp_path / "list.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    run = perfxl("check", str(path))
    assert run.returncode == 1
    assert f"[错误] {path} · 业务工作经历 · 指标「课题报告完成情况」" in run.stdout


@pytest.mark.parametrize(
    "content", ["perfxl: 1\nyear: 2022\nprojects: [{name: a, indicators: [{weight: x}]}]\n", "::: not yaml [", ""]
)
@pytest.mark.slow
def test_bad_input_exits_2_with_a_chinese_message_and_no_traceback(tmp_path: Path, content: str) -> None:
    path = tmp_path / "坏清单.yaml"
    path.write_text(content, encoding="utf-8")
    run = perfxl("check", str(path))
    assert run.returncode == 2
    assert "坏清单.yaml" in run.stderr
    assert "输入有误" in run.stderr
    assert "Traceback" not in run.stderr
    assert run.stdout == ""


def test_unknown_option_exits_2_in_chinese() -> None:
    run = perfxl("check", "--colour")
    assert run.returncode == 2
    assert "参数错误" in run.stderr


def test_console_script_is_installed() -> None:
    run = subprocess.run(["perfxl", "--version"], capture_output=True, text=True, check=False)
    assert run.returncode == 0
    assert run.stdout.startswith("perfxl ")


@pytest.mark.slow
def test_generate_the_bundled_example(tmp_path: Path) -> None:
    run = subprocess.run(
        [sys.executable, "-m", "perfxl", "generate", "-o", str(tmp_path / "out")],
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,
    )
    assert run.returncode == 0, run.stderr
    assert "已生成 2 张自评表" in run.stdout
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["2022_业务工作经历.xlsm", "2022_鉴定考务经费.xlsm"]


@pytest.mark.slow
def test_generate_single_native_from_the_project_list_workbook(tmp_path: Path) -> None:
    source = Path(bundled_example()).with_suffix(".xlsx")
    run = perfxl("generate", str(source), "--mode", "native", "--single", str(tmp_path / "全部"))
    assert run.returncode == 0, run.stderr
    assert (tmp_path / "全部.xlsx").is_file()
    assert "Excel 公式（native）" in run.stdout


@pytest.mark.slow
def test_generate_shows_progress_on_long_runs(tmp_path: Path, seed_list: Path) -> None:
    data = yaml.safe_load(seed_list.read_text(encoding="utf-8"))
    data["projects"] = [dict(data["projects"][0], name=f"项目{i:02d}") for i in range(25)]
    source = tmp_path / "list.yaml"
    source.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    run = perfxl("generate", str(source), "-o", str(tmp_path / "out"))
    assert run.returncode == 0, run.stderr
    assert "25/25" in run.stderr
    assert len(list((tmp_path / "out").glob("*.xlsm"))) == 25


@pytest.mark.slow
def test_generate_bad_template_exits_2_and_writes_nothing(tmp_path: Path) -> None:
    template = tmp_path / "模板.xlsx"
    template.write_bytes(b"PK\x03\x04 broken")
    run = perfxl("generate", "--template", str(template), "-o", str(tmp_path / "out"))
    assert run.returncode == 2
    assert "模板.xlsx" in run.stderr and "Traceback" not in run.stderr
    assert not (tmp_path / "out").exists()


def test_every_kind_of_failure_exits_with_its_exit_code(tmp_path: Path, seed_list: Path) -> None:
    # One table (perfxl.cli.exit_codes.ExitCode); the README tells users the same numbers.
    from perfxl.cli import main
    from perfxl.cli.exit_codes import ExitCode

    data = yaml.safe_load(seed_list.read_text(encoding="utf-8"))
    del data["projects"][0]["indicators"][5]["reason"]  # 课题报告完成情况: 0 of 1 without a reason
    with_error = tmp_path / "有错误.yaml"
    with_error.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    (tmp_path / "坏.yaml").write_text("perfxl: [", encoding="utf-8")
    with pytest.raises(SystemExit) as usage:
        main(["check", "--no-such-option"])
    codes = {
        "ok": main(["check", str(seed_list)]),
        "errors": main(["check", str(with_error)]),
        "input": main(["check", str(tmp_path / "坏.yaml")]),
        "usage": usage.value.code,
    }
    assert codes == {"ok": ExitCode.OK, "errors": ExitCode.ERRORS, "input": ExitCode.INPUT, "usage": ExitCode.INPUT}
    readme = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    assert (
        f"退出码：`{ExitCode.OK:d}` 没有错误；`{ExitCode.ERRORS:d}` 至少一张表有“错误”级问题；"
        f"`{ExitCode.INPUT:d}` 输入文件无法使用。"
    ) in readme
    assert f"退出码 {ExitCode.BROKEN_PIPE:d}" in readme

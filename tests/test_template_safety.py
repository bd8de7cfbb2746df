"""A template is untrusted input: its text cells can name fields, never run code, loop or build huge strings."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import openpyxl
import pytest

from perfxl.cli import bundled_example, main
from perfxl.errors import InputError
from perfxl.form_template import load_template
from perfxl.form_template.placeholders import PlaceholderError, parse_text
from perfxl.generate import default_template, generate

ROOT = Path(__file__).resolve().parent.parent


def _template_with(tmp_path: Path, cell: str, text: str) -> Path:
    book = openpyxl.load_workbook(default_template())
    book["自评表"][cell] = text
    path = tmp_path / "我局模板.xlsx"
    book.save(path)
    return path


def _payloads(marker: Path) -> list[str]:
    """Server-side template injection as written for jinja2; each would create ``marker`` if it ran."""
    touch = f"touch {marker}"
    return [
        f"（{{{{ lipsum.__globals__['os'].popen('{touch}').read() }}}} 年度）",
        f"{{{{ cycler.__init__.__globals__.os.system('{touch}') }}}}年度",
        f"x{{{{ joiner.__init__.__globals__['os'].system('{touch}') }}}}",
        f"{{{{ namespace.__init__.__globals__.os.popen('{touch}') }}}}：",
        "（{{ ''.__class__.__mro__ }}）",
        "（{{ ''.__class__.__mro__[1].__subclasses__() }}）",
        "（{{ year.__class__.__base__ }}）",
        "（{{ project.name.__class__ }}）",
        "（{{ project['name'] }}）",
        "（{{ project.name|attr('__class__') }}）",
        "（{{ self.__init__.__globals__ }}）",
        "（{{ config }}）",
        "（{{ year + 1 }}）",
        "{{ 'a' * 10**9 }}年",
        "（{% for i in range(10**9) %}{{ i }}{% endfor %}）",
        f"（{{% set x = cycler.__init__.__globals__.os.system('{touch}') %}}）",
        "（{% set s = 'a' * 10**9 %}{{ s }}）",
        "（{# a comment #}{{ year }}）",
        "（{%- raw %}{{ year }}{% endraw %}）",
    ]


@pytest.mark.parametrize("index", range(19))
@pytest.mark.slow
def test_hostile_placeholder_is_refused_naming_file_and_cell(tmp_path: Path, capsys, index: int) -> None:
    marker = tmp_path / "pwned"
    payload = _payloads(marker)[index]
    template = _template_with(tmp_path, "A2", payload)
    out = tmp_path / "自评表"
    code = main(["generate", "-o", str(out), "--template", str(template), "--mode", "native"])
    error = capsys.readouterr().err
    assert code == 2
    assert "我局模板.xlsx" in error and "单元格 自评表!A2" in error, error
    assert "Traceback" not in error
    assert not marker.exists()
    assert not out.exists()


def test_every_payload_is_listed() -> None:
    assert len(_payloads(Path("x"))) == 19


def test_hostile_placeholder_in_the_indicator_band_is_refused(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    template = _template_with(tmp_path, "L13", f"{{{{ row.__init__.__globals__.os.system('touch {marker}') }}}}")
    with pytest.raises(InputError) as caught:
        generate(bundled_example(), tmp_path / "out", template_path=template)
    assert "单元格 自评表!L13" in caught.value.render()
    assert not marker.exists() and not (tmp_path / "out").exists()


# perfxl run as ``python -m perfxl`` would, reporting its own peak memory when it exits. VmHWM is the
# process's own high-water mark; wait4's ru_maxrss is not: Linux carries the forking process's size (pytest's,
# hundreds of MB late in a full run) into the child's maxrss across the exec.
_PEAK_REPORTING = (
    "import atexit, os, runpy, sys\n"
    "def report():\n"
    "    with open('/proc/self/status') as status:\n"
    "        peak = next(line.split()[1] for line in status if line.startswith('VmHWM'))\n"
    "    with open(os.environ['PERFXL_TEST_PEAK'], 'w') as out:\n"
    "        out.write(peak)\n"
    "atexit.register(report)\n"
    "sys.argv[0] = 'perfxl'\n"
    "runpy.run_module('perfxl', run_name='__main__', alter_sys=True)\n"
)


def _run_bounded(args: list[str], seconds: float, peak_file: Path) -> tuple[int, str, int]:
    """``python -m perfxl …`` in its own process: exit code, stderr and peak memory (KiB), killed after ``seconds``."""
    env = {**os.environ, "PERFXL_TEST_PEAK": str(peak_file)}
    run = subprocess.run(
        [sys.executable, "-c", _PEAK_REPORTING, *args],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=env,
        timeout=seconds,
        check=False,
    )
    return run.returncode, run.stderr.decode(), int(peak_file.read_text())


@pytest.mark.parametrize(
    "payload",
    [
        "（{% for i in range(10**9) %}{% for j in range(10**9) %}x{% endfor %}{% endfor %}）",
        "{{ 'a' * 10**9 }}{{ 'b' * 10**9 }}",
    ],
)
@pytest.mark.slow
def test_loops_and_huge_strings_neither_hang_nor_eat_memory(tmp_path: Path, payload: str) -> None:
    """Run as a user would, in its own process: refused within seconds, with a small peak memory."""
    template = _template_with(tmp_path, "A2", payload)
    code, stderr, peak = _run_bounded(
        ["generate", "--template", str(template), "-o", str(tmp_path / "out")], 120, tmp_path / "peak.txt"
    )
    assert code == 2, stderr
    assert "单元格 自评表!A2" in stderr
    assert peak < 400 * 1024  # KiB: either payload, if evaluated, needs 2 GB or never ends
    assert not (tmp_path / "out").exists()


@pytest.mark.slow
def test_text_placeholders_are_filled(tmp_path: Path) -> None:
    book = openpyxl.load_workbook(default_template())
    ws = book["自评表"]
    ws["A2"] = "（{{ year }} 年度，{{project.unit}}，{{ profile }}）"
    ws["L13"] = "第{{ row.index }}项：{{ row.name }}（{{ row.weight }}分）"
    ws["L1"] = "{{ year }}"  # a text field alone in its cell is text, not a form field
    path = tmp_path / "模板.xlsx"
    book.save(path)
    written = generate(bundled_example(), tmp_path / "out", mode="native", template_path=path)
    sheet = openpyxl.load_workbook(written[0])["业务工作经历"]
    assert sheet["A2"].value == "（2022 年度，上海市职业技能鉴定中心，mof-2020）"
    assert sheet["L13"].value.startswith("第1项：")
    assert sheet["L14"].value.startswith("第2项：")
    assert sheet["L1"].value == "2022"


def test_row_placeholder_outside_the_band_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=re.escape("row.name }}」只能用在指标行")):
        load_template(_template_with(tmp_path, "A2", "（{{ row.name }}）"))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{{ year", "缺少结尾的 }}"),
        ("{{ }}", "不是字段名"),
        ("{{ total.score }}分", "不是可用的字段"),
        ("{% if x %}", "不支持 {%"),
        ("{# x #}", "不支持 {#"),
    ],
)
def test_parse_errors_say_what_is_wrong(text: str, message: str) -> None:
    with pytest.raises(PlaceholderError, match=re.escape(message)):
        parse_text(text)


def test_parsing_a_long_hostile_text_is_quick() -> None:
    text = "{{ " * 30000 + "x"  # Excel's longest cell text, every position an opening
    started = time.monotonic()
    with pytest.raises(PlaceholderError):
        parse_text(text)
    # A guard against a parser that goes quadratic on such text (minutes), not a speed measurement.
    assert time.monotonic() - started < 20
    assert parse_text("a}}b{ c }").render({}) == "a}}b{ c }"

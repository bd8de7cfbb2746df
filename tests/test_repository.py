"""The README's fresh-machine commands and CI stay in step."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def readme_commands() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    first_block = re.search(r"```bash\n(.*?)```", text, re.S)
    assert first_block is not None
    return [line for line in first_block.group(1).splitlines() if line and not line.startswith("#")]


def test_readme_opens_with_an_install_and_run_command_and_a_test_command() -> None:
    assert readme_commands() == ["python3 -m venv .venv && . .venv/bin/activate && pip install -e . && perfxl generate",
                                 "bash .ci/run"]


def test_ci_ends_with_the_readme_test_command() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    test_command = re.search(r"只运行测试：`([^`]+)`", readme)
    assert test_command is not None
    ci_lines = [line for line in (ROOT / ".ci" / "run").read_text().splitlines() if line and not line.startswith("#")]
    assert ci_lines[-1] == test_command.group(1)
    assert "pip install --quiet -e \".[test]\"" in "\n".join(ci_lines)


def test_the_scoring_core_is_pure() -> None:
    """perfxl.core imports no spreadsheet library and does no I/O: every adapter can sit around it."""
    import subprocess
    import sys

    probe = ("import sys, perfxl.core; "
             "print(sorted(m for m in ('xlwings', 'openpyxl', 'xlsxwriter', 'yaml', 'lxml', 'perfxl.contract', "
             "'perfxl.projectlist', 'perfxl.generate') if m in sys.modules))")
    run = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert run.stdout.strip() == "[]"
    for path in (ROOT / "perfxl" / "core").glob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert "open(" not in text and "pathlib" not in text, path.name

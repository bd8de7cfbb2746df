"""Errors perfxl turns into a cell text or a message are logged with their traceback, never swallowed
(issue 10, item 5): the PERF_* functions, the 重新计算 button, and PERFXL_DEBUG's log file."""

from __future__ import annotations

import logging
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from perfxl.contract import functions
from perfxl.contract.texts import CALCULATION_FAILED

ROOT = Path(__file__).resolve().parents[1]


def test_a_failing_worksheet_function_shows_a_text_and_logs_the_traceback(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(*args: object) -> Decimal:
        raise ZeroDivisionError("a bug in the core")

    monkeypatch.setattr(functions, "execution_rate", broken)  # fault injection: a bug the cell must survive
    with caplog.at_level(logging.ERROR, logger="perfxl"):
        assert functions.perf_rate(100, 50) == CALCULATION_FAILED
    [record] = caplog.records
    assert record.name == "perfxl.functions" and record.exc_info is not None
    assert "a bug in the core" in caplog.text


def test_the_button_logs_its_failure_and_still_raises_for_xlwings_to_show(caplog: pytest.LogCaptureFixture) -> None:
    from perfxl.excel import recalc

    with caplog.at_level(logging.ERROR, logger="perfxl"), pytest.raises(AttributeError):
        recalc(book=object())  # not a workbook: the button cannot even start
    assert any(r.name == "perfxl.excel" and r.exc_info for r in caplog.records)


@pytest.mark.slow
def test_perfxl_debug_collects_a_worksheet_functions_traceback(tmp_path: Path) -> None:
    """In the UDF server (udfs imported), PERFXL_DEBUG names the file the tracebacks go to."""
    log = tmp_path / "udf.log"
    program = (
        "import perfxl.udfs, perfxl.contract.functions as f\n"
        "f.execution_rate = lambda *a: 1 / 0\n"
        "print(f.perf_rate(100, 50))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", program],
        cwd=ROOT,
        env={"PERFXL_DEBUG": str(log), "PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.strip() == CALCULATION_FAILED
    text = log.read_text(encoding="utf-8")
    assert "a PERF_* function failed" in text and "ZeroDivisionError" in text

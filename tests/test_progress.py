"""The progress bar on a terminal: redrawn in place, and ended before a message when a run is interrupted."""

from __future__ import annotations

import io

from perfxl.cli.progress import ProgressBar, end_line


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_an_interrupted_bar_is_ended_before_the_next_message() -> None:
    terminal = Terminal()
    bar = ProgressBar("重新计算", terminal)
    bar(1, 150)
    assert terminal.getvalue().startswith("\r重新计算 [") and not terminal.getvalue().endswith("\n")
    end_line()
    assert terminal.getvalue().endswith("张/秒\n")
    end_line()  # once only
    assert terminal.getvalue().count("\n") == 1


def test_a_finished_bar_needs_no_ending() -> None:
    terminal = Terminal()
    bar = ProgressBar("检查自评表", terminal)
    bar(150, 150)
    end_line()
    assert terminal.getvalue().count("\n") == 1

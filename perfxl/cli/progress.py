"""A one-line progress bar on stderr for long runs."""

from __future__ import annotations

import sys
import time
from typing import TextIO

# Runs shorter than this many items print nothing: a progress bar for two forms is noise.
MIN_ITEMS = 20
WIDTH = 30
_open_line: list[TextIO] = []  # the stream whose last line is a bar still being redrawn


def end_line() -> None:
    """End a bar's line left unfinished (a run interrupted), so that the next message starts on its own."""
    while _open_line:
        stream = _open_line.pop()
        stream.write("\n")
        stream.flush()


class ProgressBar:
    def __init__(self, label: str, stream: TextIO | None = None) -> None:
        self.label = label
        self.stream = stream or sys.stderr
        self.started = time.monotonic()
        self.last_shown = 0.0

    def __call__(self, done: int, total: int) -> None:
        if total < MIN_ITEMS:
            return
        now = time.monotonic()
        if done < total and now - self.last_shown < 0.2:
            return
        self.last_shown = now
        filled = WIDTH * done // total
        rate = done / max(now - self.started, 1e-9)
        line = f"\r{self.label} [{'#' * filled}{'.' * (WIDTH - filled)}] {done}/{total}  {rate:.0f} 张/秒"
        end = "\n" if done >= total else ""
        if self.stream.isatty() or done >= total:
            self.stream.write(line + end)
            self.stream.flush()
            _open_line[:] = [] if end else [self.stream]

"""Ctrl-C and TERM: perfxl stops cleanly, says how far it got and exits 130 (INT) or 143 (TERM)."""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import FrameType


class Interrupted(KeyboardInterrupt):
    """The run was stopped by ``signum``; in a batch, ``done`` of ``total`` items were finished."""

    def __init__(
        self, signum: int = signal.SIGINT, done: int | None = None, total: int | None = None, note: str = ""
    ) -> None:
        super().__init__(signum)  # the only argument, so that the exception pickles between processes
        self.signum = signum
        self.done = done
        self.total = total
        self.note = note

    @property
    def exit_code(self) -> int:
        """128 + the signal, as a shell reports a program the signal ended: 130 for INT, 143 for TERM."""
        return 128 + self.signum

    def message(self) -> str:
        text = "已中断"
        if self.total is not None:
            text += f"：已处理 {self.done}/{self.total} 个文件"
        return text + (f"，{self.note}" if self.note else "") + "。"


def raise_on_terminate() -> None:
    """Make TERM raise :class:`Interrupted` as Ctrl-C raises KeyboardInterrupt, so that cleanup code runs
    (temporary files removed) instead of the process vanishing mid-write."""
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _raise)


def _raise(signum: int, frame: FrameType | None) -> None:
    raise Interrupted(signum)


class StopRequest:
    """Which signal asked a batch to stop (None while none did)."""

    def __init__(self) -> None:
        self.signum: int | None = None


@contextmanager
def stop_requests(on_first: Callable[[], None], on_second: Callable[[int], None]) -> Iterator[StopRequest]:
    """While the block runs, the first INT or TERM only records itself (and calls ``on_first``): the batch
    finishes the items under way and stops; a second one calls ``on_second``, which aborts them.

    Outside the main thread signals cannot be handled: the block then runs with the handlers as they are.
    """
    request = StopRequest()
    if threading.current_thread() is not threading.main_thread():
        yield request
        return

    def handle(signum: int, frame: FrameType | None) -> None:
        if request.signum is None:
            request.signum = signum
            on_first()
        else:
            on_second(signum)

    previous = {number: signal.signal(number, handle) for number in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield request
    finally:
        for number, handler in previous.items():
            signal.signal(number, signal.SIG_DFL if handler is None else handler)  # None: set outside Python

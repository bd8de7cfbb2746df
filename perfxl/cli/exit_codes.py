"""The exit codes of every ``perfxl`` command, in one place (the README's user guide lists them)."""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """What a shell or a script sees when a command ends.

    Ctrl-C and TERM end with 128 + the signal (130, 143: perfxl.interrupts.Interrupted.exit_code).
    """

    OK = 0
    # Errors: a form with 错误-level findings, a file that could not be used while others were, a target left
    # alone (generate), an Excel action that failed: the run did not end as asked.
    ERRORS = 1
    # Nothing done: the input or an output cannot be used, or the arguments are wrong (argparse's usage error).
    INPUT = 2
    INTERNAL = 3  # a defect in perfxl: said plainly, the traceback with PERFXL_DEBUG=1
    BROKEN_PIPE = 141  # 128 + SIGPIPE: the reader of the output stopped (``perfxl check … | head``)

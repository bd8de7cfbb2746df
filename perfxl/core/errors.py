"""The root of every error perfxl raises on purpose.

Each module's own errors subclass :class:`PerfxlError` (and the built-in error they are a kind of, such as
ValueError or OSError), so a caller can tell perfxl's reported problems from bugs: anything else reaching
the CLI is an internal error, logged with its traceback. It lives in the core because the core raises
such errors too and may import nothing outside perfxl.core.
"""

from __future__ import annotations


class PerfxlError(Exception):
    """An error perfxl raises on purpose, with a message for the person running it."""

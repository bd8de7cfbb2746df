"""PERFXL_DEBUG: the file where perfxl writes the details (tracebacks) of problems it reports in Chinese.

``PERFXL_DEBUG=1`` (or true/yes/on) writes ``perfxl-debug.log`` in the current folder; any other value
is the log file's path; unset, empty or 0 writes nothing. perfxl logs to the ``perfxl`` logger, which
reaches nobody unless this file is enabled (no traceback on an officer's screen).
"""

from __future__ import annotations

import logging
import os
import tempfile
from pathlib import Path

LOGGER = logging.getLogger("perfxl")
LOGGER.addHandler(logging.NullHandler())

VARIABLE = "PERFXL_DEBUG"
DEFAULT_NAME = "perfxl-debug.log"
_ON = {"1", "true", "yes", "on"}
_OFF = {"", "0", "false", "no", "off"}
_handler: tuple[Path, logging.FileHandler] | None = None  # (the path asked for, the handler writing)


def requested_path() -> Path | None:
    """The log file PERFXL_DEBUG asks for, or None when it asks for none."""
    value = os.environ.get(VARIABLE, "").strip()
    if value.lower() in _OFF:
        return None
    return Path(os.path.abspath(DEFAULT_NAME if value.lower() in _ON else value))


def enable() -> Path | None:
    """Send the ``perfxl`` log to the debug file, if one is asked for; the file actually written (in the
    temporary folder when the one asked for cannot be written), or None."""
    global _handler
    wanted = requested_path()
    if _handler is not None:
        if wanted is not None and _handler[0] == wanted:
            return Path(_handler[1].baseFilename)
        LOGGER.removeHandler(_handler[1])
        _handler[1].close()
        _handler = None
    if wanted is None:
        return None
    for path in (wanted, Path(tempfile.gettempdir()) / DEFAULT_NAME):
        try:
            handler = logging.FileHandler(path, encoding="utf-8")
        except OSError:
            continue
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s [%(process)d] %(message)s"))
        LOGGER.addHandler(handler)
        LOGGER.setLevel(logging.DEBUG)
        _handler = (wanted, handler)
        return path
    return None


def hint(path: Path | None) -> str:
    """Where the details are, for the end of a Chinese message."""
    if path is not None:
        return f"详情已写入 {path}"
    return f"设置环境变量 {VARIABLE}=1 后重新运行，可把详情写入 {DEFAULT_NAME}"

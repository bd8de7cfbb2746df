"""One root for perfxl's errors (issue 10, item 5): every exception class perfxl defines is a PerfxlError."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import perfxl
from perfxl.core.errors import PerfxlError

# Modules that need what a test machine may lack (a running office suite's Python bindings).
OPTIONAL = {"perfxl.libreoffice.uno_worker"}


def _modules() -> list[object]:
    names = [m.name for m in pkgutil.walk_packages(perfxl.__path__, "perfxl.") if not m.name.endswith("__main__")]
    return [importlib.import_module(name) for name in names if name not in OPTIONAL]


def test_every_error_class_of_perfxl_is_a_perfxl_error() -> None:
    defined = [
        (module.__name__, name, value)
        for module in _modules()
        for name, value in vars(module).items()
        if inspect.isclass(value) and issubclass(value, Exception) and value.__module__ == module.__name__
    ]
    assert len(defined) >= 15  # the walk found perfxl's errors, not nothing
    strays = [f"{module}.{name}" for module, name, value in defined if not issubclass(value, PerfxlError)]
    assert not strays, f"not under PerfxlError: {strays}"


def test_errors_stay_the_built_in_kind_callers_catch() -> None:
    """Errors keep the built-in kind too; a stop (Ctrl-C, TERM) stays a KeyboardInterrupt, outside the root,
    so that no ``except Exception`` (a file's failure) swallows it."""
    from perfxl.core.numbers import NotANumber
    from perfxl.interrupts import Interrupted
    from perfxl.output_errors import OutputError

    assert issubclass(NotANumber, ValueError) and issubclass(OutputError, OSError)
    assert issubclass(Interrupted, KeyboardInterrupt) and not issubclass(Interrupted, Exception)

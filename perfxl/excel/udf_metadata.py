"""What xlwings' own classic UDF machinery sees in ``perfxl.udfs``, obtainable on any platform.

On Linux and macOS the ``xw.func``/``xw.arg`` decorators are identity functions, so the metadata
(argument names, optional arguments, the Chinese ``doc=`` texts) and the VBA wrappers that
xlwings' "Import Functions" would write can only be had by loading the module under xlwings' real
Windows decorators. ``xlwings.udfs`` imports pywin32 at module level; on a machine without it, those
imports are satisfied by inert stand-ins for as long as the load takes.
"""

from __future__ import annotations

import importlib.util
import io
import sys
import types
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType

UDF_MODULE = "perfxl.udfs"
_WINDOWS_ONLY = ("pythoncom", "pywintypes", "win32com", "win32com.client")


class _InertModule(types.ModuleType):
    """A pywin32 module stand-in: every attribute is a no-op callable."""

    def __getattr__(self, name: str) -> object:
        if name.startswith("__"):
            raise AttributeError(name)
        return lambda *args, **kwargs: None


@contextmanager
def _xlwings_udf_machinery() -> Iterator[ModuleType]:
    added = [name for name in _WINDOWS_ONLY if name not in sys.modules]
    for name in added:
        sys.modules[name] = _InertModule(name)
    if "win32com" in added:
        sys.modules["win32com"].client = sys.modules["win32com.client"]  # type: ignore[attr-defined]
    import xlwings as xw

    saved = (xw.func, xw.arg, xw.ret, xw.sub)
    try:
        import xlwings.udfs as xlwings_udfs

        xw.func, xw.arg, xw.ret, xw.sub = (xlwings_udfs.xlfunc, xlwings_udfs.xlarg, xlwings_udfs.xlret,
                                           xlwings_udfs.xlsub)
        yield xlwings_udfs
    finally:
        xw.func, xw.arg, xw.ret, xw.sub = saved
        if added:
            sys.modules.pop("xlwings.udfs", None)
            for name in added:
                sys.modules.pop(name, None)


def _load_decorated(xlwings_udfs: ModuleType) -> ModuleType:
    """A private copy of perfxl.udfs whose functions carry xlwings' ``__xlfunc__`` metadata."""
    spec = importlib.util.find_spec(UDF_MODULE)
    assert spec is not None and spec.origin is not None
    copy_spec = importlib.util.spec_from_file_location("_perfxl_udfs_with_metadata", Path(spec.origin))
    assert copy_spec is not None and copy_spec.loader is not None
    module = importlib.util.module_from_spec(copy_spec)
    copy_spec.loader.exec_module(module)
    return module


def udf_metadata() -> dict[str, dict[str, object]]:
    """Each UDF's ``__xlfunc__`` record as xlwings builds it, by Excel function name."""
    with _xlwings_udf_machinery() as xlwings_udfs:
        module = _load_decorated(xlwings_udfs)
    return {
        value.__xlfunc__["name"]: value.__xlfunc__
        for value in vars(module).values()
        if callable(value) and hasattr(value, "__xlfunc__")
    }


class _Workbook:
    """The one attribute of a workbook that xlwings' wrapper generator reads."""

    Name = "perfxl.xlsm"


def vba_wrappers() -> str:
    """The ``xlwings_udfs`` module text, exactly as xlwings' own generator writes it."""
    with _xlwings_udf_machinery() as xlwings_udfs:
        module = _load_decorated(xlwings_udfs)
        out = io.StringIO()
        xlwings_udfs.generate_vba_wrapper(UDF_MODULE, module, out, _Workbook())
    return out.getvalue()

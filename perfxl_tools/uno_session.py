"""A long-lived LibreOffice for recalculating and reading many workbooks (about 0.1 s each): test tooling.

- :class:`UnoSession` / :func:`recalculate_and_read` — one soffice for many workbooks: set cells,
  recalculate everything, read every defined name, list error cells;
  :meth:`UnoSession.inspect_macros` lists a workbook's VBA modules and button bindings and runs macros.

The project's Python cannot import ``uno``, so :class:`UnoSession` starts two processes: soffice, listening
on a pipe whose name is unique to the session, with a throwaway user installation (see
:class:`perfxl.libreoffice.UserInstallation`), and ``uno_worker.py`` under the system Python, which drives
soffice and talks JSON lines with us. Failures raise :class:`perfxl.libreoffice.LibreOfficeError`.
"""

from __future__ import annotations

import contextlib
import json
import os
import queue
import subprocess
import threading
import time
import uuid
import weakref
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType

from perfxl.libreoffice.soffice import INSTALL_HINT, LibreOfficeError, UserInstallation, kill_process_group

WORKER = Path(__file__).with_name("uno_worker.py")
UNO_PYTHON_CANDIDATES = ("/usr/bin/python3",)


def find_uno_python() -> Path:
    """The interpreter that can ``import uno``: ``$PERFXL_UNO_PYTHON`` or Debian's /usr/bin/python3.

    python3-uno is built for the system Python only, so the UNO worker never runs in the project's own
    interpreter (which may be a pyenv or venv Python without ``uno``).
    """
    override = os.environ.get("PERFXL_UNO_PYTHON")
    for candidate in [override] if override else list(UNO_PYTHON_CANDIDATES):
        if Path(candidate).is_file():
            return Path(candidate)
    raise LibreOfficeError(f"找不到可以使用 python3-uno 的系统 Python（/usr/bin/python3）。{INSTALL_HINT}")


@dataclass(frozen=True)
class ErrorValue:
    """A cell whose formula evaluated to an error, e.g. ``ErrorValue("#VALUE!")`` or ``ErrorValue("Err:502")``."""

    text: str

    def __str__(self) -> str:
        return self.text


Value = float | str | ErrorValue | None
"""A cell value after recalculation: number (always float), text, error, or None for an empty cell."""

Grid = list[list[Value]]
"""The values of a range, row by row."""

CellInput = float | int | str | bool | None
"""What can be put into a cell before recalculation (None empties it)."""


@dataclass(frozen=True)
class CellError:
    """A formula cell with an error result, found by scanning the used area of every sheet."""

    sheet: str
    cell: str  # "B7"
    error: str  # "#VALUE!", "#NAME?", "Err:502", …
    code: int  # LibreOffice's error number (519 for #VALUE!)
    formula: str

    def __str__(self) -> str:
        return f"{self.sheet}!{self.cell}: {self.error} ({self.formula})"


@dataclass(frozen=True)
class WorkbookRequest:
    """What to do with one workbook: cells to set before recalculation, and what to read after it.

    ``set`` keys are ``"Sheet!F12"`` (quote sheet names as Excel does: ``"'My Sheet'!F12"``), a sheet
    scoped name ``"Sheet!Name"`` or a workbook-scoped ``"Name"``; the target must be a single cell.
    Values: numbers, text, True/False (stored as 1/0), or None to empty the cell. Text is always text:
    a string starting with ``=`` is not entered as a formula.
    """

    path: Path
    set: Mapping[str, CellInput] = field(default_factory=dict)
    names: bool = True
    cells: Sequence[str] = ()
    errors: bool = False
    save_as: Path | None = None  # store the recalculated workbook (.xlsx, .ods or .pdf)
    rows: Sequence[tuple[str, int, int]] = ()  # (sheet, row, count): insert before row; count < 0 deletes


@dataclass(frozen=True)
class WorkbookResult:
    """Values after ``calculateAll()``.

    ``names``: every defined name that refers to cells; workbook scope as ``"Name"``, sheet scope as
    ``"Sheet!Name"``; ranges are clipped to the sheet's used area. ``other_names``: names that are
    constants or formulas (``"=0.7"``), with LibreOffice's text of their content. ``cells``: the requested
    references. ``errors``: every error cell, when requested (else None).
    """

    path: Path
    sheets: list[str]
    names: dict[str, Grid]
    other_names: dict[str, str]
    cells: dict[str, Grid]
    errors: list[CellError] | None
    seconds: float

    def value(self, key: str) -> Value:
        """The top-left value of a name (looked up first) or of a requested cell reference."""
        grid = self.names.get(key)
        if grid is None:
            grid = self.cells.get(key)
        if grid is None:
            raise KeyError(key)
        return grid[0][0] if grid and grid[0] else None


@dataclass(frozen=True)
class FormControl:
    """A form control (e.g. a button) on a sheet, and the script URLs its events call."""

    sheet: str
    name: str
    label: str | None
    scripts: list[str]  # "vnd.sun.star.script:VBAProject.perfxl.PerfxlRecalc?language=Basic&location=document"


@dataclass(frozen=True)
class MacroReport:
    """What LibreOffice makes of a workbook's macros (see :meth:`UnoSession.inspect_macros`).

    ``modules``: library → module → its text as LibreOffice imported it (VBA modules gain ``Rem Attribute``
    and ``Option VBASupport 1`` lines). ``results``: macro → what it returned, or an :class:`ErrorValue`
    when it could not be run.
    """

    path: Path
    vba_mode: bool
    modules: dict[str, dict[str, str]]
    code_names: dict[str, str]
    controls: list[FormControl]
    results: dict[str, Value | bool | int]


class UnoSession:
    """soffice + UNO worker, started on first use and shut down by :meth:`close` or the ``with`` block.

    >>> with UnoSession() as lo:
    ...     result = lo.recalculate("form.xlsx", set={"自评表!F12": 0.5})
    ...     result.value("自评表!总分")

    A request that takes longer than ``timeout`` seconds kills soffice and the worker (whole process
    groups) and raises LibreOfficeError; the next request starts a fresh soffice. ``macros=True`` loads
    documents with MacroExecutionMode ALWAYS_EXECUTE_NO_WARN (needed for VBA UDFs in .xlsm).
    """

    def __init__(self, *, timeout: float = 60.0, startup_timeout: float = 60.0, macros: bool = False) -> None:
        self.timeout = timeout
        self.startup_timeout = startup_timeout
        self.macros = macros
        self._installation: UserInstallation | None = None
        self._soffice: subprocess.Popen | None = None
        self._worker: subprocess.Popen | None = None
        self._replies: queue.Queue[str | None] = queue.Queue()
        self._finalizer: weakref.finalize | None = None

    # -- lifecycle ------------------------------------------------------------------------------
    @property
    def running(self) -> bool:
        return (
            self._worker is not None
            and self._worker.poll() is None
            and self._soffice is not None
            and self._soffice.poll() is None
        )

    def start(self) -> UnoSession:
        if self.running:
            return self
        self._kill()
        uno_python = find_uno_python()
        installation = UserInstallation()
        pipe = f"perfxl-{os.getpid()}-{uuid.uuid4().hex}"
        env = installation.env
        self._installation = installation
        with (installation.path / "soffice.log").open("wb") as soffice_log:
            self._soffice = subprocess.Popen(
                [*installation.soffice_args(), f"--accept=pipe,name={pipe};urp;StarOffice.ComponentContext"],
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=soffice_log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        worker_env = {k: v for k, v in env.items() if k not in ("PYTHONHOME", "PYTHONPATH")}
        worker_env["PYTHONIOENCODING"] = "utf-8"
        with (installation.path / "worker.log").open("wb") as worker_log:
            self._worker = subprocess.Popen(
                [str(uno_python), str(WORKER), pipe, str(self.startup_timeout)],
                env=worker_env,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=worker_log,
                text=True,
                encoding="utf-8",
                start_new_session=True,
            )
        self._finalizer = weakref.finalize(self, _kill_all, self._worker, self._soffice, installation)
        self._replies = queue.Queue()
        threading.Thread(target=_pump, args=(self._worker.stdout, self._replies), daemon=True).start()
        ready = self._receive(self.startup_timeout + 5, "启动")
        if not ready.get("ok"):
            detail = ready.get("error") or self._worker_log()
            self._kill()
            raise LibreOfficeError(f"LibreOffice 启动失败：{detail}")
        return self

    def close(self) -> None:
        """Ask soffice to terminate, wait briefly, then kill whatever is left and remove the user installation."""
        if self.running and self._soffice is not None:
            try:
                self._send({"op": "quit"})
                self._receive(10, "关闭", watch_soffice=False)
                self._soffice.wait(timeout=10)
            except (LibreOfficeError, subprocess.TimeoutExpired, OSError):
                pass
        self._kill()

    def __enter__(self) -> UnoSession:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    # -- requests -------------------------------------------------------------------------------
    def recalculate(
        self,
        path: str | os.PathLike[str],
        *,
        set: Mapping[str, CellInput] | None = None,
        names: bool = True,
        cells: Sequence[str] = (),
        errors: bool = False,
        save_as: str | os.PathLike[str] | None = None,
        rows: Sequence[tuple[str, int, int]] = (),
    ) -> WorkbookResult:
        """Load ``path`` hidden, insert/delete rows, set cells, ``calculateAll()``, read, (store a copy,) close
        without saving."""
        return self.process(
            WorkbookRequest(
                Path(path),
                dict(set or {}),
                names,
                tuple(cells),
                errors,
                Path(save_as) if save_as is not None else None,
                tuple(rows),
            )
        )

    def error_cells(self, path: str | os.PathLike[str]) -> list[CellError]:
        """Every cell whose formula gives an error (#VALUE!, #NAME?, #REF!, Err:502 …) after recalculation."""
        result = self.recalculate(path, names=False, errors=True)
        return result.errors or []

    def process(self, request: WorkbookRequest) -> WorkbookResult:
        path = request.path.resolve()
        if not path.is_file():
            raise LibreOfficeError(f"文件不存在：{path}")
        self.start()
        message = {
            "op": "process",
            "path": str(path),
            "set": dict(request.set),
            "names": request.names,
            "cells": list(request.cells),
            "errors": request.errors,
            "macros": self.macros,
            "save_as": str(request.save_as.resolve()) if request.save_as else None,
            "rows": [list(r) for r in request.rows],
        }
        self._send(message)
        reply = self._receive(self.timeout, f"处理 {path.name}")
        if not reply.get("ok"):
            raise LibreOfficeError(f"{path.name}：{reply.get('error')}")
        return WorkbookResult(
            path=path,
            sheets=list(reply["sheets"]),
            names={k: _grid(v) for k, v in reply["names"].items()},
            other_names=dict(reply["other_names"]),
            cells={k: _grid(v) for k, v in reply["cells"].items()},
            errors=None if reply["errors"] is None else [CellError(**e) for e in reply["errors"]],
            seconds=float(reply["seconds"]),
        )

    def inspect_macros(self, path: str | os.PathLike[str], *, run: Sequence[str] = ()) -> MacroReport:
        """Load ``path`` with macros allowed (whatever ``macros`` says), list its Basic/VBA modules, sheet code
        names and form controls with the scripts bound to them, run each macro in ``run`` (``"Library.Module.
        Macro"``, e.g. ``"VBAProject.perfxl.PerfxlVersion"``, without arguments) and close without saving."""
        path = Path(path).resolve()
        if not path.is_file():
            raise LibreOfficeError(f"文件不存在：{path}")
        self.start()
        self._send({"op": "macros", "path": str(path), "run": list(run)})
        reply = self._receive(self.timeout, f"检查 {path.name} 的宏")
        if not reply.get("ok"):
            raise LibreOfficeError(f"{path.name}：{reply.get('error')}")
        controls = [
            FormControl(
                sheet["name"], control["name"], control["label"], [event["script"] for event in control["events"]]
            )
            for sheet in reply["sheets"]
            for control in sheet["controls"]
        ]
        return MacroReport(
            path=path,
            vba_mode=bool(reply["vba_mode"]),
            modules=reply["modules"],
            code_names={sheet["name"]: sheet["code_name"] for sheet in reply["sheets"]},
            controls=controls,
            results={k: ErrorValue(v["error"]) if isinstance(v, dict) else v for k, v in reply["results"].items()},
        )

    def process_many(self, requests: Iterable[WorkbookRequest]) -> list[WorkbookResult]:
        return [self.process(r) for r in requests]

    # -- plumbing -------------------------------------------------------------------------------
    def _send(self, message: dict) -> None:
        assert self._worker is not None and self._worker.stdin is not None
        try:
            self._worker.stdin.write(json.dumps(message, ensure_ascii=False) + "\n")
            self._worker.stdin.flush()
        except OSError as exc:
            detail = self._worker_log()
            self._kill()
            raise LibreOfficeError(f"LibreOffice 已意外退出：{detail or exc}") from None

    def _receive(self, timeout: float, what: str, *, watch_soffice: bool = True) -> dict:
        """The worker's next reply; kills everything on timeout, or at once if soffice has died."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                line = self._replies.get(timeout=min(0.2, max(0.0, deadline - time.monotonic())))
                break
            except queue.Empty:
                if watch_soffice and self._soffice is not None and self._soffice.poll() is not None:
                    detail = self._log("soffice.log") or f"退出码 {self._soffice.returncode}"
                    self._kill()
                    raise LibreOfficeError(f"LibreOffice {what}时意外退出：{detail}") from None
                if time.monotonic() >= deadline:
                    self._kill()
                    raise LibreOfficeError(f"LibreOffice {what}超时（{timeout:g} 秒），已终止") from None
        if line is None:
            detail = self._worker_log()
            self._kill()
            raise LibreOfficeError(f"LibreOffice {what}时意外退出：{detail}")
        return json.loads(line)

    def _log(self, name: str) -> str:
        log = self._installation.path / name if self._installation is not None else None
        return log.read_text(encoding="utf-8", errors="replace").strip()[-800:] if log and log.is_file() else ""

    def _worker_log(self) -> str:
        text = self._log("worker.log")
        if "No module named 'uno'" in text:
            return "系统 Python 缺少 uno 模块，请安装 python3-uno"
        return text

    def _kill(self) -> None:
        if self._finalizer is not None:
            self._finalizer()
        elif self._installation is not None:
            self._installation.cleanup()
        self._finalizer = None
        self._worker = self._soffice = self._installation = None


def _kill_all(worker: subprocess.Popen, soffice: subprocess.Popen, installation: UserInstallation) -> None:
    kill_process_group(worker, grace=0.0)
    kill_process_group(soffice, grace=0.0)
    for stream in (worker.stdin, worker.stdout):
        if stream is not None:
            with contextlib.suppress(OSError):
                stream.close()
    installation.cleanup()


def _pump(stream, replies: queue.Queue[str | None]) -> None:
    for line in stream:
        replies.put(line)
    replies.put(None)


def _value(raw: object) -> Value:
    if isinstance(raw, dict):
        return ErrorValue(str(raw.get("error", "")))
    if isinstance(raw, bool):
        return float(raw)
    if isinstance(raw, int):
        return float(raw)
    return raw  # type: ignore[return-value]


def _grid(rows: list[list[object]]) -> Grid:
    return [[_value(v) for v in row] for row in rows]


def recalculate_and_read(
    paths: Iterable[str | os.PathLike[str] | WorkbookRequest], *, timeout: float = 60.0, macros: bool = False
) -> list[WorkbookResult]:
    """Recalculate and read many workbooks in one soffice session (names by default; see WorkbookRequest)."""
    requests = [p if isinstance(p, WorkbookRequest) else WorkbookRequest(Path(p)) for p in paths]
    with UnoSession(timeout=timeout, macros=macros) as session:
        return session.process_many(requests)

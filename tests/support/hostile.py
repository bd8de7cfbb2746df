"""Running perfxl's real CLI on hostile input and checking what must hold whatever the input (issue 9, item 10).

A :class:`Scene` is a fresh folder with ``in`` (the inputs), ``out`` (where outputs go), ``cwd`` (the current
folder of the run) and ``tmp`` (its TMPDIR). :meth:`Scene.run` runs ``python -m perfxl`` of this checkout
there and returns every way the run broke the rules:

- the exit code is 0, 1 or 2, and neither stdout nor stderr holds a traceback or ``内部错误`` (an internal
  error is perfxl's bug, reported as a finding of the test to be fixed, not a message for an officer);
- no file of ``in`` is gone, none is added, none is changed, except a file ``recalc`` says it rewrote,
  which must then be a complete workbook (its zip intact, every part it had, readable by ``perfxl check``);
- no temporary file is left: nothing new in ``cwd`` or ``tmp``, no hidden file (atomic_path's
  ``.{stem}.…`` and check_writable's ``.perfxl-…``) anywhere, only the expected outputs in ``out``.

When a run breaks them, the same command is run again on the same inputs with ``PERFXL_DEBUG`` set, and its
log and traceback go into the report.
"""

from __future__ import annotations

import io
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT = 120  # seconds; a run taking longer is a finding (unbounded work on a small file)
MEMORY = 3 << 30  # address space of a run: a run beyond it fails with MemoryError, an internal error
EXIT_CODES = {0, 1, 2}
HAND_MADE_NOTE = "（手工表格：已检查，未改写）"
# Temporary files and folders perfxl makes: atomic_path's ".{stem}.xxxx{suffix}", check_writable's
# ".perfxl-xxxx", the pdf's and LibreOffice's folders in TMPDIR.
TEMPORARY = re.compile(r"^(\.|perfxl-)")


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))


@dataclass
class Run:
    args: tuple[str, ...]
    returncode: int
    stdout: str
    stderr: str
    seconds: float

    def __str__(self) -> str:
        return (
            f"$ perfxl {' '.join(self.args)}\nexit {self.returncode} after {self.seconds:.1f} s\n"
            f"--- stdout\n{_tail(self.stdout)}\n--- stderr\n{_tail(self.stderr)}"
        )


def _tail(text: str, limit: int = 3000) -> str:
    return text if len(text) <= limit else f"…{text[-limit:]}"


def perfxl(
    args: tuple[str, ...], cwd: Path, tmp: Path, debug_log: Path | None = None, memory_limit: bool = True
) -> Run:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TMPDIR": str(tmp)}
    env.pop("PERFXL_DEBUG", None)
    if debug_log is not None:
        env["PERFXL_DEBUG"] = str(debug_log)
    start = time.monotonic()
    try:
        done = subprocess.run(
            [sys.executable, "-m", "perfxl", *args],
            cwd=cwd,
            env=env,
            capture_output=True,
            text=True,
            errors="replace",
            timeout=TIMEOUT,
            check=False,
            preexec_fn=_limit_memory if memory_limit else None,
        )
    except subprocess.TimeoutExpired as exc:
        return Run(
            args,
            -1,
            _text(exc.stdout),
            _text(exc.stderr) + f"\n[timed out after {TIMEOUT} s]",
            time.monotonic() - start,
        )
    return Run(args, done.returncode, done.stdout, done.stderr, time.monotonic() - start)


def _text(output: bytes | str | None) -> str:
    if isinstance(output, bytes):
        return output.decode("utf-8", "replace")
    return output or ""


def files(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` (hidden ones too) by its relative path, with its content."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def entries(folder: Path) -> set[str]:
    """Every file and folder under ``folder``, relative."""
    return {str(p.relative_to(folder)) for p in folder.rglob("*")}


def recalculated(run: Run, path: Path) -> bool:
    """Whether ``recalc`` says it rewrote ``path``: a line ``{path}：{project} {total}``, not a hand-made form's."""
    prefix = f"{path}："
    return any(line.startswith(prefix) and HAND_MADE_NOTE not in line for line in run.stdout.splitlines())


@dataclass
class Expect:
    """What a run should do beyond the rules every run keeps."""

    outputs: Callable[[str], bool] = lambda name: False  # which new files in ``out`` are the run's outputs
    named: list[Path] = field(default_factory=list)  # good files the batch must still have worked on
    mentioned: list[Path] = field(default_factory=list)  # files the output must name (none silently skipped)
    json: bool = False  # stdout is check --json's: JSON naming the files
    rewrites: list[Path] = field(default_factory=list)  # good files recalc must have rewritten
    output_file: Path | None = None  # the one workbook the run must have written (summary, --report)
    nothing_written_on_input_error: bool = False  # exit 2 leaves ``out`` as it was (generate)
    libreoffice: bool = False  # pdf: LibreOffice runs, unbounded memory; its own files in TMPDIR are allowed


class Scene:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.inputs, self.out, self.cwd, self.tmp = (root / name for name in ("in", "out", "cwd", "tmp"))
        for folder in (self.inputs, self.out, self.cwd, self.tmp):
            folder.mkdir(parents=True, exist_ok=True)

    def put(self, name: str, content: bytes) -> Path:
        path = self.inputs / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
        return path

    def run(self, *args: str, expect: Expect | None = None) -> tuple[Run, list[str]]:
        """Run perfxl; the run and every rule it broke (empty when it kept them all)."""
        expect = expect or Expect()
        before_in, before_out = files(self.inputs), files(self.out)
        run = perfxl(args, self.cwd, self.tmp, memory_limit=not expect.libreoffice)
        broken = self._broken(run, expect, before_in, before_out)
        if broken:
            broken.append(self._debug(args, before_in, before_out, expect))
        return run, broken

    def _broken(self, run: Run, expect: Expect, before_in: dict[str, bytes], before_out: dict[str, bytes]) -> list[str]:
        broken: list[str] = []
        output = run.stdout + run.stderr
        if run.returncode not in EXIT_CODES:
            broken.append(f"exit code {run.returncode}")
        if "Traceback" in output:
            broken.append("a traceback")
        if "内部错误" in output:
            broken.append("an internal error: " + "; ".join(line for line in output.splitlines() if "内部错误" in line))
        after_in = files(self.inputs)
        for name in before_in.keys() - after_in.keys():
            broken.append(f"input {name} is gone")
        for name in sorted(after_in.keys() - before_in.keys()):
            broken.append(f"new file {name} among the inputs")
        rewritten = []
        for name in sorted(before_in.keys() & after_in.keys()):
            if before_in[name] == after_in[name]:
                continue
            path = self.inputs / name
            if run.args[0] != "recalc" or not recalculated(run, path):
                broken.append(f"input {name} changed ({len(before_in[name])} → {len(after_in[name])} bytes)")
            else:
                broken += complete_workbook_problems(before_in[name], path)
                rewritten.append(path)
        for path in expect.rewrites:
            if not recalculated(run, path):
                broken.append(f"the good file {path.name} was not rewritten")
        after_out = files(self.out)
        for name in sorted(after_out.keys() - before_out.keys()):
            if TEMPORARY.match(Path(name).name) or not expect.outputs(name):
                broken.append(f"unexpected file {name} in the output folder")
        if expect.nothing_written_on_input_error and run.returncode == 2 and after_out != before_out:
            broken.append("exit 2, but files were written: " + ", ".join(sorted(after_out.keys() - before_out.keys())))
        for name in sorted(entries(self.cwd)):
            broken.append(f"file {name} left in the current folder")
        for name in sorted(entries(self.tmp)):
            if not expect.libreoffice or TEMPORARY.match(name.split("/")[0]):
                broken.append(f"temporary {name} left in TMPDIR")
        for path in expect.named:
            if str(path) not in run.stdout:
                broken.append(f"the good file {path.name} is not in the output: the batch stopped")
        for path in expect.mentioned:
            if str(path) not in output:
                broken.append(f"{path.name} is not named in the output: skipped silently")
        if expect.json:
            broken += json_problems(run.stdout)
        if expect.output_file is not None and run.returncode in (0, 1):
            if not expect.output_file.is_file():
                broken.append(f"exit {run.returncode} but {expect.output_file.name} was not written")
            else:
                broken += zip_problems(expect.output_file)
        if rewritten and not broken:
            broken += self._readable(rewritten)
        return broken

    def _readable(self, paths: list[Path]) -> list[str]:
        """Rewritten files are read back by perfxl check without any problem of perfxl's own."""
        run = perfxl(("check", *map(str, paths)), self.cwd, self.tmp)
        problems = [
            f"a rewritten file does not check: {reason}"
            for reason in (["exit code"] if run.returncode not in (0, 1) else [])
            + (["traceback"] if "Traceback" in run.stdout + run.stderr else [])
            + (["internal error"] if "内部错误" in run.stdout + run.stderr else [])
        ]
        problems += [f"rewritten {p.name} not read back" for p in paths if str(p) not in run.stdout]
        return problems + ([str(run)] if problems else [])

    def _debug(
        self, args: tuple[str, ...], before_in: dict[str, bytes], before_out: dict[str, bytes], expect: Expect
    ) -> str:
        """The run again on the same inputs with PERFXL_DEBUG: its traceback and log, for the report."""
        for folder, content in ((self.inputs, before_in), (self.out, before_out)):
            shutil.rmtree(folder)
            folder.mkdir()
            for name, data in content.items():
                (folder / name).parent.mkdir(parents=True, exist_ok=True)
                (folder / name).write_bytes(data)
        log = self.root / "debug.log"
        run = perfxl(args, self.cwd, self.tmp, debug_log=log, memory_limit=not expect.libreoffice)
        details = log.read_text(encoding="utf-8", errors="replace") if log.exists() else "(no log)"
        return f"{run}\n--- PERFXL_DEBUG log\n{_tail(details, 6000)}"


def json_problems(stdout: str) -> list[str]:
    """check --json prints one JSON document: its forms and its problems."""
    try:
        document = json.loads(stdout)
    except ValueError as exc:
        return [f"check --json printed no JSON: {exc}"]
    if not isinstance(document, dict) or not {"forms", "problems"} <= document.keys():
        return ["check --json printed JSON without forms and problems"]
    return []


def zip_problems(path: Path) -> list[str]:
    try:
        with zipfile.ZipFile(path) as archive:
            bad = archive.testzip()
    except (zipfile.BadZipFile, OSError) as exc:
        return [f"{path.name} is no zip: {exc}"]
    return [f"{path.name}: part {bad} is damaged"] if bad is not None else []


def complete_workbook_problems(original: bytes, path: Path) -> list[str]:
    """A file recalc rewrote: an intact zip holding every part the original had."""
    problems = zip_problems(path)
    if problems:
        return problems
    with zipfile.ZipFile(path) as archive:
        now = set(archive.namelist())
    with zipfile.ZipFile(io.BytesIO(original)) as archive:
        missing = set(archive.namelist()) - now
    return [f"rewritten {path.name} lost parts {sorted(missing)}"] if missing else []


@contextmanager
def scene() -> Iterator[Scene]:
    """A fresh scene, removed afterwards (hypothesis runs many examples in one test: no tmp_path)."""
    with tempfile.TemporaryDirectory(prefix="fuzz-") as folder:
        yield Scene(Path(folder))


def report(broken: list[str], what: str, run: Run) -> str:
    return f"{what}\n" + "\n".join(f"- {line}" for line in broken[:-1]) + f"\n{run}\n{broken[-1]}"

"""Ctrl-C and TERM during a batch (issue 9, item 7), on 200 real generated forms and a real ``perfxl``
process: it says how far it got and exits 130 or 143, no worker process is left, no temporary file, and
every file is either byte-identical or a complete recalculated workbook that perfxl check reads."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from perfxl.cli import bundled_example
from perfxl.generate import generate

pytestmark = pytest.mark.slow  # batches of 200 files interrupted by signals

ROOT = Path(__file__).resolve().parents[1]
FILES = 200
WAIT_FOR = 12  # files reported done before the signal: the pool is busy, most files are still to do


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """200 returned forms (copies of the two seed forms of either mode), never recalculated."""
    seeds = tmp_path_factory.mktemp("seeds")
    forms = generate(bundled_example(), seeds / "udf", mode="udf") + generate(
        bundled_example(), seeds / "native", mode="native"
    )
    folder = tmp_path_factory.mktemp("pristine")
    for index in range(FILES):
        source = forms[index % len(forms)]
        shutil.copyfile(source, folder / f"{index:03d}_{source.name}")
    return folder


@pytest.fixture
def forms(pristine: Path, tmp_path: Path) -> Path:
    folder = tmp_path / "交回"
    shutil.copytree(pristine, folder)
    return folder


class Run:
    """``python -m perfxl …`` in a session of its own (its process group holds perfxl and its workers)."""

    def __init__(self, *args: str) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "perfxl", *args],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        self.lines: list[str] = []
        self.progress = threading.Semaphore(0)
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line)
            self.progress.release()

    def wait_for_lines(self, count: int, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        for _ in range(count):
            assert self.progress.acquire(timeout=max(deadline - time.monotonic(), 0)), self.lines

    def finish(self, timeout: float = 60) -> tuple[int, str]:
        code = self.process.wait(timeout=timeout)
        self.reader.join(timeout=10)
        assert self.process.stderr is not None
        return code, self.process.stderr.read()

    def group(self) -> list[int]:
        return processes_in_group(self.process.pid)


def processes_in_group(group: int) -> list[int]:
    """Live processes of a process group, from /proc (psutil is not installed)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # gone meanwhile
            continue
        state, pgrp = fields[0], int(fields[2])
        if pgrp == group and state != "Z":
            found.append(int(stat.parent.name))
    return found


def no_process_left(run: Run, within: float = 10) -> list[int]:
    deadline = time.monotonic() + within
    while (left := run.group()) and time.monotonic() < deadline:
        time.sleep(0.1)
    return left


def changed_files(folder: Path, pristine: Path) -> list[Path]:
    assert sorted(p.name for p in folder.iterdir()) == sorted(p.name for p in pristine.iterdir()), (
        "a temporary file was left or a file is missing"
    )
    return [path for path in sorted(folder.iterdir()) if path.read_bytes() != (pristine / path.name).read_bytes()]


def assert_complete(paths: Iterator[Path] | list[Path]) -> None:
    for path in paths:
        with zipfile.ZipFile(path) as archive:
            assert archive.testzip() is None, path


def assert_perfxl_reads_every_file(folder: Path) -> None:
    run = subprocess.run(
        [sys.executable, "-m", "perfxl", "check", "--json", str(folder)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode in (0, 1), run.stderr
    result = json.loads(run.stdout)
    assert result["problems"] == []
    assert len(result["forms"]) == FILES


STOPPED = re.compile(r"perfxl：已中断：已处理 (\d+)/200 个文件，已处理的文件均已完整写回，其余文件未改动。")


@pytest.mark.parametrize(
    ("number", "to_group", "code"),
    [
        (signal.SIGINT, False, 130),
        (signal.SIGTERM, False, 143),
        (signal.SIGINT, True, 130),  # Ctrl-C in a terminal: the whole foreground process group gets it
        (signal.SIGTERM, True, 143),  # a service manager stopping the process group
    ],
    ids=["INT", "TERM", "INT-group", "TERM-group"],
)
def test_recalc_interrupted_stops_cleanly(forms: Path, pristine: Path, number: int, to_group: bool, code: int) -> None:
    run = Run("recalc", str(forms))
    run.wait_for_lines(WAIT_FOR)
    assert len(run.group()) >= 2, "the batch should run in worker processes"
    if to_group:
        os.killpg(run.process.pid, number)
    else:
        run.process.send_signal(number)
    returncode, stderr = run.finish()
    assert returncode == code, stderr
    stopped = STOPPED.search(stderr)
    assert stopped, stderr
    assert "Traceback" not in stderr
    done = int(stopped.group(1))
    assert WAIT_FOR <= done < FILES
    assert not no_process_left(run)
    changed = changed_files(forms, pristine)
    assert len(changed) == done  # what it says it did, it did: each file rewritten is counted
    assert sum("：" in line for line in run.lines) == done  # and was reported
    assert_complete(changed)
    assert_perfxl_reads_every_file(forms)


def test_check_interrupted_says_how_far_it_got(forms: Path, pristine: Path) -> None:
    run = Run("check", str(forms))
    deadline = time.monotonic() + 60
    while len(run.group()) < 3 and time.monotonic() < deadline:  # check prints at the end only: stop it
        time.sleep(0.01)  # as soon as its workers are reading
    run.process.send_signal(signal.SIGINT)
    returncode, stderr = run.finish()
    assert returncode == 130, stderr
    stopped = re.search(r"perfxl：已中断：已处理 (\d+)/200 个文件。", stderr)
    assert stopped and int(stopped.group(1)) < FILES, stderr
    assert run.lines == []  # no table of a part of the batch
    assert not no_process_left(run)
    assert changed_files(forms, pristine) == []


def test_workers_leave_when_perfxl_is_killed(forms: Path, pristine: Path) -> None:
    """SIGKILL cannot be handled: the workers notice their parent is gone, finish their file and leave."""
    run = Run("recalc", str(forms))
    run.wait_for_lines(WAIT_FOR)
    run.process.kill()
    returncode, _ = run.finish()
    assert returncode == -signal.SIGKILL
    assert not no_process_left(run, within=20)
    assert_complete(changed_files(forms, pristine))
    assert_perfxl_reads_every_file(forms)

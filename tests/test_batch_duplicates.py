"""A batch counts each form once: a file reached twice is read once, a project handed in twice is an error.

Real files in tmp_path: generated forms, their copies under other names, symbolic and hard links, a
hand-made workbook holding one project on two sheets; the 问题清单 and 汇总 workbooks read back with
openpyxl.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from perfxl.batch.files import gather
from perfxl.cli import bundled_example
from perfxl.generate import generate
from tests.support.office import require_libreoffice
from tests.support.workbooks import named_values

WORK, EXAMS = "2022_业务工作经历.xlsx", "2022_鉴定考务经费.xlsx"


def perfxl(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[1])}
    return subprocess.run(
        [sys.executable, "-m", "perfxl", *args], capture_output=True, text=True, check=False, cwd=cwd, env=env
    )


@pytest.fixture(scope="module")
def native(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("native")
    generate(bundled_example(), folder, mode="native")
    return folder


# -- the same file once ------------------------------------------------------------------------------


@pytest.fixture
def files(tmp_path: Path) -> Path:
    """a/x.xlsx and a/y.xlsx, a link to x, a hard link to y, and a missing file."""
    folder = tmp_path / "a"
    folder.mkdir()
    (folder / "x.xlsx").write_bytes(b"x")
    (folder / "y.xlsx").write_bytes(b"y")
    (tmp_path / "link.xlsx").symlink_to(folder / "x.xlsx")
    os.link(folder / "y.xlsx", tmp_path / "hard.xlsx")
    return tmp_path


def test_the_same_path_twice_is_kept_once(files: Path) -> None:
    x = files / "a" / "x.xlsx"
    gathered = gather([x, str(x), files / "a" / ".." / "a" / "x.xlsx"])
    assert gathered.paths == [x]
    assert [(r.path, r.first) for r in gathered.repeats] == [(x, x), (files / "a" / ".." / "a" / "x.xlsx", x)]


def test_a_folder_and_a_file_inside_it(files: Path) -> None:
    folder, y = files / "a", files / "a" / "y.xlsx"
    gathered = gather([y, folder])
    assert gathered.paths == [y, folder / "x.xlsx"]  # the first occurrence, in the order given
    assert [r.path for r in gathered.repeats] == [y]


def test_links_are_the_file_they_point_to(files: Path) -> None:
    x, y = files / "a" / "x.xlsx", files / "a" / "y.xlsx"
    gathered = gather([files / "link.xlsx", files / "hard.xlsx", files / "a"])
    assert gathered.paths == [files / "link.xlsx", files / "hard.xlsx"]
    assert [(r.path, r.first) for r in gathered.repeats] == [(x, files / "link.xlsx"), (y, files / "hard.xlsx")]


def test_copies_and_missing_files(files: Path) -> None:
    """A copy is another file (its project may repeat: that is for the checks); a missing file, named
    twice, is one missing file."""
    shutil.copyfile(files / "a" / "x.xlsx", files / "copy.xlsx")
    missing = files / "没有.xlsx"
    gathered = gather([files / "a" / "x.xlsx", files / "copy.xlsx", missing, files / "a" / ".." / "没有.xlsx"])
    assert gathered.paths == [files / "a" / "x.xlsx", files / "copy.xlsx", missing]
    assert len(gathered.repeats) == 1


def test_check_reads_a_file_reached_twice_once(native: Path, tmp_path: Path) -> None:
    folder = tmp_path / "收回"
    shutil.copytree(native, folder)
    (tmp_path / "链接.xlsx").symlink_to(folder / WORK)
    os.link(folder / EXAMS, tmp_path / "硬链接.xlsx")
    run = perfxl(
        "check", "收回", f"收回/../收回/{WORK}", "链接.xlsx", "硬链接.xlsx", f"收回/{EXAMS}", "--json", cwd=tmp_path
    )
    assert run.returncode == 0, run.stdout + run.stderr
    forms = json.loads(run.stdout)["forms"]  # the notes go to stderr: stdout stays JSON
    assert sorted(f["file"] for f in forms) == [f"收回/{WORK}", f"收回/{EXAMS}"]
    notes = run.stderr.splitlines()
    assert notes == [
        f"[重复] 收回/{WORK}：给出了不止一次，只处理一次",  # 收回/../收回/… is written as the file it names
        f"[重复] 链接.xlsx：与 收回/{WORK} 是同一个文件（链接或另一路径），只处理一次",
        f"[重复] 硬链接.xlsx：与 收回/{EXAMS} 是同一个文件（链接或另一路径），只处理一次",
        f"[重复] 收回/{EXAMS}：给出了不止一次，只处理一次",
    ]


def test_recalc_rewrites_each_file_once(native: Path, tmp_path: Path) -> None:
    folder = tmp_path / "收回"
    shutil.copytree(native, folder)
    (tmp_path / "链接.xlsx").symlink_to(folder / WORK)
    run = perfxl("recalc", "收回", f"收回/{WORK}", "链接.xlsx", cwd=tmp_path)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "已重新计算 2 个文件" in run.stdout
    assert sum(1 for line in run.stdout.splitlines() if line.startswith(f"收回/{WORK}：")) == 1
    assert sum(1 for line in run.stdout.splitlines() if line.startswith(f"收回/{EXAMS}：")) == 1
    assert run.stderr.count("[重复]") == 2
    assert (tmp_path / "链接.xlsx").is_symlink()  # the link was not replaced by a rewritten file


def test_pdf_exports_a_file_reached_twice_once(native: Path, tmp_path: Path) -> None:
    require_libreoffice()
    run = perfxl("pdf", str(native), str(native / WORK), "-o", str(tmp_path / "pdf"))
    assert run.returncode == 0, run.stdout + run.stderr
    assert sorted(p.name for p in (tmp_path / "pdf").iterdir()) == ["2022_业务工作经历.pdf", "2022_鉴定考务经费.pdf"]
    assert run.stderr.count("[重复]") == 1


def test_recalc_through_a_link_rewrites_the_file_it_points_to(native: Path, tmp_path: Path) -> None:
    target = tmp_path / WORK
    shutil.copyfile(native / WORK, target)
    (tmp_path / "链接.xlsx").symlink_to(target)
    before = target.read_bytes()
    run = perfxl("recalc", "链接.xlsx", cwd=tmp_path)
    assert run.returncode == 0, run.stdout + run.stderr
    assert (tmp_path / "链接.xlsx").is_symlink() and (tmp_path / "链接.xlsx").resolve() == target
    assert target.read_bytes() != before
    (names,) = named_values(target).values()
    assert names["PERFXL_STAMP"][0].startswith("重新计算：")

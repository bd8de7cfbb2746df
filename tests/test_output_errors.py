"""Output problems are explained: every command that writes, on real file systems that refuse.

Each failure must end with exit code 2, a Chinese message naming the path as given, no traceback, no
English system text, no temporary file left, and every input as it was. Root ignores permissions, so
what refuses here is sysfs (EACCES), a read-only tmpfs (EROFS), a full tmpfs (ENOSPC), the process's
file-size limit (EFBIG), a file where a folder is needed (ENOTDIR) and a name over 255 bytes.
"""

from __future__ import annotations

import errno
import json
import os
import pickle
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from perfxl.cli import bundled_example
from perfxl.generate import generate
from perfxl.output_errors import OutputError, reason
from tests.support.filesystems import ROOT, fill, perfxl, remount_read_only, sysfs_refuses_new_files, tmpfs

WORK, EXAMS = "2022_业务工作经历.xlsx", "2022_鉴定考务经费.xlsx"
ENGLISH = ("Traceback", "内部错误", "Errno", "Error", "denied", "No space", "Read-only", "Exception ignored")


@pytest.fixture(scope="module")
def native(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("native")
    generate(bundled_example(), folder, mode="native")
    return folder


@pytest.fixture(scope="module")
def udf_form(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("udf")
    generate(bundled_example(), folder, mode="udf")
    return folder / WORK.replace(".xlsx", ".xlsm")


def explained(run: subprocess.CompletedProcess[str], *words: str) -> None:
    assert run.returncode == 2, run.stdout + run.stderr
    for text in ENGLISH:
        assert text not in run.stderr, run.stderr
    for word in words:
        assert word in run.stderr + run.stdout, run.stderr + run.stdout


def hidden_files(folder: Path) -> list[str]:
    """Temporary files perfxl writes beside a target start with a dot."""
    return sorted(str(p) for p in folder.rglob(".*")) if folder.is_dir() else []


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


# -- permission denied ---------------------------------------------------------------------------


@pytest.mark.slow
def test_a_folder_without_write_permission(native: Path, tmp_path: Path) -> None:
    denied = sysfs_refuses_new_files()
    forms = str(native)
    runs = {
        "summary": perfxl("summary", forms, "-o", f"{denied}/汇总.xlsx"),
        "report": perfxl("check", forms, "--report", f"{denied}/问题清单.xlsx"),
        "pdf": perfxl("pdf", forms, "-o", f"{denied}/PDF"),
        "generate": perfxl("generate", "-o", f"{denied}/自评表"),
        "single": perfxl("generate", "--mode", "native", "--single", f"{denied}/全部自评表.xlsx"),
        "bas": perfxl("excel", "bas", str(denied)),
        "wheelhouse": perfxl("excel", "wheelhouse", f"{denied}/离线安装包"),
    }
    for name, run in runs.items():
        assert run.returncode == 2, (name, run.stderr)
        explained(run, f"「{denied}/")
        assert "没有写入权限" in run.stderr or "不允许写入" in run.stderr, (name, run.stderr)


# -- a read-only disk ------------------------------------------------------------------------------


@pytest.mark.slow
def test_a_read_only_disk(native: Path, udf_form: Path, tmp_path: Path) -> None:
    with tmpfs(tmp_path / "光盘", "2m") as disk:
        shutil.copytree(native, disk / "收回")
        shutil.copyfile(udf_form, disk / udf_form.name)
        remount_read_only(disk)
        before = snapshot(disk)
        explained(perfxl("summary", "收回", "-o", "汇总.xlsx", cwd=disk), "「汇总.xlsx」", "只读")
        explained(perfxl("check", "收回", "--report", "问题清单", cwd=disk), "「问题清单.xlsx」", "只读")
        explained(perfxl("generate", "-o", str(disk / "新表")), f"「{disk}/新表/", "只读")
        explained(perfxl("pdf", "收回", "-o", "PDF", cwd=disk), "PDF 输出文件夹「PDF」", "只读")
        explained(perfxl("excel", "bas", str(disk)), f"「{disk}/xlwings_udfs.bas」", "只读")
        explained(perfxl("excel", "wheelhouse", str(disk / "包")), f"「{disk}/包」", "只读")
        explained(perfxl("excel", "refresh", str(disk / udf_form.name)), f"「{disk}/{udf_form.name}」", "只读")
        run = perfxl("recalc", "收回", cwd=disk)
        explained(
            run, f"[跳过] 收回/{WORK}：无法写入「收回/{WORK}」：位于只读的磁盘", "原文件未改动", "已重新计算 0 个文件"
        )
        assert snapshot(disk) == before


# -- a full disk -------------------------------------------------------------------------------------


@pytest.mark.slow
def test_a_full_disk(native: Path, udf_form: Path, tmp_path: Path) -> None:
    with tmpfs(tmp_path / "U盘", "1m") as disk:
        shutil.copytree(native, disk / "收回")
        shutil.copyfile(udf_form, disk / udf_form.name)
        filler = fill(disk)
        before = snapshot(disk)
        explained(perfxl("summary", "收回", "-o", "汇总.xlsx", cwd=disk), "无法写入汇总表「汇总.xlsx」：磁盘已满")
        explained(perfxl("check", "收回", "--report", "问题清单.xlsx", cwd=disk), "问题清单「问题清单.xlsx」：磁盘已满")
        explained(perfxl("generate", "-o", "新表", cwd=disk), "「新表/", "磁盘已满")
        explained(perfxl("generate", "--single", "全部", "-o", ".", cwd=disk), "「全部.xlsm」", "磁盘已满")
        explained(perfxl("excel", "bas", ".", cwd=disk), "「xlwings_udfs.bas」：磁盘已满")
        explained(perfxl("excel", "refresh", udf_form.name, cwd=disk), f"「{udf_form.name}」：磁盘已满")
        run = perfxl("recalc", "收回", cwd=disk)
        assert run.returncode == 2 and "已重新计算 0 个文件" in run.stdout, run.stdout + run.stderr
        assert snapshot(disk) == before and hidden_files(disk) == []
        filler.unlink()


@pytest.mark.libreoffice
def test_pdf_on_a_full_disk(native: Path, tmp_path: Path) -> None:
    from tests.support.office import require_libreoffice

    require_libreoffice()
    with tmpfs(tmp_path / "U盘", "256k") as disk:
        fill(disk)
        run = perfxl("pdf", str(native), "-o", str(disk / "PDF"))  # LibreOffice prints, placing them fails
        explained(
            run,
            f"[跳过] {native / WORK}：无法写入 PDF「{disk}/PDF/2022_业务工作经历.pdf」：磁盘已满",
            "已导出 0 个 PDF",
        )
        assert list((disk / "PDF").iterdir()) == []


# -- the file-size limit (ulimit -f) -----------------------------------------------------------------


@pytest.mark.slow
def test_the_file_size_limit(native: Path, tmp_path: Path) -> None:
    limit = 1024  # bytes; every output is larger
    runs = [
        (perfxl("summary", str(native), "-o", "汇总.xlsx", cwd=tmp_path, file_size_limit=limit), "汇总表「汇总.xlsx」"),
        (perfxl("check", str(native), "--report", "r.xlsx", cwd=tmp_path, file_size_limit=limit), "问题清单「r.xlsx」"),
        (perfxl("generate", "-o", "表", cwd=tmp_path, file_size_limit=limit), "「表/2022_"),
        (perfxl("excel", "bas", "模块.bas", cwd=tmp_path, file_size_limit=limit), "「模块.bas」"),
    ]
    for run, path in runs:
        explained(run, path, "文件超过了系统允许的最大文件大小")
    assert hidden_files(tmp_path) == [] and [p.name for p in tmp_path.iterdir()] in ([], ["表"])


# -- a file where a folder is needed, and names too long ---------------------------------------------


@pytest.mark.slow
def test_a_file_where_a_folder_is_needed(native: Path, tmp_path: Path) -> None:
    (tmp_path / "说明.txt").write_text("notes", encoding="utf-8")
    forms = str(native)
    in_the_way = "「说明.txt」是文件，不是文件夹"
    explained(perfxl("summary", forms, "-o", "说明.txt/汇总.xlsx", cwd=tmp_path), in_the_way)
    explained(perfxl("check", forms, "--report", "说明.txt/问题清单.xlsx", cwd=tmp_path), in_the_way)
    explained(perfxl("pdf", forms, "-o", "说明.txt", cwd=tmp_path), "PDF 输出文件夹「说明.txt」是一个文件，不是文件夹")
    explained(perfxl("pdf", forms, "-o", "说明.txt/PDF", cwd=tmp_path), in_the_way)
    explained(perfxl("generate", "-o", "说明.txt", cwd=tmp_path), in_the_way)
    explained(perfxl("generate", "--single", "说明.txt/全部.xlsm", cwd=tmp_path), in_the_way)
    explained(perfxl("excel", "bas", "说明.txt", cwd=tmp_path), in_the_way)
    explained(perfxl("excel", "wheelhouse", "说明.txt", cwd=tmp_path), "离线安装包文件夹「说明.txt」是一个文件")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["说明.txt"]


@pytest.mark.slow
def test_check_json_holds_the_output_problem(native: Path, tmp_path: Path) -> None:
    (tmp_path / "说明.txt").write_text("notes", encoding="utf-8")
    run = perfxl("check", str(native), "--json", "--report", "说明.txt/问题清单.xlsx", cwd=tmp_path)
    explained(run, "「说明.txt」是文件，不是文件夹")
    (problem,) = json.loads(run.stdout)["problems"]
    assert problem["file"] == "说明.txt/问题清单.xlsx" and "「说明.txt」是文件，不是文件夹" in problem["message"]
    assert json.loads(run.stdout)["forms"] == []


@pytest.mark.slow
def test_a_name_too_long(native: Path, tmp_path: Path) -> None:
    name = "很长的汇总" * 20  # 300 bytes in UTF-8; names may have 255
    explained(perfxl("summary", str(native), "-o", name, cwd=tmp_path), f"「{name}", "文件名或路径过长")
    assert list(tmp_path.iterdir()) == []


# -- a reader that goes away ---------------------------------------------------------------------------


@pytest.mark.parametrize("args", [("check",), ("check", "--json"), ("check", "{native}")])
@pytest.mark.slow
def test_output_into_a_closed_pipe_ends_quietly(args: tuple[str, ...], native: Path) -> None:
    """``perfxl check … | head``: the reader closes the pipe; perfxl stops without a traceback, 141."""
    read, write = os.pipe()
    os.close(read)  # the reader is gone before perfxl writes a line
    arguments = [a.format(native=native) for a in args]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    run = subprocess.run(
        [sys.executable, "-m", "perfxl", *arguments],
        stdout=write,
        stderr=subprocess.PIPE,
        text=True,
        check=False,
        env=env,
    )
    os.close(write)
    assert run.returncode == 141 and run.stderr == "", run.stderr


@pytest.mark.slow
def test_head_reads_the_first_lines(native: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    command = f"{sys.executable} -m perfxl check {native} {native} {native} | head -n 1"
    run = subprocess.run(
        ["bash", "-o", "pipefail", "-c", command], capture_output=True, text=True, check=False, env=env
    )
    assert run.stdout.startswith("项目") and run.returncode in (0, 141), run.stdout + run.stderr
    assert "Traceback" not in run.stderr and "BrokenPipe" not in run.stderr


# -- the reasons themselves --------------------------------------------------------------------------


def _write_to_dev_full() -> None:
    descriptor = os.open("/dev/full", os.O_WRONLY)
    try:
        os.write(descriptor, b"x")
    finally:
        os.close(descriptor)


def _create(path: Path) -> None:
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT))


def latin_letters(text: str) -> list[str]:
    """Latin words outside the quoted paths 「…」 (a single letter, as in U 盘, is Chinese usage)."""
    return re.findall(r"[A-Za-z]{2,}", re.sub(r"「[^」]*」", "", text))


def test_real_os_errors_get_chinese_reasons(tmp_path: Path) -> None:
    (tmp_path / "文件").write_text("x", encoding="utf-8")
    (tmp_path / "环").symlink_to(tmp_path / "环")
    attempts = {
        errno.EISDIR: lambda: os.close(os.open(tmp_path, os.O_WRONLY)),
        errno.ENOTDIR: lambda: _create(tmp_path / "文件" / "x"),
        errno.ENAMETOOLONG: lambda: _create(tmp_path / ("长" * 100)),
        errno.ELOOP: lambda: _create(tmp_path / "环"),
        errno.ENOSPC: _write_to_dev_full,
        errno.ENOENT: lambda: _create(tmp_path / "没有" / "x"),
    }
    texts = {}
    for code, attempt in attempts.items():
        with pytest.raises(OSError) as raised:
            attempt()
        assert raised.value.errno == code
        cause, advice = reason(raised.value, tmp_path / "文件" / "x")
        assert cause and advice and latin_letters(cause) == [], (code, cause)
        texts[code] = cause
    assert texts[errno.ENOSPC] == "磁盘已满"
    assert texts[errno.ENOTDIR] == f"「{tmp_path / '文件'}」是文件，不是文件夹"
    for code in (errno.EACCES, errno.EPERM, errno.EROFS, errno.EFBIG, errno.EDQUOT, errno.EIO):
        cause, _ = reason(OSError(code, os.strerror(code)))
        assert cause and latin_letters(cause) == [], (code, cause)


def test_an_output_error_crosses_process_boundaries() -> None:
    error = OutputError("无法写入汇总表「汇总.xlsx」：磁盘已满。", "汇总.xlsx", errno.ENOSPC)
    copy = pickle.loads(pickle.dumps(error))
    assert (str(copy), copy.filename, copy.errno) == (str(error), "汇总.xlsx", errno.ENOSPC)
    assert isinstance(copy, OSError)

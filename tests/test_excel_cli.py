"""``perfxl excel``: the .bas wrapper module, refreshing a form's VBA project, the offline wheelhouse."""

from __future__ import annotations

import re
import subprocess
import sys
import zipfile
from pathlib import Path

from perfxl.cli import bundled_example
from perfxl.excel.vba_project import VBA_ENTRY, build_vba_project
from perfxl.excel.wheelhouse import INSTALL_SCRIPT, README, missing_wheels, runtime_requirements
from perfxl.generate import generate


def perfxl(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "perfxl", *args], capture_output=True, text=True, check=False,
                          cwd=cwd)


def test_bas_module_for_the_vba_editor(tmp_path: Path) -> None:
    run = perfxl("excel", "bas", str(tmp_path))
    assert run.returncode == 0, run.stderr
    data = (tmp_path / "xlwings_udfs.bas").read_bytes()
    assert data.startswith(b'Attribute VB_Name = "xlwings_udfs"\r\n')
    # The #Const the wrappers' #If tests: without it they call XLPy without the workbook and caller.
    assert b'#Const App = "Microsoft Excel"' in data
    assert data.isascii() and b"\n" not in data.replace(b"\r\n", b"")
    for name in ("PERF_RATE", "PERF_BUDGET_SCORE", "PERF_SCORE", "PERF_GRADE", "PERF_CHECK"):
        assert f"Function {name}(".encode() in data
    assert "xlwings.conf" in run.stdout and "解除锁定" in run.stdout


def test_refresh_rebuilds_only_the_vba_project(tmp_path: Path) -> None:
    form = generate(bundled_example(), tmp_path, mode="udf")[0]
    stale = tmp_path / "stale.xlsm"
    with zipfile.ZipFile(form) as source, zipfile.ZipFile(stale, "w") as out:
        for info in source.infolist():  # a project from another xlwings: here, the reduced build
            data = build_vba_project(include_xlwings=False) if info.filename == VBA_ENTRY else source.read(info)
            out.writestr(info, data)
    run = perfxl("excel", "refresh", str(stale))
    assert run.returncode == 0, run.stderr
    with zipfile.ZipFile(form) as fresh, zipfile.ZipFile(stale) as refreshed:
        assert refreshed.namelist() == fresh.namelist()
        for name in fresh.namelist():
            assert refreshed.read(name) == fresh.read(name), name


def test_refresh_refuses_a_native_form(tmp_path: Path) -> None:
    form = generate(bundled_example(), tmp_path, mode="native")[0]
    before = form.read_bytes()
    run = perfxl("excel", "refresh", str(form))
    assert run.returncode == 2
    assert "不含 VBA 工程" in run.stderr
    assert form.read_bytes() == before


def test_wheelhouse_installs_offline_on_64_bit_windows(tmp_path: Path) -> None:
    folder = tmp_path / "离线安装包"
    run = perfxl("excel", "wheelhouse", str(folder))
    assert run.returncode == 0, run.stdout + run.stderr
    wheels = [p.name for p in folder.glob("*.whl")]
    assert any(name.startswith("perfxl-") for name in wheels)
    assert any(name.startswith("pywin32-") and name.endswith("win_amd64.whl") for name in wheels)
    assert all(name.endswith(("-none-any.whl", "-win_amd64.whl")) for name in wheels), wheels
    # pip itself resolves the whole set for Windows from the folder alone, without an index.
    resolve = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--dry-run", "--no-index", "--find-links", str(folder),
         "--platform", "win_amd64", "--python-version", "3.11", "--implementation", "cp", "--only-binary=:all:",
         "--target", str(tmp_path / "target"), "perfxl", "pywin32"],
        capture_output=True, text=True, check=False)
    assert resolve.returncode == 0, resolve.stderr
    assert missing_wheels(folder) == []
    would_install = resolve.stdout.lower().replace("-", "_")
    for requirement in runtime_requirements():
        name = re.split(r"[<>=!~;\[ ]", requirement)[0].lower().replace("-", "_")
        assert name in would_install, name
    script = (folder / INSTALL_SCRIPT).read_bytes().decode("gbk")
    assert "--no-index --find-links" in script and "perfxl" in script
    assert (folder / README).read_text(encoding="utf-8-sig").startswith("perfxl 离线安装包")

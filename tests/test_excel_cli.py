"""``perfxl excel``: the .bas wrapper module, refreshing a form's VBA project, the offline wheelhouse."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from perfxl.cli import bundled_example
from perfxl.excel.vba_project import VBA_ENTRY, build_vba_project
from perfxl.excel.versions import (
    XLWINGS_PIN,
    button_version_problem,
    form_xlwings_version,
    mismatch_message,
    workbook_xlwings_version,
)
from perfxl.excel.wheelhouse import INSTALL_SCRIPT, README, missing_wheels, runtime_requirements
from perfxl.generate import generate
from perfxl.workbook.xlsx_book import XlsxBook
from tests.support.xlwings_json import json_book
from tests.support.xlwings_versions import form_for_other_xlwings, install_xlwings, without_version_row

pytestmark = pytest.mark.slow  # the real CLI building VBA projects

ROOT = Path(__file__).resolve().parents[1]
OLDER_XLWINGS = "0.37.7"  # a real release before the pin, for forms made with another installed xlwings


def perfxl(*args: str, cwd: Path | None = None, xlwings_from: Path | None = None) -> subprocess.CompletedProcess[str]:
    """``python -m perfxl`` from this source tree; ``xlwings_from``: a folder with another xlwings to import."""
    env = dict(os.environ)
    if xlwings_from is not None:
        env["PYTHONPATH"] = os.pathsep.join([str(ROOT), str(xlwings_from)])
    return subprocess.run(
        [sys.executable, "-m", "perfxl", *args], capture_output=True, text=True, check=False, cwd=cwd, env=env
    )


def recorded_version(path: Path) -> str | None:
    with XlsxBook(path) as book:
        return form_xlwings_version(book)


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
    assert f"xlwings {XLWINGS_PIN}" in run.stdout and "请勿单独升级 xlwings" in run.stdout


def test_refresh_rebuilds_only_the_vba_project(tmp_path: Path) -> None:
    form = generate(bundled_example(), tmp_path, mode="udf")[0]
    stale = tmp_path / "stale.xlsm"
    with zipfile.ZipFile(form) as source, zipfile.ZipFile(stale, "w") as out:
        for info in source.infolist():  # a project from another xlwings: here, the reduced build
            data = build_vba_project(include_xlwings=False) if info.filename == VBA_ENTRY else source.read(info)
            out.writestr(info, data)
    run = perfxl("excel", "refresh", str(stale))
    assert run.returncode == 0, run.stderr
    assert "没有声明 xlwings 版本" in run.stdout and f"已按本机的 xlwings {XLWINGS_PIN} 重建" in run.stdout
    with zipfile.ZipFile(form) as fresh, zipfile.ZipFile(stale) as refreshed:
        assert refreshed.namelist() == fresh.namelist()
        for name in fresh.namelist():
            assert refreshed.read(name) == fresh.read(name), name


def test_refresh_reports_and_rebuilds_a_form_from_another_xlwings(tmp_path: Path) -> None:
    form = generate(bundled_example(), tmp_path, mode="udf")[0]
    other = form_for_other_xlwings(form, tmp_path / "旧表.xlsm", "0.36.0")
    run = perfxl("excel", "refresh", str(other))
    assert run.returncode == 0, run.stderr
    assert f"表中的宏按 xlwings 0.36.0 生成，本机安装的是 xlwings {XLWINGS_PIN}，两者不一致" in run.stdout
    assert f"元数据中的 xlwings 版本改为 {XLWINGS_PIN}" in run.stdout
    assert "注意" not in run.stdout  # the installed xlwings is the pinned one
    # The module and the metadata row both name the installed xlwings now.
    assert workbook_xlwings_version(other) == XLWINGS_PIN == recorded_version(other)
    with zipfile.ZipFile(form) as fresh, zipfile.ZipFile(other) as refreshed:
        assert refreshed.namelist() == fresh.namelist()
        assert refreshed.read(VBA_ENTRY) == fresh.read(VBA_ENTRY)
        changed = [name for name in fresh.namelist() if refreshed.read(name) != fresh.read(name)]
    assert len(changed) == 1 and changed[0].startswith("xl/worksheets/")  # the metadata sheet's one cell
    again = perfxl("excel", "refresh", str(other))
    assert again.returncode == 0 and "与本机安装的 xlwings 一致" in again.stdout and "元数据" not in again.stdout


def test_refresh_of_a_form_without_the_metadata_row_says_so(tmp_path: Path) -> None:
    form = generate(bundled_example(), tmp_path, mode="udf")[0]
    older = without_version_row(form_for_other_xlwings(form, tmp_path / "older.xlsm", "0.36.0"))
    run = perfxl("excel", "refresh", str(older))
    assert run.returncode == 0, run.stderr
    assert "xlwings 0.36.0 生成" in run.stdout and "元数据中没有 xlwings 版本" in run.stdout
    assert workbook_xlwings_version(older) == XLWINGS_PIN and recorded_version(older) is None


@pytest.fixture(scope="module")
def older_xlwings(tmp_path_factory) -> Path:
    return install_xlwings(OLDER_XLWINGS, tmp_path_factory.mktemp("xlwings-older"))


@pytest.mark.network
def test_forms_made_with_another_installed_xlwings(older_xlwings: Path, tmp_path: Path, monkeypatch) -> None:
    """A real xlwings release before the pin: perfxl builds the macros from it and says it is not the pin."""
    made = perfxl("generate", "--mode", "udf", "-o", str(tmp_path), xlwings_from=older_xlwings)
    assert made.returncode == 0, made.stderr
    form = tmp_path / "2022_业务工作经历.xlsm"
    assert workbook_xlwings_version(form) == OLDER_XLWINGS == recorded_version(form)
    # On a PC with that xlwings, refresh keeps building for it, and warns that perfxl requires the pin.
    there = perfxl("excel", "refresh", str(form), xlwings_from=older_xlwings)
    assert there.returncode == 0, there.stderr
    assert f"本机安装的是 xlwings {OLDER_XLWINGS}，而 perfxl 要求 xlwings {XLWINGS_PIN}" in there.stdout
    assert f"pip install xlwings=={XLWINGS_PIN}" in there.stdout
    assert workbook_xlwings_version(form) == OLDER_XLWINGS == recorded_version(form)
    # Here, with the pinned xlwings, the button says what is wrong, and refresh fixes it.
    assert button_message(form, monkeypatch) == mismatch_message(OLDER_XLWINGS, XLWINGS_PIN, workbook=form.name)
    here = perfxl("excel", "refresh", str(form))
    assert here.returncode == 0, here.stderr
    assert f"xlwings {OLDER_XLWINGS} 生成，本机安装的是 xlwings {XLWINGS_PIN}" in here.stdout
    assert workbook_xlwings_version(form) == XLWINGS_PIN == recorded_version(form)
    assert button_message(form, monkeypatch) is None


def button_message(form: Path, monkeypatch) -> str | None:
    return button_version_problem(json_book(form, monkeypatch))


def test_refresh_refuses_a_native_form(tmp_path: Path) -> None:
    form = generate(bundled_example(), tmp_path, mode="native")[0]
    before = form.read_bytes()
    run = perfxl("excel", "refresh", str(form))
    assert run.returncode == 2
    assert "不含 VBA 工程" in run.stderr
    assert form.read_bytes() == before


@pytest.mark.network
def test_wheelhouse_installs_offline_on_64_bit_windows(tmp_path: Path) -> None:
    folder = tmp_path / "离线安装包"
    run = perfxl("excel", "wheelhouse", str(folder))
    assert run.returncode == 0, run.stdout + run.stderr
    wheels = [p.name for p in folder.glob("*.whl")]
    assert any(name.startswith("perfxl-") for name in wheels)
    (product,) = folder.glob("perfxl-*.whl")  # built from this checkout: the product only, with what pdf needs
    with zipfile.ZipFile(product) as wheel:
        packed = set(wheel.namelist())
    assert not [name for name in packed if name.startswith(("perfxl_tools/", "tests/"))]
    assert {"perfxl/libreoffice/soffice.py", "perfxl/libreoffice/fonts.conf"} <= packed
    assert any(name.startswith("pywin32-") and name.endswith("win_amd64.whl") for name in wheels)
    assert all(name.endswith(("-none-any.whl", "-win_amd64.whl")) for name in wheels), wheels
    # pip itself resolves the whole set for Windows from the folder alone, without an index.
    resolve = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--dry-run",
            "--no-index",
            "--find-links",
            str(folder),
            "--platform",
            "win_amd64",
            "--python-version",
            "3.11",
            "--implementation",
            "cp",
            "--only-binary=:all:",
            "--target",
            str(tmp_path / "target"),
            "perfxl",
            "pywin32",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert resolve.returncode == 0, resolve.stderr
    assert missing_wheels(folder) == []
    # Exactly the xlwings whose DLL the forms' VBA module declares, whatever the index's newest is.
    pinned = [name for name in wheels if name.startswith("xlwings-")]
    assert len(pinned) == 1 and pinned[0].startswith(f"xlwings-{XLWINGS_PIN}-") and pinned[0].endswith("win_amd64.whl")
    assert f"xlwings-{XLWINGS_PIN}" in resolve.stdout
    would_install = resolve.stdout.lower().replace("-", "_")
    for requirement in runtime_requirements():
        name = re.split(r"[<>=!~;\[ ]", requirement)[0].lower().replace("-", "_")
        assert name in would_install, name
    script = (folder / INSTALL_SCRIPT).read_bytes().decode("gbk")
    assert "--no-index --find-links" in script and f"perfxl xlwings=={XLWINGS_PIN}" in script
    note = (folder / README).read_text(encoding="utf-8-sig")
    assert note.startswith("perfxl 离线安装包") and f"xlwings 为 {XLWINGS_PIN} 版" in note

"""An offline installation folder for Windows PCs on an intranet: wheels and an install script.

Everything is fetched with pip from the package index this machine uses, for 64-bit Windows and the
chosen Python version, so the folder can be carried to a PC that has no network. xlwings is exactly
:data:`~perfxl.excel.versions.XLWINGS_PIN`, the version whose DLL the forms' VBA module declares.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from collections.abc import Sequence
from importlib import metadata
from pathlib import Path

import perfxl
from perfxl.core.errors import PerfxlError
from perfxl.excel.versions import XLWINGS_PIN

PYTHON_VERSION = "3.11"
PLATFORM = "win_amd64"
# xlwings needs pywin32 on Windows; pip cannot see that marker when it downloads for another platform.
WINDOWS_EXTRAS = ("pywin32>=306",)
INSTALL_SCRIPT = "安装perfxl.bat"
README = "安装说明.txt"


class WheelhouseError(PerfxlError):
    """pip could not provide a package; the message says which, in Chinese."""


def runtime_requirements() -> list[str]:
    """perfxl's own dependencies (no extras) with xlwings pinned, plus what Windows needs that pip cannot infer here.

    From the source tree's pyproject.toml when perfxl runs from one (the wheel in the folder is built from it;
    an editable install's metadata is only as new as its last install), else from the installed metadata.
    """
    root = source_tree()
    if root is not None:
        declared = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))["project"]["dependencies"]
    else:
        declared = [r for r in metadata.requires("perfxl") or [] if "extra ==" not in r]
    requirements = [r.split(";")[0].strip() for r in declared]
    others = [r for r in requirements if requirement_name(r) != "xlwings"]
    return [*others, xlwings_requirement(), *WINDOWS_EXTRAS]


def xlwings_requirement() -> str:
    return f"xlwings=={XLWINGS_PIN}"


def requirement_name(requirement: str) -> str:
    """The normalised project name of a requirement such as ``PyYAML>=6`` (``pyyaml``)."""
    return _normalise(re.split(r"[<>=!~;\[ ]", requirement, maxsplit=1)[0])


def source_tree() -> Path | None:
    """The source folder perfxl runs from (an editable or source install), or None for a wheel install."""
    root = Path(perfxl.__file__).resolve().parents[1]
    return root if (root / "pyproject.toml").is_file() else None


def _pip(arguments: Sequence[str]) -> None:
    run = subprocess.run([sys.executable, "-m", "pip", *arguments], capture_output=True, text=True, check=False)
    if run.returncode != 0:
        lines = [line for line in run.stderr.splitlines() if "ERROR" in line] or run.stderr.splitlines()[-3:]
        raise WheelhouseError("pip 执行失败：" + "；".join(lines))


def build_wheelhouse(target: Path, python_version: str = PYTHON_VERSION) -> list[Path]:
    """Download every wheel an offline Windows PC needs into ``target`` and write the install script."""
    target.mkdir(parents=True, exist_ok=True)
    root = source_tree()
    if root is not None:
        _pip(["wheel", "--no-deps", "--quiet", "-w", str(target), str(root)])
    else:
        _pip(["download", "--no-deps", "--quiet", "-d", str(target), f"perfxl=={perfxl.__version__}"])
    abi = "cp" + python_version.replace(".", "")
    _pip(
        [
            "download",
            "--quiet",
            "--only-binary=:all:",
            "--platform",
            PLATFORM,
            "--python-version",
            python_version,
            "--implementation",
            "cp",
            "--abi",
            abi,
            "--abi",
            "abi3",
            "--abi",
            "none",
            "-d",
            str(target),
            *runtime_requirements(),
        ]
    )
    write_install_script(target, python_version)
    return sorted(target.glob("*.whl"))


def write_install_script(target: Path, python_version: str) -> None:
    """A .bat in the Chinese Windows code page (GBK), and a note in UTF-8 with BOM for Notepad."""
    script = "\r\n".join(
        [
            "@echo off",
            "setlocal",
            'cd /d "%~dp0"',
            "echo 正在离线安装 perfxl 及其依赖……",
            f"set PY=py -{python_version}",
            "%PY% --version >nul 2>nul || set PY=python",
            # xlwings named too, so that an xlwings of another version already on the PC is replaced.
            f'%PY% -m pip install --no-index --find-links "%~dp0." perfxl {xlwings_requirement()}',
            "if errorlevel 1 (",
            "  echo 安装失败：请确认已安装 64 位 Python " + python_version + "，并把本文件夹完整复制到本机。",
            "  pause",
            "  exit /b 1",
            ")",
            "echo 安装完成。用 perfxl 生成的 .xlsm 自评表打开后点击“重新计算”即可。",
            "pause",
            "",
        ]
    )
    (target / INSTALL_SCRIPT).write_bytes(script.encode("gbk"))
    wheels = sorted(p.name for p in target.glob("*.whl"))
    note = "\r\n".join(
        [
            "perfxl 离线安装包",
            "",
            f"适用于 64 位 Windows、Python {python_version}（请先安装 Python，安装时勾选“Add python.exe to PATH”）。",
            f"双击 {INSTALL_SCRIPT} 即可安装，无需联网。",
            f"其中的 xlwings 为 {XLWINGS_PIN} 版：perfxl 生成的自评表中的宏只能配合这个版本使用，"
            "请勿单独升级 xlwings。",
            "",
            "包含的安装文件：",
            *(f"  {name}" for name in wheels),
            "",
        ]
    )
    (target / README).write_text("\ufeff" + note, encoding="utf-8")


def missing_wheels(target: Path) -> list[str]:
    """Requirements for which ``target`` holds no wheel (checked after a download)."""
    present = {_normalise(path.name.split("-")[0]) for path in target.glob("*.whl")}
    return [r for r in ["perfxl", *runtime_requirements()] if requirement_name(r) not in present]


def _normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "_", name).lower()

"""``perfxl excel``: what a Windows user needs to use the UDFs and the button in desktop Excel."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from perfxl.errors import InputError, Problem
from perfxl.excel.udf_metadata import xlwings_udfs_module
from perfxl.excel.vba_project import VBA_ENTRY, build_vba_project, xlwings_version
from perfxl.excel.wheelhouse import INSTALL_SCRIPT, WheelhouseError, build_wheelhouse, missing_wheels
from perfxl.output import atomic_path

BAS_HEADER = 'Attribute VB_Name = "xlwings_udfs"\r\n'

INSTALL_STEPS = """\
在 Excel 中使用 perfxl 函数（仅限 Windows 桌面版 Excel）：
  1. 安装 64 位 Python 3.11，再安装 perfxl（离线电脑：运行 perfxl excel wheelhouse 生成的安装包中的 {script}）。
  2. 用 perfxl generate 生成的 .xlsm 自评表已包含全部宏，打开后启用宏即可使用，无需以下步骤。
  3. 在自己的工作簿中使用时：先新建一张名为 xlwings.conf 的工作表，A1 填 UDF Modules，B1 填 perfxl.udfs；
     再按 Alt+F11 打开 VBA 编辑器，“文件 → 导入文件”导入 {bas}。包装函数要调用 xlwings 的 VBA 模块：
     最简单是以 perfxl 生成的 .xlsm 为起点（已含该模块），或安装 xlwings 加载项（xlwings addin install）
     后在 xlwings 选项卡中点击 Import Functions（这样无需导入 {bas}）。
  4. 从网上或邮件收到的文件，宏会被 Windows 阻止：在文件“属性”中勾选“解除锁定”，或把文件放在受信任位置。"""


def write_bas(target: Path) -> Path:
    """The UDF wrapper module as a .bas file Excel's VBA editor imports (CRLF, the module name)."""
    path = target if target.suffix.lower() == ".bas" else target / "xlwings_udfs.bas"
    path.parent.mkdir(parents=True, exist_ok=True)
    body = xlwings_udfs_module().replace("\r\n", "\n").replace("\n", "\r\n")
    path.write_bytes((BAS_HEADER + body).encode("ascii"))
    return path


def refresh(path: Path) -> Path:
    """Replace a form's VBA project with one built from the xlwings installed here, atomically.

    The xlwings module declares the DLL of one xlwings version: a form generated on another machine
    needs this after xlwings is installed or upgraded on the officer's PC. Every other part is kept.
    """
    if not path.is_file():
        raise InputError([Problem(str(path), "文件不存在")])
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError):
        raise InputError([Problem(path.name, "不是有效的 Excel 工作簿")]) from None
    with archive:
        if VBA_ENTRY not in archive.namelist():
            raise InputError([Problem(path.name, "不含 VBA 工程：只有 udf 方式生成的 .xlsm 自评表可以刷新")])
        sheets = _sheet_count(archive)
        with atomic_path(path, mode=path.stat().st_mode & 0o777) as temporary, \
                zipfile.ZipFile(temporary, "w") as out:
            for info in archive.infolist():
                data = archive.read(info.filename)
                if info.filename == VBA_ENTRY:
                    data = build_vba_project(sheets=sheets)
                out.writestr(info, data)
    return path


def _sheet_count(archive: zipfile.ZipFile) -> int:
    from lxml import etree

    workbook = etree.parse(io.BytesIO(archive.read("xl/workbook.xml")))
    return len(workbook.findall("{http://schemas.openxmlformats.org/spreadsheetml/2006/main}sheets/*"))


def run_excel(action: str, target: str | None) -> int:
    if action == "bas":
        path = write_bas(Path(target or "."))
        print(f"已写出 UDF 包装模块：{path}")
        print(INSTALL_STEPS.format(script=INSTALL_SCRIPT, bas=path.name))
        return 0
    if action == "refresh":
        assert target is not None
        path = refresh(Path(target))
        print(f"已按本机的 xlwings {xlwings_version()} 重建 {path.name} 的 VBA 工程，其余内容未改动。")
        return 0
    if action == "wheelhouse":
        folder = Path(target or "perfxl-离线安装包")
        try:
            wheels = build_wheelhouse(folder)
        except WheelhouseError as exc:
            print(f"perfxl：{exc}")
            return 1
        missing = missing_wheels(folder)
        if missing:
            print(f"perfxl：以下依赖没有找到 Windows 安装文件：{'、'.join(missing)}")
            return 1
        print(f"已生成离线安装包：{folder}（{len(wheels)} 个安装文件）。")
        print(f"把整个文件夹复制到 Windows 电脑，双击 {INSTALL_SCRIPT} 即可安装。")
        return 0
    raise AssertionError(action)

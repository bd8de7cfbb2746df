"""``perfxl excel``: what a Windows user needs to use the UDFs and the button in desktop Excel."""

from __future__ import annotations

import io
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from perfxl.cli.exit_codes import ExitCode
from perfxl.errors import InputError, Problem
from perfxl.excel.udf_metadata import xlwings_udfs_module
from perfxl.excel.vba_project import VBA_ENTRY, VBAProjectError, build_vba_project, xlwings_version
from perfxl.excel.versions import (
    XLWINGS_PIN,
    UnreadableProject,
    metadata_version_cell,
    pin_message,
    project_xlwings_version,
)
from perfxl.excel.wheelhouse import INSTALL_SCRIPT, WheelhouseError, build_wheelhouse, missing_wheels
from perfxl.output import atomic_path, check_writable
from perfxl.sheetlib.namespaces import SPREADSHEET, clark
from perfxl.workbook.xlsx_book import XlsxBook, XlsxError

BAS_HEADER = 'Attribute VB_Name = "xlwings_udfs"\r\n'

INSTALL_STEPS = """\
在 Excel 中使用 perfxl 函数（仅限 Windows 桌面版 Excel）：
  1. 安装 64 位 Python 3.11，再安装 perfxl（离线电脑：运行 perfxl excel wheelhouse 生成的安装包中的 {script}）；
     它会安装 xlwings {xlwings}，表中的宏只配合这个版本，请勿单独升级 xlwings。
  2. 用 perfxl generate 生成的 .xlsm 自评表已包含全部宏，打开后启用宏即可使用，无需以下步骤。
  3. 在自己的工作簿中使用时：先新建一张名为 xlwings.conf 的工作表，A1 填 UDF Modules，B1 填 perfxl.udfs；
     再按 Alt+F11 打开 VBA 编辑器，“文件 → 导入文件”导入 {bas}。包装函数要调用 xlwings 的 VBA 模块：
     最简单是以 perfxl 生成的 .xlsm 为起点（已含该模块），或安装 xlwings 加载项（xlwings addin install）
     后在 xlwings 选项卡中点击 Import Functions（这样无需导入 {bas}）。
  4. 从网上或邮件收到的文件，宏会被 Windows 阻止：在文件“属性”中勾选“解除锁定”，或把文件放在受信任位置。"""


def write_bas(target: Path) -> Path:
    """The UDF wrapper module as a .bas file Excel's VBA editor imports (CRLF, the module name)."""
    path = target if target.suffix.lower() == ".bas" else target / "xlwings_udfs.bas"
    body = xlwings_udfs_module().replace("\r\n", "\n").replace("\n", "\r\n")
    with atomic_path(path, what="UDF 包装模块") as temporary:
        temporary.write_bytes((BAS_HEADER + body).encode("ascii"))
    return path


@dataclass(frozen=True)
class Refreshed:
    """What ``perfxl excel refresh`` found and did."""

    path: Path
    before: str | None  # the xlwings version the form's module declared (None: none, or unreadable)
    readable: bool  # False when the form's VBA project could not be read
    after: str | None  # the version the rebuilt module declares
    metadata: str  # "updated", "unchanged", or "absent" (a form from a perfxl that did not record it)


def refresh(path: Path) -> Refreshed:
    """Replace a form's VBA project with one built from the xlwings installed here, atomically.

    The xlwings module declares the DLL of one xlwings version: a form generated on another machine
    needs this after xlwings is installed or upgraded on the officer's PC. The metadata sheet's
    ``xlwings 版本`` is set to the new module's version; every other part is kept.
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
        try:
            before, readable = project_xlwings_version(archive.read(VBA_ENTRY)), True
        except UnreadableProject:
            before, readable = None, False
        sheets = _sheet_count(archive)
    project = build_vba_project(sheets=sheets)
    after = project_xlwings_version(project)
    try:
        with XlsxBook(path) as book:
            cell = metadata_version_cell(book)
    except XlsxError as exc:
        raise InputError([Problem(path.name, str(exc))]) from None
    stale = cell is not None and cell.version != after
    with (
        atomic_path(path, mode=path.stat().st_mode & 0o777) as temporary,
        tempfile.TemporaryDirectory(prefix="perfxl-refresh-") as scratch,
    ):
        source = path
        if cell is not None and stale:
            source = Path(scratch) / path.name
            with XlsxBook(path) as book:
                book.set_value(cell.ref, after or "")
                book.save(source)
        with zipfile.ZipFile(source) as original, zipfile.ZipFile(temporary, "w") as out:
            for info in original.infolist():
                data = project if info.filename == VBA_ENTRY else original.read(info.filename)
                out.writestr(info, data)
    metadata = "absent" if cell is None else "updated" if stale else "unchanged"
    return Refreshed(path, before, readable, after, metadata)


def refresh_report(result: Refreshed, installed: str) -> list[str]:
    """The Chinese lines ``perfxl excel refresh`` prints: the versions before, the pin, what was rebuilt."""
    name = result.path.name
    if not result.readable:
        found = f"{name}：无法读取表中原有的 VBA 工程"
    elif result.before is None:
        found = f"{name}：表中原有的宏没有声明 xlwings 版本"
    elif result.before == installed:
        found = f"{name}：表中的宏按 xlwings {result.before} 生成，与本机安装的 xlwings 一致"
    else:
        found = f"{name}：表中的宏按 xlwings {result.before} 生成，本机安装的是 xlwings {installed}，两者不一致"
    lines = [found + "。"]
    warning = pin_message(installed)
    if warning:
        lines.append(warning)
    done = f"已按本机的 xlwings {installed} 重建 {name} 的 VBA 工程"
    if result.metadata == "updated":
        done += f"，并把元数据中的 xlwings 版本改为 {result.after}"
    elif result.metadata == "absent":
        done += "（本表由旧版 perfxl 生成，元数据中没有 xlwings 版本，“重新计算”按钮无法提示版本不一致）"
    lines.append(done + "，其余内容未改动。")
    return lines


def _sheet_count(archive: zipfile.ZipFile) -> int:
    from lxml import etree

    workbook = etree.parse(io.BytesIO(archive.read("xl/workbook.xml")))
    return len(workbook.findall(f"{clark(SPREADSHEET, 'sheets')}/*"))


def run_excel(action: str, target: str | None) -> int:
    if action == "bas":
        path = write_bas(Path(target or "."))
        print(f"已写出 UDF 包装模块：{path}")
        print(INSTALL_STEPS.format(script=INSTALL_SCRIPT, bas=path.name, xlwings=XLWINGS_PIN))
        return ExitCode.OK
    if action == "refresh":
        assert target is not None
        try:
            result = refresh(Path(target))
        except VBAProjectError as exc:
            print(f"perfxl：{exc}")
            return ExitCode.ERRORS
        print("\n".join(refresh_report(result, xlwings_version())))
        return ExitCode.OK
    if action == "wheelhouse":
        folder = Path(target or "perfxl-离线安装包")
        check_writable(folder, "离线安装包文件夹", folder=True)  # before the downloads, not after them
        try:
            wheels = build_wheelhouse(folder)
        except WheelhouseError as exc:
            print(f"perfxl：{exc}")
            return ExitCode.ERRORS
        missing = missing_wheels(folder)
        if missing:
            print(f"perfxl：以下依赖没有找到 Windows 安装文件：{'、'.join(missing)}")
            return ExitCode.ERRORS
        print(f"已生成离线安装包：{folder}（{len(wheels)} 个安装文件）。")
        print(f"把整个文件夹复制到 Windows 电脑，双击 {INSTALL_SCRIPT} 即可安装。")
        return ExitCode.OK
    raise AssertionError(action)

"""The VBA project of a perfxl workbook: xlwings' own standalone project, as Excel saved it, plus perfxl's.

The starting point is ``xl/vbaProject.bin`` of ``quickstart_standalone.xlsm`` from the *installed* xlwings
package: its ``xlwings`` module declares the DLL of that xlwings version, so the project must come from the
xlwings on the machine that generates the workbook (and be refreshed to match the xlwings on the user's
PC). Every user of ``xlwings quickstart --standalone`` opens that project in Excel, which is the best
evidence available here that Excel accepts it; the edits below change as little of it as possible
(pyOpenVBA does the CFB, with every directory entry written black by :mod:`perfxl.excel.compound_file`, the
MS-OVBA compression and the ``dir`` stream's module records):

- ``Module1`` (xlwings' ``SampleCall``) is renamed ``perfxl`` and holds :mod:`perfxl.excel.vba_source`;
- ``xlwings_udfs`` is added: the wrappers xlwings' "Import Functions" would write for ``perfxl.udfs``;
- with ``sheets=N``, document modules ``Sheet3``..``SheetN`` are added (``Sheet2`` taken out for N = 1),
  each with the attribute header Excel wrote for ``Sheet2``, as Excel itself adds one for a new sheet;
- streams that change: ``PROJECT`` (declarations and ``[Workspace]`` lines added, renamed or dropped; every
  other line byte for byte), ``PROJECTwm``, ``VBA/dir`` (module records; the project information and
  references byte for byte), ``VBA/perfxl``, ``VBA/xlwings_udfs`` and the added sheet modules.
  ``VBA/xlwings``, ``VBA/Dictionary``, ``VBA/ThisWorkbook``, ``VBA/Sheet1``, ``VBA/Sheet2`` and
  ``VBA/_VBA_PROJECT`` stay byte-identical: xlwings' ``_VBA_PROJECT`` already has version &HFFFF and no
  performance cache, so Excel compiles the whole project from source on open and nothing is stale.

``include_xlwings=False`` leaves out the ``xlwings`` and ``Dictionary`` modules: LibreOffice cannot compile
those (nor xlwings' own file), so the run-check in the tests loads that reduced project.

Use with xlsxwriter::

    workbook.add_vba_project(io.BytesIO(build_vba_project(sheets=n)), is_stream=True)
    workbook.set_vba_name(document_modules(sheets=n)[0])
    for worksheet, code_name in zip(workbook.worksheets(), document_modules(sheets=n)[1:]): ...
"""

from __future__ import annotations

import functools
import io
import re
import zipfile
from importlib import resources

from pyopenvba.cfb import CFB
from pyopenvba.vba import (
    VBAModule,
    VBAModuleKind,
    VBAProject,
    compress,
    decompress,
    parse_projectwm,
    parse_vba_project,
    serialize_dir_modules_section,
    serialize_projectwm,
)

from perfxl.core.errors import PerfxlError
from perfxl.excel import vba_source
from perfxl.excel.compound_file import BlackTreeCFB
from perfxl.excel.udf_metadata import xlwings_udfs_module

XLWINGS_WORKBOOK = "quickstart_standalone.xlsm"
VBA_ENTRY = "xl/vbaProject.bin"
SAMPLE_MODULE = "Module1"  # xlwings' SampleCall, which becomes perfxl's module
UDF_MODULE = "xlwings_udfs"
XLWINGS_MODULES = ("xlwings", "Dictionary")
WORKBOOK_BASE = "0{00020819-0000-0000-C000-000000000046}"  # VB_Base of a workbook's document module
WORKSHEET_BASE = "0{00020820-0000-0000-C000-000000000046}"  # VB_Base of a worksheet's document module
NEW_MODULE_COOKIE = 0xFFFF  # MODULECOOKIE is ignored on read; [MS-OVBA] writers put &HFFFF
_DECLARATIONS = ("Module", "Class", "Document", "BaseClass")
_SHEET_NAME = re.compile(r"Sheet(\d+)")


class VBAProjectError(PerfxlError, RuntimeError):
    """xlwings' project is missing or not shaped as expected; the message is in Chinese for the user."""


def xlwings_version() -> str:
    import xlwings

    return str(xlwings.__version__)


def xlwings_project() -> bytes:
    """``xl/vbaProject.bin`` of ``quickstart_standalone.xlsm`` in the installed xlwings package."""
    workbook = resources.files("xlwings") / XLWINGS_WORKBOOK
    try:
        with zipfile.ZipFile(io.BytesIO(workbook.read_bytes())) as package:
            return package.read(VBA_ENTRY)
    except (OSError, KeyError, zipfile.BadZipFile) as exc:
        raise VBAProjectError(
            f"已安装的 xlwings {xlwings_version()} 中找不到可用的 {XLWINGS_WORKBOOK}（{exc}），无法生成带宏的工作簿；"
            "请重新安装 xlwings"
        ) from None


def build_vba_project(*, include_xlwings: bool = True, sheets: int | None = None) -> bytes:
    """``vbaProject.bin`` for a perfxl workbook, built from the installed xlwings' project (cached).

    ``sheets``: the number of worksheets of the workbook it goes into; None keeps xlwings' ``Sheet1`` and
    ``Sheet2``. The workbook's and sheets' code names must be :func:`document_modules` (``set_vba_name``).
    """
    if sheets is not None and sheets < 1:
        raise ValueError("a workbook has at least one sheet")
    return _build(include_xlwings, sheets, xlwings_version())


def document_modules(*, include_xlwings: bool = True, sheets: int | None = None) -> list[str]:
    """The document modules of that project: the workbook's first, then one per sheet in sheet order.

    These are the code names for xlsxwriter's ``workbook.set_vba_name`` and ``worksheet.set_vba_name``:
    ``['ThisWorkbook', 'Sheet1', 'Sheet2']`` for xlwings' project as it is.
    """
    return list(_documents(include_xlwings, sheets, xlwings_version()))


@functools.lru_cache(maxsize=32)
def _documents(include_xlwings: bool, sheets: int | None, version: str) -> tuple[str, ...]:
    cfb = CFB.from_bytes(_build(include_xlwings, sheets, version))
    project = parse_vba_project(cfb)
    declared = _declarations(_project_text(cfb, project))
    bases = {m.name: _base(m.source) for m in project.modules if declared.get(m.name.casefold()) == "Document"}
    book = [name for name, base in bases.items() if base == WORKBOOK_BASE]
    worksheets = [name for name, base in bases.items() if base == WORKSHEET_BASE]
    if len(book) != 1 or len(book) + len(worksheets) != len(bases):
        raise VBAProjectError(f"xlwings {version} 的 VBA 工程中的文档模块不是一个工作簿加若干工作表：{sorted(bases)}")
    return (book[0], *worksheets)


@functools.lru_cache(maxsize=32)
def _build(include_xlwings: bool, sheets: int | None, version: str) -> bytes:
    del version  # part of the cache key only: the project comes from the installed xlwings
    original = xlwings_project()
    cfb = BlackTreeCFB.from_bytes(original)  # writes valid red-black trees ([MS-CFB] 2.6.4), see compound_file
    project = parse_vba_project(cfb)
    encoding = f"cp{project.code_page}"
    text = _project_text(cfb, project)
    declared = _declarations(text)
    names = {m.name.casefold() for m in project.modules}
    _expect(
        names >= {SAMPLE_MODULE.casefold(), *(m.casefold() for m in XLWINGS_MODULES)}
        and UDF_MODULE.casefold() not in names
        and vba_source.MODULE_NAME.casefold() not in names,
        f"模块与预期不符：{project.module_names()}",
    )
    _check_round_trip(cfb, project)

    renamed = {SAMPLE_MODULE: vba_source.MODULE_NAME}
    deleted: list[str] = [] if include_xlwings else list(XLWINGS_MODULES)
    added: list[tuple[str, str]] = [("Module", UDF_MODULE)]

    # perfxl's module takes Module1's place: same declaration, stream renamed, source replaced.
    sample = project.get_module(SAMPLE_MODULE)
    module = _standard_module(vba_source.MODULE_NAME, vba_source.module_source())
    project.modules[project.modules.index(sample)] = module
    cfb.rename_stream_in_storage("VBA", SAMPLE_MODULE, vba_source.MODULE_NAME)
    cfb.write_stream_in_storage("VBA", vba_source.MODULE_NAME, _stream(module, encoding))

    udfs = _standard_module(UDF_MODULE, xlwings_udfs_module())
    project.modules.append(udfs)
    cfb.add_stream_to_storage("VBA", UDF_MODULE, _stream(udfs, encoding))

    if sheets is not None:
        sheet_modules = sorted(
            (
                (int(match[1]), m)
                for m in project.modules
                if declared.get(m.name.casefold()) == "Document"
                and (match := _SHEET_NAME.fullmatch(m.name))
                and _base(m.source) == WORKSHEET_BASE
            ),
            key=lambda pair: pair[0],
        )
        numbers = [number for number, _ in sheet_modules]
        _expect(numbers == list(range(1, len(numbers) + 1)) and numbers, f"工作表文档模块与预期不符：{numbers}")
        template = sheet_modules[-1][1]
        for number, existing in sheet_modules:
            if number > sheets:
                deleted.append(existing.name)
        for number in range(len(numbers) + 1, sheets + 1):
            sheet = _document_module(template, f"Sheet{number}")
            project.modules.append(sheet)
            cfb.add_stream_to_storage("VBA", sheet.name, _stream(sheet, encoding))
            added.append(("Document", sheet.name))

    for name in deleted:
        project.modules.remove(project.get_module(name))
        cfb.remove_stream_in_storage("VBA", name)

    cfb.write_stream_in_storage("VBA", "dir", compress(_dir_stream(project)))
    cfb.write_stream("PROJECT", _edit_project_text(text, renamed, deleted, added).encode(encoding))
    cfb.write_stream(
        "PROJECTwm",
        serialize_projectwm([(m.name, m.name_unicode or m.name) for m in project.modules], code_page=project.code_page),
    )
    return cfb.to_bytes()


def _expect(condition: object, detail: str) -> None:
    if not condition:
        raise VBAProjectError(
            f"xlwings {xlwings_version()} 的 {XLWINGS_WORKBOOK} 中的 VBA 工程{detail}；perfxl 需要适配这个 xlwings 版本"
        )


def _project_text(cfb: CFB, project: VBAProject) -> str:
    return cfb.get_stream("PROJECT").decode(f"cp{project.code_page}")


def _declarations(text: str) -> dict[str, str]:
    """Module name (casefolded) → its PROJECT declaration key (Module, Class, Document, BaseClass)."""
    found: dict[str, str] = {}
    for line in text.split("\r\n"):
        if line.startswith("["):
            break
        key, sep, value = line.partition("=")
        if sep and key in _DECLARATIONS:
            found[value.partition("/")[0].casefold()] = key
    return found


def _base(source: str) -> str:
    found = re.search(r'^Attribute VB_Base = "([^"]*)"', source, re.MULTILINE)
    return found[1] if found else ""


def _dir_stream(project: VBAProject) -> bytes:
    """The decompressed ``dir`` stream: the captured prefix, then pyOpenVBA's module records.

    pyOpenVBA writes four zero bytes more after the terminator than [MS-OVBA] and the file Excel saved;
    they are dropped, so an unchanged project reproduces its ``dir`` byte for byte (checked on every build).
    """
    section = serialize_dir_modules_section(project)
    if section.endswith(b"\x10\x00\x00\x00\x00\x00\x00\x00\x00\x00"):
        section = section[:-4]
    return project.dir_raw[: project.dir_modules_offset] + section


def _check_round_trip(cfb: CFB, project: VBAProject) -> None:
    """The records this module regenerates must reproduce xlwings' project exactly when nothing changed."""
    dir_raw = decompress(cfb.get_stream_in_storage("VBA", "dir"))
    pairs = [(m.name, m.name_unicode or m.name) for m in project.modules]
    wm = cfb.get_stream("PROJECTwm")
    _expect(
        _dir_stream(project) == dir_raw
        and serialize_projectwm(pairs, code_page=project.code_page) == wm
        and parse_projectwm(wm, code_page=project.code_page) == pairs,
        "的 dir 或 PROJECTwm 流无法原样重写",
    )


def _standard_module(name: str, body: str) -> VBAModule:
    source = f'Attribute VB_Name = "{name}"\r\n' + body.replace("\r\n", "\n").replace("\n", "\r\n")
    return VBAModule(
        name=name,
        stream_name=name,
        source=source,
        kind=VBAModuleKind.standard,
        name_unicode=name,
        stream_name_unicode=name,
        cookie=NEW_MODULE_COOKIE,
    )


def _document_module(template: VBAModule, name: str) -> VBAModule:
    """A worksheet's document module like ``template`` (its attribute header as Excel wrote it), named ``name``."""
    header = template.source.replace(f'Attribute VB_Name = "{template.name}"', f'Attribute VB_Name = "{name}"', 1)
    _expect(
        header != template.source and not header.partition("\r\nAttribute VB_Customizable = True\r\n")[2].strip(),
        f"的 {template.name} 不是空的工作表文档模块",
    )
    return VBAModule(
        name=name,
        stream_name=name,
        source=header,
        kind=VBAModuleKind.other,
        name_unicode=name,
        stream_name_unicode=name,
        doc_string=template.doc_string,
        doc_string_unicode=template.doc_string_unicode,
        help_context=template.help_context,
        cookie=NEW_MODULE_COOKIE,
    )


def _stream(module: VBAModule, encoding: str) -> bytes:
    """A module stream with no performance cache: the compressed source from offset 0."""
    if not module.source.isascii():
        raise ValueError(f"VBA module {module.name} must be ASCII")
    return compress(module.source.encode(encoding))


def _edit_project_text(text: str, renamed: dict[str, str], deleted: list[str], added: list[tuple[str, str]]) -> str:
    """The PROJECT stream with modules renamed, dropped and added, every other line kept as it is.

    New declarations go after the last existing one and new ``[Workspace]`` entries after the last existing
    entry (before the blank line xlwings' stream ends with), in the order given.
    """
    renames = {old.casefold(): new for old, new in renamed.items()}
    drops = {name.casefold() for name in deleted}
    out: list[str] = []
    section = ""
    last_declaration = last_window = -1
    for line in text.split("\r\n"):
        if line.startswith("[") and line.rstrip().endswith("]"):
            section = line.strip().casefold()
            out.append(line)
            continue
        key, sep, value = line.partition("=")
        if not section and sep and key in _DECLARATIONS:
            name, slash, rest = value.partition("/")
            if name.casefold() in drops:
                continue
            new = renames.get(name.casefold(), name)
            out.append(f"{key}={new}{slash}{rest}")
            last_declaration = len(out)
        elif section == "[workspace]" and sep:
            if key.casefold() in drops:
                continue
            out.append(f"{renames.get(key.casefold(), key)}={value}")
            last_window = len(out)
        else:
            out.append(line)
    if last_declaration < 0 or last_window < 0:
        raise VBAProjectError("xlwings 的 VBA 工程 PROJECT 流缺少模块声明或 [Workspace] 节")
    declarations = [f"Document={name}/&H00000000" if key == "Document" else f"{key}={name}" for key, name in added]
    out[last_declaration:last_declaration] = declarations
    last_window += len(declarations)
    out[last_window:last_window] = [f"{name}=0, 0, 0, 0, C" for _, name in added]
    return "\r\n".join(out)

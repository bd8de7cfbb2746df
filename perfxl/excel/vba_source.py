"""The VBA text of perfxl's own standard module ``perfxl``, generated from the UDF metadata.

The module holds:

- ``PerfxlRecalc``: the 重新计算 button's macro, ``RunPython "import perfxl.excel as m; m.recalc()"``;
- ``PerfxlRegisterFunctions``: describes every PERF_* function to Excel's function wizard
  (``Application.MacroOptions`` with the Chinese docstring, the category 绩效自评 and one Chinese text
  per argument), generated from :func:`perfxl.excel.udf_metadata.udf_metadata`; it never raises;
- ``Auto_Open``: runs the registration when the workbook is opened. ``Auto_Open`` in this standard module
  rather than ``Workbook_Open`` in ``ThisWorkbook`` leaves the document modules exactly as Excel saved
  them in xlwings' project;
- ``PerfxlVersion``: the perfxl version that wrote the workbook (LibreOffice's run-check calls it).

The project's code page (1252) cannot hold Chinese, so the text is ASCII only: Chinese strings are
written as ``ChrW(&H7EE9&) & ChrW(&H6548&) & ...`` (the ``&`` suffix makes each code a Long, so codes
above &H7FFF are not read as negative Integers). :func:`vba_assign` splits long expressions so that no
line exceeds VBA's 1023 characters and no statement has more than 24 line continuations.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Mapping

import perfxl
from perfxl.excel.udf_metadata import udf_metadata

MODULE_NAME = "perfxl"
RECALC_MACRO = "PerfxlRecalc"
REGISTER_MACRO = "PerfxlRegisterFunctions"
VERSION_FUNCTION = "PerfxlVersion"
RECALC_COMMAND = "import perfxl.excel as m; m.recalc()"
CATEGORY = "绩效自评"

MAX_LINE = 1023  # characters in one physical VBA line
MAX_CONTINUATIONS = 24  # line continuations (" _") in one VBA statement
MAX_DESCRIPTION = 255  # Excel's limit for a function's or an argument's description (xlwings cuts there too)
_LITERAL_RUN = 200  # printable ASCII characters per quoted literal, so one literal always fits a line
_CONTINUATION_INDENT = "    "


def vba_tokens(text: str) -> list[str]:
    """The operands of a VBA string expression for ``text``: quoted ASCII runs and ``ChrW(&H....&)``.

    Printable ASCII stays literal (quotes doubled); every other character, including control characters
    and CJK, becomes ``ChrW``; characters outside the BMP become their two UTF-16 surrogates, as VBA
    strings are UTF-16.
    """
    tokens: list[str] = []
    run: list[str] = []

    def flush() -> None:
        if run:
            literal = "".join(run)
            tokens.extend(
                '"' + literal[i : i + _LITERAL_RUN].replace('"', '""') + '"'
                for i in range(0, len(literal), _LITERAL_RUN)
            )
            run.clear()

    for char in text:
        if " " <= char <= "~":
            run.append(char)
            continue
        flush()
        units = char.encode("utf-16-le")
        for i in range(0, len(units), 2):
            tokens.append(f"ChrW(&H{int.from_bytes(units[i : i + 2], 'little'):04X}&)")
    flush()
    return tokens


def vba_string(text: str) -> str:
    """``text`` as one VBA string expression on one line (see :func:`vba_assign` for long texts)."""
    return " & ".join(vba_tokens(text)) or '""'


def vba_assign(variable: str, text: str, *, indent: str = "    ") -> list[str]:
    """VBA statements that set ``variable`` to ``text``, as physical lines.

    Operands are packed into lines of at most :data:`MAX_LINE` characters joined by ``" _"``
    continuations; a statement that would need more than :data:`MAX_CONTINUATIONS` of them is ended and
    the rest appended by further ``variable = variable & ...`` statements.
    """
    tokens = deque(vba_tokens(text) or ['""'])
    lines: list[str] = []
    head = f"{indent}{variable} = "
    while tokens:
        statement: list[str] = []
        line, empty = head, True
        while tokens:
            token = tokens[0]
            joined = token if empty else f" & {token}"
            if len(line) + len(joined) + len(" _") <= MAX_LINE:
                line, empty = line + joined, False
                tokens.popleft()
                continue
            if len(statement) == MAX_CONTINUATIONS:
                break  # this is the statement's last physical line: continue in a new statement
            statement.append(line + " _")
            line, empty = f"{indent}{_CONTINUATION_INDENT}& ", True
        statement.append(line)
        lines.extend(statement)
        head = f"{indent}{variable} = {variable} & "
    return lines


def _describe_functions(metadata: Mapping[str, Mapping]) -> list[str]:
    """The body of the registration routine: one MacroOptions call per UDF, in name order."""
    most_arguments = max((len(_argument_docs(record)) for record in metadata.values()), default=0)
    declared = ", ".join(f"arg{i} As String" for i in range(1, most_arguments + 1))
    lines = [
        "    Dim app As Object, book As String, category As String, description As String",
        "    Dim wasSaved As Boolean",
    ]
    if declared:
        lines.append(f"    Dim {declared}")
    lines += [
        "    On Error Resume Next",
        "    wasSaved = ThisWorkbook.Saved",
        "    Set app = Application",
        '    book = "\'" & Replace(ThisWorkbook.Name, "\'", "\'\'") & "\'!"',
        *vba_assign("category", CATEGORY),
    ]
    for name in sorted(metadata):
        record = metadata[name]
        docs = _argument_docs(record)
        names = [str(argument["name"]) for argument in _arguments(record)]
        lines += ["", f"    ' {name}({', '.join(names)})"]
        lines += vba_assign("description", str(record["ret"]["doc"])[:MAX_DESCRIPTION])
        for i, doc in enumerate(docs, start=1):
            lines += vba_assign(f"arg{i}", doc)
        arguments = ", ".join(f"arg{i}" for i in range(1, len(docs) + 1))
        lines += [
            f'    app.MacroOptions Macro:=book & "{name}", Description:=description, Category:=category, _',
            f"        ArgumentDescriptions:=Array({arguments})",
        ]
    lines += ["", "    ThisWorkbook.Saved = wasSaved"]
    return lines


def _arguments(record: Mapping) -> list[Mapping]:
    """The arguments Excel sees, as xlwings' import_udfs lists them (those without a VBA expression)."""
    return [argument for argument in record["args"] if not argument.get("vba")]


def _argument_docs(record: Mapping) -> list[str]:
    return [str(argument.get("doc") or "")[:MAX_DESCRIPTION] for argument in _arguments(record)]


def module_source(metadata: Mapping[str, Mapping] | None = None, *, version: str | None = None) -> str:
    """The ``perfxl`` module's text without its ``Attribute`` header: ASCII, CRLF line ends.

    ``metadata`` defaults to :func:`udf_metadata` and ``version`` to ``perfxl.__version__``.
    """
    metadata = udf_metadata() if metadata is None else metadata
    version = perfxl.__version__ if version is None else version
    lines = [
        f"' perfxl {version}: written by perfxl/excel/vba_source.py; changes here are lost when the form is"
        " generated again.",
        "Option Explicit",
        "",
        "' The button: recalculate and check the workbook in Python.",
        f"Public Sub {RECALC_MACRO}()",
        f'    RunPython "{RECALC_COMMAND}"',
        "End Sub",
        "",
        "' The perfxl version that wrote this workbook.",
        f"Public Function {VERSION_FUNCTION}() As String",
        *vba_assign(VERSION_FUNCTION, version),
        "End Function",
        "",
        "' On open: describe the PERF_* functions to the function wizard.",
        "Public Sub Auto_Open()",
        f"    {REGISTER_MACRO}",
        "End Sub",
        "",
        "' Chinese descriptions of the PERF_* functions and their arguments in Excel's function wizard.",
        "' Never stops the workbook: MacroOptions fails on some setups (Excel 2007, protected workbooks,",
        "' other spreadsheet programs); called late-bound, so a missing named argument is an error here too.",
        f"Public Sub {REGISTER_MACRO}()",
        *_describe_functions(metadata),
        "End Sub",
    ]
    text = "\r\n".join(lines) + "\r\n"
    if not text.isascii():
        raise ValueError("VBA source must be ASCII")
    if any(len(line) > MAX_LINE for line in lines):
        raise ValueError(f"a VBA line is longer than {MAX_LINE} characters")
    return text

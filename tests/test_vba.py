"""The VBA project of udf-mode workbooks, proved with real tools: olevba, olefile, LibreOffice, openpyxl, schemas.

The project is built from the installed xlwings' own ``quickstart_standalone.xlsm`` (see
perfxl/excel/vba_project.py); these tests put it into an .xlsm with xlsxwriter, as the generator does, with a
重新计算 button and a ``=PERF_GRADE(95)`` cell.
"""

from __future__ import annotations

import inspect
import io
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path

import olefile
import openpyxl
import pytest
import xlsxwriter
from oletools.olevba import VBA_Parser
from pyopenvba import ExcelFile, check_file

import perfxl
from perfxl import udfs
from perfxl.excel import vba_source
from perfxl.excel.udf_metadata import XLWINGS_UDFS_PREAMBLE, udf_metadata, vba_wrappers, xlwings_udfs_module
from perfxl.excel.vba_project import (
    XLWINGS_WORKBOOK,
    build_vba_project,
    document_modules,
    xlwings_project,
)
from perfxl.excel.vba_source import (
    CATEGORY,
    MAX_CONTINUATIONS,
    MAX_LINE,
    module_source,
    vba_assign,
    vba_string,
    vba_tokens,
)
from perfxl_tools.ooxml import validate_package
from perfxl_tools.uno_session import ErrorValue, UnoSession
from tests.support.office import require_libreoffice

SHEETS = ("自评表", "说明", "数据")  # three sheets: one more than xlwings' project has document modules for
XLWINGS_STREAMS = ("VBA/xlwings", "VBA/Dictionary")
UNCHANGED_STREAMS = ("VBA/ThisWorkbook", "VBA/Sheet1", "VBA/Sheet2", "VBA/_VBA_PROJECT", *XLWINGS_STREAMS)
RECALC_URL = "vnd.sun.star.script:VBAProject.perfxl.PerfxlRecalc?language=Basic&location=document"


def build_workbook(path: Path, *, include_xlwings: bool = True, sheets: int = len(SHEETS)) -> Path:
    """An .xlsm as the generator writes one: the project, code names, a formula and the button."""
    workbook = xlsxwriter.Workbook(path)
    workbook.add_vba_project(
        io.BytesIO(build_vba_project(include_xlwings=include_xlwings, sheets=sheets)), is_stream=True
    )
    names = document_modules(include_xlwings=include_xlwings, sheets=sheets)
    workbook.set_vba_name(names[0])
    for title, code_name in zip(SHEETS[:sheets], names[1:], strict=True):
        workbook.add_worksheet(title).set_vba_name(code_name)
    sheet = workbook.worksheets()[0]
    sheet.write("A1", "总分")
    sheet.write_number("B1", 95)
    sheet.write_formula("B2", "=PERF_GRADE(95)", None, "优")
    sheet.insert_button("D2", {"macro": vba_source.RECALC_MACRO, "caption": "重新计算", "width": 80, "height": 30})
    workbook.close()
    return path


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("vba")


@pytest.fixture(scope="module")
def workbook(folder: Path) -> Path:
    return build_workbook(folder / "自评表-udf.xlsm")


@pytest.fixture(scope="module")
def reduced_workbook(folder: Path) -> Path:
    return build_workbook(folder / "reduced.xlsm", include_xlwings=False)


def olevba_modules(path: Path) -> dict[str, str]:
    """Module name → source text, as oletools' olevba decodes them."""
    parser = VBA_Parser(str(path))
    try:
        return {Path(vba_filename).stem: code for _, _, vba_filename, code in parser.extract_macros()}
    finally:
        parser.close()


def without_attributes(text: str) -> str:
    """Module text with VBA's CRLF as LF and the ``Attribute VB_*`` header lines left out."""
    lines = text.replace("\r\n", "\n").split("\n")
    return "\n".join(line for line in lines if not line.startswith("Attribute VB_"))


def ole_streams(data: bytes) -> dict[str, bytes]:
    with olefile.OleFileIO(data) as ole:
        return {"/".join(path): ole.openstream(path).read() for path in ole.listdir()}


def project_bin(path: Path) -> bytes:
    with zipfile.ZipFile(path) as package:
        return package.read("xl/vbaProject.bin")


# A VBA evaluator for exactly the expressions vba_source writes: it checks the form and recovers the text.
OPERAND = r'"(?:[^"]|"")*"|ChrW\(&H[0-9A-F]{4}&\)'
EXPRESSION = re.compile(rf"(?:{OPERAND})(?: & (?:{OPERAND}))*")


def evaluate(expression: str) -> str:
    assert EXPRESSION.fullmatch(expression), expression
    units = bytearray()
    for operand in re.findall(OPERAND, expression):
        if operand.startswith('"'):
            units += operand[1:-1].replace('""', '"').encode("utf-16-le")
        else:
            units += int(operand[7:11], 16).to_bytes(2, "little")
    return units.decode("utf-16-le", errors="surrogatepass")


def statements(lines: list[str]) -> list[str]:
    """Physical lines joined into statements at `` _`` continuations."""
    joined: list[str] = []
    pending = ""
    for line in lines:
        if line.endswith(" _"):
            pending += line[:-2].strip() + " "
            continue
        joined.append(pending + line.strip())
        pending = ""
    assert not pending
    return joined


def run_assignments(lines: list[str]) -> dict[str, str]:
    """The string variables the statements leave behind (``x = ...`` and ``x = x & ...``)."""
    values: dict[str, str] = {}
    for statement in statements(lines):
        found = re.fullmatch(r"(\w+) = (.*)", statement)
        if not found:
            continue
        variable, expression = found.groups()
        if expression.startswith(f"{variable} & "):
            values[variable] += evaluate(expression[len(variable) + 3 :])
        elif EXPRESSION.fullmatch(expression):
            values[variable] = evaluate(expression)
    return values


class TestChrW:
    TEXTS = ("", "plain ASCII", 'say "hi"', "绩效自评", "≥90%、80–90 “引号” ÷ ×", "制表\t换行\n", "𠀀 outside the BMP")

    @pytest.mark.parametrize("text", TEXTS)
    def test_an_expression_gives_back_the_text(self, text: str) -> None:
        expression = vba_string(text)
        assert expression.isascii()
        assert expression == '""' if not text else evaluate(expression) == text

    def test_chinese_becomes_long_chrw_codes(self) -> None:
        assert vba_tokens("绩效") == ["ChrW(&H7EE9&)", "ChrW(&H6548&)"]
        assert vba_tokens('a"b') == ['"a""b"']

    @pytest.mark.parametrize("length", [1, 60, 1500, 4000])
    def test_long_texts_respect_the_line_and_continuation_limits(self, length: int) -> None:
        text = ("评分配置" * length)[:length] + ' "JSON" ' + "x" * length
        lines = vba_assign("description", text)
        assert all(len(line) <= MAX_LINE for line in lines)
        continued = 0
        for line in lines:
            continued = continued + 1 if line.endswith(" _") else 0
            assert continued <= MAX_CONTINUATIONS
        assert run_assignments(lines)["description"] == text
        if length >= 1500:
            assert sum(not line.endswith(" _") for line in lines) > 1  # split into several statements


class TestModuleSource:
    def test_ascii_with_short_lines(self) -> None:
        text = module_source()
        assert text.isascii()
        assert text.endswith("\r\n") and "\n" not in text.replace("\r\n", "")
        assert max(len(line) for line in text.split("\r\n")) <= MAX_LINE

    def test_recalc_macro_version_and_auto_open(self) -> None:
        text = module_source().replace("\r\n", "\n")
        assert 'Public Sub PerfxlRecalc()\n    RunPython "import perfxl.excel as m; m.recalc()"\nEnd Sub' in text
        assert "Public Sub Auto_Open()\n    PerfxlRegisterFunctions\nEnd Sub" in text
        version = re.search(r"Public Function PerfxlVersion\(\) As String\n(.*?)\nEnd Function", text, re.S)
        assert version and run_assignments(version[1].split("\n"))["PerfxlVersion"] == perfxl.__version__

    def test_registration_is_generated_from_the_udf_metadata(self) -> None:
        """Interpret the registration routine: each MacroOptions call gets the metadata's Chinese texts."""
        lines = module_source().split("\r\n")
        body = lines[lines.index("Public Sub PerfxlRegisterFunctions()") + 1 :]
        body = body[: body.index("End Sub")]
        assert body.index("    On Error Resume Next") < min(i for i, line in enumerate(body) if "MacroOptions" in line)
        values: dict[str, str] = {}
        described: dict[str, tuple[str, str, list[str]]] = {}
        for statement in statements(body):
            call = re.fullmatch(
                r'app\.MacroOptions Macro:=book & "(\w+)", Description:=description, '
                r"Category:=category, ArgumentDescriptions:=Array\(([\w, ]*)\)",
                statement,
            )
            if call:
                arguments = [values[name] for name in call[2].split(", ") if name]
                described[call[1]] = (values["description"], values["category"], arguments)
            else:
                values.update(run_assignments([statement]))
        metadata = udf_metadata()
        assert set(described) == set(metadata)
        for name, record in metadata.items():
            assert described[name] == (record["ret"]["doc"], CATEGORY, [argument["doc"] for argument in record["args"]])


class TestProject:
    def test_document_modules(self) -> None:
        assert document_modules() == ["ThisWorkbook", "Sheet1", "Sheet2"]
        assert document_modules(sheets=1) == ["ThisWorkbook", "Sheet1"]
        assert document_modules(sheets=4) == ["ThisWorkbook", "Sheet1", "Sheet2", "Sheet3", "Sheet4"]
        assert document_modules(include_xlwings=False, sheets=3) == ["ThisWorkbook", "Sheet1", "Sheet2", "Sheet3"]
        with pytest.raises(ValueError):
            build_vba_project(sheets=0)

    def test_built_once_per_variant(self) -> None:
        assert build_vba_project() is build_vba_project()
        assert build_vba_project(sheets=3) is build_vba_project(sheets=3)
        assert build_vba_project(sheets=3) != build_vba_project(sheets=4)

    @pytest.mark.parametrize(
        ("options", "changed"),
        [
            ({}, {"PROJECT", "PROJECTwm", "VBA/dir", "VBA/perfxl", "VBA/xlwings_udfs"}),
            ({"sheets": 1}, {"PROJECT", "PROJECTwm", "VBA/dir", "VBA/perfxl", "VBA/xlwings_udfs"}),
            ({"sheets": 3}, {"PROJECT", "PROJECTwm", "VBA/dir", "VBA/perfxl", "VBA/xlwings_udfs", "VBA/Sheet3"}),
            ({"include_xlwings": False}, {"PROJECT", "PROJECTwm", "VBA/dir", "VBA/perfxl", "VBA/xlwings_udfs"}),
        ],
    )
    def test_minimal_delta_to_xlwings_project(self, options: dict, changed: set[str]) -> None:
        """olefile (not pyOpenVBA) reads both: every stream not named here is byte-identical to what Excel saved."""
        before = ole_streams(xlwings_project())
        after = ole_streams(build_vba_project(**options))
        gone = {"VBA/Module1"}
        if options.get("sheets") == 1:
            gone.add("VBA/Sheet2")
        if options.get("include_xlwings") is False:
            gone.update(XLWINGS_STREAMS)
        assert set(before) - set(after) == gone
        assert set(after) - set(before) == changed - set(before)
        assert {name for name in set(before) & set(after) if before[name] != after[name]} == changed & set(before)
        assert all(before[name] == after[name] for name in UNCHANGED_STREAMS if name in after)

    def test_project_stream_gains_two_lines_and_a_rename(self) -> None:
        before = ole_streams(xlwings_project())["PROJECT"].decode("cp1252")
        after = ole_streams(build_vba_project())["PROJECT"].decode("cp1252")
        window = "Dictionary=0, 0, 0, 0, C\r\n"
        expected = (
            before.replace("Module=Module1\r\n", "Module=perfxl\r\n")
            .replace("\r\nModule1=", "\r\nperfxl=")
            .replace("Class=Dictionary\r\n", "Class=Dictionary\r\nModule=xlwings_udfs\r\n")
            .replace(window, window + "xlwings_udfs=0, 0, 0, 0, C\r\n")
        )
        assert after == expected != before

    def test_the_project_comes_from_the_installed_xlwings(self) -> None:
        import xlwings

        with zipfile.ZipFile(Path(xlwings.__file__).parent / XLWINGS_WORKBOOK) as package:
            assert xlwings_project() == package.read("xl/vbaProject.bin")

    def test_udf_module_is_what_import_functions_writes(self) -> None:
        """The #Const App line comes from xlwings' import_udfs: without it every wrapper takes its #Else branch."""
        import xlwings

        source = (Path(xlwings.__file__).parent / "udfs.py").read_text(encoding="utf-8")
        import_udfs = source.split("\ndef import_udfs(", 1)[1].split("\ndef ", 1)[0]
        for line in XLWINGS_UDFS_PREAMBLE.splitlines():
            assert line in import_udfs
        assert xlwings_udfs_module() == XLWINGS_UDFS_PREAMBLE + vba_wrappers()


class TestDecodedByOlevba:
    def test_every_module_decodes_as_ascii(self, workbook: Path) -> None:
        modules = olevba_modules(workbook)
        assert set(modules) == {
            "ThisWorkbook",
            "Sheet1",
            "Sheet2",
            "Sheet3",
            "perfxl",
            "xlwings",
            "Dictionary",
            "xlwings_udfs",
        }
        assert all(code.isascii() for code in modules.values())

    def test_perfxl_and_udf_modules_equal_their_sources(self, workbook: Path) -> None:
        modules = olevba_modules(workbook)
        assert modules["perfxl"].startswith('Attribute VB_Name = "perfxl"\r\n')
        assert without_attributes(modules["perfxl"]) == without_attributes(module_source())
        assert without_attributes(modules["xlwings_udfs"]) == without_attributes(xlwings_udfs_module())
        assert '#Const App = "Microsoft Excel"' in modules["xlwings_udfs"]

    def test_xlwings_modules_equal_xlwings_own(self, workbook: Path) -> None:
        import xlwings

        original = olevba_modules(Path(xlwings.__file__).parent / XLWINGS_WORKBOOK)
        modules = olevba_modules(workbook)
        for name in ("xlwings", "Dictionary", "ThisWorkbook", "Sheet1", "Sheet2"):
            assert modules[name] == original[name]
        assert f"'Version: {xlwings.__version__}" in modules["xlwings"]
        assert modules["Sheet3"] == original["Sheet2"].replace('"Sheet2"', '"Sheet3"')

    def test_streams_in_the_workbook_are_the_built_project(self, workbook: Path) -> None:
        assert project_bin(workbook) == build_vba_project(sheets=len(SHEETS))

    def test_wrapper_signatures_match_the_python_udfs(self, workbook: Path) -> None:
        text = olevba_modules(workbook)["xlwings_udfs"]
        signatures = dict(re.findall(r"^Function (\w+)\(([^)]*)\)\r$", text, re.MULTILINE))
        assert set(signatures) == {f.__name__ for f in udfs.UDFS}
        for name, arguments in signatures.items():
            parameters = inspect.signature(getattr(udfs, name)).parameters
            declared = [a.split() for a in arguments.split(", ")]
            assert [words[-1] for words in declared] == list(parameters)
            optional = {words[-1] for words in declared if words[0] == "Optional"}
            assert optional == {p for p, v in parameters.items() if v.default is not inspect.Parameter.empty}
            assert f'XLPy.CallUDF("perfxl.udfs", "{name}", Array({", ".join(parameters)}), ThisWorkbook' in text

    def test_recalc_macro_runs_python(self, workbook: Path) -> None:
        text = olevba_modules(workbook)["perfxl"].replace("\r\n", "\n")
        macro = re.search(r"^Public Sub PerfxlRecalc\(\)\n(.*?)^End Sub$", text, re.MULTILINE | re.DOTALL)
        assert macro and macro[1] == '    RunPython "import perfxl.excel as m; m.recalc()"\n'

    def test_codenames_in_the_workbook_match_the_document_modules(self, workbook: Path) -> None:
        with zipfile.ZipFile(workbook) as package:
            assert 'codeName="ThisWorkbook"' in package.read("xl/workbook.xml").decode()
            for number in range(1, len(SHEETS) + 1):
                assert f'<sheetPr codeName="Sheet{number}"' in package.read(f"xl/worksheets/sheet{number}.xml").decode()


class TestPackage:
    @pytest.mark.parametrize("which", ["workbook", "reduced_workbook"])
    def test_schemas_and_lint_find_nothing(self, which: str, request: pytest.FixtureRequest) -> None:
        assert validate_package(request.getfixturevalue(which)) == []

    @pytest.mark.parametrize("which", ["workbook", "reduced_workbook"])
    def test_pyopenvba_integrity_check_passes(self, which: str, request: pytest.FixtureRequest) -> None:
        """ZIP CRCs, content types, relationships, CFB directory and stream sizes, every module parsed."""
        report = check_file(request.getfixturevalue(which))
        assert report.complete and report.ok, report.issues

    def test_openpyxl_round_trip_keeps_the_project_and_the_button(self, workbook: Path, folder: Path) -> None:
        book = openpyxl.load_workbook(workbook, keep_vba=True)
        assert book.code_name == "ThisWorkbook"
        assert [sheet.sheet_properties.codeName for sheet in book.worksheets] == ["Sheet1", "Sheet2", "Sheet3"]
        target = folder / "round-trip.xlsm"
        book.save(target)
        assert project_bin(target) == project_bin(workbook)
        with zipfile.ZipFile(target) as package:
            sheet = package.read("xl/worksheets/sheet1.xml").decode()
            relations = package.read("xl/worksheets/_rels/sheet1.xml.rels").decode()
            drawing = re.search(r'<legacyDrawing\b[^>]*\br:id="(\w+)"', sheet)
            assert drawing
            target_part = re.search(
                rf'Id="{drawing[1]}"[^>]*Target="([^"]+)"|Target="([^"]+)"[^>]*Id="{drawing[1]}"', relations
            )
            assert target_part
            vml = package.read("xl/" + (target_part[1] or target_part[2]).removeprefix("/xl/").removeprefix("../"))
            assert b"<x:FmlaMacro>[0]!PerfxlRecalc</x:FmlaMacro>" in vml
            assert "重新计算".encode() in vml
        # openpyxl writes inline strings, which the checks only warn about.
        assert [problem for problem in validate_package(target) if problem.severity == "error"] == []


@pytest.fixture(scope="module")
def libreoffice() -> Iterator[UnoSession]:
    require_libreoffice()
    with UnoSession(timeout=60) as session:
        yield session


@pytest.mark.libreoffice
class TestLibreOffice:
    def test_loads_the_workbook_and_binds_the_button(self, libreoffice: UnoSession, workbook: Path) -> None:
        report = libreoffice.inspect_macros(workbook)
        assert report.vba_mode
        assert set(report.modules["VBAProject"]) == set(olevba_modules(workbook))
        assert "Sub PerfxlRecalc()" in report.modules["VBAProject"]["perfxl"]
        assert report.code_names == dict(zip(SHEETS, ["Sheet1", "Sheet2", "Sheet3"], strict=True))
        [button] = report.controls
        assert (button.sheet, button.label) == (SHEETS[0], "重新计算")
        assert button.scripts == [RECALC_URL]
        assert button.scripts[0].partition("?")[0].endswith(".PerfxlRecalc")

    def test_reduced_project_compiles_and_runs(self, libreoffice: UnoSession, reduced_workbook: Path) -> None:
        report = libreoffice.inspect_macros(
            reduced_workbook, run=["VBAProject.perfxl.PerfxlVersion", "VBAProject.perfxl.PerfxlRegisterFunctions"]
        )
        assert set(report.modules["VBAProject"]) == {
            "ThisWorkbook",
            "Sheet1",
            "Sheet2",
            "Sheet3",
            "perfxl",
            "xlwings_udfs",
        }
        assert report.results["VBAProject.perfxl.PerfxlVersion"] == perfxl.__version__
        # MacroOptions is Excel's: in LibreOffice it fails, and the routine still returns normally.
        assert report.results["VBAProject.perfxl.PerfxlRegisterFunctions"] is None
        assert report.controls[0].scripts == [RECALC_URL]

    def test_a_missing_macro_is_reported(self, libreoffice: UnoSession, reduced_workbook: Path) -> None:
        report = libreoffice.inspect_macros(reduced_workbook, run=["VBAProject.perfxl.NoSuchMacro"])
        assert isinstance(report.results["VBAProject.perfxl.NoSuchMacro"], ErrorValue)

    def test_chrw_expressions_give_back_the_chinese_texts(
        self, libreoffice: UnoSession, reduced_workbook: Path, folder: Path
    ) -> None:
        """VBA (LibreOffice's) evaluates vba_assign's statements, split ones included, to the original texts."""
        metadata = udf_metadata()
        texts = [CATEGORY, *TestChrW.TEXTS[1:], "评分" * 1500 + '"引号"' + "x" * 3000]
        texts += [record["ret"]["doc"] for record in metadata.values()]
        texts += [argument["doc"] for record in metadata.values() for argument in record["args"]]
        lines = []
        for number, text in enumerate(texts):
            lines += [f"Function Text{number}() As String", *vba_assign(f"Text{number}", text), "End Function", ""]
        target = folder / "chrw.xlsm"
        with ExcelFile(reduced_workbook) as book:
            book.vba_project().add_module("ChrWCheck", "\r\n".join(lines) + "\r\n")
            book.save(target)
        report = libreoffice.inspect_macros(target, run=[f"VBAProject.ChrWCheck.Text{n}" for n in range(len(texts))])
        assert report.results["VBAProject.ChrWCheck.Text0"] == CATEGORY
        assert [report.results[f"VBAProject.ChrWCheck.Text{n}"] for n in range(len(texts))] == texts

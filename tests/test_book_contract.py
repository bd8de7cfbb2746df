"""The Book interface as each engine keeps it: the XML engine on generated files, xlwings' JSON-backed Book.

Every member of :class:`perfxl.workbook.base.Book` is exercised on both engines over the same generated
workbook, each against an independent reading of the file (openpyxl) or against what the engine asked the
spreadsheet to do (xlwings' recorded actions). An optional capability an engine lacks must raise
NotImplementedError naming the engine and the member, never AttributeError or None.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from openpyxl.cell.cell import MergedCell

from perfxl.readback.functions import FORM_FUNCTIONS
from perfxl.readback.recalc import check_book, recalculate_book
from perfxl.workbook.base import Book, Calculation, Ref
from perfxl.workbook.protection import Protection, unprotected
from perfxl.workbook.xlsx_book import XlsxBook
from perfxl.workbook.xlwings_book import XlwingsBook
from tests.support.protected_book import LockedCellError, ProtectingBook
from tests.support.xlwings_json import json_book

ROOT = Path(__file__).resolve().parents[1]
FILLED = {
    "udf": ROOT / "workbooks" / "已填报-udf" / "2022_业务工作经历.xlsm",
    "native": ROOT / "workbooks" / "已填报-native" / "2022_业务工作经历.xlsx",
}
SHEET = "业务工作经历"
# What the generator asks for (perfxl.generate.sheet.PROTECTION): formatting rows and columns allowed.
FORM_PROTECTION = Protection(objects=True, scenarios=True, format_columns=True, format_rows=True)

ABSTRACT = frozenset(
    {
        "sheet_names",
        "hidden_sheets",
        "names",
        "values",
        "formulas",
        "number_formats",
        "calculate",
        "release",
        "protection",
        "set_protection",
        "set_value",
        "save",
    }
)
OPTIONAL = ("cell_values", "merged_ranges", "locked", "mark")
# Members an engine does not have: by the engine's class, or because the engine behind it cannot
# (xlwings' remote engine reads no formulas and has no Worksheet object model).
LACKING = {
    "xlsx": {"mark"},
    "xlwings": {"cell_values", "merged_ranges", "locked", "formulas", "protection", "set_protection"},
}
ENGINES = ("xlsx", "xlwings")


@dataclass
class Opened:
    engine: str
    book: Book
    path: Path  # the workbook file both engines were loaded from

    def actions(self) -> list[dict]:
        """What the xlwings Book asked the spreadsheet to do, in order."""
        assert isinstance(self.book, XlwingsBook)
        return self.book.book.json()["actions"]

    def saved_value(self, ref: Ref) -> object:
        """The value the engine wrote to a cell and saved: in the file (openpyxl reads it), or in the
        setValues action that the client applies before its save action."""
        if self.engine == "xlsx":
            return openpyxl.load_workbook(self.path)[ref.sheet][ref.address].value
        actions = self.actions()
        assert actions[-1]["func"] == "save"
        written = [
            a["values"][0][0]
            for a in actions
            if a["func"] == "setValues" and (a["start_row"] + 1, a["start_column"] + 1) == (ref.min_row, ref.min_col)
        ]
        return written[-1] if written else None


def _open(engine: str, path: Path, monkeypatch: pytest.MonkeyPatch, *, enforcing: bool = False) -> Book:
    if engine == "xlsx":
        return XlsxBook(path)
    remote = json_book(path, monkeypatch)
    return ProtectingBook(remote, path) if enforcing else XlwingsBook(remote)


@pytest.fixture(params=ENGINES)
def opened(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Opened]:
    path = tmp_path / FILLED["udf"].name
    shutil.copy(FILLED["udf"], path)
    book = _open(request.param, path, monkeypatch)
    yield Opened(request.param, book, path)
    if isinstance(book, XlsxBook):
        book.close()


def _plain(value: object) -> object:
    """A cell value compared across readers: numbers as floats, empty text as no value."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, (int, float)):
        return float(value)
    return None if value == "" else value


def _destination(text: str) -> tuple[str, str]:
    """``'业务工作经历'!$H$6`` → (sheet, H6), read here without perfxl's own parser."""
    sheet, _, address = text.rpartition("!")
    return sheet.strip("'").replace("''", "'"), address.replace("$", "")


# -- the interface itself ---------------------------------------------------------------------------


def test_book_declares_the_abstract_members_and_refuses_an_incomplete_engine() -> None:
    assert Book.__abstractmethods__ == ABSTRACT
    with pytest.raises(TypeError, match="abstract"):
        Book()  # type: ignore[abstract]

    class Incomplete(XlsxBook):  # an engine that forgot a member
        save = Book.save  # type: ignore[assignment]

    with pytest.raises(TypeError, match="save"):
        Incomplete(FILLED["udf"])


@pytest.mark.parametrize("engine_class", [XlsxBook, XlwingsBook, ProtectingBook])
def test_each_engine_implements_every_abstract_member(engine_class: type[Book]) -> None:
    assert issubclass(engine_class, Book)
    assert engine_class.__abstractmethods__ == frozenset()
    for member in ABSTRACT:
        assert getattr(engine_class, member) is not getattr(Book, member), member


def test_each_engine_opens_as_a_book(opened: Opened) -> None:
    assert isinstance(opened.book, Book)
    assert opened.book.name == opened.path.name


def _call(book: Book, member: str) -> Callable[[], object]:
    """One call of a member that may be lacking, on a cell of the form."""
    cell = Ref.cell(SHEET, 13, 6)  # 实际完成值 of the first indicator
    calls: dict[str, Callable[[], object]] = {
        "cell_values": lambda: book.cell_values(SHEET),
        "merged_ranges": lambda: book.merged_ranges(SHEET),
        "locked": lambda: book.locked(cell),
        "mark": lambda: book.mark(cell, "perfxl 检查：测试"),
        "formulas": lambda: book.formulas(cell),
        "protection": lambda: book.protection(SHEET),
        "set_protection": lambda: book.set_protection(SHEET, FORM_PROTECTION),
    }
    return calls[member]


def test_a_capability_an_engine_lacks_raises_not_implemented_naming_it(opened: Opened) -> None:
    lacking = set()
    for member in (*OPTIONAL, "formulas", "protection", "set_protection"):
        try:
            _call(opened.book, member)()
        except NotImplementedError as exc:
            lacking.add(member)
            assert type(opened.book).__name__ in str(exc) and f"{member}()" in str(exc)
    assert lacking == LACKING[opened.engine]


# -- reading ----------------------------------------------------------------------------------------


def test_sheets_hidden_sheets_and_names_are_the_files(opened: Opened) -> None:
    workbook = openpyxl.load_workbook(opened.path)
    book = opened.book
    assert book.sheet_names() == workbook.sheetnames
    assert book.hidden_sheets() == {ws.title for ws in workbook.worksheets if ws.sheet_state != "visible"}
    assert book.hidden_sheets() == {"xlwings.conf", "perfxl"}
    for scope, defined in ((None, workbook.defined_names), (SHEET, workbook[SHEET].defined_names)):
        expected = {name: _destination(d.attr_text) for name, d in defined.items()}
        assert {name: (ref.sheet, ref.address) for name, ref in book.names(scope).items()} == expected
    assert "PERFXL_TOTAL" in book.names(SHEET) and "PERFXL_META" in book.names(None)


def test_values_are_the_files_cached_values(opened: Opened) -> None:
    workbook = openpyxl.load_workbook(opened.path, data_only=True)
    book = opened.book
    names = book.names(SHEET) | book.names(None)
    for name, ref in names.items():
        sheet = workbook[ref.sheet]
        cells = [
            [sheet.cell(r, c) for c in range(ref.min_col, ref.max_col + 1)] for r in range(ref.min_row, ref.max_row + 1)
        ]
        shown = book.values(ref)
        # openpyxl drops what the generator writes inside a merged range below its first cell; compare the rest.
        assert [
            [_plain(v) for v, cell in zip(row, cells_row, strict=True) if not isinstance(cell, MergedCell)]
            for row, cells_row in zip(shown, cells, strict=True)
        ] == [[_plain(cell.value) for cell in cells_row if not isinstance(cell, MergedCell)] for cells_row in cells], (
            name
        )
        assert [len(row) for row in shown] == [ref.max_col - ref.min_col + 1] * ref.rows, name
    assert book.values(names["PERFXL_TOTAL"]) == [[89.96]]
    assert book.values(Ref(SHEET, 35, 7, 35, 8)) == [[100.0, 89.96]]  # a rectangle, row by row


def test_formulas_and_number_formats_where_the_engine_can_tell(opened: Opened) -> None:
    workbook = openpyxl.load_workbook(opened.path)
    sheet = workbook[SHEET]
    refs = opened.book.names(SHEET)
    scores = refs["PERFXL_IND_SCORE"]
    if opened.engine == "xlsx":
        expected = [
            [
                isinstance(sheet.cell(r, scores.min_col).value, str)
                and sheet.cell(r, scores.min_col).value.startswith("=")
            ]
            for r in range(13, 35)
        ]
        assert opened.book.formulas(scores) == expected
        assert opened.book.formulas(Ref(SHEET, 35, 7, 35, 8)) == [[True, True]]
        assert opened.book.formulas(refs["PERFXL_NAME"]) == [[False]]
    for name in ("PERFXL_RATE", "PERFXL_TOTAL", "PERFXL_NAME"):
        ref = refs[name]
        shown = opened.book.number_formats(ref)
        # xlwings' remote engine sends no formats: its cells read as General.
        assert shown == [[sheet[ref.address].number_format if opened.engine == "xlsx" else "General"]], name
    assert opened.book.number_formats(Ref(SHEET, 6, 6, 6, 7))[0][1] == (
        "0.00%" if opened.engine == "xlsx" else "General"
    )


def test_the_sheet_grid_of_the_xml_engine_is_the_files() -> None:
    workbook = openpyxl.load_workbook(FILLED["udf"], data_only=True)
    sheet = workbook[SHEET]
    with XlsxBook(FILLED["udf"]) as book:
        grid = book.cell_values(SHEET)
        expected = {
            (c.row, c.column): _plain(c.value) for row in sheet.iter_rows() for c in row if _plain(c.value) is not None
        }
        merged_inside = {(c.row, c.column) for row in sheet.iter_rows() for c in row if isinstance(c, MergedCell)}
        assert {
            key: _plain(value) for key, value in grid.items() if _plain(value) is not None and key not in merged_inside
        } == expected
        assert {ref.address for ref in book.merged_ranges(SHEET)} == {str(m) for m in sheet.merged_cells.ranges}
        locked = {(r, c): sheet.cell(r, c).protection.locked for r, c in ((3, 3), (13, 6), (2, 11), (35, 8))}
        assert {key: book.locked(Ref.cell(SHEET, *key)) for key in locked} == locked
        assert locked == {(3, 3): True, (13, 6): False, (2, 11): False, (35, 8): True}


# -- calculating ------------------------------------------------------------------------------------


def test_calculate_brings_results_up_to_date(opened: Opened) -> None:
    book = opened.book
    calculation = book.calculate(FORM_FUNCTIONS)
    assert isinstance(calculation, Calculation) and dict(calculation.uncomputed) == {}
    assert book.values(book.names(SHEET)["PERFXL_TOTAL"]) == [[89.96]]
    if opened.engine == "xlwings":
        assert [a["func"] for a in opened.actions()] == ["calculate"]  # Excel computes, with perfxl's UDFs


def test_the_xml_engine_computes_what_an_edit_changes(tmp_path: Path) -> None:
    path = tmp_path / "form.xlsx"
    shutil.copy(FILLED["native"], path)
    with XlsxBook(path) as book:
        book.set_value(Ref.cell(SHEET, 33, 6), 0.45)  # 受培训人员满意度 >=90%, weight 5: 2.5 points
        book.calculate(FORM_FUNCTIONS)
        assert book.values(Ref.cell(SHEET, 35, 8)) == [[87.46]]
        book.save()
    assert openpyxl.load_workbook(path, data_only=True)[SHEET]["H35"].value == 87.46


@pytest.mark.parametrize("mode", ["udf", "native"])
@pytest.mark.parametrize("typed_score", [False, True])
def test_both_engines_check_a_form_alike(
    mode: str, typed_score: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same outcome whether the engine can tell formula cells (the XML engine) or not (xlwings' remote)."""
    path = tmp_path / FILLED[mode].name
    shutil.copy(FILLED[mode], path)
    if typed_score:  # 7 typed over the 得分 formula of 工作人员培训场次数 (the rule gives 10), results cached
        workbook = openpyxl.load_workbook(path, keep_vba=mode == "udf")
        workbook[SHEET]["H13"] = 7
        workbook.save(path)
        with XlsxBook(path) as file:
            recalculate_book(file)
            file.save()
    seen = []
    for engine in ENGINES:
        book = _open(engine, path, monkeypatch)
        (outcome,) = check_book(book)
        seen.append(
            (
                outcome.sheet,
                outcome.result.total,
                outcome.result.grade,
                sorted((f.level.value, f.code, f.cell or "") for f in outcome.findings),
            )
        )
        if isinstance(book, XlsxBook):
            book.close()
    assert seen[0] == seen[1]
    assert seen[0][1:3] == ((Decimal("86.96"), "良") if typed_score else (Decimal("89.96"), "良"))
    assert (("info", "override", f"{SHEET}!H13") in seen[0][3]) is typed_score


# -- writing, releasing, saving ---------------------------------------------------------------------


def test_set_value_release_and_save(opened: Opened) -> None:
    book = opened.book
    stamp, status = book.names(SHEET)["PERFXL_STAMP"], book.names(SHEET)["PERFXL_STATUS"]
    book.set_value(stamp, "重新计算：测试")
    book.release(SHEET, keep_changes=True)  # what was written stays for saving
    book.set_value(status, "检查通过")
    saved = book.save()
    # xlwings' remote engine knows the workbook by its name only (Excel: by its full path).
    assert saved == (opened.path if opened.engine == "xlsx" else Path(opened.path.name))
    assert (opened.saved_value(stamp), opened.saved_value(status)) == ("重新计算：测试", "检查通过")


def test_a_sheet_released_without_its_changes_is_as_read(tmp_path: Path) -> None:
    path = tmp_path / FILLED["native"].name
    shutil.copy(FILLED["native"], path)
    with XlsxBook(path) as book:
        stamp = book.names(SHEET)["PERFXL_STAMP"]
        book.set_value(stamp, "不保留")
        book.release(SHEET, keep_changes=False)
        assert book.values(stamp) == [[None]]
        assert not book.changed


def test_save_to_another_path(opened: Opened, tmp_path: Path) -> None:
    target = tmp_path / "另存.xlsm"
    if opened.engine == "xlwings":
        with pytest.raises(NotImplementedError):  # xlwings' remote engine saves only in place
            opened.book.save(target)
        return
    assert opened.book.save(target) == target
    assert openpyxl.load_workbook(target).sheetnames == opened.book.sheet_names()


def test_notes_through_xlwings(opened: Opened) -> None:
    cell = Ref.cell(SHEET, 13, 6)
    if opened.engine == "xlsx":
        with pytest.raises(NotImplementedError, match=r"XlsxBook cannot put notes on cells"):
            opened.book.mark(cell, "perfxl 检查：测试")
        return
    opened.book.mark(cell, None)  # no note to remove: nothing asked
    opened.book.mark(cell, "perfxl 检查：测试")
    assert [(a["func"], a["args"]) for a in opened.actions()] == [("addNote", ["$F$13", "perfxl 检查：测试"])]


# -- protection -------------------------------------------------------------------------------------


@pytest.mark.parametrize("engine", ENGINES)
def test_recalculation_writes_a_protected_form_and_protects_it_again(
    engine: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Excel refuses writes to locked cells of a protected sheet (the enforcing Book does too); every engine
    writes perfxl's cells and notes with the sheet unprotected and puts the same protection back."""
    path = tmp_path / FILLED["udf"].name
    shutil.copy(FILLED["udf"], path)
    with XlsxBook(path) as file:  # 年度指标值 changed: a finding on a locked cell, marked where notes exist
        file.set_value(Ref.cell(SHEET, 13, 5), ">=5次")
        file.save()
    book = _open(engine, path, monkeypatch, enforcing=True)
    assert book.protection(SHEET) == FORM_PROTECTION
    if isinstance(book, ProtectingBook):
        with pytest.raises(LockedCellError):
            book.set_value(Ref.cell(SHEET, 35, 8), 1)
    marker = book.mark if isinstance(book, XlwingsBook) else None
    (outcome,) = recalculate_book(book, marker=marker, stamp="重新计算：测试")
    assert any(f.code == "target_changed" and f.cell == f"{SHEET}!E13" for f in outcome.findings)
    assert book.protection(SHEET) == FORM_PROTECTION
    if isinstance(book, ProtectingBook):
        assert [(kind, sheet) for kind, sheet, _ in book.calls] == [("unprotect", SHEET), ("protect", SHEET)]
        assert "$E$13" in [a["args"][0] for a in book.book.json()["actions"] if a["func"] == "addNote"]
        return
    assert isinstance(book, XlsxBook)
    book.save()
    book.close()
    sheet = openpyxl.load_workbook(path)[SHEET]
    assert sheet.protection.sheet and sheet.protection.formatRows is False and sheet["K3"].value == "重新计算：测试"


def test_a_sheet_whose_protection_the_engine_cannot_read_is_left_as_it_is(monkeypatch: pytest.MonkeyPatch) -> None:
    book = XlwingsBook(json_book(FILLED["udf"], monkeypatch))
    with unprotected(book, [SHEET]):
        book.set_value(Ref.cell(SHEET, 3, 11), "写入")
    assert [a["func"] for a in book.book.json()["actions"]] == ["setValues"]


def test_hand_made_forms_are_looked_for_only_where_the_engine_reads_a_grid(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A workbook without generated forms: the XML engine finds the hand-made form by its labels; through
    xlwings (the button), which reads no sheet grid, there is no form to check rather than an error."""
    from tests.support.handmade import WORK, shanghai_form

    made = openpyxl.Workbook()
    shanghai_form(made.active, WORK)
    path = tmp_path / "手工.xlsx"
    made.save(path)
    with XlsxBook(path) as book:
        assert [(outcome.sheet, outcome.generated) for outcome in check_book(book)] == [(WORK.name, False)]
    assert check_book(XlwingsBook(json_book(path, monkeypatch))) == []

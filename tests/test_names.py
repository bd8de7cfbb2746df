"""File and sheet names: one rule (perfxl.naming) for the generator and the ooxml lint, on real files."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import openpyxl
import pytest

from perfxl.batch.runner import check_file
from perfxl.cli import main
from perfxl.contract.metadata import SHEET as META_SHEET
from perfxl.errors import InputError
from perfxl.generate import default_template, generate
from perfxl.generate.macros import CONF_SHEET
from perfxl.naming import (
    INDEX_SHEET,
    MAX_FILE_UNITS,
    PERFXL_SHEETS,
    FileLimits,
    NamingError,
    clean_file_stem,
    file_name_problems,
    file_names,
    folder_limits,
    sheet_name,
    sheet_name_problems,
    utf16_units,
)
from perfxl_tools.ooxml import validate_package
from tests.support.named_lists import list_with_names

EXT_B = "𠀀"  # U+20000: two UTF-16 units, four UTF-8 bytes
HOSTILE_SHEETS = [
    "PERFXL",
    "perfxl",
    "History",
    "HISTORY",
    "目录",
    "报告.py",
    EXT_B * 20,
    "xlwings.conf",
    "'引号'",
    "a[b]:c*d?e/f\\g",
    "Perfxl.PY",
]
LONG = {80: "上海市" * 26 + "鉴定", 120: "职业技能鉴定中心" * 15, 200: "人力资源和社会保障局" * 20}


# -- sheet names ------------------------------------------------------------------------------------


def test_reserved_names_are_perfxls_own_sheets() -> None:
    assert set(PERFXL_SHEETS) == {INDEX_SHEET, META_SHEET, CONF_SHEET}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("业务工作经历", "业务工作经历"),
        ("PERFXL", "PERFXL~2"),
        ("Perfxl", "Perfxl~2"),
        ("History", "History~2"),
        ("hiStory", "hiStory~2"),
        ("目录", "目录~2"),
        ("XLWINGS.CONF", "XLWINGS.CONF~2"),
        ("报告.py", "报告_py"),
        ("报告.Py", "报告_Py"),
        ("'引号'", "引号"),
        ("''", "项目"),
        ("a[b]:c", "a_b__c"),
        ("  ", "项目"),
        ("x" * 28 + ".py" + "yy", "x" * 28 + "_py"),  # cut to 31, then not ending in .py
        ("' '引号", "引号"),  # apostrophes and spaces mixed at either end (this one used to hang)
        ("引号' ' ", "引号"),
        ("x" * 30 + "'y", "x" * 30),  # cut to 31 characters, ending in an apostrophe
    ],
)
def test_sheet_name(text: str, expected: str) -> None:
    name = sheet_name(text, set())
    assert name == expected
    assert sheet_name_problems(name) == []


def test_sheet_names_are_unique_ignoring_case_and_fit_31_utf16_units() -> None:
    taken: set[str] = set()
    texts = ["Abc", "ABC", "abc", EXT_B * 20, EXT_B * 20, "甲" * 40 + "一", "甲" * 40 + "二", "甲" * 40 + "三"]
    names = [sheet_name(text, taken) for text in texts]
    assert len({name.casefold() for name in names}) == len(names)
    assert names[:3] == ["Abc", "ABC~2", "abc~3"]
    for name in names:
        assert utf16_units(name) <= 31 and sheet_name_problems(name) == []
        name.encode("utf-8")  # no half surrogate pair
    assert names[3] == EXT_B * 15 and names[4] == EXT_B * 14 + "~2"


def test_sheet_names_and_file_names_share_the_one_unique_name_rule() -> None:
    # perfxl.output.unique_name numbers both; only the key differs (Excel's comparison, Windows' lower case).
    from perfxl.naming import sheet_key
    from perfxl.output import unique_name

    taken: set[str] = set()
    assert [sheet_name(t, taken) for t in ("Straße", "STRASSE", "e\u0301", "\u00e9")] == [
        "Straße",
        "STRASSE~2",
        "e\u0301",
        "\u00e9~2",
    ]  # casefold and NFC: as Excel compares them
    keys: set[str] = set()
    numbered = [unique_name(t, keys, lambda n, t=t: f"{t}~{n}", key=sheet_key) for t in ("Straße", "STRASSE")]
    assert numbered == ["Straße", "STRASSE~2"] and keys == {"strasse", "strasse~2"}
    assert file_names(["Straße", "STRASSE"], ".xlsx", FileLimits()) == ["Straße.xlsx", "STRASSE.xlsx"]


# -- file names -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("CON", "CON_"),
        ("nul", "nul_"),
        ("Com1", "Com1_"),
        ("LPT9.txt", "LPT9.txt_"),
        ("aux .tar", "aux .tar_"),
        ("COM¹", "COM¹_"),
        ("CONSOLE", "CONSOLE"),
        ("报告. . ", "报告"),
        ('a<b>c:d"e/f\\g|h?i*j', "a_b_c_d_e_f_g_h_i_j"),
        ("x\x00y\x1fz", "x_y_z"),
        ("~$锁", "_$锁"),
        ("...", "_"),
    ],
)
def test_clean_file_stem(text: str, expected: str) -> None:
    assert clean_file_stem(text) == expected


def test_long_chinese_names_are_shortened_in_characters_and_bytes_and_stay_unique() -> None:
    limits = FileLimits()
    stems = [
        f"2022_{LONG[80]}",
        f"2022_{LONG[120]}",
        f"2022_{LONG[200]}",
        f"2022_{LONG[200]}",
        f"2022_{LONG[200]}",
        f"2022_{EXT_B * 100}",
        "2022_ABC",
        "2022_abc",
    ]
    names = file_names(stems, ".xlsx", limits)
    assert len({name.lower() for name in names}) == len(names)
    for name in names:
        assert utf16_units(name) <= MAX_FILE_UNITS
        assert len(name.encode()) + 16 <= 255  # the temporary name beside it fits ext4's 255 bytes too
        assert name.endswith(".xlsx") and file_name_problems(name, limits) == []
    assert names[2].startswith("2022_人力资源") and names[3].endswith("_2.xlsx") and names[4].endswith("_3.xlsx")
    assert names[-2:] == ["2022_ABC.xlsx", "2022_abc_2.xlsx"]


def test_windows_paths_stay_within_excels_limit() -> None:
    folder = "C:\\Users\\某某\\" + "文" * 150
    limits = FileLimits(path_units=218, folder=folder)
    (name,) = file_names([f"2022_{LONG[200]}"], ".xlsm", limits)
    assert utf16_units(os.path.join(folder, name)) <= 218 and name.endswith(".xlsm")
    with pytest.raises(NamingError, match="路径过长"):
        file_names(["2022_x"], ".xlsm", FileLimits(path_units=218, folder="C:\\" + "文" * 210))


def test_name_problems_in_chinese() -> None:
    limits = FileLimits()
    assert file_name_problems("全部自评表.xlsx", limits) == []
    assert "保留设备名" in file_name_problems("CON.xlsx", limits)[0]
    assert "保留设备名" in file_name_problems("lpt1.tar.xlsm", limits)[0]
    assert "不能使用的字符 :" in file_name_problems("a:b.xlsx", limits)[0]
    assert "过长" in file_name_problems("甲" * 90 + ".xlsx", limits)[0]
    assert "Excel 临时文件" in file_name_problems("~$全部.xlsx", limits)[0]


def test_limits_of_this_folder(tmp_path: Path) -> None:
    limits = folder_limits(tmp_path / "not" / "yet")
    assert limits.name_bytes == os.pathconf(tmp_path, "PC_NAME_MAX") - 16
    assert limits.folder == str(tmp_path / "not" / "yet")


# -- generated files --------------------------------------------------------------------------------


def _assert_valid(path: Path) -> None:
    errors = [p for p in validate_package(path) if p.severity == "error"]
    assert errors == [], errors


@pytest.mark.parametrize("mode", ["udf", "native"])
@pytest.mark.slow
def test_long_project_names_make_files(tmp_path: Path, mode: str) -> None:
    names = ["短名", LONG[80], LONG[120], LONG[200], LONG[200] + "（二期）"]
    source = list_with_names(tmp_path / "清单.yaml", names)
    out = tmp_path / "自评表"
    written = generate(source, out, mode=mode)
    assert len(written) == len(names) == len({p.name.lower() for p in written})
    assert sorted(p.name for p in out.iterdir()) == sorted(p.name for p in written)  # no temporary files
    for path in written:
        assert utf16_units(path.name) <= MAX_FILE_UNITS and len(path.name.encode()) <= 239
    _assert_valid(written[3])
    outcome = check_file(written[4], written[4].name)  # read back: the long name is the form's, not the file's
    assert outcome.problem is None and outcome.forms[0].result.form.name == LONG[200] + "（二期）"


def test_nothing_is_written_when_a_name_cannot_be_made(tmp_path: Path, capsys) -> None:
    source = list_with_names(tmp_path / "清单.yaml", ["短名", LONG[200]])
    deep = tmp_path
    while len(os.fsencode(deep)) < os.pathconf(tmp_path, "PC_PATH_MAX") - 30:
        deep = deep / ("层" * 80)
    code = main(["generate", str(source), "-o", str(deep)])
    assert code == 2
    assert "路径过长" in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["清单.yaml"]


def test_a_problem_with_the_last_long_name_writes_none_of_the_others(tmp_path: Path, capsys) -> None:
    """Every target is checked before the first file is written: here the last one is the template itself."""
    names = ["短名", LONG[80], LONG[120], LONG[200]]
    source = list_with_names(tmp_path / "清单.yaml", names)
    out = tmp_path / "自评表"
    last = file_names([f"2022_{name}" for name in names], ".xlsx", folder_limits(out))[-1]
    out.mkdir()
    shutil.copy(default_template(), out / last)
    code = main(["generate", str(source), "-o", str(out), "--mode", "native", "--template", str(out / last)])
    assert code == 2 and "就是本次使用的模板" in capsys.readouterr().err
    assert [p.name for p in out.iterdir()] == [last]


@pytest.mark.parametrize("mode", ["udf", "native"])
@pytest.mark.slow
def test_hostile_sheet_names_in_single_workbooks_and_per_form_files(tmp_path: Path, mode: str) -> None:
    source = list_with_names(tmp_path / "清单.yaml", HOSTILE_SHEETS)
    (single,) = generate(source, tmp_path, mode=mode, single="全部")
    sheets = openpyxl.load_workbook(single).sheetnames
    forms = sheets[1 : len(HOSTILE_SHEETS) + 1]
    assert sheets[0] == INDEX_SHEET and META_SHEET in sheets and (CONF_SHEET in sheets) == (mode == "udf")
    assert len({s.casefold() for s in sheets}) == len(sheets)
    assert forms[:7] == ["PERFXL~2", "perfxl~3", "History~2", "HISTORY~3", "目录~2", "报告_py", EXT_B * 15]
    for name in forms:
        assert sheet_name_problems(name) == []
    _assert_valid(single)
    outcome = check_file(single, single.name)
    assert [f.result.form.name for f in outcome.forms] == HOSTILE_SHEETS
    per_form = generate(source, tmp_path / "每表", mode=mode)
    assert len(per_form) == len(HOSTILE_SHEETS)
    for path, project in zip(per_form, HOSTILE_SHEETS, strict=True):
        form_sheet = openpyxl.load_workbook(path).sheetnames[0]
        assert sheet_name_problems(form_sheet) == [] and form_sheet.casefold() not in {META_SHEET, CONF_SHEET}
        assert check_file(path, path.name).forms[0].result.form.name == project
    _assert_valid(per_form[0])


def test_unsafe_single_name_is_refused_before_writing(tmp_path: Path, capsys) -> None:
    source = list_with_names(tmp_path / "清单.yaml", ["甲"])
    for name in ("CON", "a:b", "甲" * 100):
        assert main(["generate", str(source), "-o", str(tmp_path / "out"), "--single", name]) == 2
        assert "--single" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()
    with pytest.raises(InputError, match="保留设备名"):
        generate(source, tmp_path / "out", single="nul.xlsx")


def test_lint_uses_the_same_rule(tmp_path: Path) -> None:
    import xlsxwriter

    path = tmp_path / "lint.xlsx"
    book = xlsxwriter.Workbook(path)
    book.add_worksheet("报告.py")
    book.add_worksheet("HISTORY")
    book.close()
    messages = [p.message for p in validate_package(path, schema=False) if p.check == "sheet-name"]
    assert any("报告.py" in m and "embedded code" in m for m in messages)
    assert any("HISTORY" in m and "reserved by Excel" in m for m in messages)

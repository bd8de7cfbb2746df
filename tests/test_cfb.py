"""Every storage of the VBA projects perfxl writes holds a valid [MS-CFB] 2.6.4 red-black tree.

Checked with tests/support/cfb_directory.py, a directory reader written from the spec alone, and cross-checked
with olefile's list of streams and storages. Nothing here trusts pyOpenVBA, which wrote the files.
"""

from __future__ import annotations

import random
import struct
import zipfile
from pathlib import Path

import olefile
import pytest
import yaml

from perfxl.excel.vba_project import VBA_ENTRY, build_vba_project, document_modules, xlwings_project
from perfxl.generate import generate
from tests.support.cfb_directory import BLACK, NOSTREAM, RED, UNALLOCATED, Entry, read_directory, walk
from tests.support.random_lists import random_list

SHEET_COUNTS = (1, 2, 4, 5, 6, 10, 31, 61)  # red parents with red children appeared from 5 on
COLOUR, LEFT = 67, 68  # offsets in a 128-byte directory entry ([MS-CFB] 2.6.1)


def assert_valid(data: bytes) -> None:
    found = walk(data)
    assert found.problems == []
    with olefile.OleFileIO(data) as ole:
        assert found.streams == {"/".join(path) for path in ole.listdir(streams=True, storages=False)}
        assert found.storages == {"/".join(path) for path in ole.listdir(streams=False, storages=True)}


def project_of(path: Path) -> bytes:
    with zipfile.ZipFile(path) as package:
        return package.read(VBA_ENTRY)


def test_xlwings_own_project_is_valid_and_all_black() -> None:
    """The baseline: the project Excel saved for xlwings passes the walker as it is."""
    data = xlwings_project()
    assert_valid(data)
    assert {entry.colour for entry in read_directory(data) if entry.kind != UNALLOCATED} == {BLACK}


@pytest.mark.parametrize("include_xlwings", [True, False])
@pytest.mark.parametrize("sheets", SHEET_COUNTS)
@pytest.mark.slow
def test_every_built_project_has_valid_trees(sheets: int, include_xlwings: bool) -> None:
    data = build_vba_project(include_xlwings=include_xlwings, sheets=sheets)
    assert_valid(data)
    names = {name.split("/")[-1] for name in walk(data).streams}
    assert set(document_modules(include_xlwings=include_xlwings, sheets=sheets)) <= names


@pytest.mark.parametrize("sheets", [None, 61])
def test_every_entry_is_written_black(sheets: int | None) -> None:
    """The colouring decided on (docs/decisions.md): all black, as in xlwings' own project."""
    entries = read_directory(build_vba_project(sheets=sheets))
    assert {entry.colour for entry in entries if entry.kind != UNALLOCATED} == {BLACK}
    assert all(entry.colour == 0 for entry in entries if entry.kind == UNALLOCATED)  # all zero ([MS-CFB] 2.6.3)


@pytest.mark.parametrize("seed", [12, 2024])
@pytest.mark.slow
def test_generated_workbooks_carry_valid_projects(tmp_path: Path, seed: int) -> None:
    """One workbook with a sheet per project (12 projects), and one workbook per project, as generate writes."""
    source = tmp_path / "list.yaml"
    source.write_text(yaml.safe_dump(random_list(random.Random(seed), 12), allow_unicode=True), encoding="utf-8")
    (single,) = generate(source, tmp_path / "single", single="全部.xlsm")
    data = project_of(single)
    assert_valid(data)
    assert len([name for name in walk(data).streams if name.startswith("VBA/Sheet")]) >= 13
    for path in generate(source, tmp_path / "each"):
        assert_valid(project_of(path))


# The walker must be able to fail: each rule broken by hand in a valid project is reported.


def valid_project() -> tuple[bytes, Entry, Entry, Entry]:
    """A 10-sheet project, and in its VBA storage's tree the top, a child of the top and a grandchild."""
    data = build_vba_project(sheets=10)
    entries = read_directory(data)
    (vba,) = (entry for entry in entries if entry.name == "VBA")
    top = entries[vba.child]
    child = entries[top.left]
    assert child.left != NOSTREAM and child.right != NOSTREAM
    return data, top, child, entries[child.left]


def patched(data: bytes, *edits: tuple[Entry, int, int]) -> bytes:
    """``data`` with, for each (entry, offset, value), the entry's byte (colour) or DWORD (ids) set."""
    out = bytearray(data)
    for entry, offset, value in edits:
        if offset == COLOUR:
            out[entry.offset + offset] = value
        else:
            struct.pack_into("<I", out, entry.offset + offset, value)
    return bytes(out)


def test_walker_reports_a_red_parent_with_a_red_child() -> None:
    data, _, child, grandchild = valid_project()
    assert walk(patched(data, (child, COLOUR, RED))).problems == []  # a red node with black children is fine
    found = walk(patched(data, (child, COLOUR, RED), (grandchild, COLOUR, RED)))
    assert found.problems == found.red_red == [f"red-red: VBA: {child.name} and its child {grandchild.name}"]


def test_walker_reports_a_red_top_a_cycle_a_lost_entry_and_disorder() -> None:
    data, top, child, grandchild = valid_project()
    assert "tops its tree and is not black" in " ".join(walk(patched(data, (top, COLOUR, RED))).problems)
    cycle = walk(patched(data, (grandchild, LEFT, top.index))).problems
    assert any("reached a second time" in problem for problem in cycle)
    lost = walk(patched(data, (child, LEFT, NOSTREAM))).problems
    assert f"entry {grandchild.index} ({grandchild.name}) is not reached from the root" in lost
    swapped = patched(data, (child, LEFT, child.right), (child, LEFT + 4, child.left))
    assert any("is not less than" in problem for problem in walk(swapped).problems)

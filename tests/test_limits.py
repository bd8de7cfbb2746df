"""Bounded resources (issue 9, item 6): a part too large to read in bounded memory is refused, naming the
limit; the sheets of a large workbook are read one at a time. Peak memory itself is measured by
benchmarks/memory.py, not here."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from perfxl.batch.runner import check_file, recalc_file
from perfxl.cli import bundled_example
from perfxl.generate import generate
from perfxl.limits import MAX_PART_BYTES
from perfxl.readback.recalc import check_book
from perfxl.sheetlib.package import UnusableFile, check_package
from perfxl.workbook.base import Ref
from perfxl.workbook.xlsx_book import XlsxBook, XlsxError

ROOT = Path(__file__).resolve().parents[1]
FILLED = ROOT / "workbooks" / "已填报-native" / "2022_业务工作经历.xlsx"


def _grown(source: Path, target: Path, part_bytes: int) -> Path:
    """A copy of a form whose first sheet is grown to ``part_bytes`` of XML with rows of numbers far below."""
    with zipfile.ZipFile(source) as archive:
        parts = {info.filename: archive.read(info) for info in archive.infolist()}
    sheet = parts["xl/worksheets/sheet1.xml"]
    head, _, tail = sheet.partition(b"</sheetData>")
    rows = []
    size = len(sheet)
    row = 2000
    while size < part_bytes:
        line = f'<row r="{row}"><c r="M{row}"><v>{row}</v></c><c r="N{row}"><v>1.5</v></c></row>'.encode()
        rows.append(line)
        size += len(line)
        row += 1
    parts["xl/worksheets/sheet1.xml"] = head + b"".join(rows) + b"</sheetData>" + tail
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for name, data in parts.items():
            out.writestr(name, data)
    return target


@pytest.mark.slow
def test_a_part_over_the_limit_is_refused_naming_it(tmp_path: Path) -> None:
    big = _grown(FILLED, tmp_path / "过大.xlsx", MAX_PART_BYTES + 100_000)
    with pytest.raises(UnusableFile, match=r"部件 xl/worksheets/sheet1.xml 解压后 8 MB，超过上限 8 MB"):
        check_package(big)
    with XlsxBook(big) as book, pytest.raises(XlsxError, match="超过上限 8 MB"):  # opened without the batch's check
        book.values(Ref.cell("业务工作经历", 1, 1))
    outcome = check_file(big, big.name)
    assert outcome.problem is not None and "超过上限 8 MB" in outcome.problem.message


@pytest.mark.slow
def test_a_part_under_the_limit_is_read(tmp_path: Path, seed_expected: dict) -> None:
    large = _grown(FILLED, tmp_path / "较大.xlsx", MAX_PART_BYTES - 200_000)
    check_package(large)
    (form,) = check_file(large, large.name).forms
    assert float(form.result.total) == seed_expected["业务工作经历"]["total"]


@pytest.mark.slow
def test_a_batch_goes_on_past_a_file_over_the_limit(tmp_path: Path) -> None:
    folder = tmp_path / "收回"
    folder.mkdir()
    shutil.copy(FILLED, folder / FILLED.name)
    _grown(FILLED, folder / "过大.xlsx", MAX_PART_BYTES + 100_000)
    run = subprocess.run(
        [sys.executable, "-m", "perfxl", "check", str(folder)], capture_output=True, text=True, check=False
    )
    assert run.returncode == 1, run.stdout + run.stderr
    assert "过大.xlsx" in run.stdout and "超过上限 8 MB" in run.stdout and "89.96" in run.stdout


def test_the_sheets_of_a_large_workbook_are_read_one_at_a_time(tmp_path: Path) -> None:
    """What bounds the memory of a workbook of many forms (white-box: the parsed sheets held)."""
    (path,) = generate(bundled_example(), tmp_path, mode="native", single="全部.xlsx")
    held = []

    class Watching(XlsxBook):
        def release(self, sheet: str, *, keep_changes: bool) -> None:
            super().release(sheet, keep_changes=keep_changes)
            held.append(sorted(self._sheets))

    with Watching(path) as book:
        outcomes = check_book(book)
    assert [o.sheet for o in outcomes] == ["业务工作经历", "鉴定考务经费"]
    assert held == [["perfxl"], ["perfxl"]]  # after each form only the metadata sheet stays parsed
    # Recalculation keeps what it wrote to each released sheet.
    assert recalc_file(path, path.name, stamp="重新计算：测试").rewritten
    with XlsxBook(path) as book:
        for outcome in check_book(book):
            assert book.values(outcome.read.fields["form.stamp"]) == [["重新计算：测试"]]


@pytest.mark.slow
def test_a_single_workbook_holds_at_most_what_perfxl_reads_back(tmp_path: Path) -> None:
    import random

    import yaml

    from perfxl.errors import InputError
    from perfxl.generate import MAX_SINGLE_FORMS
    from tests.support.random_lists import random_list

    source = tmp_path / "清单.yaml"
    data = random_list(random.Random(1), 1)
    data["projects"] = [dict(data["projects"][0], name=f"项目{i}") for i in range(MAX_SINGLE_FORMS + 1)]
    source.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(InputError, match=f"一个工作簿最多放 {MAX_SINGLE_FORMS} 张"):
        generate(source, tmp_path / "out", mode="native", single="全部.xlsx")
    assert not (tmp_path / "out").exists()

"""Peak memory of check and recalc on the largest files perfxl accepts (issue 9, item 6).

    python benchmarks/memory.py [--forms 1000]

Builds, in a temporary folder:
- ``one-big-sheet.xlsx``: one worksheet part of just under the per-part limit
  (perfxl.limits.MAX_PART_BYTES), a form on top and rows of numbers and text below it;
- ``many-big-sheets.xlsx``: as many such sheets as the total unpacked limit allows (MAX_UNPACKED_BYTES);
- ``too-big-sheet.xlsx``: one part just over the limit, which must be refused;
- ``single-N.xlsx``: a generated ``--single`` workbook of N forms (the largest realistic file);
then runs ``perfxl check`` and ``perfxl recalc`` on each in a fresh process and prints its peak resident
memory and wall time against the aim of 500 MB. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import openpyxl
import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from perfxl.generate import generate  # noqa: E402
from perfxl.limits import MAX_PART_BYTES  # noqa: E402
from perfxl.sheetlib.package import MAX_UNPACKED_BYTES  # noqa: E402
from tests.support.handmade import WORK, shanghai_form  # noqa: E402
from tests.support.random_lists import random_list  # noqa: E402

AIM_MB = 500
PROBE = """
import resource, subprocess, sys, time
started = time.perf_counter()
run = subprocess.run([sys.executable, *sys.argv[1:]], capture_output=True)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, time.perf_counter() - started, run.returncode)
"""


def _filler_rows(first_row: int, size: int) -> bytes:
    """Sheet rows of numbers and inline text, about ``size`` bytes of XML."""
    rows = []
    total = 0
    row = first_row
    while total < size:
        cells = "".join(f'<c r="{col}{row}"><v>{row * 7 % 1000}.25</v></c>' for col in "KLMNOPQR")
        cells += f'<c r="S{row}" t="inlineStr"><is><t>备注第{row}行</t></is></c>'
        line = f'<row r="{row}">{cells}</row>'
        rows.append(line)
        total += len(line.encode())
        row += 1
    return "".join(rows).encode()


def _big_sheets(path: Path, sheets: int, part_bytes: int) -> None:
    """A hand-made form on each sheet, each sheet grown to ``part_bytes`` of XML with filler rows."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for index in range(sheets):
        sheet = book.create_sheet(f"表{index + 1}")
        shanghai_form(sheet, WORK)
    book.save(path)
    with zipfile.ZipFile(path) as source:
        parts = {info.filename: source.read(info) for info in source.infolist()}
    for name, data in list(parts.items()):
        if name.startswith("xl/worksheets/sheet") and name.endswith(".xml"):
            head, _, tail = data.partition(b"</sheetData>")
            room = part_bytes - len(data) - 64
            parts[name] = head + _filler_rows(1000, room) + b"</sheetData>" + tail
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in parts.items():
            target.writestr(name, data)


def _measure(args: list[str]) -> tuple[float, float, int]:
    line = subprocess.run(
        [sys.executable, "-c", PROBE, *args], capture_output=True, text=True, check=True
    ).stdout.split()
    return int(line[0]) / 1024, float(line[1]), int(line[2])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--forms", type=int, default=1000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="perfxl-memory-") as folder:
        work = Path(folder)
        files: list[tuple[str, Path]] = []
        started = time.perf_counter()
        one = work / "one-big-sheet.xlsx"
        _big_sheets(one, 1, MAX_PART_BYTES - 1024)
        files.append(("一张工作表接近单个部件上限", one))
        many = work / "many-big-sheets.xlsx"
        count = max(1, MAX_UNPACKED_BYTES // MAX_PART_BYTES - 1)
        _big_sheets(many, count, MAX_PART_BYTES - 1024)
        files.append((f"{count} 张接近上限的工作表", many))
        too_big = work / "too-big-sheet.xlsx"
        _big_sheets(too_big, 1, MAX_PART_BYTES + 1024 * 1024)
        files.append(("一张工作表超过上限（应拒绝）", too_big))
        source = work / "list.yaml"
        source.write_text(
            yaml.safe_dump(random_list(random.Random(2022), args.forms), allow_unicode=True), encoding="utf-8"
        )
        generate(source, work, mode="native", single=f"single-{args.forms}.xlsx")
        files.append((f"--single 工作簿，{args.forms} 张自评表", work / f"single-{args.forms}.xlsx"))
        print(
            f"inputs built in {time.perf_counter() - started:.0f} s; part limit {MAX_PART_BYTES / 2**20:.0f} MB, "
            f"unpacked limit {MAX_UNPACKED_BYTES / 2**20:.0f} MB, aim {AIM_MB} MB peak RSS\n"
        )
        print(
            f"{'file':<40} {'size':>9} {'unpacked':>9}  {'command':<7} {'peak RSS':>9} {'of aim':>7} {'time':>7} exit"
        )
        for label, path in files:
            with zipfile.ZipFile(path) as archive:
                unpacked = sum(i.file_size for i in archive.infolist())
            for command in ("check", "recalc"):
                target = path
                if command == "recalc":
                    target = work / f"copy-{path.name}"
                    shutil.copy(path, target)
                peak, seconds, code = _measure(["-m", "perfxl", command, str(target)])
                print(
                    f"{label:<40} {path.stat().st_size / 2**20:>7.1f}MB {unpacked / 2**20:>7.0f}MB  {command:<7} "
                    f"{peak:>7.0f}MB {peak / AIM_MB:>6.0%} {seconds:>6.1f}s {code}"
                )
    print(f"\nthis process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()

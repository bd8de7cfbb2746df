"""Benchmark of the generator: forms per second and peak memory, against a bare xlsxwriter floor.

    python benchmarks/generate.py [--forms 1000] [--workers 2]

For each mode it generates the forms of a random list (1–25 indicators per project, the whole
target grammar), once with one process and once with the given number of workers; then it writes
the very same cells (values, formulas and cached values, read back from the generated files) with
bare xlsxwriter — no template, no styles, no validations, no names — as the floor. Prints figures;
asserts nothing.
"""

from __future__ import annotations

import argparse
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

import openpyxl
import xlsxwriter
import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from perfxl.generate import MODES, generate  # noqa: E402
from tests.support.random_lists import random_list  # noqa: E402


def peak_mb(who: int) -> float:
    return resource.getrusage(who).ru_maxrss / 1024


def cells_of(path: Path) -> list[tuple[str, list[tuple[int, int, object, object]]]]:
    """(sheet, [(row, col, value or formula, cached)]) of a generated workbook."""
    formulas = openpyxl.load_workbook(path)
    values = openpyxl.load_workbook(path, data_only=True)
    sheets = []
    for ws in formulas.worksheets:
        cached = values[ws.title]
        cells = [
            (c.row - 1, c.column - 1, c.value, cached[c.coordinate].value)
            for row in ws.iter_rows()
            for c in row
            if c.value is not None
        ]
        sheets.append((ws.title, cells))
    return sheets


def write_floor(path: Path, sheets: list[tuple[str, list[tuple[int, int, object, object]]]]) -> None:
    book = xlsxwriter.Workbook(str(path))
    for title, cells in sheets:
        ws = book.add_worksheet(title)
        for row, col, value, cached in cells:
            if isinstance(value, str) and value.startswith("="):
                ws.write_formula(row, col, value, None, "" if cached is None else cached)
            else:
                ws.write(row, col, value)
    book.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--forms", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=2022)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        source = work / "list.yaml"
        data = random_list(random.Random(args.seed), args.forms)
        data.pop("profile", None)
        source.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
        indicators = sum(len(p["indicators"]) for p in data["projects"])
        print(f"{args.forms} forms, {indicators} indicators ({indicators / args.forms:.1f} per form)")
        for mode in MODES:
            for workers in (1, args.workers):
                out = work / f"{mode}-{workers}"
                started = time.perf_counter()
                written = generate(source, out, mode=mode, workers=workers)
                seconds = time.perf_counter() - started
                rate = len(written) / seconds
                print(
                    f"  generate {mode:6} {workers} worker(s): {seconds:6.2f} s  {rate:6.1f} forms/s"
                    f"  peak RSS main {peak_mb(resource.RUSAGE_SELF):5.0f} MB,"
                    f" largest worker {peak_mb(resource.RUSAGE_CHILDREN):5.0f} MB"
                )
            sheets = [cells_of(path) for path in sorted((work / f"{mode}-1").glob("*.xls?"))]
            floor_dir = work / f"floor-{mode}"
            floor_dir.mkdir()
            started = time.perf_counter()
            for i, form in enumerate(sheets):
                write_floor(floor_dir / f"{i}.xlsx", form)
            seconds = time.perf_counter() - started
            print(f"  floor    {mode:6} bare xlsxwriter:  {seconds:6.2f} s  {len(sheets) / seconds:6.1f} forms/s")


if __name__ == "__main__":
    main()

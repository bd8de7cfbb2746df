"""Benchmark of the bureau's batch: check, recalc and read throughput against LibreOffice headless.

    python benchmarks/batch.py [--forms 1000] [--workers 2] [--lo-sample 200]

Generates a folder of native-mode forms from a random list, then times ``perfxl check`` and
``perfxl recalc`` over it (one worker and several), the reading of forms alone (perfxl's XML reader
and openpyxl's loader for comparison), and LibreOffice headless recalculating and saving a sample of
the same files through one kept-open soffice (what a bureau would otherwise script). Peak memory is
measured in separate processes for a quarter of the batch and for all of it, to show it stays flat.
Prints figures; asserts nothing.
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
from pathlib import Path

import openpyxl
import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from perfxl.batch.runner import run  # noqa: E402
from perfxl.generate import generate  # noqa: E402
from perfxl.readback.reader import read_form, read_metadata  # noqa: E402
from perfxl.readback.recalc import form_sheets  # noqa: E402
from perfxl.workbook.xlsx_book import XlsxBook  # noqa: E402
from perfxl_tools.uno_session import UnoSession  # noqa: E402
from tests.support.random_lists import random_list  # noqa: E402

MEMORY_PROBE = """
import resource, sys
from pathlib import Path
from perfxl.batch.runner import run
paths = sorted(Path(sys.argv[1]).glob("*.xlsx"))[: int(sys.argv[2])]
forms = [f for outcome in run("check", paths, workers=1) for f in outcome.forms]
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
"""


def timed(label: str, count: int, action) -> float:
    started = time.perf_counter()
    action()
    seconds = time.perf_counter() - started
    print(f"  {label:44} {seconds:7.2f} s  {count / seconds:8.1f} forms/s  {seconds / count * 1000:6.1f} ms/form")
    return seconds / count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--forms", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--lo-sample", type=int, default=200)
    parser.add_argument("--seed", type=int, default=2022)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        data = random_list(random.Random(args.seed), args.forms)
        data.pop("profile", None)
        (work / "list.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
        forms = work / "forms"
        paths = generate(work / "list.yaml", forms, mode="native")
        count = len(paths)
        size = sum(p.stat().st_size for p in paths) / count / 1024
        print(f"{count} returned forms (native mode), {size:.0f} KB each")

        def read_all() -> None:
            for path in paths:
                with XlsxBook(path) as book:
                    metadata = read_metadata(book)
                    for sheet in form_sheets(book):
                        read_form(book, sheet, metadata)

        read = timed("read (perfxl XML reader)", count, read_all)
        sample = paths[: max(1, count // 10)]
        timed(
            f"read (openpyxl load, {len(sample)} files)",
            len(sample),
            lambda: [openpyxl.load_workbook(p, data_only=True) for p in sample],
        )
        check = {
            w: timed(f"perfxl check, {w} worker(s)", count, lambda w=w: list(run("check", paths, workers=w)))
            for w in (1, args.workers)
        }
        recalc = {}
        for w in (1, args.workers):
            copy = work / f"recalc-{w}"
            shutil.copytree(forms, copy)
            targets = sorted(copy.glob("*.xlsx"))
            recalc[w] = timed(
                f"perfxl recalc, {w} worker(s)",
                count,
                lambda t=targets, w=w: list(run("recalc", t, stamp="基准测试", workers=w)),
            )
        lo_sample = paths[: args.lo_sample]
        out = work / "lo"
        out.mkdir()
        with UnoSession(timeout=600) as office:
            office.recalculate(lo_sample[0], names=False)  # start soffice outside the timing
            lo = timed(
                f"LibreOffice recalc + save ({len(lo_sample)} files)",
                len(lo_sample),
                lambda: [office.recalculate(p, names=False, save_as=out / p.name) for p in lo_sample],
            )
        print("  speed-up over LibreOffice:")
        for w in (1, args.workers):
            print(f"    {w} worker(s): check {lo / check[w]:5.1f}x, recalc {lo / recalc[w]:5.1f}x")
        print(f"    read alone: {lo / read:5.1f}x")
        print("  peak memory of a check (separate processes):")
        for size in (max(1, count // 4), count):
            probe = subprocess.run(
                [sys.executable, "-c", MEMORY_PROBE, str(forms), str(size)],
                capture_output=True,
                text=True,
                check=True,
                cwd=ROOT,
            )
            print(f"    {size:5} forms: {float(probe.stdout.strip()):6.0f} MB")
        print(f"  this process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()

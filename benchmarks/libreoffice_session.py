"""Time LibreOffice: one UNO session over N small forms, and cold ``soffice --convert-to`` calls.

python benchmarks/libreoffice_session.py [N]
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import xlsxwriter

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from perfxl.libreoffice import convert  # noqa: E402
from perfxl_tools.uno_session import UnoSession  # noqa: E402

SHEET = "自评表"


def build_form(path: Path, seed: int) -> Path:
    """About the size of a real form: 20 indicators, 26 sheet-scoped names, Chinese text in 宋体."""
    wb = xlsxwriter.Workbook(path)
    ws = wb.add_worksheet(SHEET)
    song = wb.add_format({"font_name": "宋体"})
    ws.write("A1", f"项目{seed}", song)
    ws.write_row("B2", [1_000_000 + seed, 600_000 + seed])
    ws.write_formula("D2", "=ROUND(C2/B2,4)", None, 0)
    ws.write_formula("E2", "=ROUND(MIN(D2,1)*10,2)", None, 0)
    for name, cell in (("预算数", "B2"), ("执行数", "C2"), ("执行率", "D2"), ("预算得分", "E2")):
        wb.define_name(f"{SHEET}!{name}", f"={SHEET}!${cell[0]}${cell[1:]}")
    for row in range(5, 25):
        ws.write(f"A{row}", f"指标{row}", song)
        ws.write_row(f"B{row}", [10, 0.9])
        ws.write_formula(f"D{row}", f"=ROUND(B{row}*MIN(C{row},1),2)", None, 0)
        wb.define_name(f"{SHEET}!得分{row}", f"={SHEET}!$D${row}")
    ws.write_formula("D26", "=SUM(D5:D24)+E2", None, 0)
    ws.write_formula("D27", '=IF(D26>=90,"优",IF(D26>=80,"良",IF(D26>=60,"中","差")))', None, "")
    wb.define_name(f"{SHEET}!总分", f"={SHEET}!$D$26")
    wb.define_name(f"{SHEET}!等级", f"={SHEET}!$D$27")
    wb.close()
    return path


def main(count: int) -> None:
    with tempfile.TemporaryDirectory(prefix="perfxl-bench-") as tmp:
        folder = Path(tmp)
        paths = [build_form(folder / f"form{i:03d}.xlsx", i) for i in range(count)]
        started = time.perf_counter()
        with UnoSession() as session:
            ready = time.perf_counter()
            session.recalculate(paths[0])  # warm-up
            warm = time.perf_counter()
            results = [session.recalculate(p) for p in paths]
            done = time.perf_counter()
            errors = [session.recalculate(p, names=False, errors=True) for p in paths]
            scanned = time.perf_counter()
        closed = time.perf_counter()
        assert all(r.value(f"{SHEET}!等级") for r in results) and not any(e.errors for e in errors)
        print(
            f"UNO session: start {ready - started:.2f} s, first form {warm - ready:.2f} s, "
            f"{count} forms with {len(results[0].names)} names each {(done - warm) / count * 1000:.0f} ms/form, "
            f"error scan only {(scanned - done) / count * 1000:.0f} ms/form, close {closed - scanned:.2f} s"
        )
        for fmt in ("pdf", "xlsx"):
            times = []
            for path in paths[:3]:
                t = time.perf_counter()
                convert(path, folder / fmt, fmt)
                times.append(time.perf_counter() - t)
            print(f"cold convert to {fmt}: " + ", ".join(f"{t:.2f} s" for t in times))


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 50)

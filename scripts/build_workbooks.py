"""Regenerate workbooks/: the example forms of the bundled lists, blank and filled, in both modes.

Run: python scripts/build_workbooks.py        (tests/test_workbooks.py checks the files match)
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from perfxl.generate import MODES, generate

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "perfxl" / "examples"
LISTS = {"空白表": EXAMPLES / "2022-two-projects-blank.yaml", "已填报": EXAMPLES / "2022-two-projects.yaml"}
# A fixed creation time keeps the files byte-for-byte reproducible.
SOURCE_DATE_EPOCH = "1672531200"  # 2023-01-01


def build(out: Path) -> list[Path]:
    os.environ["SOURCE_DATE_EPOCH"] = SOURCE_DATE_EPOCH
    written = []
    for label, source in LISTS.items():
        for mode in MODES:
            written += generate(source, out / f"{label}-{mode}", mode=mode, workers=1)
    return written


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "workbooks"
    for path in build(target):
        print(path.relative_to(target.parent) if path.is_relative_to(target.parent) else path)

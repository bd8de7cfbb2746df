"""Write the 项目清单 workbooks: the blank template and the seed example converted from its YAML.

- templates/项目清单.xlsx: the blank 项目清单 (格式版本 1, 评分配置 mof-2020, no projects) a bureau fills in;
- perfxl/examples/2022-two-projects.xlsx: perfxl/examples/2022-two-projects.yaml as a workbook.

Both are written by perfxl.projectlist.workbook_writer with a fixed creation time, so that running the
script again gives byte-identical files. Run: python scripts/build_project_list_template.py
"""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from perfxl.projectlist.workbook_writer import write_project_list_workbook  # noqa: E402

TEMPLATE = ROOT / "templates" / "项目清单.xlsx"
EXAMPLE_YAML = ROOT / "perfxl" / "examples" / "2022-two-projects.yaml"
EXAMPLE_XLSX = EXAMPLE_YAML.with_suffix(".xlsx")
CREATED = datetime(2022, 1, 1)
BLANK = {"perfxl": 1, "profile": "mof-2020", "projects": []}


def main() -> None:
    TEMPLATE.parent.mkdir(exist_ok=True)
    write_project_list_workbook(BLANK, TEMPLATE, created=CREATED)
    example = yaml.safe_load(EXAMPLE_YAML.read_text(encoding="utf-8"))
    write_project_list_workbook(example, EXAMPLE_XLSX, created=CREATED)
    for path in (TEMPLATE, EXAMPLE_XLSX):
        print(f"已写入 {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()

"""``perfxl generate``: one form per project, or all of them in one workbook."""

from __future__ import annotations

from pathlib import Path

from perfxl.cli.progress import ProgressBar
from perfxl.generate import generate


def run_generate(source: str, output: str, mode: str, single: str | None, template: str | None) -> int:
    written = generate(source, output, mode=mode, single=single, template_path=template,
                       on_progress=ProgressBar("生成自评表"))
    mode_label = "Excel 公式（native）" if mode == "native" else "perfxl 函数（udf）"
    if single:
        print(f"已生成 1 个工作簿（{mode_label}）：{written[0]}")
    else:
        print(f"已生成 {len(written)} 张自评表（{mode_label}），保存在 {Path(output)}：")
        for path in written[:20]:
            print(f"  {path.name}")
        if len(written) > 20:
            print(f"  …… 共 {len(written)} 个文件")
    return 0

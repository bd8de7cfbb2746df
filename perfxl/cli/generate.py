"""``perfxl generate``: one form per project, or all of them in one workbook."""

from __future__ import annotations

import sys
from pathlib import Path

from perfxl.cli.progress import ProgressBar
from perfxl.generate import generate

EXIT_LEFT_ALONE = 1  # some targets were kept as they were: the run did not do all it was asked


def run_generate(source: str, output: str, mode: str, single: str | None, template: str | None,
                 force: bool = False) -> int:
    written = generate(source, output, mode=mode, single=single, template_path=template,
                       on_progress=ProgressBar("生成自评表"), force=force)
    mode_label = "Excel 公式（native）" if mode == "native" else "perfxl 函数（udf）"
    if single and written:
        print(f"已生成 1 个工作簿（{mode_label}）：{written[0]}")
    elif written:
        print(f"已生成 {len(written)} 张自评表（{mode_label}），保存在 {Path(output)}：")
        for path in written[:20]:
            print(f"  {path.name}")
        if len(written) > 20:
            print(f"  …… 共 {len(written)} 个文件")
    if not written.left_alone:
        return 0
    print(f"perfxl：以下 {len(written.left_alone)} 个已有文件未被覆盖，保持原样：", file=sys.stderr)
    for kept in written.left_alone:
        print(f"  {kept.path}：{kept.reason}", file=sys.stderr)
    print("如确需用新生成的表替换它们（原文件中的内容将丢失），请加 --force 重新运行。", file=sys.stderr)
    return EXIT_LEFT_ALONE

"""``perfxl generate``: one form per project, or all of them in one workbook."""

from __future__ import annotations

import sys
from pathlib import Path

from perfxl.cli.exit_codes import ExitCode
from perfxl.cli.progress import ProgressBar
from perfxl.core.form import evaluate_form
from perfxl.generate import generate
from perfxl.projectlist import load_project_list

# Findings of a list that generation does not stop for but the officer should see before sending the
# forms out (perfxl check reports them too).
LIST_WARNINGS = ("weights_total", "percent_ambiguous")


def list_warnings(source: str) -> list[str]:
    """The lines warning about the list: ``[警告] 清单.yaml · 项目 · 三级指标分值之和…``, in the list's order.

    Reads the list (InputError as generate would raise it, before anything is written).
    """
    project_list = load_project_list(source)
    lines = []
    for form in project_list.forms:
        for finding in evaluate_form(form, project_list.profile).findings:
            if finding.code in LIST_WARNINGS:
                lines.append(f"[警告] {project_list.path.name} · {form.name} · {finding.message}")
    return lines


def run_generate(
    source: str, output: str, mode: str, single: str | None, template: str | None, force: bool = False
) -> int:
    warnings = list_warnings(source)
    written = generate(
        source,
        output,
        mode=mode,
        single=single,
        template_path=template,
        on_progress=ProgressBar("生成自评表"),
        force=force,
    )
    mode_label = "Excel 公式（native）" if mode == "native" else "perfxl 函数（udf）"
    if single and written:
        print(f"已生成 1 个工作簿（{mode_label}）：{written[0]}")
    elif written:
        print(f"已生成 {len(written)} 张自评表（{mode_label}），保存在 {Path(output)}：")
        for path in written[:20]:
            print(f"  {path.name}")
        if len(written) > 20:
            print(f"  …… 共 {len(written)} 个文件")
    if warnings:
        # They do not change the exit code: these are for the officer to correct in the list and generate again.
        print("\n项目清单中有以下问题（不影响生成）：请核对清单，修改后重新生成。", file=sys.stderr)
        for line in warnings:
            print(line, file=sys.stderr)
    if not written.left_alone:
        return ExitCode.OK
    print(f"perfxl：以下 {len(written.left_alone)} 个已有文件未被覆盖，保持原样：", file=sys.stderr)
    for kept in written.left_alone:
        print(f"  {kept.path}：{kept.reason}", file=sys.stderr)
    print("如确需用新生成的表替换它们（原文件中的内容将丢失），请加 --force 重新运行。", file=sys.stderr)
    return ExitCode.ERRORS  # some targets were kept as they were: the run did not do all it was asked

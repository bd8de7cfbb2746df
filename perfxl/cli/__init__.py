"""The ``perfxl`` command: argument parsing, and what each kind of failure exits with (perfxl.cli.exit_codes)."""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Sequence
from importlib import resources

from perfxl import __version__
from perfxl.cli.chinese_argparse import ChineseArgumentParser
from perfxl.cli.exit_codes import ExitCode
from perfxl.cli.progress import end_line
from perfxl.core.labels import TARGET, WEIGHT
from perfxl.errors import InputError
from perfxl.interrupts import Interrupted, raise_on_terminate
from perfxl.output_errors import OutputError, explain


def bundled_example() -> str:
    """The example project list shipped with perfxl (the two seed forms of 2022)."""
    return str(resources.files("perfxl") / "examples" / "2022-two-projects.yaml")


def build_parser() -> argparse.ArgumentParser:
    parser = ChineseArgumentParser(
        prog="perfxl",
        description="财政项目支出绩效自评表：计算、检查与生成。",
        epilog="每个命令的用法：perfxl 命令 -h（如 perfxl check -h）。",
    )
    parser.add_argument("--version", action="version", version=f"perfxl {__version__}", help="显示版本号并退出")
    commands = parser.add_subparsers(dest="command", required=True, metavar="命令")
    check = commands.add_parser("check", help="计算并检查项目清单或交回的自评表")
    check.add_argument(
        "sources",
        nargs="*",
        metavar="FILES|DIRS",
        help="项目清单（YAML/JSON/XLSX）或自评表工作簿、文件夹；不填则使用自带示例",
    )
    check.add_argument("--json", action="store_true", help="以 JSON 输出结果")
    check.add_argument("--report", metavar="FILE.xlsx", help="另存一份可发给各单位的问题清单（Excel）")
    check.add_argument("--force", action="store_true", help="允许 --report 覆盖不是 perfxl 生成的同名文件")
    recalc = commands.add_parser("recalc", help="重新计算交回的自评表并写回（原地、原子地写入）")
    recalc.add_argument("sources", nargs="+", metavar="FILES|DIRS", help="自评表工作簿或文件夹")
    summary = commands.add_parser("summary", help="汇总全部自评表：一览表、图表和问题清单")
    summary.add_argument("sources", nargs="+", metavar="FILES|DIRS", help="自评表工作簿、文件夹或项目清单")
    summary.add_argument("-o", "--output", required=True, metavar="汇总.xlsx", help="汇总工作簿（自动补上 .xlsx）")
    summary.add_argument(
        "--reviewed", metavar="复核表.xlsx", help="复核人已填写的复核表：汇总表中加上复核总分、复核等级"
    )
    summary.add_argument("--rules", metavar="FILE", help="生成该复核表时使用的复核规则文件（与 --reviewed 一起使用）")
    summary.add_argument("--force", action="store_true", help="允许覆盖不是 perfxl 生成的同名文件")
    review = commands.add_parser("review", help="复核交回的自评表：按复核规则给出建议复核得分，写出复核表")
    review.add_argument("sources", nargs="+", metavar="FILES|DIRS", help="自评表工作簿、文件夹或项目清单")
    review.add_argument("-o", "--output", required=True, metavar="复核表.xlsx", help="复核表工作簿（自动补上 .xlsx）")
    review.add_argument("--rules", metavar="FILE", help="复核规则文件（TOML/JSON/YAML）；不填则使用默认复核规则")
    review.add_argument(
        "--declared", metavar="LIST", help=f"申报时的项目清单：比对{TARGET}、{WEIGHT}和指标是否与申报一致"
    )
    review.add_argument(
        "--reviewed", metavar="复核表.xlsx", help="复核人已填写的复核表：读回复核得分等，写出最终复核表和各单位的反馈表"
    )
    review.add_argument("--force", action="store_true", help="允许覆盖不是 perfxl 生成的同名文件")
    pdf = commands.add_parser("pdf", help="用 LibreOffice 把自评表导出为可打印的 PDF")
    pdf.add_argument("sources", nargs="+", metavar="FILES|DIRS", help="自评表工作簿或文件夹")
    pdf.add_argument("-o", "--output", required=True, metavar="DIR", help="PDF 输出目录")
    pdf.add_argument("--strict", action="store_true", help="有“错误”级问题的自评表不导出（默认导出并列出）")
    pdf.add_argument("--force", action="store_true", help="允许覆盖不是 perfxl 导出的同名 PDF")
    generate = commands.add_parser("generate", help="按项目清单为每个项目生成自评表")
    generate.add_argument("source", nargs="?", metavar="LIST", help="项目清单（YAML/JSON/XLSX）；不填则使用自带示例")
    generate.add_argument("-o", "--output", default="自评表", metavar="DIR", help="输出目录（默认：./自评表）")
    generate.add_argument(
        "--mode",
        choices=("udf", "native"),
        default="udf",
        help="udf：调用 perfxl 函数（需 Excel + Python）；native：纯 Excel 公式（WPS、禁用宏的电脑）",
    )
    generate.add_argument("--single", metavar="FILE", help="把全部项目生成到一个工作簿（每个项目一张表，另有目录）")
    generate.add_argument("--template", metavar="PATH", help="自评表模板（默认：自带模板）")
    generate.add_argument(
        "--force",
        action="store_true",
        help="覆盖已有的同名文件，即使其中已填写内容或不是 perfxl 生成的（默认保留这些文件）",
    )
    excel = commands.add_parser("excel", help="在 Windows 桌面版 Excel 中使用 perfxl 函数和“重新计算”按钮")
    actions = excel.add_subparsers(dest="action", required=True, metavar="操作")
    bas = actions.add_parser("bas", help="写出 UDF 包装模块（.bas）并说明安装步骤")
    bas.add_argument("target", nargs="?", metavar="DIR|FILE.bas", help="写到哪里（默认：当前目录）")
    refresh = actions.add_parser("refresh", help="按本机安装的 xlwings 重建 .xlsm 自评表的 VBA 工程")
    refresh.add_argument("target", metavar="FILE", help="udf 方式生成的 .xlsm 自评表")
    wheelhouse = actions.add_parser("wheelhouse", help="下载离线 Windows 电脑所需的全部安装文件并写安装脚本")
    wheelhouse.add_argument("target", nargs="?", metavar="DIR", help="保存到哪个文件夹（默认：perfxl-离线安装包）")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        if args.command == "check":
            from perfxl.cli.check import run_check

            return run_check(args.sources or [bundled_example()], args.json, args.report, force=args.force)
        if args.command in ("recalc", "summary", "pdf"):
            from perfxl.cli import batch

            if args.command == "recalc":
                return batch.run_recalc(args.sources)
            if args.command == "summary":
                return batch.run_summary(
                    args.sources, args.output, reviewed=args.reviewed, rules=args.rules, force=args.force
                )
            return batch.run_pdf(args.sources, args.output, strict=args.strict, force=args.force)
        if args.command == "review":
            from perfxl.cli.review import run_review

            return run_review(
                args.sources,
                args.output,
                rules=args.rules,
                declared=args.declared,
                reviewed=args.reviewed,
                force=args.force,
            )
        if args.command == "generate":
            from perfxl.cli.generate import run_generate

            return run_generate(
                args.source or bundled_example(), args.output, args.mode, args.single, args.template, args.force
            )
        if args.command == "excel":
            from perfxl.cli.excel import run_excel

            return run_excel(args.action, args.target)
    except InputError as exc:
        if args.command == "check" and args.json:  # a program reading the JSON gets the problems too
            from perfxl.cli.check import input_error_json

            print(input_error_json(exc))
        print(f"perfxl：输入有误，未作处理。\n{exc.render()}", file=sys.stderr)
        return ExitCode.INPUT
    except KeyboardInterrupt as exc:  # Ctrl-C, or TERM (see entry_point); a batch says how far it got
        stop = exc if isinstance(exc, Interrupted) else Interrupted()
        end_line()
        print(f"perfxl：{stop.message()}", file=sys.stderr)
        return stop.exit_code
    except BrokenPipeError:
        return reader_gone()
    except OutputError as exc:
        if args.command == "check" and args.json:  # the --report that cannot be written, as JSON too
            from perfxl.cli.check import input_error_json
            from perfxl.errors import Problem

            print(input_error_json(InputError([Problem(exc.filename or args.report or "", str(exc))])))
        print(f"perfxl：{exc}", file=sys.stderr)
        return ExitCode.INPUT
    except OSError as exc:  # a file or folder that could not be used: explained, not an internal error
        if os.environ.get("PERFXL_DEBUG"):
            raise
        print(f"perfxl：{explain(exc)}", file=sys.stderr)
        return ExitCode.INPUT
    except Exception as exc:  # an internal error: say so plainly, traceback only on request
        if os.environ.get("PERFXL_DEBUG"):
            raise
        print(
            f"perfxl：内部错误（{type(exc).__name__}: {exc}）。设置环境变量 PERFXL_DEBUG=1 可查看详情。",
            file=sys.stderr,
        )
        return ExitCode.INTERNAL
    raise AssertionError(args.command)  # pragma: no cover - argparse requires a known command


def reader_gone() -> int:
    """The program reading perfxl's output stopped early (``perfxl check … | head``): say nothing more (what
    is still buffered goes nowhere) and exit as a program ended by SIGPIPE does in a shell, 128 + 13."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):
            os.dup2(devnull, stream.fileno())
    os.close(devnull)
    return ExitCode.BROKEN_PIPE


def entry_point() -> None:
    raise_on_terminate()
    code = main()
    try:
        sys.stdout.flush()  # here, not at exit, where a closed pipe would print a traceback-like warning
    except BrokenPipeError:
        code = reader_gone()
    sys.exit(code)

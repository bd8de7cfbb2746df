"""The ``perfxl`` command: argument parsing and the exit codes shared by every subcommand."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from importlib import resources

from perfxl import __version__
from perfxl.errors import InputError

EXIT_INPUT = 2


def bundled_example() -> str:
    """The example project list shipped with perfxl (the two seed forms of 2022)."""
    return str(resources.files("perfxl") / "examples" / "2022-two-projects.yaml")


class _Parser(argparse.ArgumentParser):
    """argparse with its usage errors in Chinese and exit code 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        print(f"perfxl：参数错误：{message}", file=sys.stderr)
        raise SystemExit(EXIT_INPUT)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="perfxl", description="财政项目支出绩效自评表：计算、检查与生成。")
    parser.add_argument("--version", action="version", version=f"perfxl {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="命令", parser_class=_Parser)
    check = commands.add_parser("check", help="计算并检查项目清单中的每张自评表")
    check.add_argument("sources", nargs="*", metavar="LIST",
                       help="项目清单（YAML/JSON/XLSX）；不填则使用自带示例")
    check.add_argument("--json", action="store_true", help="以 JSON 输出结果")
    generate = commands.add_parser("generate", help="按项目清单为每个项目生成自评表")
    generate.add_argument("source", nargs="?", metavar="LIST", help="项目清单（YAML/JSON/XLSX）；不填则使用自带示例")
    generate.add_argument("-o", "--output", default="自评表", metavar="DIR", help="输出目录（默认：./自评表）")
    generate.add_argument("--mode", choices=("udf", "native"), default="udf",
                          help="udf：调用 perfxl 函数（需 Excel + Python）；native：纯 Excel 公式（WPS、禁用宏的电脑）")
    generate.add_argument("--single", metavar="FILE", help="把全部项目生成到一个工作簿（每个项目一张表，另有目录）")
    generate.add_argument("--template", metavar="PATH", help="自评表模板（默认：自带模板）")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        if args.command == "check":
            from perfxl.cli.check import run_check

            return run_check(args.sources or [bundled_example()], args.json)
        if args.command == "generate":
            from perfxl.cli.generate import run_generate

            return run_generate(args.source or bundled_example(), args.output, args.mode, args.single, args.template)
    except InputError as exc:
        print(f"perfxl：输入有误，未作处理。\n{exc.render()}", file=sys.stderr)
        return EXIT_INPUT
    except KeyboardInterrupt:
        print("perfxl：已中断。", file=sys.stderr)
        return 130
    except Exception as exc:  # an internal error: say so plainly, traceback only on request
        if os.environ.get("PERFXL_DEBUG"):
            raise
        print(f"perfxl：内部错误（{type(exc).__name__}: {exc}）。设置环境变量 PERFXL_DEBUG=1 可查看详情。",
              file=sys.stderr)
        return 3
    raise AssertionError(args.command)  # pragma: no cover - argparse requires a known command


def entry_point() -> None:
    sys.exit(main())

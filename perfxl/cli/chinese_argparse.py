"""argparse in Chinese: its help headings, usage line and usage errors, with exit code 2.

argparse passes every text it shows through gettext (``argparse._`` and ``argparse.ngettext``, looked up
when a message is made), with its English text as the message id; Python's documentation names these ids
as the way to translate argparse. A gettext catalogue would be chosen by the environment's LANGUAGE/LANG,
which a Windows PC does not set, so :class:`ChineseArgumentParser` instead puts a translation function in
their place while one of its own methods runs, and puts the originals back afterwards: nothing else in the
process sees Chinese. The ids are those of Python 3.11–3.13 (``tests/test_cli_messages.py`` checks that
every id the running Python's argparse uses for a user is here); an id a later Python adds or changes is
shown in English, never an error.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, NoReturn

from perfxl.cli.exit_codes import ExitCode

# argparse's message ids (the English texts) → Chinese. Placeholders are kept as they are.
MESSAGES: dict[str, str] = {
    # help
    "usage: ": "用法：",
    "positional arguments": "参数",
    "options": "选项",
    "optional arguments": "选项",  # Python 3.9 and older
    "subcommands": "命令",
    "%(heading)s:": "%(heading)s:",  # as Python 3.11 and 3.12 write headings, untranslatable there: same on all
    "show this help message and exit": "显示本帮助并退出",
    "show program's version number and exit": "显示版本号并退出",
    " (default: %(default)s)": "（默认：%(default)s）",
    # usage errors
    "argument %(argument_name)s: %(message)s": "%(argument_name)s：%(message)s",
    "the following arguments are required: %s": "缺少必填的参数：%s",
    "one of the arguments %s is required": "参数 %s 必须填写其中一个",
    "unrecognized arguments: %s": "无法识别的参数：%s",
    "invalid choice: %(value)r (choose from %(choices)s)": "%(value)r 不是可选的值（可选：%(choices)s）",
    "invalid %(type)s value: %(value)r": "%(value)r 不是有效的值（应为 %(type)s）",
    "expected one argument": "后面应跟一个值",
    "expected at most one argument": "后面最多跟一个值",
    "expected at least one argument": "后面应至少跟一个值",
    "ambiguous option: %(option)s could match %(matches)s": "选项 %(option)s 不明确，可能是：%(matches)s",
    "unexpected option string: %s": "此处不应有选项：%s",
    "not allowed with argument %s": "不能与 %s 同时使用",
    "ignored explicit argument %r": "不接受值（多余的 %r）",
    "unknown parser %(parser_name)r (choices: %(choices)s)": "没有命令 %(parser_name)r（可选：%(choices)s）",
    "can't open '%(filename)s': %(error)s": "无法打开「%(filename)s」：%(error)s",
    "%(prog)s: error: %(message)s\n": "%(prog)s：错误：%(message)s\n",
    "%(prog)s: warning: %(message)s\n": "%(prog)s：警告：%(message)s\n",
    "option '%(option)s' is deprecated": "选项 %(option)s 已停用",
    "argument '%(argument_name)s' is deprecated": "参数 %(argument_name)s 已停用",
    "command '%(parser_name)s' is deprecated": "命令 %(parser_name)s 已停用",
}
# ngettext's ids: (singular, plural) → the one Chinese text (Chinese has no plural form).
PLURAL_MESSAGES: dict[tuple[str, str], str] = {
    ("expected %s argument", "expected %s arguments"): "后面应跟 %s 个值",
}
# Ids argparse raises only for a programming mistake in building a parser (ValueError, TypeError): they
# never reach a user and stay English.
DEVELOPER_MESSAGES = frozenset(
    {
        "'required' is an invalid argument for positionals",
        "%r is not callable",
        ".__call__() not defined",
        'argument "-" with mode %r',
        "cannot have multiple subparser arguments",
        "cannot merge actions - two groups are named %r",
        "conflicting subparser alias: %s",
        "conflicting subparser: %s",
        "dest= is required for options like %r",
        "invalid conflict_resolution value: %r",
        "invalid option string %(option)r: must start with a character %(prefix_chars)r",
        "mutually exclusive arguments must be optional",
        "conflicting option string: %s",
    }
)


def translate(message: str) -> str:
    """argparse's ``_``: the Chinese text of a message id, or the id itself (a title of our own, None …)."""
    return MESSAGES.get(message, message) if isinstance(message, str) else message


def translate_plural(singular: str, plural: str, n: int) -> str:
    """argparse's ``ngettext``."""
    return PLURAL_MESSAGES.get((singular, plural), singular if n == 1 else plural)


@contextmanager
def chinese_messages() -> Iterator[None]:
    """argparse's messages in Chinese while the block runs (re-entrant; the originals back afterwards)."""
    saved = {name: getattr(argparse, name) for name in ("_", "ngettext") if hasattr(argparse, name)}
    replacements: dict[str, Callable[..., str]] = {"_": translate, "ngettext": translate_plural}
    for name in saved:
        setattr(argparse, name, replacements[name])
    try:
        yield
    finally:
        for name, original in saved.items():
            setattr(argparse, name, original)


class ChineseArgumentParser(argparse.ArgumentParser):
    """An ArgumentParser whose help and usage errors are Chinese; a usage error exits with code 2.

    Subparsers made by :meth:`add_subparsers` are of this class too (argparse's default parser_class is
    the parser's own class).
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        with chinese_messages():  # the -h option's help and the group titles are made here
            super().__init__(*args, **kwargs)
        self._commands: list[argparse.Action] = []

    def add_subparsers(self, **kwargs: Any) -> Any:
        with chinese_messages():
            action = super().add_subparsers(**kwargs)
        self._commands.append(action)
        return action

    def parse_known_args(  # type: ignore[override]  # one signature for argparse's three overloads
        self, args: Sequence[str] | None = None, namespace: Any = None
    ) -> Any:
        with chinese_messages():
            return super().parse_known_args(args, namespace)

    def parse_args(self, args: Sequence[str] | None = None, namespace: Any = None) -> Any:  # type: ignore[override]
        namespace, extras = self.parse_known_args(args, namespace)
        if extras:  # said by the command they were given to, with its usage (argparse: by the top parser)
            self.chosen_command(namespace).error(translate("unrecognized arguments: %s") % " ".join(extras))
        return namespace

    def chosen_command(self, namespace: argparse.Namespace) -> ChineseArgumentParser:
        """The (sub)command parser the parsed arguments ended in: ``perfxl excel refresh``'s for that command."""
        for action in self._commands:
            choices: Any = action.choices or {}  # a subparsers action's choices: command name → parser
            chosen = choices.get(getattr(namespace, action.dest, None))
            if isinstance(chosen, ChineseArgumentParser):
                return chosen.chosen_command(namespace)
        return self

    def format_usage(self) -> str:
        with chinese_messages():
            return super().format_usage()

    def format_help(self) -> str:
        with chinese_messages():
            return super().format_help()

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        print(f"{self.prog}：参数错误：{message}\n运行「{self.prog} -h」查看用法。", file=sys.stderr)
        raise SystemExit(ExitCode.INPUT)

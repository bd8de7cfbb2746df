"""Input errors reported to the user in Chinese, naming the file, the form and the field."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import IntEnum

from perfxl.core.errors import PerfxlError


class Stage(IntEnum):
    """Where a problem stands among the problems of one input: a cause is reported before what follows from it."""

    FILE = 0  # the file as a whole: its format, its sheets and headers, the list's own settings (年度 …)
    NAME = 1  # a project's name: missing, repeated, not told apart from another
    CONTENT = 2  # a value of a project or an indicator
    FOLLOW_ON = 3  # follows from another problem, e.g. indicator rows naming a project the list lacks


@dataclass(frozen=True)
class Problem:
    file: str
    message: str
    project: str | None = None
    field: str | None = None  # "第3个指标（设备购置数量）的分值", "B12" …
    stage: Stage = Stage.CONTENT

    def render(self) -> str:
        where = [self.file]
        if self.project:
            where.append(f"项目「{self.project}」")
        if self.field:
            where.append(self.field)
        return f"{'，'.join(where)}：{self.message}"


class InputError(PerfxlError):
    """Unusable input: the CLI prints every problem and exits with code 2.

    The problems are kept in their order within each stage, causes first (:class:`Stage`).
    """

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = tuple(sorted(problems, key=lambda p: p.stage))
        super().__init__(self.render())

    def render(self) -> str:
        return "\n".join(p.render() for p in self.problems)

"""Input errors reported to the user in Chinese, naming the file, the form and the field."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    file: str
    message: str
    project: str | None = None
    field: str | None = None  # "第3个指标（设备购置数量）的分值", "B12" …

    def render(self) -> str:
        where = [self.file]
        if self.project:
            where.append(f"项目「{self.project}」")
        if self.field:
            where.append(self.field)
        return f"{'，'.join(where)}：{self.message}"


class InputError(Exception):
    """Unusable input: the CLI prints every problem and exits with code 2."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = tuple(problems)
        super().__init__(self.render())

    def render(self) -> str:
        return "\n".join(p.render() for p in self.problems)

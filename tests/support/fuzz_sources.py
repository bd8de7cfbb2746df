"""The files the hostile-input tests mutate: generated forms of both modes, per form and ``--single``, from
the bundled example and a random list, hand-made forms, and the bundled project lists."""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import yaml

from perfxl.cli import bundled_example
from perfxl.generate import generate
from tests.support.handmade import EXAM, WORK, cost_form, shanghai_form
from tests.support.random_lists import random_list

EXAMPLES = Path(bundled_example()).parent
LIST_WORKBOOK = EXAMPLES / "2022-two-projects.xlsx"


@dataclass(frozen=True)
class Source:
    """A workbook to mutate, and a good one put beside it (the batch must go on with it)."""

    content: bytes
    suffix: str
    good: bytes
    good_suffix: str
    good_generated: bool = True  # recalc rewrites the good file (a hand-made one it only checks)


WORKBOOK_SOURCES = (
    "udf",
    "native",
    "udf-single",
    "native-single",
    "random-udf",
    "random-native-single",
    "handmade",
    "handmade-cost",
)
LIST_SOURCES = ("yaml", "yaml-blank", "json", "random-yaml")


def _handmade(folder: Path, build: object, name: str) -> Path:
    book = openpyxl.Workbook()
    build(book.active)  # type: ignore[operator]
    path = folder / name
    book.save(path)
    return path


def workbook_sources(folder: Path) -> dict[str, Source]:
    """Each source of WORKBOOK_SOURCES, generated into ``folder``."""
    example = bundled_example()
    random_path = folder / "random.yaml"
    random_path.write_text(yaml.safe_dump(random_list(random.Random(20221), 2), allow_unicode=True), encoding="utf-8")
    made = {
        "udf": generate(example, folder / "udf", mode="udf"),
        "native": generate(example, folder / "native", mode="native"),
        "udf-single": generate(example, folder / "udf-single", mode="udf", single=str(folder / "udf-single/全部.xlsm")),
        "native-single": generate(
            example, folder / "native-single", mode="native", single=str(folder / "native-single/全部.xlsx")
        ),
        "random-udf": generate(random_path, folder / "random-udf", mode="udf"),
        "random-native-single": generate(
            random_path,
            folder / "random-native-single",
            mode="native",
            single=str(folder / "random-native-single/全部.xlsx"),
        ),
    }
    udf_good, native_good = made["udf"][1], made["native"][1]  # 鉴定考务经费, beside the other forms
    sources = {
        name: Source(
            paths[0].read_bytes(),
            paths[0].suffix,
            (native_good if "native" in name else udf_good).read_bytes(),
            (native_good if "native" in name else udf_good).suffix,
        )
        for name, paths in made.items()
    }
    shanghai = _handmade(folder, lambda ws: shanghai_form(ws, WORK), "手工.xlsx")
    cost = _handmade(folder, cost_form, "手工2.xlsx")
    exam = _handmade(folder, lambda ws: shanghai_form(ws, EXAM, percent_numbers=True), "手工3.xlsx")
    sources["handmade"] = Source(shanghai.read_bytes(), ".xlsx", exam.read_bytes(), ".xlsx", good_generated=False)
    sources["handmade-cost"] = Source(cost.read_bytes(), ".xlsx", udf_good.read_bytes(), ".xlsm")
    return sources


def list_sources() -> dict[str, tuple[str, str]]:
    """Each source of LIST_SOURCES: (its text, "yaml" or "json")."""
    seed = Path(bundled_example()).read_text(encoding="utf-8")
    return {
        "yaml": (seed, "yaml"),
        "yaml-blank": ((EXAMPLES / "2022-two-projects-blank.yaml").read_text(encoding="utf-8"), "yaml"),
        "json": (json.dumps(yaml.safe_load(seed), ensure_ascii=False, indent=1), "json"),
        "random-yaml": (yaml.safe_dump(random_list(random.Random(20222), 2), allow_unicode=True), "yaml"),
    }

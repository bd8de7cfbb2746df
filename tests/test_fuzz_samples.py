"""Fixed hostile inputs: a dozen mutations of the property tests (tests/test_fuzz_cli.py),
chosen to cover each kind (a cell's value, type and reference, formulas, shared strings, defined names, the
zip), and the project lists that once crashed perfxl. Each runs through the real CLI with the rules of
tests/support/hostile.py; the same files together make one batch (past the parallel threshold) and are
exported to PDF with LibreOffice."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from tests.support.fuzz_sources import LIST_WORKBOOK, Source, list_sources, workbook_sources
from tests.support.hostile import Expect, Scene, report, scene
from tests.support.mutations import (
    DEEP,
    Mutation,
    add_doctype,
    canary_payloads,
    drop_part,
    edit_named_cell,
    flip_compressed_byte,
    insert_formula,
    mutate_workbook,
    rename_part,
    rename_sheet,
    set_cell_ref,
    set_cell_type,
    set_name_attribute,
    set_name_target,
    set_value,
    shuffle_rows,
    truncate,
)
from tests.support.office import require_libreoffice

pytestmark = pytest.mark.slow  # two runs of the real CLI per sample


def named(name: str, kind: str, payload: str, cached: str | None = None) -> Mutation:
    return Mutation("package", edit_named_cell, (name, 3, kind, payload, cached))


SAMPLES: dict[str, tuple[str, list[Mutation]]] = {
    "amount-1e28": ("udf", [named("PERFXL_FUNDS_FISCAL_EXECUTED", "number", "1E+28")]),
    "actual-nan-and-huge": (
        "native",
        [named("PERFXL_IND_ACTUAL", "number", "NaN"), named("PERFXL_IND_WEIGHT", "number", "9" * 400)],
    ),
    "circular-formula": ("native", [named("PERFXL_IND_ACTUAL", "formula", "{self}+1", "1")]),
    "hostile-formulas": (
        "udf",
        [
            named("PERFXL_IND_SCORE", "formula", "(" * 5000 + "1" + ")" * 5000),
            named("PERFXL_FUNDS_FISCAL_EXECUTED", "formula", "'不存在的表'!A1+SUM(A1:XFD1048576)"),
            Mutation("sheet", insert_formula, (40, DEEP, None, ' t="shared" si="99999"')),
        ],
    ),
    "string-index-and-types": (
        "udf-single",
        [
            named("PERFXL_IND_NAME", "shared", "99999"),
            named("PERFXL_IND_WEIGHT", "bool", "2"),
            Mutation("sheet", set_cell_type, (77, "inlineStr", None), 1),
        ],
    ),
    "duplicate-and-broken-refs": (
        "native",
        [
            Mutation("sheet", set_cell_ref, (120, None)),
            Mutation("sheet", set_cell_ref, (121, "A0")),
            Mutation("sheet", set_cell_ref, (122, "ZZZZ1")),
        ],
    ),
    "rows-shuffled": ("udf", [Mutation("sheet", shuffle_rows, (7,))]),
    "sheet-truncated": ("native-single", [Mutation("sheet", truncate, (0.5,), 1)]),
    "renamed-history": ("udf", [Mutation("workbook", rename_sheet, (0, "History", True))]),
    "names-huge-and-out-of-scope": (
        "native",
        [
            Mutation("workbook", set_name_target, ("PERFXL_IND_ACTUAL", "$A$1:$XFD$1048576")),
            Mutation("workbook", set_name_attribute, ("PERFXL_TOTAL", "localSheetId", "99")),
        ],
    ),
    "deflate-broken": ("udf", [Mutation("file", flip_compressed_byte, ("xl/workbook.xml", 100))]),
    "parts-gone-and-renamed": (
        "native",
        [
            Mutation("package", drop_part, ("xl/sharedStrings.xml",)),
            Mutation("package", rename_part, ("xl/workbook.xml", "xl/workbook2.xml", True)),
        ],
    ),
    "external-entity": (
        "handmade",
        [Mutation("sheet", add_doctype, ('<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>',))],
    ),
    "handmade-values": (
        "handmade-cost",
        [Mutation("sheet", set_value, (30, "1E+28")), Mutation("sheet", set_value, (31, "-inf"))],
    ),
}
CANARY = "perfxl-canary-executed"


@pytest.fixture(scope="module")
def sources(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Source]:
    return workbook_sources(tmp_path_factory.mktemp("sources"))


def mutated(sources: dict[str, Source], sample: str) -> tuple[bytes, Source]:
    source, mutations = SAMPLES[sample]
    return mutate_workbook(sources[source].content, mutations), sources[source]


def check(where: Scene, what: str, *args: str, expect: Expect | None = None) -> str:
    run, broken = where.run(*args, expect=expect)
    assert not broken, report(broken, what, run)
    return run.stdout


def test_samples_change_their_files(sources: dict[str, Source]) -> None:
    """Each sample's mutations do something (a mutation finding nothing to edit is silently a no-op)."""
    for sample in SAMPLES:
        content, source = mutated(sources, sample)
        assert content != source.content
        for mutation in SAMPLES[sample][1]:
            assert mutate_workbook(source.content, [mutation]) != mutate_workbook(source.content, []), mutation


@pytest.mark.parametrize("sample", SAMPLES)
def test_fixed_sample(sources: dict[str, Source], sample: str) -> None:
    content, source = mutated(sources, sample)
    with scene() as where:
        where.put(f"01_变异{source.suffix}", content)
        good = where.put(f"02_完好{source.good_suffix}", source.good)
        check(where, sample, "check", str(where.inputs), expect=Expect(named=[good]))
        check(
            where,
            sample,
            "recalc",
            str(where.inputs),
            expect=Expect(named=[good], rewrites=[good] if source.good_generated else []),
        )


def _batch(where: Scene, sources: dict[str, Source]) -> list[Path]:
    """Every sample and five good forms in one folder: 19 files, past the parallel threshold (16)."""
    for index, sample in enumerate(SAMPLES):
        content, source = mutated(sources, sample)
        where.put(f"{index:02d}_{sample}{source.suffix}", content)
    return [where.put(f"good_{i}.xlsm", sources["udf"].good) for i in range(5)]


def test_all_samples_in_one_batch(sources: dict[str, Source]) -> None:
    with scene() as where:
        goods = _batch(where, sources)
        summary = where.out / "汇总.xlsx"
        folder = str(where.inputs)
        check(where, "batch", "check", folder, expect=Expect(named=goods))
        check(
            where,
            "batch",
            "summary",
            "-o",
            str(summary),
            folder,
            expect=Expect(outputs=lambda name: name == summary.name, output_file=summary),
        )
        check(where, "batch", "recalc", folder, expect=Expect(named=goods, rewrites=goods))


@pytest.mark.libreoffice
def test_pdf_of_samples(sources: dict[str, Source]) -> None:
    """pdf runs LibreOffice on the recalculated copies: the good forms are exported, the rest reported."""
    require_libreoffice()
    with scene() as where:
        for sample in (
            "amount-1e28",
            "circular-formula",
            "rows-shuffled",
            "renamed-history",
            "deflate-broken",
            "external-entity",
        ):
            content, source = mutated(sources, sample)
            where.put(f"{sample}{source.suffix}", content)
        where.put("good.xlsm", sources["udf"].good)
        out = check(
            where,
            "pdf",
            "pdf",
            "-o",
            str(where.out),
            str(where.inputs),
            expect=Expect(outputs=lambda name: name.endswith(".pdf"), libreoffice=True),
        )
        assert (where.out / "good.pdf").read_bytes().startswith(b"%PDF-"), out


LIST_SAMPLES = {
    "python-tags": ("yaml", lambda text: text + "".join(canary_payloads(CANARY))),
    "flow-nesting-30000": ("yaml", lambda text: text.replace("year: 2022", "year: " + "[" * 30000 + "]" * 30000)),
    "block-nesting-30000": ("yaml", lambda text: text.replace("year: 2022", "year:\n  " + "- " * 30000 + "2022")),
    "alias-bomb": (
        "yaml",
        lambda text: (
            "x: &a [x, x, x, x, x, x, x, x, x, x]\n"
            + "".join(f"{b}: &{b} [{', '.join([f'*{a}'] * 10)}]\n" for a, b in zip("abcdefg", "bcdefgh", strict=True))
            + text.replace("year: 2022", "year: *h")
        ),
    ),
    "json-nesting": ("json", lambda text: text.replace('"year": 2022', '"year": ' + "[" * 100000 + "]" * 100000)),
}


@pytest.mark.parametrize("sample", LIST_SAMPLES)
def test_fixed_list_sample(sample: str) -> None:
    source, change = LIST_SAMPLES[sample]
    text, kind = list_sources()[source]
    changed = change(text)
    assert changed != text
    with scene() as where:
        listed = where.put(f"清单.{kind}", changed.encode())
        check(where, sample, "check", str(listed))
        forms = where.out / "forms"
        check(
            where,
            sample,
            "generate",
            str(listed),
            "-o",
            str(forms),
            expect=Expect(outputs=lambda name: name.startswith("forms/"), nothing_written_on_input_error=True),
        )
        assert not (where.cwd / CANARY).exists()


LIST_WORKBOOK_SAMPLES = {
    "string-index-out-of-range": [Mutation("sheet", set_cell_type, (5, "s", "99999"), 3)],
    "sheet-truncated": [Mutation("sheet", truncate, (0.6,), 3)],
    "workbook-truncated": [Mutation("workbook", truncate, (0.3,))],
    "deflate-broken": [Mutation("file", flip_compressed_byte, ("xl/worksheets/sheet4.xml", 50))],
}


@pytest.mark.parametrize("sample", LIST_WORKBOOK_SAMPLES)
def test_fixed_list_workbook_sample(sample: str) -> None:
    original = LIST_WORKBOOK.read_bytes()
    content = mutate_workbook(original, LIST_WORKBOOK_SAMPLES[sample])
    with zipfile.ZipFile(LIST_WORKBOOK) as archive:
        assert "xl/worksheets/sheet4.xml" in archive.namelist()  # 指标, the fourth sheet
    with scene() as where:
        listed = where.put("项目清单.xlsx", content)
        check(where, sample, "check", str(listed))
        check(
            where,
            sample,
            "generate",
            str(listed),
            "-o",
            str(where.out / "forms"),
            expect=Expect(outputs=lambda name: name.startswith("forms/"), nothing_written_on_input_error=True),
        )

"""Property tests of hostile input (issue 9, item 10): workbooks and project lists mutated at random, run
through the real CLI, and every rule of tests/support/hostile.py checked: exit 0, 1 or 2, no traceback, no
internal error, no temporary file left, every input byte-identical unless recalc rewrote it completely, and
the good file beside the mutated one still worked on.

The examples are derandomized (the same every run, no example database): CI reproduces a failure exactly,
and hypothesis prints the mutations that caused it. A fixed subset runs once each
(tests/test_fuzz_samples.py).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, event, given, settings
from hypothesis import strategies as st

from tests.support.fuzz_sources import (
    LIST_SOURCES,
    LIST_WORKBOOK,
    WORKBOOK_SOURCES,
    Source,
    list_sources,
    workbook_sources,
)
from tests.support.hostile import Expect, Run, Scene, report, scene
from tests.support.mutations import (
    ListMutation,
    Mutation,
    list_data_mutations,
    list_text_mutations,
    mutate_list,
    mutate_workbook,
    workbook_mutations,
)

pytestmark = pytest.mark.slow

# No shrinking: an example costs seconds of real runs, shrinking one would take many minutes, and the
# report names the few mutations of the failing example exactly (Mutation's repr).
# PERFXL_FUZZ_EXAMPLES=500 PERFXL_FUZZ_RANDOM=1 runs a longer, random search on a developer's machine.
PROPERTY = settings(
    max_examples=int(os.environ.get("PERFXL_FUZZ_EXAMPLES", "40")),
    deadline=None,
    derandomize=not os.environ.get("PERFXL_FUZZ_RANDOM"),
    database=None,
    print_blob=False,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
MUTATIONS = st.lists(workbook_mutations, min_size=1, max_size=3)
CANARY = "perfxl-canary-executed"  # relative: a YAML tag that ran code would create it in the run's folder


@pytest.fixture(scope="module")
def sources(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Source]:
    return workbook_sources(tmp_path_factory.mktemp("sources"))


def _record(run: Run) -> None:
    """Hypothesis statistics (pytest --hypothesis-show-statistics): how the runs ended."""
    event(f"{run.args[0]} exit {run.returncode}")


def _run(where: Scene, what: str, *args: str, expect: Expect | None = None) -> Run:
    run, broken = where.run(*args, expect=expect)
    _record(run)
    assert not broken, report(broken, what, run)
    return run


def batch_commands(where: Scene, bad: Path, good: Path, good_generated: bool, what: str, as_json: bool) -> None:
    """check (or check --json), summary and recalc of the folder holding the mutated file and a good one."""
    summary = where.out / "汇总.xlsx"
    folder = str(where.inputs)
    _run(
        where,
        what,
        "check",
        *(["--json"] if as_json else []),
        folder,
        expect=Expect(named=[good], mentioned=[bad], json=as_json),
    )
    _run(
        where,
        what,
        "summary",
        "-o",
        str(summary),
        folder,
        expect=Expect(outputs=lambda name: name == summary.name, output_file=summary),
    )
    _run(
        where,
        what,
        "recalc",
        folder,
        expect=Expect(named=[good], mentioned=[bad], rewrites=[good] if good_generated else []),
    )


@PROPERTY
@given(source=st.sampled_from(WORKBOOK_SOURCES), mutations=MUTATIONS, as_json=st.booleans())
def test_mutated_workbooks(sources: dict[str, Source], source: str, mutations: list[Mutation], as_json: bool) -> None:
    original = sources[source]
    content = mutate_workbook(original.content, mutations)
    with scene() as where:
        bad = where.put(f"01_变异{original.suffix}", content)
        good = where.put(f"02_完好{original.good_suffix}", original.good)
        batch_commands(where, bad, good, original.good_generated, f"{source} with {mutations}", as_json)


def _generate_and_read_back(where: Scene, listed: Path, what: str, mode: str, single: bool) -> None:
    """generate from the list; what it writes must be read by perfxl check as forms."""
    forms = where.out / "forms"
    args = ["generate", str(listed), "-o", str(forms), "--mode", mode]
    if single:
        args += ["--single", str(forms / ("全部.xlsm" if mode == "udf" else "全部.xlsx"))]
    run = _run(
        where,
        what,
        *args,
        expect=Expect(
            outputs=lambda name: name.startswith("forms/") and name.endswith((".xlsx", ".xlsm")),
            nothing_written_on_input_error=True,
        ),
    )
    if run.returncode == 0:
        check = _run(where, what + " (check of the generated forms)", "check", str(forms))
        assert check.returncode in (0, 1), report(["generated forms do not check", ""], what, check)


def list_commands(where: Scene, listed: Path, what: str, mode: str, single: bool, as_json: bool) -> None:
    """check (or check --json), summary and generate of a project list."""
    summary = where.out / "汇总.xlsx"
    _run(where, what, "check", *(["--json"] if as_json else []), str(listed), expect=Expect(json=as_json))
    _run(
        where,
        what,
        "summary",
        "-o",
        str(summary),
        str(listed),
        expect=Expect(outputs=lambda name: name == summary.name, output_file=summary),
    )
    _generate_and_read_back(where, listed, what, mode, single)


@PROPERTY
@given(
    source=st.sampled_from(LIST_SOURCES),
    mode=st.sampled_from(["udf", "native"]),
    single=st.booleans(),
    as_json=st.booleans(),
    data=st.data(),
)
def test_mutated_project_lists(source: str, mode: str, single: bool, as_json: bool, data: st.DataObject) -> None:
    text, kind = list_sources()[source]
    mutations: list[ListMutation] = data.draw(
        st.lists(st.one_of(list_data_mutations, list_text_mutations(kind, CANARY)), min_size=1, max_size=3),
        label="mutations",
    )
    mutated = mutate_list(text, kind, mutations)
    with scene() as where:
        listed = where.put(f"清单.{kind}", mutated.encode("utf-8", "surrogatepass"))
        list_commands(where, listed, f"{source} with {mutations}", mode, single, as_json)
        assert not (where.cwd / CANARY).exists(), "a YAML tag ran code"


@PROPERTY
@given(mutations=MUTATIONS, mode=st.sampled_from(["udf", "native"]), single=st.booleans(), as_json=st.booleans())
def test_mutated_project_list_workbooks(mutations: list[Mutation], mode: str, single: bool, as_json: bool) -> None:
    content = mutate_workbook(LIST_WORKBOOK.read_bytes(), mutations)
    with scene() as where:
        listed = where.put("项目清单.xlsx", content)
        what = f"项目清单.xlsx with {mutations}"
        list_commands(where, listed, what, mode, single, as_json)
        # recalc takes it for a returned form: it is no form, and must be left as it is
        _run(where, what, "recalc", str(listed))

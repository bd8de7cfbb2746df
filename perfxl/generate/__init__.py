"""The generator: one 自评表 per project of a list, stamped from the template, computing itself."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from perfxl.core.form import FormInput, evaluate_form
from perfxl.core.profile import Profile
from perfxl.errors import InputError, Problem
from perfxl.generate.book import file_stem, write_book
from perfxl.projectlist import ProjectList, load_project_list
from perfxl.template.loader import FormTemplate, load_template

MODES = ("udf", "native")
# udf forms carry their VBA project (the UDF wrappers and the button's macro): macro-enabled workbooks.
SUFFIXES = {"udf": ".xlsm", "native": ".xlsx"}
# Below this many forms, starting worker processes costs more than it saves.
PARALLEL_THRESHOLD = 40
CHUNK = 10  # forms per task: small enough for a smooth progress bar

Progress = Callable[[int, int], None]


def default_template() -> Path:
    return Path(str(resources.files("perfxl") / "templates" / "自评表.xlsx"))


@dataclass(frozen=True)
class Job:
    template: Path
    mode: str
    year: int
    list_name: str
    profile: Profile


def _check_forms(project_list: ProjectList) -> None:
    empty = [form.name for form in project_list.forms if not form.indicators]
    if empty:
        raise InputError([Problem(project_list.path.name, "没有绩效指标，无法生成自评表", name,
                                  "indicators（绩效指标）") for name in empty])


def generate(list_path: str | Path, out_dir: str | Path, *, mode: str = "udf", single: str | Path | None = None,
             template_path: str | Path | None = None, on_progress: Progress | None = None,
             workers: int | None = None) -> list[Path]:
    """Write the forms of a project list; InputError before anything is written if the input is unusable."""
    if mode not in MODES:
        raise InputError([Problem("--mode", f"计算方式应为 {' 或 '.join(MODES)}，当前为「{mode}」")])
    project_list = load_project_list(list_path)
    _check_forms(project_list)
    template_file = Path(template_path) if template_path else default_template()
    template = load_template(template_file)
    job = Job(template_file, mode, project_list.year, project_list.path.name, project_list.profile)
    forms = project_list.forms
    out = Path(out_dir)
    if single is not None:
        results = [evaluate_form(form, job.profile) for form in forms]
        path = Path(single)
        if path.suffix.lower() != SUFFIXES[mode]:
            path = path.with_suffix(SUFFIXES[mode])
        if not path.is_absolute() and path.parent == Path("."):
            path = out / path
        written = [write_book(path, results, template, mode, job.year, job.list_name, index=True)]
        if on_progress:
            on_progress(len(results), len(results))
        return written
    taken: set[str] = set()
    targets = [out / f"{file_stem(job.year, form.name, taken)}{SUFFIXES[mode]}" for form in forms]
    return _write_each(forms, targets, template, job, on_progress, workers)


def _write_each(forms: Sequence[FormInput], targets: Sequence[Path], template: FormTemplate, job: Job,
                on_progress: Progress | None, workers: int | None) -> list[Path]:
    total = len(forms)
    count = workers if workers is not None else (os.cpu_count() or 1)
    if count <= 1 or total < PARALLEL_THRESHOLD:
        for done, (form, target) in enumerate(zip(forms, targets, strict=True), start=1):
            write_book(target, [evaluate_form(form, job.profile)], template, job.mode, job.year, job.list_name,
                       index=False)
            if on_progress:
                on_progress(done, total)
        return list(targets)
    # Workers read the template once each; forms travel as their inputs and are evaluated there.
    chunks = [range(i, min(i + CHUNK, total)) for i in range(0, total, CHUNK)]
    done = 0
    with ProcessPoolExecutor(max_workers=count, initializer=_init_worker, initargs=(job,)) as pool:
        futures = [pool.submit(_write_chunk, [(forms[i], targets[i]) for i in chunk]) for chunk in chunks]
        for future in futures:
            done += future.result()
            if on_progress:
                on_progress(done, total)
    return list(targets)


_WORKER: dict[str, object] = {}


def _init_worker(job: Job) -> None:
    _WORKER["job"] = job
    _WORKER["template"] = load_template(job.template)


def _write_chunk(items: list[tuple[FormInput, Path]]) -> int:
    job: Job = _WORKER["job"]  # type: ignore[assignment]
    template: FormTemplate = _WORKER["template"]  # type: ignore[assignment]
    for form, target in items:
        write_book(target, [evaluate_form(form, job.profile)], template, job.mode, job.year, job.list_name,
                   index=False)
    return len(items)

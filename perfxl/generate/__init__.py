"""The generator: one 自评表 per project of a list, stamped from the template, computing itself."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from perfxl.core.form import FormInput, FormResult, evaluate_form
from perfxl.core.profile import Profile
from perfxl.errors import InputError, Problem
from perfxl.form_template.loader import FormTemplate, load_template
from perfxl.generate.book import ReplaceRefused, write_book
from perfxl.generate.existing import describe, look_at, lost_values, typed_values
from perfxl.naming import NamingError, file_name_problems, file_names, folder_limits
from perfxl.output import file_identity
from perfxl.parallel import run_jobs
from perfxl.projectlist import ProjectList, load_project_list
from perfxl.workbook.xlsx_book import XlsxBook

MODES = ("udf", "native")
# udf forms carry their VBA project (the UDF wrappers and the button's macro): macro-enabled workbooks.
SUFFIXES = {"udf": ".xlsm", "native": ".xlsx"}
# Below this many forms, starting worker processes costs more than it saves.
PARALLEL_THRESHOLD = 40
CHUNK = 10  # forms per task: small enough for a smooth progress bar

Progress = Callable[[int, int], None]


def default_template() -> Path:
    return Path(str(resources.files("perfxl") / "template_workbooks" / "自评表.xlsx"))


@dataclass(frozen=True)
class Job:
    template: Path
    mode: str
    year: int
    list_name: str
    profile: Profile
    force: bool = False


@dataclass(frozen=True)
class LeftAlone:
    """A target path the generator did not write, and why (Chinese)."""

    path: Path
    reason: str


class Generated(list[Path]):
    """The files written, in the list's order; ``left_alone``: targets kept as they were (see existing.py)."""

    def __init__(self, written: Sequence[Path] = (), left_alone: Sequence[LeftAlone] = ()) -> None:
        super().__init__(written)
        self.left_alone = list(left_alone)


# A --single workbook's largest parts (workbook.xml with the forms' defined names, the metadata sheet) grow
# some 4 and 7 KB a form: a thousand forms stay well within perfxl.limits.MAX_PART_BYTES (8 MB).
MAX_SINGLE_FORMS = 1000


def _check_forms(project_list: ProjectList) -> None:
    empty = [form.name for form in project_list.forms if not form.indicators]
    if empty:
        raise InputError(
            [
                Problem(project_list.path.name, "没有绩效指标，无法生成自评表", name, "绩效指标（indicators）")
                for name in empty
            ]
        )


def generate(
    list_path: str | Path,
    out_dir: str | Path,
    *,
    mode: str = "udf",
    single: str | Path | None = None,
    template_path: str | Path | None = None,
    on_progress: Progress | None = None,
    workers: int | None = None,
    force: bool = False,
) -> Generated:
    """Write the forms of the project list at ``list_path`` (YAML, JSON or a 项目清单 workbook): see
    :func:`generate_forms`. InputError before anything is written if the input is unusable."""
    _check_mode(mode)
    return generate_forms(
        load_project_list(list_path),
        out_dir,
        mode=mode,
        single=single,
        template_path=template_path,
        on_progress=on_progress,
        workers=workers,
        force=force,
    )


def generate_forms(
    project_list: ProjectList,
    out_dir: str | Path,
    *,
    mode: str = "udf",
    single: str | Path | None = None,
    template_path: str | Path | None = None,
    on_progress: Progress | None = None,
    workers: int | None = None,
    force: bool = False,
) -> Generated:
    """Write the forms of a project list held in memory; InputError before anything is written if the
    input is unusable.

    Every target name is made and checked first. A target holding something the generator may not
    replace (a filled form, a file perfxl did not make) is left alone unless ``force``; an input of
    the run (the list at ``project_list.path``, if there is such a file, and the template) is never a
    target. The forms' metadata names the list by ``project_list.path.name``.
    """
    _check_mode(mode)
    _check_forms(project_list)
    template_file = Path(template_path) if template_path else default_template()
    template = load_template(template_file)
    job = Job(template_file, mode, project_list.year, project_list.path.name, project_list.profile, force)
    forms = project_list.forms
    out = Path(out_dir)
    if single is not None and len(forms) > MAX_SINGLE_FORMS:
        raise InputError(
            [
                Problem(
                    "--single",
                    f"清单中有 {len(forms)} 个项目，一个工作簿最多放 {MAX_SINGLE_FORMS} 张"
                    "自评表（更大的工作簿超出 perfxl 读取一个部件的上限，收回后无法检查）："
                    "请把清单分成几份分别生成，或不用 --single、每个项目一个文件",
                )
            ]
        )
    targets = [_single_target(single, out, mode)] if single is not None else _form_targets(project_list, out, mode)
    _never_an_input(targets, {"项目清单": project_list.path, "模板": template_file})
    if single is not None:
        results = [evaluate_form(form, job.profile) for form in forms]
        outcome = _write_target(targets[0], results, template, job, index=True)
        if on_progress:
            on_progress(len(results), len(results))
        return _collect([outcome])
    return _collect(_write_each(forms, targets, template, job, on_progress, workers))


def _check_mode(mode: str) -> None:
    if mode not in MODES:
        raise InputError([Problem("--mode", f"计算方式应为 {' 或 '.join(MODES)}，当前为「{mode}」")])


def _single_target(single: str | Path, out: Path, mode: str) -> Path:
    path = Path(single)
    if path.suffix.lower() != SUFFIXES[mode]:
        path = path.with_suffix(SUFFIXES[mode])
    if not path.is_absolute() and path.parent == Path("."):
        path = out / path
    reasons = file_name_problems(path.name, folder_limits(path.parent))
    if reasons:
        raise InputError([Problem("--single", f"文件名「{path.name}」{'；'.join(reasons)}，请换一个文件名")])
    return path


def _form_targets(project_list: ProjectList, out: Path, mode: str) -> list[Path]:
    stems = [f"{project_list.year}_{form.name}" for form in project_list.forms]
    try:
        names = file_names(stems, SUFFIXES[mode], folder_limits(out))
    except NamingError as exc:
        raise InputError([Problem(str(out), str(exc))]) from None
    return [out / name for name in names]


def _never_an_input(targets: Sequence[Path], inputs: dict[str, Path]) -> None:
    """An output of the run never replaces one of its inputs, however the path is spelled or linked."""
    identities = {file_identity(path): (label, path) for label, path in inputs.items() if path.exists()}
    problems = []
    for target in targets:
        if target.exists() and (found := identities.get(file_identity(target))) is not None:
            label, path = found
            problems.append(
                Problem(
                    str(target),
                    f"要写入的文件就是本次使用的{label}「{path.name}」，不能覆盖：请换一个输出文件夹或文件名",
                )
            )
    if problems:
        raise InputError(problems)


def _collect(outcomes: Sequence[Path | LeftAlone]) -> Generated:
    return Generated([o for o in outcomes if isinstance(o, Path)], [o for o in outcomes if isinstance(o, LeftAlone)])


def _write_target(
    target: Path, results: Sequence[FormResult], template: FormTemplate, job: Job, index: bool
) -> Path | LeftAlone:
    """Write one workbook, unless what is at ``target`` may not be replaced (see perfxl.generate.existing)."""
    if job.force:
        if target.is_dir():
            return LeftAlone(target, "是一个文件夹")
        existing = None
    else:
        existing = look_at(target)
        if existing is not None and not existing.replaceable:
            return LeftAlone(target, existing.reason)

    def keeps_typed_values(temporary: Path) -> str | None:
        """Why the new workbook may not replace the old one: typed values it does not hold."""
        if existing is None or existing.blank:
            return None
        with XlsxBook(temporary) as book:
            lost = lost_values(existing, typed_values(book))
        return describe(existing, lost) if lost else None

    try:
        return write_book(
            target, results, template, job.mode, job.year, job.list_name, index=index, refuse=keeps_typed_values
        )
    except ReplaceRefused as refused:
        return LeftAlone(target, refused.reason)


def _write_each(
    forms: Sequence[FormInput],
    targets: Sequence[Path],
    template: FormTemplate,
    job: Job,
    on_progress: Progress | None,
    workers: int | None,
) -> list[Path | LeftAlone]:
    """Each form to its file, spread over the cores by the shared loop (perfxl.parallel): workers read the
    template once each, forms travel as their inputs and are evaluated there; an interrupt stops cleanly."""
    _WORKER.update(job=job, template=template)  # serially, this process is the worker
    items = list(zip(forms, targets, strict=True))
    return list(
        run_jobs(
            _write_one,
            items,
            threshold=PARALLEL_THRESHOLD,
            chunk=CHUNK,
            workers=workers,
            initializer=_init_worker,
            initargs=(job,),
            on_progress=on_progress,
        )
    )


_WORKER: dict[str, object] = {}


def _init_worker(job: Job) -> None:
    if _WORKER.get("job") != job:
        _WORKER["job"] = job
        _WORKER["template"] = load_template(job.template)


def _write_one(item: tuple[FormInput, Path]) -> Path | LeftAlone:
    form, target = item
    job: Job = _WORKER["job"]  # type: ignore[assignment]
    template: FormTemplate = _WORKER["template"]  # type: ignore[assignment]
    return _write_target(target, [evaluate_form(form, job.profile)], template, job, index=False)

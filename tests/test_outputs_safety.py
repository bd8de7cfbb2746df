"""No output replaces an input or a file perfxl did not write; writes go through links and keep hard links.

Real files in tmp_path: generated forms, a project list workbook, files of other programs, symbolic and
hard links; ``perfxl`` run as a user runs it, and what is on disk afterwards compared byte for byte.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import zipfile
from pathlib import Path

import openpyxl
import pytest

from perfxl.batch.marks import PDF_KEYWORD, REPORT, SUMMARY, is_perfxl_pdf, workbook_mark
from perfxl.cli import bundled_example
from perfxl.generate import generate
from perfxl.output import atomic_path
from perfxl.output_errors import OutputError
from tests.support.filesystems import fill, perfxl, tmpfs
from tests.support.office import require_libreoffice
from tests.support.workbooks import named_values

WORK, EXAMS = "2022_业务工作经历.xlsx", "2022_鉴定考务经费.xlsx"
LIST_WORKBOOK = Path(bundled_example()).with_name("2022-two-projects.xlsx")


@pytest.fixture(scope="module")
def native(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("native")
    generate(bundled_example(), folder, mode="native")
    return folder


@pytest.fixture
def forms(native: Path, tmp_path: Path) -> Path:
    """tmp_path/收回: the two returned forms."""
    folder = tmp_path / "收回"
    shutil.copytree(native, folder)
    return folder


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` (links as what they point to) with its bytes."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def refused(run, *words: str) -> None:
    assert run.returncode == 2, run.stdout + run.stderr
    assert "Traceback" not in run.stderr and "内部错误" not in run.stderr, run.stderr
    for word in words:
        assert word in run.stderr, run.stderr


# -- an output never replaces an input ------------------------------------------------------------


@pytest.mark.slow
def test_summary_never_replaces_an_input_form(forms: Path, tmp_path: Path) -> None:
    before = snapshot(tmp_path)
    for extra in ((), ("--force",)):  # --force does not allow it either
        run = perfxl("summary", "收回", "-o", f"收回/{WORK}", *extra, cwd=tmp_path)
        refused(run, f"「收回/{WORK}」是本次要读取的文件", "-o 另选一个文件名", "未写入任何文件")
        assert snapshot(tmp_path) == before


@pytest.mark.slow
def test_report_never_replaces_an_input_form_or_project_list(forms: Path, tmp_path: Path) -> None:
    shutil.copyfile(LIST_WORKBOOK, tmp_path / "清单.xlsx")
    before = snapshot(tmp_path)
    run = perfxl("check", "收回", "--report", f"收回/{EXAMS}", cwd=tmp_path)
    refused(run, f"「收回/{EXAMS}」是本次要读取的文件", "--report 另选一个文件名")
    run = perfxl("check", "清单.xlsx", "--report", "清单.xlsx", "--force", cwd=tmp_path)
    refused(run, "「清单.xlsx」是本次要读取的文件")
    run = perfxl("summary", "清单.xlsx", "-o", "清单", cwd=tmp_path)  # 清单 → 清单.xlsx: the list itself
    refused(run, "「清单.xlsx」是本次要读取的文件")
    assert snapshot(tmp_path) == before


@pytest.mark.slow
def test_an_input_reached_through_a_link_is_still_an_input(forms: Path, tmp_path: Path) -> None:
    (tmp_path / "链接.xlsx").symlink_to(forms / WORK)
    os.link(forms / EXAMS, tmp_path / "硬链接.xlsx")
    before = snapshot(tmp_path)
    for name in ("链接.xlsx", "硬链接.xlsx"):
        refused(perfxl("summary", "收回", "-o", name, "--force", cwd=tmp_path), f"「{name}」是本次要读取的文件")
    assert snapshot(tmp_path) == before
    assert (tmp_path / "链接.xlsx").is_symlink()


# -- only perfxl's own earlier output is replaced without --force -----------------------------------


@pytest.mark.slow
def test_summary_replaces_its_own_output_and_nothing_else(forms: Path, tmp_path: Path) -> None:
    assert perfxl("summary", "收回", "-o", "汇总.xlsx", cwd=tmp_path).returncode == 0
    first = (tmp_path / "汇总.xlsx").stat().st_ino
    run = perfxl("summary", "收回", "-o", "汇总.xlsx", cwd=tmp_path)  # its own output: replaced
    assert run.returncode == 0, run.stderr
    assert (tmp_path / "汇总.xlsx").stat().st_ino != first  # a new file, renamed onto the old one
    assert workbook_mark(tmp_path / "汇总.xlsx").kind == SUMMARY

    (tmp_path / "说明.xlsx").write_bytes(b"a colleague's notes")
    run = perfxl("summary", "收回", "-o", "说明.xlsx", cwd=tmp_path)
    refused(run, "「说明.xlsx」已存在，且不是 perfxl 生成的汇总表", "未覆盖", "--force")
    assert (tmp_path / "说明.xlsx").read_bytes() == b"a colleague's notes"
    run = perfxl("summary", "收回", "-o", "说明.xlsx", "--force", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert workbook_mark(tmp_path / "说明.xlsx") is not None


@pytest.mark.slow
def test_a_summary_and_a_report_do_not_replace_each_other(forms: Path, tmp_path: Path) -> None:
    assert perfxl("summary", "收回", "-o", "汇总.xlsx", cwd=tmp_path).returncode == 0
    assert perfxl("check", "收回", "--report", "问题清单.xlsx", cwd=tmp_path).returncode == 0
    assert workbook_mark(tmp_path / "问题清单.xlsx").kind == REPORT
    before = snapshot(tmp_path)
    refused(perfxl("check", "收回", "--report", "汇总.xlsx", cwd=tmp_path), "是 perfxl 生成的汇总表，不是问题清单")
    refused(perfxl("summary", "收回", "-o", "问题清单.xlsx", cwd=tmp_path), "是 perfxl 生成的问题清单，不是汇总表")
    assert snapshot(tmp_path) == before
    run = perfxl("check", "收回", "--report", "问题清单.xlsx", cwd=tmp_path)
    assert run.returncode == 0 and "问题清单已写入：问题清单.xlsx" in run.stdout


@pytest.mark.slow
def test_an_output_saved_by_another_program_needs_force(forms: Path, tmp_path: Path) -> None:
    written_last_year = {"SOURCE_DATE_EPOCH": "1672531200"}  # perfxl's created time: 2023-01-01
    run = perfxl("check", "收回", "--report", "问题清单.xlsx", cwd=tmp_path, environment=written_last_year)
    assert run.returncode == 0, run.stderr
    assert not workbook_mark(tmp_path / "问题清单.xlsx").edited
    book = openpyxl.load_workbook(tmp_path / "问题清单.xlsx")  # another program opens and saves it
    book.active["A1"] = "已核对"
    book.save(tmp_path / "问题清单.xlsx")
    assert workbook_mark(tmp_path / "问题清单.xlsx").edited
    before = (tmp_path / "问题清单.xlsx").read_bytes()
    refused(perfxl("check", "收回", "--report", "问题清单.xlsx", cwd=tmp_path), "此后已被其他程序修改并保存过")
    assert (tmp_path / "问题清单.xlsx").read_bytes() == before
    assert perfxl("check", "收回", "--report", "问题清单.xlsx", "--force", cwd=tmp_path).returncode == 0
    assert not workbook_mark(tmp_path / "问题清单.xlsx").edited


@pytest.mark.slow
def test_outputs_in_the_folder_of_returned_forms_are_no_inputs(forms: Path, tmp_path: Path) -> None:
    assert perfxl("summary", "收回", "-o", "收回/汇总.xlsx", cwd=tmp_path).returncode == 0
    assert perfxl("check", "收回", "--report", "收回/问题清单.xlsx", cwd=tmp_path).returncode == 0
    run = perfxl("summary", "收回", "-o", "收回/汇总.xlsx", cwd=tmp_path)  # the old summary is in 收回 now
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "已汇总 2 张自评表：收回/汇总.xlsx"  # not counted as an unusable file
    assert "[跳过] 收回/汇总.xlsx：是 perfxl 生成的汇总表，不是自评表" in run.stderr
    assert "[跳过] 收回/问题清单.xlsx：是 perfxl 生成的问题清单，不是自评表" in run.stderr
    run = perfxl("recalc", "收回", cwd=tmp_path)
    assert run.returncode == 0 and "已重新计算 2 个文件；" in run.stdout, run.stdout + run.stderr


def test_marks_are_read_from_real_files(forms: Path, tmp_path: Path) -> None:
    assert workbook_mark(forms / WORK) is None  # a generated form is no output of the batch
    assert workbook_mark(LIST_WORKBOOK) is None
    (tmp_path / "x.xlsx").write_bytes(b"PK\x03\x04 not really a zip")
    assert workbook_mark(tmp_path / "x.xlsx") is None
    assert workbook_mark(tmp_path / "missing.xlsx") is None
    pdf = tmp_path / "a.pdf"
    pdf.write_bytes(b"%PDF-1.4\n1 0 obj <</Keywords (" + PDF_KEYWORD.encode() + b")>> endobj\n%%EOF\n")
    assert is_perfxl_pdf(pdf)
    pdf.write_bytes(b"%PDF-1.4\n1 0 obj <</Keywords (perfxl-other)>> endobj\n%%EOF\n")
    assert not is_perfxl_pdf(pdf)
    assert not is_perfxl_pdf(forms / WORK)


# -- output names -----------------------------------------------------------------------------------


@pytest.mark.slow
def test_an_output_name_without_xlsx_gets_it(forms: Path, tmp_path: Path) -> None:
    run = perfxl("summary", "收回", "-o", "汇总", cwd=tmp_path)
    assert run.returncode == 0 and run.stdout.strip().endswith("：汇总.xlsx"), run.stdout + run.stderr
    assert perfxl("summary", "收回", "-o", "旧格式.xls", cwd=tmp_path).returncode == 0
    assert perfxl("check", "收回", "--report", "问题清单.2022", cwd=tmp_path).returncode == 0
    names = {p.name for p in tmp_path.iterdir() if p.is_file()}
    assert names == {"旧格式.xlsx", "问题清单.2022.xlsx", "汇总.xlsx"}
    assert all(zipfile.is_zipfile(p) for p in tmp_path.iterdir() if p.is_file())


@pytest.mark.slow
def test_a_folder_where_a_file_name_is_needed(forms: Path, tmp_path: Path) -> None:
    (tmp_path / "输出").mkdir()
    before = snapshot(tmp_path)
    refused(
        perfxl("summary", "收回", "-o", "输出", cwd=tmp_path),
        "-o 应给出汇总表的文件名，「输出」是文件夹：请写成 输出/汇总.xlsx 这样的文件名",
    )
    refused(perfxl("summary", "收回", "-o", "新文件夹/", cwd=tmp_path), "「新文件夹/」是文件夹")
    refused(perfxl("check", "收回", "--report", "输出/", cwd=tmp_path), "--report 应给出问题清单的文件名")
    assert snapshot(tmp_path) == before and not (tmp_path / "新文件夹").exists()


@pytest.mark.slow
def test_a_missing_output_folder_is_created(forms: Path, tmp_path: Path) -> None:
    run = perfxl("summary", "收回", "-o", "二〇二二/汇总/汇总表", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert workbook_mark(tmp_path / "二〇二二" / "汇总" / "汇总表.xlsx").kind == SUMMARY


# -- recalc writes through links and keeps hard links ----------------------------------------------


@pytest.mark.slow
def test_recalc_keeps_hard_links(forms: Path, tmp_path: Path) -> None:
    os.link(forms / WORK, tmp_path / "另一个名字.xlsx")
    inode = (forms / WORK).stat().st_ino
    before = (forms / WORK).read_bytes()
    run = perfxl("recalc", "另一个名字.xlsx", cwd=tmp_path)
    assert run.returncode == 0, run.stdout + run.stderr
    for path in (forms / WORK, tmp_path / "另一个名字.xlsx"):
        assert path.stat().st_ino == inode and path.stat().st_nlink == 2
        (names,) = named_values(path).values()
        assert names["PERFXL_STAMP"][0].startswith("重新计算：")
    assert (forms / WORK).read_bytes() != before
    assert zipfile.ZipFile(forms / WORK).testzip() is None
    assert sorted(p.name for p in forms.iterdir()) == [WORK, EXAMS]  # no temporary or backup file left


@pytest.mark.slow
def test_recalc_of_a_folder_writes_through_the_links_in_it(forms: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "别处"
    elsewhere.mkdir()
    (forms / EXAMS).rename(elsewhere / EXAMS)
    (forms / EXAMS).symlink_to(Path("..") / "别处" / EXAMS)  # a relative link inside the folder given
    os.chmod(elsewhere / EXAMS, 0o640)
    before = (elsewhere / EXAMS).read_bytes()
    run = perfxl("recalc", "收回", cwd=tmp_path)
    assert run.returncode == 0, run.stdout + run.stderr
    assert (forms / EXAMS).is_symlink() and os.readlink(forms / EXAMS) == str(Path("..") / "别处" / EXAMS)
    assert (elsewhere / EXAMS).read_bytes() != before
    assert stat.S_IMODE((elsewhere / EXAMS).stat().st_mode) == 0o640  # the permissions it had
    assert sorted(p.name for p in elsewhere.iterdir()) == [EXAMS]


def test_a_hard_linked_file_is_restored_when_writing_it_in_place_fails(tmp_path: Path) -> None:
    """The disk fills while the new, larger content is copied into the hard-linked file: the old
    content is written back, both names keep it, and no temporary or backup file is left."""
    with tmpfs(tmp_path / "disk", "512k") as disk:
        original, other = disk / "表.xlsx", disk / "表的另一个名字.xlsx"
        original.write_bytes(b"old " * 2048)  # 8 KB
        os.link(original, other)
        filler = fill(disk, leave=160 * 1024)  # room for the new 100 KB and the 8 KB backup, not for both
        new = os.urandom(100 * 1024)
        with pytest.raises(OutputError) as raised, atomic_path(original) as temporary:
            temporary.write_bytes(new)
            free = os.statvfs(disk).f_bavail * os.statvfs(disk).f_frsize
            assert 8 * 1024 < free < len(new) - 8 * 1024  # the backup fits, the file's growth does not
        assert "磁盘已满" in str(raised.value) and f"「{original}」" in str(raised.value)
        assert original.read_bytes() == b"old " * 2048 and other.stat().st_ino == original.stat().st_ino
        assert sorted(p.name for p in disk.iterdir()) == sorted([original.name, other.name, filler.name])
        filler.unlink()
        with atomic_path(other) as temporary:  # with room, in place through either name
            temporary.write_bytes(new)
        assert original.read_bytes() == new and original.stat().st_nlink == 2


def test_a_pipe_or_device_is_never_replaced(tmp_path: Path) -> None:
    pipe = tmp_path / "汇总.xlsx"
    os.mkfifo(pipe)
    with pytest.raises(OutputError, match="不是普通文件"), atomic_path(pipe) as temporary:
        temporary.write_bytes(b"x")
    assert stat.S_ISFIFO(os.lstat(pipe).st_mode) and list(tmp_path.iterdir()) == [pipe]


# -- pdf ----------------------------------------------------------------------------------------------


@pytest.mark.libreoffice
def test_pdf_replaces_only_pdfs_it_exported(forms: Path, tmp_path: Path) -> None:
    require_libreoffice()
    run = perfxl("pdf", "收回", "-o", "收回", cwd=tmp_path)  # into the folder of the forms: no input replaced
    assert run.returncode == 0, run.stdout + run.stderr
    pdfs = [forms / WORK.replace(".xlsx", ".pdf"), forms / EXAMS.replace(".xlsx", ".pdf")]
    assert all(is_perfxl_pdf(p) for p in pdfs)
    forms_before = {p.name: p.read_bytes() for p in forms.glob("*.xlsx")}

    pdfs[1].write_bytes(b"%PDF-1.4 someone else's PDF")
    before = snapshot(forms)
    run = perfxl("pdf", "收回", "-o", "收回", cwd=tmp_path)
    refused(run, f"「收回/{pdfs[1].name}」已存在，且不是 perfxl 导出的 PDF", "未导出任何 PDF", "--force")
    assert snapshot(forms) == before  # the perfxl PDF beside it was not replaced either

    published = tmp_path / "公开" / pdfs[0].name  # a PDF that is a link: written through
    published.parent.mkdir()
    pdfs[0].rename(published)
    pdfs[0].symlink_to(published)
    inode = published.stat().st_ino
    run = perfxl("pdf", "收回", "-o", "收回", "--force", cwd=tmp_path)
    assert run.returncode == 0, run.stdout + run.stderr
    assert all(is_perfxl_pdf(p) for p in pdfs)
    assert pdfs[0].is_symlink() and published.stat().st_ino != inode and is_perfxl_pdf(published)
    assert {p.name: p.read_bytes() for p in forms.glob("*.xlsx")} == forms_before
    assert sorted(p.name for p in forms.iterdir()) == sorted([*forms_before, *(p.name for p in pdfs)])


# -- the README says what happens ------------------------------------------------------------------

README = Path(__file__).parents[1] / "README.md"
SYSTEM_PYTHON = Path("/usr/bin/python3")
UDF_FORMS = ["2022_业务工作经历.xlsm", "2022_鉴定考务经费.xlsm"]  # udf is the default mode


def readme_first_command() -> str:
    block = README.read_text(encoding="utf-8").split("```bash\n", 1)[1].split("```", 1)[0]
    return next(line for line in block.splitlines() if line and not line.startswith("#"))


@pytest.mark.slow
def test_generate_writes_the_names_the_readme_gives(tmp_path: Path) -> None:
    text = README.read_text(encoding="utf-8")
    assert "2022_项目名称.xlsm（native 方式为 .xlsx）" in text
    assert "--single 全部自评表.xlsm     # 全部项目放进 ./自评表/全部自评表.xlsm" in text
    assert perfxl("generate", cwd=tmp_path).returncode == 0
    assert sorted(p.name for p in (tmp_path / "自评表").iterdir()) == UDF_FORMS
    run = perfxl("generate", "--single", "全部自评表.xlsx", cwd=tmp_path)  # the suffix follows the mode
    assert run.returncode == 0 and run.stdout.strip().endswith("：自评表/全部自评表.xlsm"), run.stdout + run.stderr
    assert perfxl("generate", "--single", "全部自评表.xlsm", "-o", ".", cwd=tmp_path).returncode == 0
    assert (tmp_path / "全部自评表.xlsm").is_file()


@pytest.mark.slow
@pytest.mark.network
def test_the_readme_first_command_works_on_the_system_python(tmp_path: Path) -> None:
    """On Debian's own Python, whose pip refuses to install into the system (PEP 668), the README's first
    command makes a virtual environment, installs perfxl from PyPI's packages into it and generates."""
    if (
        not SYSTEM_PYTHON.is_file()
        or subprocess.run([SYSTEM_PYTHON, "-c", "import ensurepip, venv"], capture_output=True, check=False).returncode
        != 0
    ):
        pytest.skip("no system Python with venv here")
    checkout = tmp_path / "perfxl"
    checkout.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copyfile(README.with_name(name), checkout / name)
    shutil.copytree(README.with_name("perfxl"), checkout / "perfxl", ignore=shutil.ignore_patterns("__pycache__"))
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": os.environ.get("HOME", str(tmp_path)),
        "LANG": "C.UTF-8",
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
    }
    command = readme_first_command()
    assert command == "python3 -m venv .venv && . .venv/bin/activate && pip install -e . && perfxl generate"
    if list(SYSTEM_PYTHON.parent.parent.glob("lib/python3*/EXTERNALLY-MANAGED")):
        refused = subprocess.run(
            ["bash", "-c", "python3 -m pip install -e ."],
            cwd=checkout,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        assert refused.returncode != 0 and "externally-managed-environment" in refused.stderr  # the old command
    run = subprocess.run(
        ["bash", "-c", command], cwd=checkout, env=env, capture_output=True, text=True, check=False, timeout=600
    )
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    assert sorted(p.name for p in (checkout / "自评表").iterdir()) == UDF_FORMS

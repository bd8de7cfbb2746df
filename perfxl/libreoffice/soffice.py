"""Finding soffice, throwaway user installations, process-tree cleanup and ``--convert-to``.

Every soffice run gets its own user installation (LibreOffice's ``-env:UserInstallation``, often called
its user profile; not "profile" here, which in perfxl is the scoring :class:`perfxl.core.profile.Profile`),
seeded with ``registrymodifications.xcu`` (recalculate every
formula on load, never trust cached values) and a fontconfig file that maps 宋体/仿宋_GB2312/黑体 to
Noto CJK SC. Nothing is read from or written to the user's own LibreOffice settings.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Callable, Sequence
from importlib import resources
from pathlib import Path
from types import TracebackType
from xml.sax.saxutils import escape

from perfxl.core.errors import PerfxlError

SOFFICE_CANDIDATES = ("/usr/bin/soffice", "/usr/lib/libreoffice/program/soffice")
SYSTEM_FONTCONFIG = "/etc/fonts/fonts.conf"
INSTALL_HINT = "请安装 LibreOffice：sudo bash scripts/install-system-packages.sh"


class LibreOfficeError(PerfxlError, RuntimeError):
    """LibreOffice is missing, failed, or timed out; the message is in Chinese for the user."""


def find_soffice() -> Path:
    """The soffice launcher: ``$PERFXL_SOFFICE``, then ``soffice`` on PATH, then the Debian locations."""
    override = os.environ.get("PERFXL_SOFFICE")
    candidates = [override] if override else []
    found = shutil.which("soffice")
    candidates += [found] if found else []
    candidates += list(SOFFICE_CANDIDATES)
    for candidate in candidates:
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return Path(candidate)
    raise LibreOfficeError(f"找不到 LibreOffice（soffice 命令）。{INSTALL_HINT}")


def _package_text(name: str) -> str:
    return (resources.files(__package__) / name).read_text(encoding="utf-8")


class UserInstallation:
    """A throwaway LibreOffice user installation plus the environment to run soffice with.

    ``path/user/registrymodifications.xcu`` forces a full recalculation on load (or, with
    ``recalculate=False``, forbids it, so that the values stored in the file are shown: what a PDF of a
    form perfxl has recalculated should print, since LibreOffice cannot run perfxl's UDFs; with
    ``recalculate=None`` LibreOffice keeps its own defaults, as on a user's PC);
    ``path/fonts.conf`` includes the system fontconfig and then the Chinese font-name mappings shipped
    with perfxl. The directory is removed by :meth:`cleanup` (or on leaving the ``with`` block).
    """

    def __init__(self, prefix: str = "perfxl-lo-", *, recalculate: bool | None = True) -> None:
        self.path = Path(tempfile.mkdtemp(prefix=prefix))
        user = self.path / "user"
        user.mkdir()
        if recalculate is not None:
            settings = _package_text("registrymodifications.xcu")
            if not recalculate:  # RecalcMode 0: always, 1: never
                settings = settings.replace("<value>0</value>", "<value>1</value>")
            (user / "registrymodifications.xcu").write_text(settings, encoding="utf-8")
        mappings = self.path / "perfxl-fonts.conf"
        mappings.write_text(_package_text("fonts.conf"), encoding="utf-8")
        self.fontconfig_file = self.path / "fonts.conf"
        self.fontconfig_file.write_text(_fontconfig_wrapper(mappings), encoding="utf-8")

    @property
    def uri(self) -> str:
        return self.path.as_uri()

    @property
    def env(self) -> dict[str, str]:
        """The current environment with FONTCONFIG_FILE pointing at this installation's fonts.conf."""
        env = dict(os.environ)
        env["FONTCONFIG_FILE"] = str(self.fontconfig_file)
        env.pop("FONTCONFIG_PATH", None)
        return env

    def soffice_args(self) -> list[str]:
        return [
            str(find_soffice()),
            "--headless",
            "--invisible",
            "--norestore",
            "--nologo",
            "--nodefault",
            "--nolockcheck",
            f"-env:UserInstallation={self.uri}",
        ]

    def cleanup(self) -> None:
        shutil.rmtree(self.path, ignore_errors=True)

    def __enter__(self) -> UserInstallation:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.cleanup()


def _fontconfig_wrapper(mappings: Path) -> str:
    system = os.environ.get("FONTCONFIG_FILE") or SYSTEM_FONTCONFIG
    return (
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n'
        f'  <include ignore_missing="yes">{escape(system)}</include>\n'
        f"  <include>{escape(str(mappings))}</include>\n</fontconfig>\n"
    )


def kill_process_group(process: subprocess.Popen, grace: float = 0.0) -> None:
    """End a process started with ``start_new_session=True`` and everything it spawned.

    soffice is a shell script that starts oosplash, which starts soffice.bin: killing only the first
    would leave the real office running. With ``grace`` > 0 the group gets SIGTERM first.
    """
    if process.poll() is None and grace > 0:
        _signal_group(process, signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=grace)
    _signal_group(process, signal.SIGKILL)
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=10)


def _signal_group(process: subprocess.Popen, sig: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, sig)


def _run_soffice(
    sources: list[Path], out: Path, fmt: str, timeout: float, recalculate: bool | None = True
) -> tuple[str, int | None, float]:
    """One soffice run converting ``sources`` into ``out``: its log, exit code and duration."""
    with UserInstallation(recalculate=recalculate) as installation:
        log = installation.path / "soffice.log"
        with log.open("wb") as sink:
            process = subprocess.Popen(
                [*installation.soffice_args(), "--convert-to", fmt, "--outdir", str(out), *(str(s) for s in sources)],
                env=installation.env,
                stdin=subprocess.DEVNULL,
                stdout=sink,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
            started = time.monotonic()
            try:
                process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                kill_process_group(process)
                names = "、".join(s.name for s in sources[:3]) + ("等" if len(sources) > 3 else "")
                raise LibreOfficeError(f"LibreOffice 转换 {names} 超时（{timeout:.0f} 秒），已终止") from None
            finally:
                kill_process_group(process)  # stray children (oosplash, soffice.bin) of a finished run
        output = log.read_text(encoding="utf-8", errors="replace").strip()
    return output, process.returncode, time.monotonic() - started


def _target(source: Path, out: Path, fmt: str) -> Path:
    return out / f"{source.stem}.{fmt.split(':', 1)[0].strip().lower()}"


def convert(
    src: str | os.PathLike[str], out_dir: str | os.PathLike[str], fmt: str = "pdf", *, timeout: float = 120.0
) -> Path:
    """Convert one file with ``soffice --headless --convert-to FMT`` and return the output's path.

    ``fmt`` is what soffice takes, e.g. ``"pdf"``, ``"xlsx"``, ``"ods"`` or ``"csv:Text - txt - csv
    (StarCalc):44,34,76"`` (the part before ``:`` is the output extension). Formulas are recalculated
    on load. soffice exits 0 even when it fails, so success means the output file exists and is not
    empty; otherwise, and on timeout (the whole soffice process tree is killed), LibreOfficeError.
    """
    source = Path(src).resolve()
    if not source.is_file():
        raise LibreOfficeError(f"要转换的文件不存在：{source}")
    out = Path(out_dir).resolve()
    out.mkdir(parents=True, exist_ok=True)
    target = _target(source, out, fmt)
    if target == source:
        raise LibreOfficeError(f"输出文件与源文件相同（{source}），请换一个输出目录")
    target.unlink(missing_ok=True)
    output, code, seconds = _run_soffice([source], out, fmt, timeout)
    if not target.is_file() or target.stat().st_size == 0:
        detail = f"：{output[-500:]}" if output else ""
        raise LibreOfficeError(
            f"LibreOffice 未能把 {source.name} 转换为 {target.suffix[1:]}（用时 "
            f"{seconds:.1f} 秒，退出码 {code}）{detail}"
        )
    return target


def convert_many(
    sources: Sequence[str | os.PathLike[str]],
    out_dir: str | os.PathLike[str],
    fmt: str = "pdf",
    *,
    batch: int = 25,
    timeout_per_file: float = 60.0,
    recalculate: bool | None = True,
    on_progress: Callable[[int, int], None] | None = None,
) -> tuple[list[Path], list[tuple[Path, str]]]:
    """Convert many files, a batch per soffice run (starting soffice costs a second each time).

    ``recalculate=False`` shows the values stored in the files instead of recomputing them; ``None``
    keeps LibreOffice's defaults (it then computes only the formulas without a cached result).

    Returns the outputs written and, for each file that gave none, the reason in Chinese; one bad file
    does not stop the others. Files whose outputs would share a name go to different runs, in order.
    """
    out = Path(out_dir).resolve()
    out.mkdir(parents=True, exist_ok=True)
    pending = [Path(s).resolve() for s in sources]
    written: list[Path] = []
    failed: list[tuple[Path, str]] = []
    done = 0
    while pending:
        run: list[Path] = []
        later: list[Path] = []
        stems: set[str] = set()
        for source in pending:
            if len(run) < batch and source.stem not in stems:
                run.append(source)
                stems.add(source.stem)
            else:
                later.append(source)
        pending = later
        for source in run:
            _target(source, out, fmt).unlink(missing_ok=True)
        try:
            _run_soffice(run, out, fmt, timeout_per_file * len(run), recalculate)
            reason = "LibreOffice 未能转换（文件可能已损坏或不是工作簿）"
        except LibreOfficeError as exc:
            reason = str(exc)
        for source in run:
            target = _target(source, out, fmt)
            if target.is_file() and target.stat().st_size > 0:
                written.append(target)
            else:
                failed.append((source, reason))
        done += len(run)
        if on_progress:
            on_progress(done, len(sources))
    return written, failed

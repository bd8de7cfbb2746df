"""The test markers keep their word: a test that starts soffice or reaches a package index says so.

``-m "not libreoffice"`` and ``-m "not network"`` are only worth something if no test forgets its marker.
:class:`MarkerGuard` (registered by ``tests/conftest.py``) checks it on every run:

- soffice: for the whole session ``PERFXL_SOFFICE`` points at a small wrapper that notes each start in a
  file named by ``PERFXL_TEST_SOFFICE_LOG`` (one per test, set before the test's fixtures are made) and
  then runs the real soffice. A test without the ``libreoffice`` marker that started soffice in its setup,
  call or teardown (itself, through a fixture, or through a ``perfxl`` child process, which inherits the
  environment) fails with a message saying so.
- network: a test without the ``network`` marker runs with ``PIP_NO_INDEX=1``, so any pip it runs (its
  only way to the internet: xlwings releases, wheels for the wheelhouse, a fresh virtual environment)
  cannot reach an index and the test fails where it would otherwise need the network.
"""

from __future__ import annotations

import os
import shlex
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from perfxl.libreoffice import LibreOfficeError, find_soffice

SOFFICE_LOG = "PERFXL_TEST_SOFFICE_LOG"
LIBREOFFICE, NETWORK = "libreoffice", "network"
LOG_KEY = pytest.StashKey[Path]()


def soffice_wrapper(folder: Path, real: Path) -> Path:
    """An executable that notes its start in ``$PERFXL_TEST_SOFFICE_LOG`` and then becomes ``real``.

    ``exec`` keeps the process (and its process group, which perfxl kills on timeout) the same."""
    wrapper = folder / "soffice"
    wrapper.write_text(
        "#!/bin/sh\n"
        f'if [ -n "${SOFFICE_LOG}" ]; then echo "$$ $*" >> "${SOFFICE_LOG}"; fi\n'
        f'exec {shlex.quote(str(real))} "$@"\n',
        encoding="utf-8",
    )
    wrapper.chmod(0o755)
    return wrapper


class MarkerGuard:
    def __init__(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="perfxl-marker-guard-"))
        self.saved = {name: os.environ.get(name) for name in ("PERFXL_SOFFICE", SOFFICE_LOG, "PIP_NO_INDEX")}
        self.count = 0
        try:
            real: Path | None = find_soffice()
        except LibreOfficeError:
            real = None  # nothing can start soffice; require_libreoffice() skips (or fails in CI)
        if real is not None:
            os.environ["PERFXL_SOFFICE"] = str(soffice_wrapper(self.folder, real))

    def close(self) -> None:
        for name, value in self.saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        shutil.rmtree(self.folder, ignore_errors=True)

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_protocol(self, item: pytest.Item) -> Iterator[None]:
        self.count += 1
        log = self.folder / f"{self.count}.log"
        item.stash[LOG_KEY] = log
        os.environ[SOFFICE_LOG] = str(log)
        offline = item.get_closest_marker(NETWORK) is None
        if offline:
            os.environ["PIP_NO_INDEX"] = "1"
        try:
            yield
        finally:
            os.environ.pop(SOFFICE_LOG, None)
            if offline:
                if self.saved["PIP_NO_INDEX"] is None:
                    os.environ.pop("PIP_NO_INDEX", None)
                else:
                    os.environ["PIP_NO_INDEX"] = self.saved["PIP_NO_INDEX"]
            log.unlink(missing_ok=True)

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_makereport(self, item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
        outcome = yield
        report: pytest.TestReport = outcome.get_result()
        log = item.stash.get(LOG_KEY, None)
        if log is None or not log.is_file() or item.get_closest_marker(LIBREOFFICE) is not None:
            return
        starts = log.read_text(encoding="utf-8").splitlines()
        log.unlink()  # reported once, in the phase that started it
        report.outcome = "failed"
        report.longrepr = (
            f"{item.nodeid} started soffice {len(starts)} time(s) (during {call.when}) but has no "
            f"@pytest.mark.{LIBREOFFICE}: mark it (or its module) so that "
            f'-m "not {LIBREOFFICE}" leaves it out. First start: soffice {starts[0]}'
        )


def install_marker_guard(config: pytest.Config) -> None:
    """Register the guard for this session (``tests/conftest.py``; ``-p tests.support.markers`` elsewhere)."""
    guard = MarkerGuard()
    config.pluginmanager.register(guard, "perfxl-marker-guard")
    config.add_cleanup(guard.close)


pytest_configure = install_marker_guard

"""perfxl.parallel, the loop of every batch, with real worker processes and real signals: results in order,
a worker's death costs only its item, Ctrl-C stops after the items under way, a second one aborts them
with their cleanup run (no temporary file left)."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest

from perfxl.interrupts import Interrupted
from perfxl.output import atomic_path
from perfxl.parallel import run_jobs

THRESHOLD, CHUNK = 4, 3


def square(item: int) -> tuple[int, int]:
    return item, os.getpid()


def die_on_seven(item: int) -> int:
    if item == 7:
        os._exit(3)  # as the kernel's OOM killer or a crash in a C library would end the worker
    return item * 10


_INITIALISED: list[str] = []


def remember(tag: str) -> None:
    _INITIALISED.append(tag)


def initialised(item: int) -> list[str]:
    return list(_INITIALISED)


def write_and_interrupt(job: tuple[Path, int, int, int]) -> int:
    """Write item's file atomically; at item ``at``, send ``signals`` SIGINTs to ``target_pid`` meanwhile."""
    folder, item, at, signals = job
    with atomic_path(folder / f"{item}.txt") as temporary:
        temporary.write_text(str(item))
        if item == at:
            target = os.getppid() if os.getpid() != TEST_PID else os.getpid()
            for _ in range(signals):
                os.kill(target, signal.SIGINT)
                time.sleep(0.3)  # signals of one kind do not queue: let the handler see each
            time.sleep(3 if signals > 1 else 0)  # an abort ends this sleep at once
    return item


TEST_PID = os.getpid()


@pytest.mark.parametrize("workers", [1, 2])
def test_results_come_in_the_order_of_the_items(workers: int) -> None:
    items = list(range(20))
    results = list(run_jobs(square, items, threshold=THRESHOLD, chunk=CHUNK, workers=workers))
    assert [item for item, _ in results] == items
    pids = {pid for _, pid in results}
    assert (pids == {os.getpid()}) if workers == 1 else (os.getpid() not in pids)


def test_progress_counts_up_to_the_total() -> None:
    seen: list[tuple[int, int]] = []
    list(
        run_jobs(
            square,
            list(range(10)),
            threshold=THRESHOLD,
            chunk=CHUNK,
            workers=2,
            on_progress=lambda done, total: seen.append((done, total)),
        )
    )
    assert seen == [(3, 10), (6, 10), (9, 10), (10, 10)]


def test_initializer_runs_in_workers_and_in_this_process_when_serial() -> None:
    _INITIALISED.clear()
    parallel = list(
        run_jobs(
            initialised,
            list(range(8)),
            threshold=THRESHOLD,
            chunk=CHUNK,
            workers=2,
            initializer=remember,
            initargs=("job",),
        )
    )
    assert all(tags == ["job"] for tags in parallel)
    assert _INITIALISED == []  # the workers' state is theirs
    serial = list(
        run_jobs(
            initialised, [1, 2], threshold=THRESHOLD, chunk=CHUNK, workers=2, initializer=remember, initargs=("job",)
        )
    )
    assert serial == [["job"], ["job"]]


@pytest.mark.slow
def test_a_dead_worker_costs_only_its_item() -> None:
    items = list(range(20))
    results = list(
        run_jobs(die_on_seven, items, threshold=THRESHOLD, chunk=CHUNK, workers=2, lost=lambda item: f"lost {item}")
    )
    assert results == [f"lost {item}" if item == 7 else item * 10 for item in items]


def test_a_dead_worker_is_an_error_where_no_item_may_be_lost() -> None:
    from concurrent.futures.process import BrokenProcessPool

    with pytest.raises(BrokenProcessPool):
        list(run_jobs(die_on_seven, list(range(20)), threshold=THRESHOLD, chunk=CHUNK, workers=2))


@pytest.mark.parametrize("workers", [1, 2])
@pytest.mark.slow
def test_ctrl_c_finishes_the_items_under_way_and_says_how_many_were_done(tmp_path: Path, workers: int) -> None:
    jobs = [(tmp_path, item, 5, 1) for item in range(40)]
    done = []
    with pytest.raises(Interrupted) as caught:
        for result in run_jobs(write_and_interrupt, jobs, threshold=THRESHOLD, chunk=CHUNK, workers=workers):
            done.append(result)
    stop = caught.value
    assert (stop.signum, stop.exit_code, stop.total) == (signal.SIGINT, 130, 40)
    assert stop.done == len(done) and 5 in done and len(done) < 40
    assert sorted(int(p.stem) for p in tmp_path.iterdir()) == sorted(done)  # only whole files, nothing else
    assert stop.message() == f"已中断：已处理 {len(done)}/40 个文件。"
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # handlers restored


@pytest.mark.parametrize("workers", [1, 2])
@pytest.mark.slow
def test_a_second_ctrl_c_aborts_the_item_under_way_and_its_cleanup_runs(tmp_path: Path, workers: int) -> None:
    jobs = [(tmp_path, item, 5, 2) for item in range(40)]
    started = time.monotonic()
    done = []
    with pytest.raises(Interrupted) as caught:
        for result in run_jobs(write_and_interrupt, jobs, threshold=THRESHOLD, chunk=CHUNK, workers=workers):
            done.append(result)
    assert time.monotonic() - started < 3  # the aborted item's sleep did not run out
    assert 5 not in done and caught.value.done == len(done)
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == sorted(f"{item}.txt" for item in done)  # item 5: neither its file nor a temporary one

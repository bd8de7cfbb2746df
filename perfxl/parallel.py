"""Work on many items, spread over worker processes when there are enough of them, stopping cleanly.

The one loop behind every batch (check, recalc, summary, pdf, generate):

- results come back in the order of the items;
- Ctrl-C or TERM lets the items under way finish, returns their results and raises
  :class:`~perfxl.interrupts.Interrupted` naming how many were done; a second signal aborts the items
  under way (an exception inside each, so that its cleanup runs and its file stays as it was);
- workers never outlive the parent: they ignore Ctrl-C (the parent decides), look at TERM only between
  items, and each watches its parent, leaving when it is gone;
- a worker that dies (killed by the system, crashed) costs only the items it may have been working on.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import CancelledError, Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from types import FrameType
from typing import Any, TypeVar

from perfxl.interrupts import Interrupted, stop_requests

Item = TypeVar("Item")
Result = TypeVar("Result")
Progress = Callable[[int, int], None]

# The state shared with the workers: 0 runs, 1 asks them to stop after the item under way, 2 to abort it.
RUN, STOP, ABORT = 0, 1, 2
# How long a worker whose parent is gone may take to finish its item before it leaves anyway.
ORPHAN_GRACE = 60.0
# How long a worker given TERM waits between items for the parent to say it is stopping too.
TERM_GRACE = 0.5
# Sent by the parent to abort the items under way (a second Ctrl-C); Windows has none: there the items finish.
ABORT_SIGNAL: signal.Signals | None = getattr(signal, "SIGUSR1", None)


def run_jobs(
    work: Callable[[Item], Result],
    items: Sequence[Item],
    *,
    threshold: int,
    chunk: int,
    workers: int | None = None,
    initializer: Callable[..., None] | None = None,
    initargs: tuple[Any, ...] = (),
    on_progress: Progress | None = None,
    lost: Callable[[Item], Result] | None = None,
) -> Iterator[Result]:
    """``work(item)`` for each item, its results in the order of ``items``.

    Serially in this process below ``threshold`` items or with one worker, else in a process pool,
    ``chunk`` items per task. ``work`` and the items must pickle (a module-level function). ``initializer``
    runs once in every process that does work (this one too, when serial). ``lost(item)`` is the result of
    an item whose worker process died while it may have been working on it; without ``lost`` that is an
    error (BrokenProcessPool).
    """
    count = workers if workers is not None else (os.cpu_count() or 1)
    if count <= 1 or len(items) < threshold:
        return _serial(work, items, initializer, initargs, on_progress)
    return _parallel(work, items, count, chunk, initializer, initargs, on_progress, lost)


def _serial(
    work: Callable[[Item], Result],
    items: Sequence[Item],
    initializer: Callable[..., None] | None,
    initargs: tuple[Any, ...],
    on_progress: Progress | None,
) -> Iterator[Result]:
    if initializer is not None:
        initializer(*initargs)
    total, done = len(items), 0

    def abort(signum: int) -> None:
        raise Interrupted(signum)

    with stop_requests(on_first=lambda: None, on_second=abort) as request:
        for item in items:
            if request.signum is not None:
                break
            try:
                result = work(item)
            except Interrupted as exc:
                raise Interrupted(exc.signum, done, total) from None
            done += 1
            yield result
            if on_progress:
                on_progress(done, total)
        if request.signum is not None:
            raise Interrupted(request.signum, done, total)


def _parallel(
    work: Callable[[Item], Result],
    items: Sequence[Item],
    count: int,
    chunk: int,
    initializer: Callable[..., None] | None,
    initargs: tuple[Any, ...],
    on_progress: Progress | None,
    lost: Callable[[Item], Result] | None,
) -> Iterator[Result]:
    total, done = len(items), 0
    state = multiprocessing.RawValue("b", RUN)
    pools: list[ProcessPoolExecutor] = []

    def new_pool(size: int) -> ProcessPoolExecutor:
        pool = ProcessPoolExecutor(max_workers=size, initializer=_start_worker, initargs=(state, initializer, initargs))
        pools.append(pool)
        return pool

    def stop() -> None:
        state.value = STOP  # chunks not begun return at once: no future is cancelled (3.11 cannot then break)

    def abort(signum: int) -> None:
        state.value = ABORT
        if ABORT_SIGNAL is not None:
            for pool in pools:  # the executor's own record of its processes: it has no public one
                for pid in list(getattr(pool, "_processes", None) or ()):
                    _signal_quietly(pid, ABORT_SIGNAL)

    chunks = [items[i : i + chunk] for i in range(0, total, chunk)]
    with stop_requests(on_first=stop, on_second=abort) as request:
        try:
            pool = new_pool(count)
            futures = [pool.submit(_run_chunk, work, part) for part in chunks]
            for part, future in zip(chunks, futures, strict=True):
                results = _results(future)
                if results is None:  # a worker died, taking the pool and this chunk's task down
                    results = [] if state.value != RUN else list(_isolated(work, part, new_pool, state, lost))
                done += len(results)
                yield from results
                if on_progress:
                    on_progress(done, total)
        finally:
            state.value = max(state.value, STOP)  # on an error or an early close, what has not begun never will
            for each in pools:
                each.shutdown(wait=True)
        if request.signum is not None:
            raise Interrupted(request.signum, done, total)


def _results(future: Future[list[Result]]) -> list[Result] | None:
    """A chunk's results (those of its items done before a stop request); None when its worker died."""
    try:
        return future.result()
    except CancelledError:
        return []
    except BrokenProcessPool:
        return None


def _isolated(
    work: Callable[[Item], Result],
    items: Sequence[Item],
    new_pool: Callable[[int], ProcessPoolExecutor],
    state: Any,
    lost: Callable[[Item], Result] | None,
) -> Iterator[Result]:
    """After a worker died: the items one at a time, each in a worker of its own, so that an item that
    kills its worker again is known and given up (``lost``), and every other one is done."""
    pool: ProcessPoolExecutor | None = None
    for item in items:
        if state.value != RUN:
            return
        pool = pool or new_pool(1)
        future = pool.submit(_run_chunk, work, [item])
        try:
            results = future.result()
        except BrokenProcessPool:
            if lost is None:
                raise
            pool.shutdown(wait=True)
            pool = None
            yield lost(item)
            continue
        yield from results


def _signal_quietly(pid: int, number: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):  # it has just left
        os.kill(pid, number)


# --- in the worker processes -----------------------------------------------------------------------------


class _Worker:
    state: Any = None  # shared with the parent: RUN, STOP or ABORT
    busy = False  # an item is under way


def _start_worker(state: Any, initializer: Callable[..., None] | None, initargs: tuple[Any, ...]) -> None:
    _Worker.state = state
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole process group: the parent decides
    if ABORT_SIGNAL is not None:
        signal.signal(ABORT_SIGNAL, _on_abort)
    if hasattr(signal, "pthread_sigmask"):
        # TERM waits for a moment between items (see _leave_if_told), never cuts a file or a message to the
        # parent in half. Blocked before the watcher thread starts, which inherits the mask.
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM})
    threading.Thread(target=_watch_parent, name="perfxl-watch-parent", daemon=True).start()
    if initializer is not None:
        initializer(*initargs)


def _on_abort(signum: int, frame: FrameType | None) -> None:
    if _Worker.busy and _Worker.state.value == ABORT:
        raise Interrupted(signal.SIGTERM)


def _told_to_stop() -> bool:
    """Between items: whether to hand back what is done. A TERM waiting means the parent is stopping too
    (a TERM to the whole process group): return to it; or the pool is ending this worker, or someone
    ended it alone: leave now, holding no lock of the pool's queues."""
    if _Worker.state.value != RUN:
        return True
    if not hasattr(signal, "sigpending") or signal.SIGTERM not in signal.sigpending():
        return False
    deadline = time.monotonic() + TERM_GRACE
    while _Worker.state.value == RUN and time.monotonic() < deadline:
        time.sleep(0.02)
    if _Worker.state.value == RUN:
        os._exit(128 + signal.SIGTERM)
    return True


def _watch_parent() -> None:
    """Leave when the parent is gone (killed, crashed): finish the item under way, then exit."""
    parent = multiprocessing.parent_process()
    if parent is None:  # pragma: no cover - workers always have one
        return
    parent.join()
    deadline = time.monotonic() + ORPHAN_GRACE
    while _Worker.busy and time.monotonic() < deadline:
        time.sleep(0.05)
    os._exit(1)


def _run_chunk(work: Callable[[Item], Result], items: Sequence[Item]) -> list[Result]:
    results: list[Result] = []
    try:
        for item in items:
            if _told_to_stop():
                break
            _Worker.busy = True
            results.append(work(item))
            _Worker.busy = False
    except Interrupted:
        pass  # aborted: the item under way cleaned up after itself and is not counted
    finally:
        _Worker.busy = False
    return results

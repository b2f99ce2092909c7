"""Runs conformance cases in worker processes, N at a time, and gives their results back in
case order (``ts26927 conformance run --jobs N``).

Theory of operation. A pool of N worker processes, started by ``spawn`` (no state copied
from the runner's process), takes one case at a time. For every case a worker makes a fresh
implementation with the run's factory — for a harness program that is a harness process of
its own — runs the case against it exactly as a serial run does (:func:`run_case`, with the
description the runner took once) and stops it. So a case never sees what an earlier case
left in an implementation, and the results do not depend on which worker ran which case.
A factory that fails makes that case an ``error`` with the reason; the other cases run on.

The results come back as they are in a serial run, in case order, each as soon as it and
every case before it are done: a report built from them differs from a serial run's only in
its timings.

Stopping. Ctrl-C (or any exception in the caller while results are awaited) cancels the
cases not started and sends each worker SIGTERM. Workers ignore Ctrl-C themselves: the
runner's process decides. In a worker a watcher thread, not the main thread (a signal may
land on any thread, and the main thread may be deep in a wait), takes the SIGTERM: it stops
the implementation of the case under way, harness process included, so that the case ends
at once, and lets the worker take no other case. A worker that has not exited after
:data:`STOP_GRACE_S` exits anyway (and the runner kills it). The watcher does the same when
the runner's process dies without a word (SIGKILL, or SIGTERM when a CI job is cancelled),
so nothing is left running either way.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import multiprocessing.connection
import os
import signal
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, wait
from types import FrameType

from ts26927.bindings.base import Implementation, ImplementationInfo
from ts26927.errors import Ts26927Error

from .case import TestCase
from .runner import RunParameters, run_case
from .verdict import CaseResult, Verdict

#: Time a worker told to stop has to stop its implementation and exit before it is killed.
STOP_GRACE_S = 15.0
#: How often the wait for a result wakes up to see a signal.
_WAKE_S = 0.2
_STOPPED = "the run was stopped before the case ran"

#: Makes one implementation; called in a worker, so it must pickle (a module-level function,
#: or a ``functools.partial`` of one with picklable arguments).
Factory = Callable[[], Implementation]


def run_in_processes(
    cases: Sequence[TestCase],
    factory: Factory,
    info: ImplementationInfo,
    params: RunParameters | None = None,
    *,
    jobs: int,
) -> Iterator[CaseResult]:
    """Run ``cases`` in ``jobs`` worker processes, each against its own ``factory()``;
    yield their results in case order. Close the iterator (``contextlib.closing``) if you
    stop before the end: that stops the workers and their implementations."""
    if jobs < 1:
        raise ValueError(f"jobs must be 1 or more, not {jobs}")
    if not cases:
        return
    pool = ProcessPoolExecutor(
        max_workers=min(jobs, len(cases)),
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_in_worker,
    )
    try:
        futures = [pool.submit(_run_one, factory, case, info, params) for case in cases]
        for case, future in zip(cases, futures, strict=True):
            yield _result_of(case, future)
    except BaseException:  # Ctrl-C, or the caller closed the iterator early
        _abandon(pool)
        raise
    pool.shutdown()


def _result_of(case: TestCase, future: Future[CaseResult]) -> CaseResult:
    # Wait in short slices: a signal may be delivered to another thread of this process,
    # and a wait without a timeout would see Ctrl-C only when the case ends.
    while not future.done():
        wait([future], timeout=_WAKE_S)
    try:
        return future.result()
    except Exception as error:  # the worker died (killed, out of memory) or broke
        return _error(case, f"the worker process running the case broke: {error!r}", 0.0)


def _error(case: TestCase, reason: str, duration_s: float) -> CaseResult:
    return CaseResult(
        case.id,
        case.title,
        case.clause,
        case.flow,
        case.role.value,
        Verdict.ERROR,
        None,
        reason,
        duration_s,
    )


def _abandon(pool: ProcessPoolExecutor) -> None:
    """Cancel what has not started, tell every worker to stop, kill those that do not."""
    workers = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for worker in workers:
        if worker.is_alive():
            worker.terminate()
    deadline = time.monotonic() + STOP_GRACE_S
    for worker in workers:
        worker.join(max(0.0, deadline - time.monotonic()))
        if worker.is_alive():
            worker.kill()
            worker.join()


# -- in a worker ---------------------------------------------------------------------------

_lock = threading.Lock()
_stopping = False  # told to stop: take no other case
_busy = False  # a case is under way (its implementation may be starting)
_current: Implementation | None = None


def _run_one(
    factory: Factory, case: TestCase, info: ImplementationInfo, params: RunParameters | None
) -> CaseResult:
    """One case against an implementation of its own, stopped after it."""
    global _busy
    with _lock:
        if _stopping:
            return _error(case, _STOPPED, 0.0)
        _busy = True
    try:
        return _run_own(factory, case, info, params)
    finally:
        with _lock:
            _busy = False


def _run_own(
    factory: Factory, case: TestCase, info: ImplementationInfo, params: RunParameters | None
) -> CaseResult:
    global _current
    start = time.perf_counter()
    try:
        iut = factory()
    except Exception as error:  # whatever a factory raises: this case's error, not a crash
        detail = (
            str(error) if isinstance(error, Ts26927Error) else f"{type(error).__name__}: {error}"
        )
        return _error(
            case,
            f"the implementation could not be started for this case: {detail}",
            time.perf_counter() - start,
        )
    with _lock:
        stopping = _stopping
        if not stopping:
            _current = iut
    try:
        return _error(case, _STOPPED, 0.0) if stopping else run_case(case, iut, info, params)
    finally:
        _stop(iut)
        with _lock:
            _current = None


def _stop(iut: Implementation) -> None:
    with contextlib.suppress(Exception):
        iut.stop()


def _in_worker() -> None:
    """Signals in a worker: every one wakes the watcher thread (``set_wakeup_fd``); the main
    thread's handlers do nothing. Handlers, not SIG_IGN: a harness program started by the
    worker gets the default dispositions back."""
    readable, writable = os.pipe()
    os.set_blocking(writable, False)
    signal.set_wakeup_fd(writable, warn_on_full_buffer=False)
    signal.signal(signal.SIGINT, _ignore)
    signal.signal(signal.SIGTERM, _ignore)
    parent = multiprocessing.parent_process()
    sentinels = [readable] + ([parent.sentinel] if parent is not None else [])
    threading.Thread(target=_watch, args=(sentinels,), name="stop-watch", daemon=True).start()


def _ignore(signum: int, frame: FrameType | None) -> None:
    pass


def _watch(sentinels: list[int]) -> None:
    """Wait for SIGTERM or the runner's end; then take no other case, stop the case's
    implementation (a harness process: kill it, as often as it is started afresh) until the
    case has ended (within the grace time), and exit."""
    global _stopping
    readable = sentinels[0]
    while True:
        ready = multiprocessing.connection.wait(sentinels)
        if readable not in ready or signal.SIGTERM in os.read(readable, 64):
            break
    with _lock:
        _stopping = True
    stopped: Implementation | None = None
    deadline = time.monotonic() + STOP_GRACE_S
    while time.monotonic() < deadline:
        with _lock:
            busy, iut = _busy, _current
        if not busy:
            break
        if iut is not None and iut is not stopped:
            # In a thread of its own: a binding's stop may wait for the call under way.
            threading.Thread(target=_stop, args=(iut,), daemon=True).start()
            stopped = iut
        # A harness process dies at once, and again should the binding start it afresh
        # for the next call, so that the case ends now.
        pid = getattr(iut, "pid", None)
        if isinstance(pid, int):
            with contextlib.suppress(OSError):
                os.killpg(pid, signal.SIGKILL)
        time.sleep(0.1)
    os._exit(128 + signal.SIGTERM)


__all__ = ["STOP_GRACE_S", "Factory", "run_in_processes"]
